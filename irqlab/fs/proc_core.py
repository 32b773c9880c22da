"""Core /proc files: softirqs, stat, uptime, loadavg, cmdline, cpuinfo, printk/tainted sysctls, per-task files.

Mirrors fs/proc/softirqs.c, fs/proc/uptime.c, fs/proc/loadavg.c, fs/proc/cmdline.c, kernel/printk/sysctl.c
and fs/proc/base.c (the /proc/PID directory).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from irqlab.errno import EINVAL
from irqlab.fs import meminfo, topology
from irqlab.fs.array import do_task_stat, proc_pid_status, proc_task_name
from irqlab.fs.cpuinfo import show_cpuinfo
from irqlab.fs.sched_debug import proc_sched_show_task
from irqlab.fs.stat import show_stat
from irqlab.kernel.sched.core import TASK_DEAD
from irqlab.kernel.sched.cputime import get_idle_time
from irqlab.kernel.sched.loadavg import FIXED_1, LOAD_FRAC, LOAD_INT, nr_running
from irqlab.kernel.softirq import NR_SOFTIRQS, SOFTIRQ_TO_NAME
from irqlab.kernel.utsname import sethostname, utsname

if TYPE_CHECKING:
    from irqlab.fs.procfs import ProcFS
    from irqlab.kernel.kernel import Kernel


def show_softirqs(k: Kernel) -> str:
    """fs/proc/softirqs.c show_softirqs(): a column for every possible CPU, online or not."""
    out = [" " * 20 + "".join(f"CPU{c.id:<8d}" for c in k.cpus) + "\n"]
    for i in range(NR_SOFTIRQS):
        out.append(f"{SOFTIRQ_TO_NAME[i]:>12}:" + "".join(f" {c.softirq_counts[i]:10d}" for c in k.cpus) + "\n")
    return "".join(out)


def show_uptime(k: Kernel) -> str:
    """fs/proc/uptime.c uptime_proc_show(): boot time and the idle time summed over CPUs, in centiseconds."""
    now = k.engine.now
    idle = sum(get_idle_time(k, c) for c in k.cpus)
    return f"{now // 10**9}.{now % 10**9 // 10**7:02d} {idle // 10**9}.{idle % 10**9 // 10**7:02d}\n"


def show_loadavg(k: Kernel) -> str:
    """fs/proc/loadavg.c loadavg_proc_show(): the three averages, running/threads, the last pid."""
    la = k.tick.loadavg
    # The reader's CPU ticks: a load window that closed while every CPU slept tickless is folded first.
    la.calc_global_load()
    avnrun = la.get_avenrun(FIXED_1 // 200)
    nr_threads = sum(1 for t in k.tasks.values() if not t.raw_state & TASK_DEAD)
    return (
        f"{LOAD_INT(avnrun[0])}.{LOAD_FRAC(avnrun[0]):02d} {LOAD_INT(avnrun[1])}.{LOAD_FRAC(avnrun[1]):02d} "
        f"{LOAD_INT(avnrun[2])}.{LOAD_FRAC(avnrun[2]):02d} {nr_running(k)}/{nr_threads} {k.next_pid - 1}\n"
    )


def register(fs: ProcFS, k: Kernel) -> None:
    fs.register("/proc/softirqs", lambda: show_softirqs(k))
    fs.register("/proc/uptime", lambda: show_uptime(k))
    fs.register("/proc/stat", lambda: show_stat(k))
    fs.register("/proc/loadavg", lambda: show_loadavg(k))
    # fs/proc/cmdline.c: saved_command_line and a newline.
    fs.register("/proc/cmdline", lambda: k.boot_params.cmdline + "\n")
    fs.register("/proc/cpuinfo", lambda: show_cpuinfo(k))
    meminfo.register(fs, k)
    topology.register(fs, k)

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

    # kernel/utsname_sysctl.c: the utsname fields; hostname and domainname are writable (proc_do_uts_string).
    def write_hostname(text: str) -> int:
        ret = sethostname(k, text.rstrip("\n"))
        return ret if ret < 0 else len(text)

    fs.register("/proc/sys/kernel/hostname", lambda: utsname(k).nodename + "\n", write_hostname)
    fs.register("/proc/sys/kernel/ostype", lambda: utsname(k).sysname + "\n")
    fs.register("/proc/sys/kernel/osrelease", lambda: utsname(k).release + "\n")
    fs.register("/proc/sys/kernel/version", lambda: utsname(k).version + "\n")
    if k.preempt_rt:
        # kernel/ksysfs.c realtime_show(): present only in CONFIG_PREEMPT_RT kernels.
        fs.register("/sys/kernel/realtime", lambda: "1\n")

    def task_file(pid: str, name: str):  # type: ignore[no-untyped-def]
        t = k.tasks.get(int(pid))
        if t is None or t.raw_state & TASK_DEAD:
            return None  # a task that exited has been reaped: its /proc/PID directory is gone
        if name == "comm":
            # fs/proc/base.c comm_show(): proc_task_name(), a workqueue worker's with its workqueue.
            return (lambda: proc_task_name(t) + "\n", None)
        if name == "stat":
            return (lambda: do_task_stat(k, t), None)
        if name == "status":
            return (lambda: proc_pid_status(k, t), None)
        if name == "sched":
            return (lambda: proc_sched_show_task(k, t), None)
        if name == "cmdline":
            # fs/proc/base.c proc_pid_cmdline_read(): the argv strings execve() stored, each NUL-terminated;
            # empty for a kernel thread (no mm).
            return (lambda: t.data.get("cmdline", ""), None)
        if name == "statm":
            # fs/proc/array.c proc_pid_statm(): size resident shared text lib data dt, in pages; no mm, all 0.
            return (lambda: "0 0 0 0 0 0 0\n", None)
        return None

    def task_files() -> list[str]:
        # proc_pid_readdir(): a directory for every live thread-group leader.
        return [f"/proc/{t.pid}/{n}" for t in k.tasks.values() if not t.raw_state & TASK_DEAD
                and t.data.get("tgid", t.pid) == t.pid for n in ("cmdline", "comm", "stat", "statm", "status")]

    fs.register_pattern(r"/proc/(\d+)/(cmdline|comm|stat|statm|status|sched)", task_file, task_files)

    def thread_file(pid: str, tid: str, name: str):  # type: ignore[no-untyped-def]
        # fs/proc/base.c proc_task_lookup(): /proc/PID/task/TID is there for each thread of PID's group.
        t = k.tasks.get(int(tid))
        if t is None or t.data.get("tgid", t.pid) != int(pid):
            return None
        return task_file(tid, name)

    def thread_files() -> list[str]:
        return [f"/proc/{t.data.get('tgid', t.pid)}/task/{t.pid}/{n}" for t in k.tasks.values()
                if not t.raw_state & TASK_DEAD for n in ("comm", "stat", "status")]

    fs.register_pattern(r"/proc/(\d+)/task/(\d+)/(comm|stat|status)", thread_file, thread_files)
    # kernel/pid.c pid_max, as Raspberry Pi OS and Debian boot it: systemd's sysctl.d/50-pid-max.conf raises
    # the kernel's 32768 to 4194304 on 64-bit machines.
    fs.register("/proc/sys/kernel/pid_max", lambda: "4194304\n")
