"""Busy-wait delays and busy work. Mirrors include/linux/delay.h and arch/arm64/lib/delay.c.

``udelay``/``mdelay``/``ndelay`` spin on the architected timer, so they end a fixed
wall time after they start even if interrupts or preemption intervene.
``cpu_work(ns)`` is irqlab's way to say "this code computes for ns": it consumes CPU
time, so interrupts and preemption stretch it.
"""

from __future__ import annotations

from irqlab.kernel.core import on_cpu
from irqlab.kernel.cpu import burn
from irqlab.kernel.time.hrtimer import usleep_range
from irqlab.kernel.time.timer import msleep

MAX_UDELAY_MS = 2


def ndelay(nsecs: int) -> None:
    """Spin for ``nsecs`` ns. Callable in any context."""
    burn(on_cpu(), int(nsecs), True)


def udelay(usecs: int) -> None:
    """Spin for ``usecs`` µs. Callable in any context."""
    burn(on_cpu(), int(usecs) * 1000, True)


def mdelay(msecs: int) -> None:
    """Spin for ``msecs`` ms. Callable in any context (but burns the CPU)."""
    burn(on_cpu(), int(msecs) * 1_000_000, True)


def cpu_work(ns: int) -> None:
    """Compute for ``ns`` of CPU time. Callable in any context; interrupts stretch it."""
    burn(on_cpu(), int(ns), False)


def cpu_relax() -> None:
    """A short pause in a busy-wait loop (lets simulated time pass: 10 ns)."""
    burn(on_cpu(), 10, True)


def fsleep(usecs: int) -> None:
    """The 'flexible sleep' of 6.12: udelay up to 10 µs, usleep_range up to 20 ms, else msleep."""
    if usecs <= 10:
        udelay(usecs)
    elif usecs <= 20000:
        usleep_range(usecs, 2 * usecs)
    else:
        msleep((usecs + 999) // 1000)


__all__ = ["ndelay", "udelay", "mdelay", "cpu_work", "cpu_relax", "fsleep"]
