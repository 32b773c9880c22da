"""Mirrors kernel/sched/deadline.c's dl_server (the "fair server", 6.12) and kernel/sched/rt.c's RT bandwidth.

**Fair server.** Each CPU has a deferred SCHED_DEADLINE server for its fair tasks, 50 ms of runtime per 1 s
period (``/sys/kernel/debug/sched/fair_server/cpuN/{runtime,period}``, in ns). When an RT task keeps runnable fair
tasks off a CPU, the server waits until its zero-laxity time (deadline - runtime, 950 ms after the starvation
began), then runs the fair tasks ahead of every RT task until the deadline, and repeats every period: an RT hog
leaves its CPU's fair tasks 50 ms in every second.

**RT throttling.** ``sched_rt_runtime_us`` of every ``sched_rt_period_us`` (950000 of 1000000) is the most RT tasks
may run on a CPU; beyond it RT is throttled until the period ends ("sched: RT throttling activated", once). With
the fair server on, RT rarely reaches the limit; with ``runtime`` 0 for the server, throttling is what saves fair
tasks. ``sched_rt_runtime_us`` = -1 lifts the limit.

SIMPLIFICATION: the server's budget is the window [deadline - runtime, deadline): fair tasks that block inside it
leave the rest unused rather than carrying it; fair tasks that ran on their own before the window do not consume
it. RT time is accounted at the scheduler's update_curr() (every tick and switch), as the kernel does. A throttled
CPU with no fair task to run keeps running its RT tasks instead of idling until the period ends.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from irqlab.kernel.printk import KERN_WARNING, vprintk
from irqlab.kernel.time.hrtimer import (
    HRTIMER_MODE_ABS_HARD,
    HRTIMER_NORESTART,
    hrtimer,
    hrtimer_start,
    hrtimer_try_to_cancel,
)

if TYPE_CHECKING:
    from irqlab.kernel.cpu import CPU
    from irqlab.kernel.kernel import Kernel
    from irqlab.kernel.sched.core import Task

NSEC_PER_USEC: Final = 1000
#: The fair server's states (Final, so that compiled code reads them as constants, not from the module's dict).
IDLE: Final = 0
DEFERRED: Final = 1
RUNNING: Final = 2


class FairServer:
    """rq->fair_server of one CPU."""

    __slots__ = ("cpu", "runtime", "period", "state", "deadline", "timer")

    def __init__(self, cpu: CPU) -> None:
        self.cpu = cpu
        self.runtime = 50_000_000
        self.period = 1_000_000_000
        self.state = IDLE
        self.deadline = 0
        self.timer = hrtimer()
        self.timer._cpu = cpu.id
        # dl_server's timer callback finds its sched_dl_entity with container_of() (dl_task_timer()): a plain
        # function, so that %ps and the hrtimer events name it alike in the pure and the compiled build.
        object.__setattr__(self.timer, "_container", (self, "timer"))
        self.timer.function = _timer_fn

    def _arm(self, when: int) -> None:
        hrtimer_start(self.timer, when, HRTIMER_MODE_ABS_HARD)

    def starved(self) -> None:
        """An RT task was picked while fair tasks wait: dl_server_start() in deferred mode."""
        if self.state != IDLE or self.runtime <= 0:
            return
        k = self.cpu.k
        self.state = DEFERRED
        self.deadline = k.engine.now + self.period
        self._arm(self.deadline - self.runtime)

    def stop(self) -> None:
        """dl_server_stop(): fair tasks run on their own (or none is left)."""
        if self.state == DEFERRED:
            self.state = IDLE
            hrtimer_try_to_cancel(self.timer)

    def expire(self) -> int:
        """The zero-laxity timer (deferred -> running) and the end of the runtime window (running -> deferred)."""
        cpu = self.cpu
        k = cpu.k
        waiting = bool(cpu.rq.cfs.queued) or (cpu.curr is not cpu.idle and not cpu.curr.is_rt)
        if self.state == DEFERRED:
            if not waiting:
                self.state = IDLE
                return HRTIMER_NORESTART
            self.state = RUNNING
            self._arm(self.deadline)
        elif self.state == RUNNING:
            self.deadline += self.period
            if waiting and cpu.rq.rt.bitmap:
                self.state = DEFERRED
                self._arm(self.deadline - self.runtime)
            else:
                self.state = IDLE
        k.sched.resched_cpu(cpu)
        return HRTIMER_NORESTART


def _timer_fn(timer: hrtimer) -> int:
    """The fair server's hrtimer callback (dl_task_timer()): container_of(timer, ..., timer)->expire()."""
    fs: FairServer = timer._container[0]  # type: ignore[index]
    return fs.expire()


class RtBandwidth:
    """One CPU's rt_rq accounting against def_rt_bandwidth: rt_time in the current period, rt_throttled."""

    __slots__ = ("cpu", "rt_time", "throttled", "period")

    def __init__(self, cpu: CPU) -> None:
        self.cpu = cpu
        self.rt_time = 0
        self.throttled = False
        self.period = -1  # the index of the period rt_time belongs to


class SchedBandwidth:
    """The per-kernel sysctls and the per-CPU servers (k.subsys["sched_bw"])."""

    def __init__(self, k: Kernel) -> None:
        self.k = k
        self.rt_runtime_us = 950000
        self.rt_period_us = 1000000
        self.fair = [FairServer(c) for c in k.cpus]
        self.rt = [RtBandwidth(c) for c in k.cpus]
        self.warned = False
        #: When def_rt_bandwidth's period timer started (-1: not yet); periods are counted from it.
        self.epoch = -1

    # -- hooks called by the scheduler --------------------------------------------------------------
    def rt_period(self, cpu: CPU) -> RtBandwidth:
        """do_sched_rt_period_timer(), folded in: entering a new period forgets rt_time and unthrottles.
        SIMPLIFICATION: def_rt_bandwidth's period hrtimer is not armed (it would add timer interrupts); a CPU
        notices the new period at its next tick or RT accounting, within a jiffy of the boundary."""
        bw = self.rt[cpu.id]
        k = self.k
        if self.epoch < 0:
            self.epoch = k.engine.now  # start_rt_bandwidth(): the period timer starts with the first RT runtime
        period = (k.engine.now - self.epoch) // (self.rt_period_us * NSEC_PER_USEC)
        if period != bw.period:
            bw.period = period
            bw.rt_time = 0
            if bw.throttled:
                bw.throttled = False
                k.sched.resched_cpu(cpu)
        return bw

    def update_curr_rt(self, cpu: CPU, curr: Task, delta: int) -> None:
        """update_curr_rt() -> sched_rt_runtime_exceeded(): account RT time; throttle past the runtime."""
        if self.rt_runtime_us < 0:
            return
        bw = self.rt_period(cpu)
        bw.rt_time += delta
        if not bw.throttled and bw.rt_time > self.rt_runtime_us * NSEC_PER_USEC and self.rt_runtime_us:
            bw.throttled = True
            if not self.warned:  # printk_deferred_once()
                self.warned = True
                vprintk(self.k, KERN_WARNING + "%s\n", ("sched: RT throttling activated",))
            self.k.sched.resched_cpu(cpu)

    def tick(self, cpu: CPU) -> None:
        """From the scheduler tick: a throttled CPU notices the end of its period."""
        if self.rt[cpu.id].throttled:
            self.rt_period(cpu)

    def rt_allowed(self, cpu: CPU) -> bool:
        """Whether RT tasks may be picked on ``cpu`` (not throttled, fair server not running)."""
        if not cpu.rq.cfs.queued:
            return True  # SIMPLIFICATION: see the module docstring (nothing else to run)
        return not (self.rt[cpu.id].throttled or self.fair[cpu.id].state == RUNNING)

    def picked(self, cpu: CPU, p: Task) -> None:
        """After a pick: RT over waiting fair tasks starts the fair server; fair on its own stops it."""
        fs = self.fair[cpu.id]
        if p.is_rt:
            if cpu.rq.cfs.queued:
                fs.starved()
        elif p is not cpu.idle and fs.state == DEFERRED and not cpu.rq.rt.bitmap:
            fs.stop()

    def fair_wakeup_preempts(self, cpu: CPU) -> bool:
        """A fair task woke while RT runs: it preempts when the server is in its window."""
        return self.fair[cpu.id].state == RUNNING or self.rt[cpu.id].throttled


def sched_bandwidth_init(k: Kernel) -> None:
    """sched_init()'s bandwidth part and the sysctl / debugfs files."""
    bw = SchedBandwidth(k)
    k.subsys["sched_bw"] = bw
    k.sched.bandwidth = bw

    def offline(cpu: CPU) -> None:  # the CPU's servers and RT period stop with it
        fs = bw.fair[cpu.id]
        fs.state = IDLE
        hrtimer_try_to_cancel(fs.timer)
        rt = bw.rt[cpu.id]
        rt.rt_time, rt.throttled = 0, False

    k.subsys.setdefault("cpu_offline_hooks", []).append(offline)
    k.tick_hooks.append(bw.tick)
    # fs/sysctl.py's sched_bandwidth_sysctl_init() registers the files when the filesystem mounts.

    k.subsys.setdefault("fs_hooks", []).append("sched_bandwidth_sysctl_init")
