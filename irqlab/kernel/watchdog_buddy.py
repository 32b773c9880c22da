"""Mirrors kernel/watchdog_buddy.c: each CPU's watchdog hrtimer checks the next CPU for a hard lockup.

Every third sample (3 * 4 s = 12 s by default, "slightly over watchdog_thresh") a CPU checks whether the next CPU
in ``watchdog_cpus`` has counted any hrtimer interrupt since the last check. A CPU spinning with IRQs off counts
none, so its buddy reports ``Watchdog detected hard LOCKUP on cpu N``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from irqlab.kernel.cpu import CPU
    from irqlab.kernel.watchdog import Watchdog


def watchdog_next_cpu(wd: Watchdog, cpu: int) -> int | None:
    """watchdog_next_cpu(): the next CPU in watchdog_cpus after ``cpu``, wrapping; None if ``cpu`` is alone."""
    n = len(wd.k.cpus)
    mask = wd.watchdog_cpus
    for i in range(1, n + 1):
        c = (cpu + i) % n
        if mask >> c & 1:
            return None if c == cpu else c
    return None


def watchdog_hardlockup_enable(wd: Watchdog, cpu: CPU) -> None:
    """watchdog_hardlockup_enable(): touch this CPU and its buddy (no false positive before a first
    hrtimer interrupt), then join watchdog_cpus."""
    wd.percpu[cpu.id].hardlockup_touched = True
    nxt = watchdog_next_cpu(wd, cpu.id)
    if nxt is not None:
        wd.percpu[nxt].hardlockup_touched = True
    wd.watchdog_cpus |= 1 << cpu.id


def watchdog_buddy_check_hardlockup(wd: Watchdog, cpu: CPU, hrtimer_interrupts: int) -> None:
    """watchdog_buddy_check_hardlockup(): every 3 samples, check the next CPU."""
    if hrtimer_interrupts % 3 != 0:
        return
    nxt = watchdog_next_cpu(wd, cpu.id)
    if nxt is None:
        return
    wd.watchdog_hardlockup_check(nxt, cpu)
