"""/proc/PID/stat and /proc/PID/status. Mirrors fs/proc/array.c (do_task_stat(), proc_pid_status()) of 6.12.

A task is a process of its own unless clone(CLONE_THREAD) made it a thread of another (its ``tgid``); all run as root. Kernel threads
have no address space, so their memory fields read 0 and no ``Vm*`` lines are shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from irqlab.kernel.sched.core import (
    MAX_RT_PRIO,
    PF_KTHREAD,
    PF_WQ_WORKER,
    TASK_DEAD,
    TASK_IDLE,
    TASK_INTERRUPTIBLE,
    TASK_UNINTERRUPTIBLE,
)
from irqlab.kernel.sched.cputime import cputime_adjust, nsec_to_clock_t
from irqlab.kernel.vsprintf import cpumask_hex, cpumask_list
from irqlab.kernel.workqueue_pool import wq_worker_comm

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel
    from irqlab.kernel.sched.core import Task

#: task_state_array[] of fs/proc/array.c, by fls() of the reported state bits.
TASK_STATE_ARRAY = (
    "R (running)",
    "S (sleeping)",
    "D (disk sleep)",
    "T (stopped)",
    "t (tracing stop)",
    "X (dead)",
    "Z (zombie)",
    "P (parked)",
    "I (idle)",
)
RLIM_INFINITY = (1 << 64) - 1
SIGCHLD = 17
#: CAP_FULL_SET with CAP_LAST_CAP = 40 (6.12).
CAP_FULL_SET = (1 << 41) - 1


def task_state_index(t: Task) -> int:
    """task_state_index(): TASK_IDLE reports as I; otherwise the highest reported state bit."""
    s = t.raw_state
    if s & TASK_DEAD:
        return 5
    if s == TASK_IDLE:
        return 8
    state = s & (TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE)
    return state.bit_length()


def get_task_state(t: Task) -> str:
    return TASK_STATE_ARRAY[task_state_index(t)]


def proc_task_name(t: Task) -> str:
    """proc_task_name(): a workqueue worker's name carries its workqueue (wq_worker_comm())."""
    if t.flags & PF_WQ_WORKER:

        return wq_worker_comm(t)
    return t.comm


def task_prio(t: Task) -> int:
    """kernel/sched/syscalls.c task_prio(): p->prio - MAX_RT_PRIO."""
    return t.kernel_prio - MAX_RT_PRIO


def task_tgid(t: Task) -> int:
    """The thread group the task belongs to (its own pid for a group leader)."""
    return int(t.data.get("tgid", t.pid))


def get_nr_threads(k: Kernel, t: Task) -> int:
    """signal->nr_threads: the live tasks of ``t``'s thread group."""
    tgid = task_tgid(t)
    return sum(1 for o in k.tasks.values() if task_tgid(o) == tgid and not o.raw_state & TASK_DEAD)


def do_task_stat(k: Kernel, t: Task) -> str:
    """The one line of /proc/PID/stat (52 fields)."""
    utime, stime = cputime_adjust(t)
    kthread = bool(t.flags & PF_KTHREAD)
    wchan = int(t.raw_state != 0)  # !task_is_running()
    fields = [
        int(t.data.get("ppid", 0)),  # ppid  SIMPLIFICATION: no init or kthreadd task: 0 for tasks they would parent
        0,  # pgrp
        0,  # session
        int(t.data.get("tty_nr", 0)),  # tty_nr: the controlling terminal a shell gave it
        -1,  # tty_pgrp
        t.flags,
        0, 0, 0, 0,  # min_flt cmin_flt maj_flt cmaj_flt
        nsec_to_clock_t(utime),
        nsec_to_clock_t(stime),
        0, 0,  # cutime cstime
        task_prio(t),
        t.nice,
        get_nr_threads(k, t),  # num_threads
        0,  # itrealvalue
        nsec_to_clock_t(t.start_time),
        0,  # vsize
        0,  # rss
        RLIM_INFINITY,
        0, 0, 0, 0, 0,  # start_code end_code start_stack esp eip
        0, 0,  # pending, blocked signals
        0x7FFFFFFF if kthread else 0,  # sigignore & 0x7fffffff: kthreads ignore every signal
        0,  # sigcatch
        wchan,
        0, 0,
        SIGCHLD,  # exit_signal
        t.cpu,
        t.rt_priority,
        t.policy,
        0,  # delayacct_blkio_ticks
        0, 0,  # gtime cgtime
        0, 0, 0, 0, 0, 0, 0,  # start_data end_data start_brk arg_start arg_end env_start env_end
        0,  # exit_code
    ]  # fmt: skip
    return f"{t.pid} ({proc_task_name(t)}) {get_task_state(t)[0]} " + " ".join(str(v) for v in fields) + "\n"


def proc_pid_status(k: Kernel, t: Task) -> str:
    """The whole of /proc/PID/status."""
    kthread = bool(t.flags & PF_KTHREAD)
    data = k.board.data
    n = len(k.cpus)
    nodes_bits = 1 << int(data.get("kconfig", {}).get("NODES_SHIFT", 4))
    umask = 0 if kthread else 0o022
    lines = [
        f"Name:\t{proc_task_name(t)}",
        f"Umask:\t{umask:04o}",  # "%#04o"
        f"State:\t{get_task_state(t)}",
        f"Tgid:\t{task_tgid(t)}",
        "Ngid:\t0",
        f"Pid:\t{t.pid}",
        f"PPid:\t{t.data.get('ppid', 0)}",
        "TracerPid:\t0",
        "Uid:\t0\t0\t0\t0",
        "Gid:\t0\t0\t0\t0",
        "FDSize:\t64",
        "Groups:\t ",
        f"NStgid:\t{task_tgid(t)}",
        f"NSpid:\t{t.pid}",
        "NSpgid:\t0",
        "NSsid:\t0",
        f"Kthread:\t{1 if kthread else 0}",
        f"Threads:\t{get_nr_threads(k, t)}",
        f"SigQ:\t0/{data.get('sigpending_max', 31503)}",
        "SigPnd:\t0000000000000000",
        "ShdPnd:\t0000000000000000",
        "SigBlk:\t0000000000000000",
        f"SigIgn:\t{'ffffffffffffffff' if kthread else '0000000000000000'}",
        "SigCgt:\t0000000000000000",
        "CapInh:\t0000000000000000",
        f"CapPrm:\t{CAP_FULL_SET:016x}",
        f"CapEff:\t{CAP_FULL_SET:016x}",
        f"CapBnd:\t{CAP_FULL_SET:016x}",
        "CapAmb:\t0000000000000000",
        "NoNewPrivs:\t0",
        "Seccomp:\t0",
        "Seccomp_filters:\t0",
        f"Speculation_Store_Bypass:\t{data.get('spec_store_bypass', 'thread vulnerable')}",
        f"SpeculationIndirectBranch:\t{data.get('spec_indirect_branch', 'unknown')}",
        f"Cpus_allowed:\t{cpumask_hex(t.cpus_allowed, n)}",
        f"Cpus_allowed_list:\t{cpumask_list(t.cpus_allowed)}",
        f"Mems_allowed:\t{cpumask_hex(1, nodes_bits)}",
        "Mems_allowed_list:\t0",
        f"voluntary_ctxt_switches:\t{t.nvcsw}",
        f"nonvoluntary_ctxt_switches:\t{t.nivcsw}",
    ]
    if k.board.arch == "x86":
        # arch_proc_pid_thread_features() (CONFIG_X86_USER_SHADOW_STACK): no shadow-stack features in use.
        lines += ["x86_Thread_features:\t", "x86_Thread_features_locked:\t"]
    return "\n".join(lines) + "\n"


__all__ = ["do_task_stat", "proc_pid_status", "get_task_state", "proc_task_name", "TASK_STATE_ARRAY"]
