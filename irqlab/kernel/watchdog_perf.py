"""Mirrors kernel/watchdog_perf.c: a per-CPU perf NMI every watchdog_thresh seconds checks its own CPU.

An NMI is taken even with IRQs off, so the CPU that stopped counting hrtimer interrupts reports itself, with its
own registers: ``Watchdog detected hard LOCKUP on cpu N``.
SIMPLIFICATION: the NMI fires exactly every watchdog_thresh seconds (the cycle counter's period at a fixed
frequency), so HARDLOCKUP_CHECK_TIMESTAMP's filter for early NMIs never has anything to filter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from irqlab.sim import PRIO_IRQ

if TYPE_CHECKING:
    from irqlab.kernel.cpu import CPU
    from irqlab.kernel.watchdog import Watchdog

NSEC_PER_SEC = 1_000_000_000


def watchdog_hardlockup_enable(wd: Watchdog, cpu: CPU) -> None:
    """hardlockup_detector_event_create() and enable: start the CPU's NMI counter."""
    wd.percpu[cpu.id].hardlockup_touched = True
    wd.watchdog_cpus |= 1 << cpu.id
    k = wd.k
    period = wd.watchdog_thresh * NSEC_PER_SEC
    k.engine.at_background(k.engine.now + period, PRIO_IRQ, _watchdog_overflow_callback, wd, cpu, wd.generation)


def _watchdog_overflow_callback(wd: Watchdog, cpu: CPU, generation: int) -> None:
    """watchdog_overflow_callback(): the perf NMI handler, checking its own CPU."""
    if not wd.watchdog_cpus >> cpu.id & 1 or generation != wd.generation or not cpu.online:
        return  # disabled or reconfigured: this counter was released
    k = wd.k
    period = wd.watchdog_thresh * NSEC_PER_SEC
    k.engine.at_background(k.engine.now + period, PRIO_IRQ, _watchdog_overflow_callback, wd, cpu, generation)
    wd.watchdog_hardlockup_check(cpu.id, None)
