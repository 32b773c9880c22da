"""Core /proc files: softirqs, uptime, stat's softirq line, printk/tainted sysctls, per-task files.

Mirrors fs/proc/softirqs.c, fs/proc/uptime.c, kernel/printk/sysctl.c and fs/proc/array.c.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from irqlab.errno import EINVAL
from irqlab.kernel.softirq import NR_SOFTIRQS, SOFTIRQ_TO_NAME
from irqlab.kernel.vsprintf import cpumask_list

if TYPE_CHECKING:
    from irqlab.fs.procfs import ProcFS
    from irqlab.kernel.kernel import Kernel


def show_softirqs(k: Kernel) -> str:
    """fs/proc/softirqs.c show_softirqs()."""
    online = [c for c in k.cpus if c.online]
    out = [" " * 20 + "".join(f"CPU{c.id:<8d}" for c in online) + "\n"]
    for i in range(NR_SOFTIRQS):
        out.append(f"{SOFTIRQ_TO_NAME[i]:>12}:" + "".join(f" {c.softirq_counts[i]:10d}" for c in online) + "\n")
    return "".join(out)


def show_uptime(k: Kernel) -> str:
    now = k.engine.now
    busy = sum(c.busy_ns for c in k.cpus)
    idle = max(0, len(k.cpus) * now - busy)
    return f"{now // 10**9}.{now % 10**9 // 10**7:02d} {idle // 10**9}.{idle % 10**9 // 10**7:02d}\n"


def show_stat_softirq(k: Kernel) -> str:
    per = [sum(c.softirq_counts[i] for c in k.cpus) for i in range(NR_SOFTIRQS)]
    return "softirq " + str(sum(per)) + "".join(f" {v}" for v in per) + "\n"


def _state_letter(t) -> str:  # type: ignore[no-untyped-def]
    return {"running": "R (running)", "runnable": "R (running)", "sleeping": "S (sleeping)",
            "blocked": "D (disk sleep)", "dead": "X (dead)", "new": "D (disk sleep)"}[t.state.value]  # fmt: skip


def register(fs: ProcFS, k: Kernel) -> None:
    fs.register("/proc/softirqs", lambda: show_softirqs(k))
    fs.register("/proc/uptime", lambda: show_uptime(k))
    fs.register("/proc/stat", lambda: show_stat_softirq(k))

    def read_printk() -> str:
        b = k.log
        return f"{b.console_loglevel}\t{b.default_message_loglevel}\t1\t7\n"

    def write_printk(text: str) -> int:
        parts = text.split()
        try:
            vals = [int(p) for p in parts]
        except ValueError:
            return -EINVAL
        if not vals or not all(0 <= v <= 8 for v in vals):
            return -EINVAL
        k.log.console_loglevel = vals[0]
        if len(vals) > 1:
            k.log.default_message_loglevel = vals[1]
        return len(text)

    fs.register("/proc/sys/kernel/printk", read_printk, write_printk)
    fs.register("/proc/sys/kernel/tainted", lambda: f"{k.bugs.taint}\n")
    fs.register("/proc/sys/kernel/hz", lambda: f"{k.hz}\n")
    if k.preempt_rt:
        # kernel/ksysfs.c realtime_show(): present only in CONFIG_PREEMPT_RT kernels.
        fs.register("/sys/kernel/realtime", lambda: "1\n")

    def task_file(pid: str, name: str):  # type: ignore[no-untyped-def]
        t = k.tasks.get(int(pid))
        if t is None:
            return None
        if name == "comm":
            return (lambda: t.comm + "\n", None)
        if name == "status":
            def status() -> str:
                return (
                    f"Name:\t{t.comm}\nState:\t{_state_letter(t)}\nPid:\t{t.pid}\n"
                    f"Cpus_allowed_list:\t{cpumask_list(t.cpus_allowed)}\n"
                    f"voluntary_ctxt_switches:\t{t.nvcsw}\nnonvoluntary_ctxt_switches:\t{t.nivcsw}\n"
                )

            return (status, None)
        if name == "sched":
            def sched() -> str:
                return (
                    f"{t.comm} ({t.pid}, #threads: 1)\n"
                    f"se.sum_exec_runtime : {t.sum_exec_runtime / 1e6:.6f}\n"
                    f"nr_voluntary_switches : {t.nvcsw}\nnr_involuntary_switches : {t.nivcsw}\n"
                    f"policy : {t.policy}\nprio : {t.kernel_prio}\n"
                )

            return (sched, None)
        return None

    fs.register_pattern(r"/proc/(\d+)/(comm|status|sched)", task_file)
