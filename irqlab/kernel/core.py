"""The simulated kernel instance and the lookup of the running one.

Driver-facing functions find "the kernel" through :func:`kernel`, the way C code
finds per-CPU state: there is exactly one running simulation at a time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from irqlab.sim.errors import NotInSimulationError

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel


class _Current:
    __slots__ = ("k",)

    def __init__(self) -> None:
        self.k: Kernel | None = None


#: Final, so that compiled code reads it directly rather than from the module's dict at each lookup.
current_kernel: Final = _Current()


def kernel() -> Kernel:
    """The running kernel; raises NotInSimulationError outside a simulation."""
    k = current_kernel.k
    if k is None:
        raise NotInSimulationError(
            "this kernel API can only be called from code running inside a simulation: "
            "call it from a module's module_init, a kthread started with m.spawn(), "
            "an interrupt handler, a timer, a tasklet or a work item, then m.run()"
        )
    return k


def on_cpu() -> Kernel:
    """The running kernel, checking that the caller executes on a simulated CPU."""
    k = current_kernel.k
    if k is None:
        return kernel()  # raises NotInSimulationError
    if k.cpu is None:
        raise NotInSimulationError(
            "this kernel API was called from a scenario action (m.at), which runs outside "
            "every CPU: do the work in a kthread (m.spawn) or an interrupt handler instead"
        )
    return k
