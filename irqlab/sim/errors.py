"""The engine's errors. Plain Python classes (kept out of the compiled engine: mypyc does not compile
subclasses of RuntimeError)."""

from __future__ import annotations


class InternalError(RuntimeError):
    """A broken invariant inside irqlab itself: please file a bug."""

    def __init__(self, msg: str) -> None:
        super().__init__(f"{msg} (this is an irqlab bug: please report it with the scenario and seed)")


class StalledError(RuntimeError):
    """The run dried up while fibers are blocked forever."""

    def __init__(self, now: int, blocked: list[tuple[str, str]]) -> None:
        self.blocked = blocked
        lines = "\n".join(f"  {name}: waiting on {what}" for name, what in blocked)
        super().__init__(
            f"simulation stalled at {now} ns: nothing left to do but {len(blocked)} "
            f"task(s) are blocked forever:\n{lines}\n"
            "Wake them (complete(), wake_up(), ...) or run with until= to stop earlier."
        )


class NotInSimulationError(RuntimeError):
    """A kernel API was called outside a running simulation (raised by irqlab.kernel.core; defined here so that
    kernel/core.py compiles and interpreted code can still derive from it)."""
