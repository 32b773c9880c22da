"""The per-CPU periodic tick, stopped on idle CPUs (NO_HZ_IDLE). Mirrors kernel/time/tick-sched.c.

Each CPU's tick is a hard hrtimer firing every TICK_NSEC on the global tick grid. It
runs the scheduler tick and raises TIMER_SOFTIRQ when a timer_list timer expired.
An idle CPU stops its tick, or moves it to the jiffy of its next timer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from irqlab.kernel.sched.cputime import account_process_tick
from irqlab.kernel.sched.loadavg import LoadAvg
from irqlab.kernel.time.hrtimer import (
    CLOCK_MONOTONIC,
    HRTIMER_MODE_ABS_HARD,
    HRTIMER_MODE_ABS_PINNED_HARD,
    HRTIMER_RESTART,
    hrtimer,
    hrtimer_init,
    hrtimer_start_on,
    hrtimer_try_to_cancel,
)
from irqlab.kernel.time.timer import TimerBase, run_local_timers

if TYPE_CHECKING:
    from irqlab.kernel.cpu import CPU
    from irqlab.kernel.kernel import Kernel


class TickSched:
    """Tick management for all CPUs of one kernel."""

    def __init__(self, k: Kernel) -> None:
        self.k = k
        self.tick_nsec = k.tick_nsec
        self.loadavg = LoadAvg(k)

    def setup(self, cpu: CPU) -> None:
        t = hrtimer()
        t.function = self.tick_sched_timer
        t.tick_cpu = cpu.id  # type: ignore[attr-defined]
        t._cpu = cpu.id  # started at boot outside every CPU: queue it on its own CPU's base
        cpu.tick = t

    def start(self, cpu: CPU) -> None:
        """Start (or restart) the periodic tick at the next tick boundary."""
        k = self.k
        t = cpu.tick
        hrtimer_init(t, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_HARD)
        t.function = self.tick_sched_timer
        nxt = (k.engine.now // self.tick_nsec + 1) * self.tick_nsec
        # tick_setup_sched_timer(): HRTIMER_MODE_ABS_PINNED_HARD.
        hrtimer_start_on(k, cpu, t, nxt, 0, HRTIMER_MODE_ABS_PINNED_HARD)
        cpu.tick_stopped = False

    def tick_sched_timer(self, timer: hrtimer) -> int:
        """tick_sched_timer(): update_process_times() and re-arm one tick later."""
        k = self.k
        cpu = k.cpu
        assert cpu is not None
        account_process_tick(k, cpu)  # update_process_times()
        if k.jiffies >= self.loadavg.calc_load_update + 10:
            self.loadavg.calc_global_load()  # do_timer()
        run_local_timers(k, cpu)
        k.sched.scheduler_tick(cpu)
        for hook in k.tick_hooks:
            hook(cpu)
        now = k.engine.now
        timer.node_expires = timer._softexpires = (now // self.tick_nsec + 1) * self.tick_nsec
        return HRTIMER_RESTART

    def nohz_idle_enter(self, cpu: CPU) -> None:
        """tick_nohz_idle_stop_tick(): stop the tick or push it to the next timer's jiffy."""
        k = self.k
        base: TimerBase = cpu.timer_base  # typed: compiled code calls next_expiry() natively
        nxt = base.next_expiry()
        t: hrtimer = cpu.tick
        if nxt is None:
            if hrtimer_try_to_cancel(t) >= 0:
                cpu.tick_stopped = True
            return
        when = (nxt - k.initial_jiffies) * self.tick_nsec
        if when > t.node_expires or t._entry is None:
            # tick_nohz_stop_tick(): hrtimer_start() of the tick, which takes it out of the queue first (traced
            # as hrtimer_cancel) without reprogramming: the clock event is programmed once.
            hrtimer_start_on(k, cpu, t, max(when, k.engine.now), 0, HRTIMER_MODE_ABS_PINNED_HARD)
            cpu.tick_stopped = True

    def nohz_idle_exit(self, cpu: CPU) -> None:
        """tick_nohz_idle_exit(): restart the periodic tick if it was stopped."""
        if cpu.tick_stopped:
            hrtimer_try_to_cancel(cpu.tick)
            self.start(cpu)

    def nohz_reprogram(self, cpu: CPU) -> None:
        """A timer was queued on an idle CPU from elsewhere: re-evaluate its stopped tick."""
        if cpu.tick_stopped and cpu.curr is cpu.idle:
            self.nohz_idle_enter(cpu)
