"""Mirrors kernel/sched/cputime.c: the per-CPU time accounting behind /proc/stat, /proc/uptime and
/proc/PID/stat.

Two configurations, chosen by the board's kernel config (``Board.data["kconfig"]["IRQ_TIME_ACCOUNTING"]``):

* tick sampling (the Pi 5's bcm2712_defconfig: TICK_CPU_ACCOUNTING, no IRQ_TIME_ACCOUNTING): each tick
  charges TICK_NSEC to whatever it interrupted (user, system, softirq or idle), ``account_process_tick()``;
  a tick cannot interrupt a hardirq, so the ``irq`` column stays 0 as on a real Pi;
* precise interrupt time (Debian amd64: IRQ_TIME_ACCOUNTING, VIRT_CPU_ACCOUNTING_GEN without nohz_full CPUs):
  hardirq and softirq time measured at each entry and exit, ``irqtime_account_irq()``, and subtracted from
  the next tick's sample, ``irqtime_account_process_tick()``.

In both, idle time comes from NO_HZ's precise idle sleep time (tick-sched.c ``get_cpu_idle_time_us()``),
which the idle loop stamps around its wait. The hot-path hooks are a subtraction and an add.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from irqlab.kernel.cpu import HARDIRQ_MASK, HARDIRQ_OFFSET, NMI_MASK, SOFTIRQ_MASK, SOFTIRQ_OFFSET

if TYPE_CHECKING:
    from irqlab.kernel.cpu import CPU
    from irqlab.kernel.kernel import Kernel
    from irqlab.kernel.sched.core import Task

# include/linux/kernel_stat.h enum cpu_usage_stat
CPUTIME_USER = 0
CPUTIME_NICE = 1
CPUTIME_SYSTEM = 2
CPUTIME_SOFTIRQ = 3
CPUTIME_IRQ = 4
CPUTIME_IDLE = 5
CPUTIME_IOWAIT = 6
CPUTIME_STEAL = 7
CPUTIME_GUEST = 8
CPUTIME_GUEST_NICE = 9
NR_STATS = 10

USER_HZ = 100
NSEC_PER_SEC = 1_000_000_000

_IRQ_COUNT_MASK = NMI_MASK | HARDIRQ_MASK | SOFTIRQ_MASK


def nsec_to_clock_t(ns: int) -> int:
    """kernel/time/time.c nsec_to_clock_t(): ns in USER_HZ ticks (truncated)."""
    return ns // (NSEC_PER_SEC // USER_HZ)


# -- precise hardirq/softirq time (CONFIG_IRQ_TIME_ACCOUNTING) -----------------------------------------------


def irqtime_account_irq(k: Kernel, cpu: CPU, offset: int) -> None:
    """irqtime_account_irq(): charge the time since the last stamp to the context being left.

    Called at hardirq entry (``offset`` HARDIRQ_OFFSET) and exit (0), and at softirq entry (SOFTIRQ_OFFSET)
    and exit (0), with the preempt count of the context being entered or still in. Softirqs run by
    ksoftirqd are not charged here: their time stays with the thread (and the tick books it as softirq).
    """
    now = k.engine.now
    delta = now - cpu.irqtime_start
    cpu.irqtime_start = now
    pc = (cpu.preempt_count & _IRQ_COUNT_MASK) - offset
    if pc & HARDIRQ_MASK:
        cpu.cpustat[CPUTIME_IRQ] += delta
        cpu.irqtime_tick_delta += delta
    elif pc & SOFTIRQ_OFFSET and cpu.curr is not cpu.ksoftirqd:
        cpu.cpustat[CPUTIME_SOFTIRQ] += delta
        cpu.irqtime_tick_delta += delta


# -- the tick ---------------------------------------------------------------------------------------------


def account_process_tick(k: Kernel, cpu: CPU) -> None:
    """account_process_tick(): charge one tick to the context the tick interrupted (hardirq context)."""
    p = cpu.curr
    interrupted = (cpu.preempt_count & _IRQ_COUNT_MASK) - HARDIRQ_OFFSET
    # user_mode(regs): a user task interrupted outside any kernel section.
    # SIMPLIFICATION: a user task's own computation is user mode; it has no syscalls that burn time.
    user_tick = p.is_user and cpu.preempt_count == HARDIRQ_OFFSET
    cputime = k.tick_nsec
    if k.irqtime:
        # irqtime_account_process_tick(): interrupt time already booked since the last tick is subtracted.
        other = cpu.irqtime_tick_delta
        if other >= cputime:
            cpu.irqtime_tick_delta = other - cputime
            return
        cpu.irqtime_tick_delta = 0
        cputime -= other
        if p is cpu.ksoftirqd:
            account_system_index_time(cpu, p, cputime, CPUTIME_SOFTIRQ)
        elif user_tick:
            account_user_time(cpu, p, cputime)
        elif p is cpu.idle:
            cpu.cpustat[CPUTIME_IDLE] += cputime
        else:
            account_system_index_time(cpu, p, cputime, CPUTIME_SYSTEM)
        return
    if user_tick:
        account_user_time(cpu, p, cputime)
    elif p is not cpu.idle or interrupted != 0:
        # account_system_time(p, HARDIRQ_OFFSET, cputime)
        if interrupted & HARDIRQ_MASK:
            index = CPUTIME_IRQ
        elif interrupted & SOFTIRQ_OFFSET:
            index = CPUTIME_SOFTIRQ
        else:
            index = CPUTIME_SYSTEM
        account_system_index_time(cpu, p, cputime, index)
    else:
        # account_idle_time(): no task waits on I/O in irqlab, so never iowait.
        cpu.cpustat[CPUTIME_IDLE] += cputime


def account_user_time(cpu: CPU, p: Task, cputime: int) -> None:
    """account_user_time(): user time, or nice time for a task with a positive nice value."""
    p.utime += cputime
    cpu.cpustat[CPUTIME_NICE if p.nice > 0 else CPUTIME_USER] += cputime


def account_system_index_time(cpu: CPU, p: Task, cputime: int, index: int) -> None:
    """account_system_index_time(): system-side time of ``p`` booked under ``index``."""
    p.stime += cputime
    cpu.cpustat[index] += cputime


# -- CPU hotplug ------------------------------------------------------------------------------------------


def _cpu_offline(cpu: CPU) -> None:
    """An idle CPU going down stops idling: its idle time so far is kept, none accrues while it is down."""
    if cpu.idle_entrytime >= 0:
        now = cpu.k.engine.now
        cpu.idle_sleeptime += now - cpu.idle_entrytime
        cpu.idle_entrytime = now


def _cpu_online(cpu: CPU) -> None:
    if cpu.idle_entrytime >= 0:
        cpu.idle_entrytime = cpu.k.engine.now


def cputime_init(k: Kernel) -> None:
    """Initcall: keep the idle accounting of CPUs taken down and brought back."""
    k.subsys.setdefault("cpu_offline_hooks", []).append(_cpu_offline)
    k.subsys.setdefault("cpu_online_hooks", []).append(_cpu_online)


# -- readers ----------------------------------------------------------------------------------------------


def get_idle_time(k: Kernel, cpu: CPU) -> int:
    """fs/proc/stat.c get_idle_time(): NO_HZ idle sleep time in µs precision for an online CPU
    (including the idle period under way), the idle time accounted until it went down for an offline one."""
    if not cpu.online:
        # SIMPLIFICATION: the kernel's offline figure is cpustat[CPUTIME_IDLE], the idle ticks folded in at
        # each tickless-idle exit (account_idle_ticks()); irqlab shows the precise idle sleep time instead.
        return cpu.idle_sleeptime // 1000 * 1000  # type: ignore[no-any-return]
    idle = cpu.idle_sleeptime
    if cpu.idle_entrytime >= 0:
        idle += k.engine.now - cpu.idle_entrytime
    return idle // 1000 * 1000  # type: ignore[no-any-return]


def kcpustat_cpu_fetch(k: Kernel, cpu: CPU) -> list[int]:
    """The ten /proc/stat values of ``cpu`` in ns, idle as get_idle_time() and iowait 0."""
    vals = list(cpu.cpustat)
    vals[CPUTIME_IDLE] = get_idle_time(k, cpu)
    vals[CPUTIME_IOWAIT] = 0
    return vals


def cputime_adjust(p: Task) -> tuple[int, int]:
    """cputime_adjust(): the task's (utime, stime) scaled so they add up to its precise runtime,
    never going backwards between reads (p->prev_cputime)."""
    rtime = p.sum_exec_runtime
    prev_u, prev_s = p.prev_cputime
    if prev_s + prev_u >= rtime:
        return prev_u, prev_s
    stime, utime = p.stime, p.utime
    if stime == 0:
        utime = rtime
    elif utime == 0:
        stime = rtime
    else:
        stime = stime * rtime // (stime + utime)  # mul_u64_u64_div_u64()
    if stime < prev_s:
        stime = prev_s
    utime = rtime - stime
    if utime < prev_u:
        utime = prev_u
        stime = rtime - utime
    p.prev_cputime = (utime, stime)
    return utime, stime


__all__ = [
    "CPUTIME_USER",
    "CPUTIME_NICE",
    "CPUTIME_SYSTEM",
    "CPUTIME_SOFTIRQ",
    "CPUTIME_IRQ",
    "CPUTIME_IDLE",
    "CPUTIME_IOWAIT",
    "CPUTIME_STEAL",
    "CPUTIME_GUEST",
    "CPUTIME_GUEST_NICE",
    "NR_STATS",
    "USER_HZ",
    "nsec_to_clock_t",
    "irqtime_account_irq",
    "account_process_tick",
    "get_idle_time",
    "kcpustat_cpu_fetch",
    "cputime_adjust",
]
