"""Mirrors kernel/sched/loadavg.c: the load averages of /proc/loadavg, in the kernel's fixed point.

Every LOAD_FREQ (5 s + 1 tick), ten ticks after the window closes, ``calc_global_load()`` folds the
number of active tasks (runnable plus uninterruptible) into avenrun[] with the 1, 5 and 15 minute
decay factors; windows missed while every CPU slept tickless are caught up in bulk (calc_global_nohz()).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from irqlab.kernel.sched.core import TASK_NOLOAD, TASK_RUNNING, TASK_UNINTERRUPTIBLE

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel

FSHIFT = 11
FIXED_1 = 1 << FSHIFT
EXP_1 = 1884
EXP_5 = 2014
EXP_15 = 2037


def LOAD_INT(x: int) -> int:  # noqa: N802 - the kernel's macro name
    return x >> FSHIFT


def LOAD_FRAC(x: int) -> int:  # noqa: N802 - the kernel's macro name
    return LOAD_INT((x & (FIXED_1 - 1)) * 100)


def calc_load(load: int, exp: int, active: int) -> int:
    """a1 = a0 * e + a * (1 - e), rounded up while the load grows."""
    newload = load * exp + active * (FIXED_1 - exp)
    if active >= load:
        newload += FIXED_1 - 1
    return newload // FIXED_1


def fixed_power_int(x: int, frac_bits: int, n: int) -> int:
    """include/linux/sched/loadavg.h fixed_power_int(): x**n in fixed point, rounding each product."""
    result = 1 << frac_bits
    if n:
        while True:
            if n & 1:
                result = (result * x + (1 << (frac_bits - 1))) >> frac_bits
            n >>= 1
            if not n:
                break
            x = (x * x + (1 << (frac_bits - 1))) >> frac_bits
    return result


def calc_load_n(load: int, exp: int, active: int, n: int) -> int:
    return calc_load(load, fixed_power_int(exp, FSHIFT, n), active)


def nr_running(k: Kernel) -> int:
    """kernel/sched/core.c nr_running(): runnable tasks on online CPUs, the running ones included."""
    n = 0
    for c in k.cpus:
        if c.online:
            n += len(c.rq) + (c.curr is not c.idle)
    return n


def nr_active(k: Kernel) -> int:
    """calc_load_fold_active(): runnable tasks plus uninterruptible sleepers not marked TASK_NOLOAD."""
    n = nr_running(k)
    for t in k.tasks.values():
        s = t.raw_state
        if s != TASK_RUNNING and s & TASK_UNINTERRUPTIBLE and not s & TASK_NOLOAD:
            n += 1
    return n


class LoadAvg:
    """avenrun[] and calc_load_update of one kernel."""

    def __init__(self, k: Kernel) -> None:
        self.k = k
        self.load_freq = 5 * k.hz + 1
        self.avenrun = [0, 0, 0]
        # sched_init(): calc_load_update = jiffies + LOAD_FREQ
        self.calc_load_update = k.initial_jiffies + self.load_freq

    def calc_global_load(self) -> None:
        """calc_global_load() and calc_global_nohz(), from the tick (and before /proc/loadavg is shown)."""
        k = self.k
        jiffies = k.jiffies
        window = self.calc_load_update
        if jiffies < window + 10:
            return
        active = nr_active(k) * FIXED_1
        a = self.avenrun
        a[0] = calc_load(a[0], EXP_1, active)
        a[1] = calc_load(a[1], EXP_5, active)
        a[2] = calc_load(a[2], EXP_15, active)
        window += self.load_freq
        if jiffies >= window + 10:
            n = 1 + (jiffies - window - 10) // self.load_freq
            a[0] = calc_load_n(a[0], EXP_1, active, n)
            a[1] = calc_load_n(a[1], EXP_5, active, n)
            a[2] = calc_load_n(a[2], EXP_15, active, n)
            window += n * self.load_freq
        self.calc_load_update = window

    def get_avenrun(self, offset: int) -> list[int]:
        return [a + offset for a in self.avenrun]


def loadavg_init(k: Kernel) -> None:
    """Initcall: publish the tick's load-average state as k.subsys["loadavg"] (the tick folds it and
    /proc/loadavg shows it, fs/proc_core.py)."""
    k.subsys["loadavg"] = k.tick.loadavg


__all__ = ["LoadAvg", "loadavg_init", "nr_running", "nr_active", "calc_load", "calc_load_n", "fixed_power_int", "LOAD_INT", "LOAD_FRAC", "FIXED_1"]
