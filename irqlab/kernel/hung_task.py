"""Mirrors kernel/hung_task.c: khungtaskd reports tasks stuck in TASK_UNINTERRUPTIBLE ("D") for too long.

Every ``hung_task_check_interval_secs`` (0: the timeout, 120 s by default) the detector walks every task; a D-state
task whose context-switch count has not moved since the previous walk, and not for ``hung_task_timeout_secs``
since it was first seen so, is reported ``INFO: task %s:%d blocked for more than %ld seconds.``, at most
``hung_task_warnings`` (10) times. A task blocked at boot + 1 s is thus first seen at the 120 s walk and reported
at the next one, about 240 s after boot.
SIMPLIFICATION: khungtaskd is not a task (it would take a pid from every later task): its loop runs from a
background hrtimer on CPU 0 that fires where its schedule_timeout_interruptible() timer would expire, the timer
wheel's granularity included (hence the kernel's familiar "blocked for more than 122 seconds").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from irqlab.kernel.kconfig import CONFIG, IS_ENABLED
from irqlab.kernel.panic import TAINT_DIE, print_tainted
from irqlab.kernel.printk import KERN_ERR, KERN_INFO
from irqlab.kernel.sched.core import PF_KTHREAD, PF_WQ_WORKER, TASK_NOLOAD, TASK_UNINTERRUPTIBLE, TASK_WAKEKILL
from irqlab.kernel.time.hrtimer import (
    HRTIMER_MODE_ABS_HARD,
    HRTIMER_NORESTART,
    hrtimer,
    hrtimer_start,
    hrtimer_try_to_cancel,
)
from irqlab.kernel.time.timer import calc_wheel_bucket
from irqlab.kernel.watchdog import pr, task_trace, trigger_cpu_backtrace

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel
    from irqlab.kernel.sched.core import Task

PID_MAX_LIMIT = 4 * 1024 * 1024


class HungTask:
    """The detector's sysctls and state (k.subsys["hung_task"])."""

    def __init__(self, k: Kernel) -> None:
        self.k = k
        self.sysctl_hung_task_check_count = PID_MAX_LIMIT
        self.sysctl_hung_task_timeout_secs = int(CONFIG(k, "DEFAULT_HUNG_TASK_TIMEOUT"))
        self.sysctl_hung_task_check_interval_secs = 0
        self.sysctl_hung_task_warnings = 10
        self.sysctl_hung_task_panic = int(CONFIG(k, "BOOTPARAM_HUNG_TASK_PANIC"))
        self.sysctl_hung_task_all_cpu_backtrace = 0
        hp = k.boot_params.get("hung_task_panic")  # hung_task_panic_setup()
        if hp is not None and hp.isdigit():
            self.sysctl_hung_task_panic = int(hp)
        self.hung_last_checked = k.jiffies
        #: pid -> [last_switch_count, last_switch_time] (task_struct fields in the kernel).
        self.seen: dict[int, list[int]] = {}
        self.timer = hrtimer()
        self.timer.function = self._wakeup
        self.timer.background = True
        self.timer._cpu = 0

    def wake_up(self) -> None:
        """wake_up_process(watchdog_task), then the loop of watchdog(): check if due, else sleep until due."""
        k = self.k
        timeout = self.sysctl_hung_task_timeout_secs
        interval = self.sysctl_hung_task_check_interval_secs or timeout
        interval = min(interval, timeout)
        hrtimer_try_to_cancel(self.timer)
        if not timeout:
            return  # hung_timeout_jiffies(): a timeout of 0 disables the check (MAX_SCHEDULE_TIMEOUT)
        j = k.jiffies
        t = self.hung_last_checked - j + interval * k.hz
        if t <= 0:
            self.check_hung_uninterruptible_tasks(timeout)
            self.hung_last_checked = j
            t = interval * k.hz
        # schedule_timeout_interruptible(t): a wheel timer, collected at its bucket's jiffy.
        bucket = calc_wheel_bucket(j + t, j, k.hz)
        hrtimer_start(self.timer, k.jiffy_time(bucket), HRTIMER_MODE_ABS_HARD)

    def _wakeup(self, timer: hrtimer) -> int:
        self.wake_up()
        return HRTIMER_NORESTART

    def check_hung_uninterruptible_tasks(self, timeout: int) -> None:
        """check_hung_uninterruptible_tasks()."""
        k = self.k
        if k.bugs.taint >> TAINT_DIE & 1 or k.subsys.get("panicked"):
            return
        self.call_panic = False
        self.show_all_bt = False
        max_count = self.sysctl_hung_task_check_count
        alive = set()
        for t in list(k.tasks.values()):
            if not max_count:
                break
            max_count -= 1
            alive.add(t.pid)
            state = t.raw_state
            if state & TASK_UNINTERRUPTIBLE and not state & TASK_WAKEKILL and not state & TASK_NOLOAD:
                self.check_hung_task(t, timeout)
        for pid in [p for p in self.seen if p not in alive]:
            del self.seen[pid]
        if self.show_all_bt:
            cpu = k.cpus[0]
            trigger_cpu_backtrace(k, [c for c in k.cpus if c is not cpu and c.online], cpu)
        if self.call_panic:
            k.bugs.panic("hung_task: blocked tasks")

    def check_hung_task(self, t: Task, timeout: int) -> None:
        """check_hung_task()."""
        k = self.k
        switch_count = t.nvcsw + t.nivcsw
        if not switch_count:
            return
        seen = self.seen.setdefault(t.pid, [0, 0])
        j = k.jiffies
        if switch_count != seen[0]:
            seen[0] = switch_count
            seen[1] = j
            return
        if seen[1] + timeout * k.hz > j:  # time_is_after_jiffies(last_switch_time + timeout * HZ)
            return
        if self.sysctl_hung_task_panic:
            self.call_panic = True
        if self.sysctl_hung_task_warnings or self.call_panic:
            if self.sysctl_hung_task_warnings > 0:
                self.sysctl_hung_task_warnings -= 1
            b = k.board
            lines = [
                f"INFO: task {t.comm}:{t.pid} blocked for more than {(j - seen[1]) // k.hz} seconds.",
                f"      {print_tainted(k.bugs.taint)} {b.release} {b.version.split(' ')[0]}",
                '"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.',
            ]
            pr(k, KERN_ERR, "\n".join(lines))
            pr(k, KERN_INFO, "\n".join(sched_show_task(k, t)))
            if self.sysctl_hung_task_all_cpu_backtrace:
                self.show_all_bt = True
            if not self.sysctl_hung_task_warnings:
                pr(k, KERN_INFO, "Future hung task reports are suppressed, see sysctl kernel.hung_task_warnings")


def sched_show_task(k: Kernel, t: Task) -> list[str]:
    """sched_show_task(): the task line, the workqueue line of a kworker, and the task's stack.
    SIMPLIFICATION: stack is 0 (no CONFIG_DEBUG_STACK_USAGE), ppid is 2 (kthreadd) for kernel threads and 1 for
    user tasks, and the thread flags are those of a task sleeping in the kernel (arm64 TIF_FOREIGN_FPSTATE)."""
    state = "D" if t.raw_state & TASK_UNINTERRUPTIBLE else "S" if t.raw_state else "R"
    running = "  running task    " if state == "R" else ""
    ppid = 2 if t.flags & PF_KTHREAD else 1
    flags = 0x00004000 if k.board.arch == "x86" else 0x00000008
    lines = [f"task:{t.comm[:15]:<15} state:{state}{running} stack:{0:<5} pid:{t.pid:<5} tgid:{t.pid:<5} "
             f"ppid:{ppid:<6} flags:0x{flags:08x}"]  # fmt: skip
    if t.flags & PF_WQ_WORKER:
        w = t.data.get("wq_worker")
        work = getattr(w, "current_work", None)
        pwq = getattr(w, "current_pwq", None)
        if work is not None and pwq is not None:  # print_worker_info()
            lines.append(f"Workqueue: {pwq.wq.name} {k.symbol(getattr(w, 'current_func', work.func), False)}")
    trace = task_trace(k, t)
    if k.board.arch == "x86":
        lines += ["Call Trace:", " <TASK>"] + [" " + f for f in trace] + [" </TASK>"]
    else:
        lines += ["Call trace:"] + [" " + f for f in trace]
    return lines


def hung_task_init(k: Kernel) -> None:
    """hung_task_init(): start khungtaskd's loop and register the sysctls, when DETECT_HUNG_TASK is built."""
    if not IS_ENABLED(k, "DETECT_HUNG_TASK"):
        return
    ht = HungTask(k)
    k.subsys["hung_task"] = ht
    ht.wake_up()
    # fs/sysctl.py's hung_task_sysctl_init() registers the files when the filesystem mounts.

    k.subsys.setdefault("fs_hooks", []).append("hung_task_sysctl_init")
