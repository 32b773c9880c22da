"""The global load average and /proc/loadavg. Mirrors kernel/sched/loadavg.c and fs/proc/loadavg.c.

Every LOAD_FREQ (5 s + 1 tick) the number of active tasks (runnable plus uninterruptible, as
calc_load_fold_active() counts them) is folded into avenrun[] with the kernel's fixed-point
exponential decay (calc_load()).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from irqlab.kernel.sched.core import TASK_DEAD, TASK_NEW, TASK_NOLOAD, TASK_RUNNING, TASK_UNINTERRUPTIBLE

if TYPE_CHECKING:
    from irqlab.fs.procfs import ProcFS
    from irqlab.kernel.cpu import CPU
    from irqlab.kernel.kernel import Kernel

FSHIFT = 11
FIXED_1 = 1 << FSHIFT
EXP_1 = 1884
EXP_5 = 2014
EXP_15 = 2037


def calc_load(load: int, exp: int, active: int) -> int:
    """include/linux/sched/loadavg.h calc_load(): one step of the fixed-point exponential average."""
    newload = load * exp + active * (FIXED_1 - exp)
    if active >= load:
        newload += FIXED_1 - 1
    return newload // FIXED_1


class LoadAvg:
    """avenrun[] and calc_load_update of one kernel."""

    def __init__(self, k: Kernel) -> None:
        self.k = k
        self.avenrun = [0, 0, 0]
        self.load_freq = 5 * k.hz + 1  # LOAD_FREQ
        # sched_init(): calc_load_update = jiffies + LOAD_FREQ
        self.calc_load_update = k.jiffies + self.load_freq

    def nr_active(self) -> int:
        """calc_load_fold_active(): nr_running + nr_uninterruptible over all CPUs (idle tasks excluded)."""
        n = 0
        for t in self.k.tasks.values():
            s = t.raw_state
            if s & (TASK_DEAD | TASK_NEW):
                continue
            if s == TASK_RUNNING or (s & TASK_UNINTERRUPTIBLE and not s & TASK_NOLOAD):
                n += 1
        return n

    def update(self) -> None:
        """calc_global_load(), run 10 ticks after each LOAD_FREQ boundary; periods nobody ticked through
        (every CPU idle, NO_HZ) are caught up as calc_global_nohz() does."""
        j = self.k.jiffies
        if j < self.calc_load_update + 10:
            return
        # SIMPLIFICATION: missed periods are folded with the count of active tasks seen now.
        active = self.nr_active() * FIXED_1
        while j >= self.calc_load_update + 10:
            a = self.avenrun
            a[0] = calc_load(a[0], EXP_1, active)
            a[1] = calc_load(a[1], EXP_5, active)
            a[2] = calc_load(a[2], EXP_15, active)
            self.calc_load_update += self.load_freq

    def tick(self, cpu: CPU) -> None:
        if self.k.jiffies >= self.calc_load_update + 10:
            self.update()

    def show(self) -> str:
        """fs/proc/loadavg.c loadavg_proc_show(): "%lu.%02lu %lu.%02lu %lu.%02lu %u/%d %d"."""
        self.update()
        k = self.k
        parts = []
        for v in self.avenrun:
            v += FIXED_1 // 200  # get_avenrun(avnrun, FIXED_1/200, 0): rounding
            parts.append(f"{v >> FSHIFT}.{((v & (FIXED_1 - 1)) * 100) >> FSHIFT:02d}")
        running = sum(1 for t in k.tasks.values() if t.raw_state == TASK_RUNNING)
        threads = sum(1 for t in k.tasks.values() if not t.raw_state & TASK_DEAD)
        last_pid = k.next_pid - 1
        return f"{' '.join(parts)} {running}/{threads} {last_pid}\n"


def loadavg_init(k: Kernel) -> None:
    """Start the load average and register /proc/loadavg."""
    la = k.subsys["loadavg"] = LoadAvg(k)
    k.tick_hooks.append(la.tick)

    def fs_hook(fs: ProcFS) -> None:
        fs.register("/proc/loadavg", la.show)

    k.subsys.setdefault("fs_hooks", []).append(fs_hook)
