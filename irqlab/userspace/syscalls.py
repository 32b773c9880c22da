"""The system calls simulated user programs make: time, sleeping, scheduling, files, threads.

Each function is called from a user task (a fiber spawned with ``user=True``) and reaches the
kernel the way the syscall does: kernel/time/posix-timers.c (clock_gettime, clock_nanosleep),
kernel/sched/syscalls.c (sched_setscheduler, sched_setaffinity), mm/mlock.c (mlockall), fs/read_write.c
(read/write of /proc and /sys files), kernel/fork.c (clone for threads). Returns follow the kernel's:
0 or a negative errno; none raises for a bad argument a real program could pass.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from irqlab.errno import EACCES, EINVAL, ENOENT, EPERM, ESRCH
from irqlab.kernel.core import on_cpu
from irqlab.kernel.cpu import burn
from irqlab.kernel.preempt import preempt_disable, preempt_enable
from irqlab.kernel.sched.completion import wait_for_completion_interruptible
from irqlab.kernel.sched.core import (
    SCHED_BATCH,
    SCHED_FIFO,
    SCHED_IDLE,
    SCHED_NORMAL,
    SCHED_RR,
    TASK_INTERRUPTIBLE,
    Task,
)
from irqlab.kernel.sched.current import cond_resched
from irqlab.kernel.time.hrtimer import (
    CLOCK_BOOTTIME,
    CLOCK_MONOTONIC,
    CLOCK_REALTIME,
    HRTIMER_MODE_ABS,
    HRTIMER_MODE_REL,
    hrtimer_nanosleep,
)
from irqlab.kernel.time.timekeeping import ktime_get_real_ns
from irqlab.kernel.trace_osnoise import Timerlat
from irqlab.kernel.utsname import sethostname as _sethostname
from irqlab.kernel.utsname import utsname

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel

TIMER_ABSTIME = 0x01
MCL_CURRENT = 1
MCL_FUTURE = 2
SCHED_OTHER = SCHED_NORMAL

__all__ = [
    "TIMER_ABSTIME",
    "MCL_CURRENT",
    "MCL_FUTURE",
    "SCHED_OTHER",
    "SCHED_FIFO",
    "SCHED_RR",
    "SCHED_BATCH",
    "SCHED_IDLE",
    "CLOCK_MONOTONIC",
    "CLOCK_REALTIME",
    "clock_gettime",
    "clock_nanosleep",
    "sched_setscheduler",
    "sched_getscheduler",
    "sched_getparam",
    "sched_setaffinity",
    "sched_getaffinity",
    "mlockall",
    "gettid",
    "getpid",
    "read_file",
    "write_file",
    "sysconf_nprocessors_onln",
    "uname",
    "sethostname",
    "setpriority",
    "setsid",
    "user_work",
    "syscall_work",
    "munmap",
    "thread_create",
    "thread_join",
    "tgkill",
    "usleep",
    "timerlat_start",
]


def _current() -> Task:
    return on_cpu().cpu.curr  # type: ignore[union-attr]


def clock_gettime(clockid: int = CLOCK_MONOTONIC) -> int:
    """The clock's time in ns (CLOCK_MONOTONIC and CLOCK_BOOTTIME count from boot; CLOCK_REALTIME is the
    kernel's wall clock, kernel/time/timekeeping.c)."""
    k = on_cpu()
    now = k.engine.now
    if clockid == CLOCK_REALTIME:
        return ktime_get_real_ns(k)
    if clockid in (CLOCK_MONOTONIC, CLOCK_BOOTTIME):
        return now
    return -EINVAL


def clock_nanosleep(clockid: int, flags: int, request_ns: int) -> int:
    """Sleep until ``request_ns`` (TIMER_ABSTIME) or for ``request_ns``; 0 on expiry, -EINVAL for a bad clock.

    common_nsleep() -> hrtimer_nanosleep(): an hrtimer with the task's timer slack (none for RT tasks).
    """
    if clockid not in (CLOCK_MONOTONIC, CLOCK_REALTIME, CLOCK_BOOTTIME):
        return -EINVAL
    if request_ns < 0:
        return -EINVAL
    if clockid == CLOCK_REALTIME and flags & TIMER_ABSTIME:
        k = on_cpu()
        request_ns -= ktime_get_real_ns(k) - k.engine.now
    mode = HRTIMER_MODE_ABS if flags & TIMER_ABSTIME else HRTIMER_MODE_REL
    return hrtimer_nanosleep(request_ns, mode)


def _task(pid: int) -> Task | None:
    k = on_cpu()
    if pid == 0:
        return _current()
    return k.tasks.get(pid)


def sched_setscheduler(pid: int, policy: int, priority: int) -> int:
    """Set ``pid``'s (0: the caller's) policy and RT priority; -EINVAL for a priority outside the policy's range."""
    k = on_cpu()
    p = _task(pid)
    if p is None:
        return -ESRCH
    if policy in (SCHED_FIFO, SCHED_RR):
        if not 1 <= priority <= 99:
            return -EINVAL
    elif policy in (SCHED_NORMAL, SCHED_BATCH, SCHED_IDLE):
        if priority != 0:
            return -EINVAL
    else:
        return -EINVAL
    k.sched.setscheduler(p, policy, priority)
    return 0


def sched_getscheduler(pid: int) -> int:
    """The policy of ``pid`` (0: the caller), or -ESRCH."""
    p = _task(pid)
    return -ESRCH if p is None else p.policy


def sched_getparam(pid: int) -> int:
    """sched_getparam(2): the RT priority of ``pid`` (0: the caller; 0 for a normal task), or -ESRCH."""
    p = _task(pid)
    return -ESRCH if p is None else p.rt_priority


def sched_setaffinity(pid: int, mask: int) -> int:
    """Restrict ``pid`` (0: the caller) to the CPUs of bit mask ``mask``; -EINVAL if none is online.
    A caller that is no longer allowed on its CPU moves before this returns, as the syscall does."""
    k = on_cpu()
    p = _task(pid)
    if p is None:
        return -ESRCH
    ret = k.sched.set_cpus_allowed(p, mask)
    if ret == 0 and p is _current() and not mask >> p.cpu & 1:
        # __set_cpus_allowed_ptr() migrates the running task (stop_one_cpu) before returning.
        k.sched.preempt_schedule()
    return ret


def sched_getaffinity(pid: int) -> int:
    """The CPU bit mask of ``pid`` (0: the caller), or -ESRCH."""
    p = _task(pid)
    return -ESRCH if p is None else p.cpus_allowed


def mlockall(flags: int) -> int:
    """Lock memory: nothing pages in a simulation, so this only checks its flags (0, or -EINVAL)."""
    if not flags or flags & ~(MCL_CURRENT | MCL_FUTURE):
        return -EINVAL
    return 0


def gettid() -> int:
    return _current().pid


def getpid() -> int:
    """The thread group leader's pid (the thread's own for a task that is not a thread)."""
    t = _current()
    return int(t.data.get("tgid", t.pid))


def read_file(path: str) -> str | int:
    """open()+read()+close() of a /proc or /sys file: its text, or a negative errno."""
    k = on_cpu()
    fs = k.subsys.get("fs")
    if fs is None:
        return -EPERM
    try:
        return str(fs.read(path))
    except FileNotFoundError:
        return -ENOENT
    except PermissionError:
        return -EACCES


def write_file(path: str, text: str) -> int:
    """open()+write()+close(): len(text) or a negative errno."""
    fs = on_cpu().subsys.get("fs")
    if fs is None:
        return -EPERM
    return int(fs.write(path, text))


def sysconf_nprocessors_onln() -> int:
    """sysconf(_SC_NPROCESSORS_ONLN)."""
    return sum(1 for c in on_cpu().cpus if c.online)


def uname() -> dict[str, str]:
    """uname(2): sysname, nodename, release, version, machine of the kernel's utsname."""
    uts = utsname(on_cpu())
    return {"sysname": uts.sysname, "nodename": uts.nodename, "release": uts.release, "version": uts.version,
            "machine": uts.machine}  # fmt: skip


def sethostname(name: str) -> int:
    """sethostname(2): 0, or -EINVAL for a name longer than 64 bytes."""
    return _sethostname(on_cpu(), name)


def setpriority(pid: int, niceval: int) -> int:
    """setpriority(PRIO_PROCESS, pid, niceval) (kernel/sys.c): the nice value of ``pid`` (0: the caller), clamped
    to [-20, 19]; -ESRCH when there is no such task. A normal task's policy is kept."""
    k = on_cpu()
    p = _task(pid)
    if p is None:
        return -ESRCH
    k.sched.setscheduler(p, p.policy, p.rt_priority, max(-20, min(19, niceval)))
    return 0


def setsid() -> int:
    """setsid(2): the caller leads a new session, without a controlling terminal (kernel/sys.c ksys_setsid());
    returns its pid."""
    t = _current()
    t.data["tty_nr"] = 0
    return t.pid


def user_work(ns: int, wss: int = 0) -> None:
    """The program computes for ``ns`` of CPU time (preemptible, interruptible), sweeping through a working set of
    ``wss`` bytes: on a board with a cache model (kernel/cachecost.py) that evicts the kernel's hot paths from the
    CPU's caches. ``wss`` stays the task's working set until changed."""
    k = on_cpu()
    cache = k.cache_cost
    if cache is not None and wss != _current().data.get("wss", 0):
        cache.user_run(k.cpu, _current(), wss)  # type: ignore[arg-type]
    burn(k, ns, False)


#: The part of a system call's kernel section that runs with preemption disabled, per preemption model:
#: spinlock-held stretches on PREEMPT (a quarter of the section), and on PREEMPT_RT only raw-spinlock and
#: preempt_disable() stretches (a tenth, at most 40 µs), where spinlocks are sleeping locks. Without kernel
#: preemption the whole section is non-preemptible. Calibration in docs/latency.md.
# SIMPLIFICATION: a system call's locking is a fixed share of its kernel section, not the locks real code takes.
SPINLOCK_FRACTION = 0.25
RAW_FRACTION = 0.10
RAW_CAP_NS = 40_000


@contextlib.contextmanager
def _in_syscall(k: Kernel, cur: Task) -> Iterator[None]:
    """The task is in a system call's kernel section for the ``with`` block; on the way back, as
    exit_to_user_mode() does (kernel/entry/common.c), it schedules if a wakeup asked for it."""
    cur.data["in_syscall"] = True
    try:
        yield
    finally:
        cur.data["in_syscall"] = False
    cpu = k.cpu
    if cpu is not None and cpu.need_resched and not cpu.irqs_off and cpu.preempt_count == 0:
        k.sched.schedule()


def syscall_work(ns: int) -> None:
    """A system call that computes ``ns`` in the kernel (a getdents, an mmap, a page-cache copy...).

    On PREEMPT_NONE/VOLUNTARY nothing preempts it until it returns to user mode, where exit_to_user_mode()
    schedules if a wakeup asked for it. With kernel preemption only its lock-held stretch is atomic
    (SPINLOCK_FRACTION of it on PREEMPT; RAW_FRACTION, capped at RAW_CAP_NS, on PREEMPT_RT), at its end."""
    k = on_cpu()
    cur = _current()
    if k.preempt_rt:
        atomic = min(int(ns * RAW_FRACTION), RAW_CAP_NS)
    elif k.preempt_full:
        atomic = int(ns * SPINLOCK_FRACTION)
    else:
        atomic = 0
    with _in_syscall(k, cur):
        burn(k, ns - atomic, False)
        if atomic:
            preempt_disable()
            burn(k, atomic, False)
            preempt_enable()


#: munmap() of anonymous memory (mm/memory.c): per page table (PMD_SIZE / PAGE_SIZE = 512 pages of 4 KB),
#: zap_pte_range() clears the PTEs and drops rmap, refcount and memcg charge under the PTE lock; the pages are
#: freed after it is dropped, a batch of up to MAX_GATHER_BATCH (~510) at a time (tlb_batch_pages_flush()).
#: Each struct page is a cold line under memory pressure: ~100 ns a page for each step on the Pi 5.
PTES_PER_TABLE = 512
ZAP_PTE_NS = 100
FREE_PAGE_NS = 100


def munmap(nbytes: int) -> int:
    """munmap() of ``nbytes`` of faulted-in anonymous memory: unmap_vmas() -> zap_pmd_range(), then the page frees.
    Returns 0, or -EINVAL for a negative length.

    zap_pte_range() holds the page table's lock over its 512 PTEs (pte_offset_map_lock(): a spinlock, so no
    preemption on !PREEMPT_RT; an rt_mutex-based sleeping lock on PREEMPT_RT); zap_pmd_range() calls cond_resched()
    after each table and __tlb_batch_free_encoded_pages() after each batch freed: the only preemption points
    without kernel preemption."""
    if nbytes < 0:
        return -EINVAL
    k = on_cpu()
    cur = _current()
    pages = nbytes // 4096
    with _in_syscall(k, cur):
        while pages > 0:
            n = min(pages, PTES_PER_TABLE)
            pages -= n
            if not k.preempt_rt:
                preempt_disable()  # spin_lock(ptl)
            burn(k, n * ZAP_PTE_NS, False)
            if not k.preempt_rt:
                preempt_enable()  # spin_unlock(ptl)
            cond_resched()
            burn(k, n * FREE_PAGE_NS, False)
            cond_resched()
    return 0


def thread_create(fn: Callable[..., Any], args: tuple[Any, ...] = (), name: str | None = None) -> Task:
    """clone(CLONE_THREAD): a new user thread of the caller's process running ``fn(*args)``.
    It inherits the caller's policy, priority and affinity (copy_process, sched_fork)."""
    k = on_cpu()
    parent = _current()
    t = k.create_task(fn, args, name or parent.comm, user=True)
    t.data["tgid"] = parent.data.get("tgid", parent.pid)
    t.cpus_allowed = parent.cpus_allowed
    if parent.is_rt:
        k.sched.setscheduler(t, parent.policy, parent.rt_priority)
    else:
        k.sched.setscheduler(t, parent.policy, 0, parent.nice)
    k.sched.wake_up_new_task(t)
    k.sched.preempt_check_local()
    return t


def tgkill(tid: int) -> int:
    """Send a signal that ends the interruptible sleep of thread ``tid`` (its clock_nanosleep returns -EINTR):
    signal_wake_up() -> try_to_wake_up(TASK_INTERRUPTIBLE). 0, or -ESRCH."""
    k = on_cpu()
    t = k.tasks.get(tid)
    if t is None:
        return -ESRCH
    t.data["sigpending"] = True
    k.sched.try_to_wake_up(t, TASK_INTERRUPTIBLE)
    k.sched.preempt_check_local()
    return 0


def usleep(us: int) -> int:
    """usleep(3): clock_nanosleep(CLOCK_MONOTONIC, 0, us)."""
    return clock_nanosleep(CLOCK_MONOTONIC, 0, us * 1000)


def timerlat_start(cpus: list[int], period_us: int, on_sample: Callable[[Any], None], stop_us: int = 0,
                   stop_total_us: int = 0) -> Any:  # fmt: skip
    """Start the timerlat tracer on ``cpus`` (what rtla writes to /sys/kernel/tracing: current_tracer,
    osnoise/cpus, timerlat_period_us, stop_tracing_us, stop_tracing_total_us); samples go to ``on_sample``.
    Returns the tracer (``.stop()``, ``.tracing_on``, ``.stopped_on``)."""

    return Timerlat(on_cpu(), cpus, period_us, on_sample, stop_us, stop_total_us)


def thread_join(t: Task) -> Any:
    """pthread_join(): wait until ``t`` exits; returns its result. glibc waits in futex_wait() on the thread's
    tid word, an interruptible sleep (state S, outside the load average) that it restarts after a signal."""
    if t.exited is not None:
        wait_for_completion_interruptible(t.exited)
    return t.result
