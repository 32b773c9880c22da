"""Discrete-event engine: integer-ns clock, one event heap, one seeded RNG, fibers.

The engine knows nothing of kernels. Events are ordered by the total key
``(time_ns, priority, seq)``; ``seq`` is a monotonic counter, so events at the
same time and priority run in the order they were scheduled (FIFO).

Fibers are greenlets. Exactly one guarded primitive moves control between them:
:meth:`Engine.switch`. A fiber *parks* by switching to the engine's main loop
(``engine.main``) and is *resumed* when an event switches back into it.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable
from random import Random
from typing import Any

from greenlet import GreenletExit, greenlet

_getcurrent = greenlet.getcurrent

__all__ = [
    "Engine",
    "Fiber",
    "InternalError",
    "StalledError",
    "PRIO_HW",
    "PRIO_IRQ",
    "PRIO_CPU",
    "PRIO_SCENARIO",
]

# Priorities for events at the same instant: lower runs first.
PRIO_SCENARIO = 0  # scenario actions (m.at): the world acts first
PRIO_HW = 1  # hardware models drive lines and registers
PRIO_IRQ = 2  # interrupt delivery to a CPU
PRIO_CPU = 3  # a CPU finishes a stretch of busy work


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


class Fiber:
    """A greenlet-backed thread of control, parked and resumed by the engine."""

    __slots__ = ("name", "glet", "blocked_on", "stuck_if_idle", "__weakref__")

    def __init__(self, engine: Engine, name: str, run: Callable[[], None]) -> None:
        self.name = name
        self.glet = greenlet(run, parent=engine.main)
        #: What the fiber is blocked on (a human-readable description), or None.
        self.blocked_on: str | None = None
        #: Whether staying blocked when the run dries up is an error.
        self.stuck_if_idle = False


class Engine:
    """Clock, event queue, RNG and fiber switching."""

    def __init__(self, seed: int = 0) -> None:
        self.now = 0
        self.seed = seed
        #: The kernel's stream: scheduling and interrupt-entry jitter.
        self.rng = Random(seed)
        self._streams: dict[str, Random] = {}
        self._heap: list[list[Any]] = []
        self._seq = 0
        self.main = greenlet.getcurrent()
        self.fibers: list[Fiber] = []
        self.running = False
        self.events_run = 0
        self._limit: int | None = None
        self._stop: Callable[[], bool] | None = None

    # -- events ---------------------------------------------------------------
    def at(self, when: int, prio: int, fn: Callable[..., Any], *args: Any) -> list[Any]:
        """Schedule ``fn(*args)`` at absolute time ``when``; returns a cancellable handle."""
        if when < self.now:
            raise InternalError(f"event scheduled in the past ({when} < {self.now})")
        self._seq += 1
        entry = [when, prio, self._seq, fn, args]
        heapq.heappush(self._heap, entry)
        return entry

    @staticmethod
    def cancel(entry: list[Any] | None) -> None:
        """Cancel an event handle (idempotent)."""
        if entry is not None:
            entry[3] = None

    def advance_to(self, when: int) -> bool:
        """Fast path for a fiber waiting until ``when``: if no other event can run before it,
        move the clock there directly (exactly what popping its own event would do) and
        return True. Performance shortcut: saves a heap round trip and two switches.

        Under ``run(stop=...)`` the current event ends here, so the stop predicate is evaluated
        first, as the loop would: when it holds, the fiber parks and the loop returns."""
        limit = self._limit
        if limit is not None and when > limit:
            return False
        heap = self._heap
        while heap and heap[0][3] is None:
            heapq.heappop(heap)
        if heap and heap[0][0] <= when:
            return False
        stop = self._stop
        if stop is not None and stop():
            return False
        self.now = when
        self.events_run += 1
        return True

    def next_time(self) -> int | None:
        """Time of the next live event, or None."""
        heap = self._heap
        while heap and heap[0][3] is None:
            heapq.heappop(heap)
        return heap[0][0] if heap else None

    def run(self, until: int | None = None, stop: Callable[[], bool] | None = None) -> None:
        """Run events up to and including time ``until`` (or until the queue is empty).

        ``stop``, a predicate without side effects, is checked after every event; the run ends
        early when it returns True.
        """
        if greenlet.getcurrent() is not self.main:
            raise InternalError("Engine.run called from inside a fiber")
        heap = self._heap
        pop = heapq.heappop
        self.running = True
        self._limit = until if until is not None else None
        self._stop = stop
        try:
            while heap:
                entry = heap[0]
                fn = entry[3]
                if fn is None:
                    pop(heap)
                    continue
                if until is not None and entry[0] > until:
                    break
                pop(heap)
                self.now = entry[0]
                entry[3] = None
                self.events_run += 1
                fn(*entry[4])
                if stop is not None and stop():
                    return
            if until is not None and until > self.now:
                self.now = until
        finally:
            self.running = False
            self._limit = None
            self._stop = None
        if until is None and stop is None:
            blocked = [(f.name, f.blocked_on or "?") for f in self.fibers if f.stuck_if_idle and f.blocked_on]
            if blocked:
                raise StalledError(self.now, blocked)

    # -- fibers ---------------------------------------------------------------
    def fiber(self, name: str, run: Callable[[], None]) -> Fiber:
        """Create a fiber that will execute ``run`` when first switched to."""

        def body(*_: Any) -> None:
            try:
                run()
            except GreenletExit:
                return

        f = Fiber(self, name, body)
        self.fibers.append(f)
        return f

    def forget(self, fiber: Fiber) -> None:
        """Stop tracking a finished fiber."""
        try:
            self.fibers.remove(fiber)
        except ValueError:
            pass

    def switch(self, target: greenlet, value: Any = None) -> Any:
        """The one switching primitive: transfer control to ``target``.

        Parking is ``switch(engine.main)``; resuming is ``switch(fiber.glet, signal)``.
        Returns the value the next switch back into the caller carries.
        """
        if target.dead:
            raise InternalError("switch to a finished fiber")
        if target is _getcurrent():
            raise InternalError("a fiber switched to itself")
        return target.switch(value)

    def random(self) -> float:
        """A float in [0, 1) from the kernel's stream (:attr:`rng`)."""
        return self.rng.random()

    def stream(self, name: str) -> Random:
        """The random stream named ``name`` ("button:GPIO17", "nic:eth0"), seeded from the run's seed
        and the name alone, so a hardware model draws the same values whatever the kernel does: every
        bottom-half mechanism sees the very same presses and packets for a given seed. Asking again for
        a name returns the same stream."""
        rng = self._streams.get(name)
        if rng is None:
            # A str seed is hashed with SHA-512 (random.seed version 2): stable across processes and
            # independent of PYTHONHASHSEED.
            rng = self._streams[name] = Random(f"{self.seed}/{name}")
        return rng

    def pending(self) -> Iterable[list[Any]]:
        """Live events (for diagnostics)."""
        return (e for e in self._heap if e[3] is not None)
