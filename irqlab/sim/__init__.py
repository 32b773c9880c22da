"""The discrete-event engine: clock, event queue, RNG and fiber switching. No kernel vocabulary."""

from irqlab.sim.engine import (
    PRIO_CPU,
    PRIO_HW,
    PRIO_IRQ,
    PRIO_SCENARIO,
    Engine,
    Fiber,
    InternalError,
    StalledError,
)
from irqlab.sim.units import NSEC_PER_MSEC, NSEC_PER_SEC, NSEC_PER_USEC, fmt_ns, to_ns

__all__ = [
    "Engine",
    "Fiber",
    "InternalError",
    "StalledError",
    "PRIO_CPU",
    "PRIO_HW",
    "PRIO_IRQ",
    "PRIO_SCENARIO",
    "NSEC_PER_MSEC",
    "NSEC_PER_SEC",
    "NSEC_PER_USEC",
    "fmt_ns",
    "to_ns",
]
