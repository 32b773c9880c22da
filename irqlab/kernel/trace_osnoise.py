"""The timerlat tracer. Mirrors the timerlat part of kernel/trace/trace_osnoise.c.

Per monitored CPU a ``timerlat/N`` kthread (SCHED_FIFO 95, bound to N) arms a hard, pinned, absolute
hrtimer one period ahead and sleeps. The timer's callback (timerlat_irq) records the IRQ latency
(now - expiry) and wakes the thread; the thread records its own latency (now - expiry) and arms the
next period. Crossing ``stop_tracing_us`` (IRQ) or ``stop_tracing_total_us`` (thread) stops tracing,
as osnoise_stop_tracing() does.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from irqlab.kernel.core import on_cpu
from irqlab.kernel.sched.core import SCHED_FIFO, TASK_INTERRUPTIBLE, Task
from irqlab.kernel.time.hrtimer import (
    CLOCK_MONOTONIC,
    HRTIMER_MODE_ABS_PINNED,
    HRTIMER_MODE_HARD,
    HRTIMER_NORESTART,
    hrtimer,
    hrtimer_init,
    hrtimer_start,
    hrtimer_try_to_cancel,
)

#: trace_osnoise.c DEFAULT_TIMERLAT_PERIOD (us) and DEFAULT_TIMERLAT_PRIO.
DEFAULT_TIMERLAT_PERIOD = 1000
DEFAULT_TIMERLAT_PRIO = 95


@dataclasses.dataclass
class TimerlatSample:
    """One timerlat event: context 0 = IRQ, 1 = thread; latency in ns; the activation's sequence number."""

    cpu: int
    context: int
    seqnum: int
    timer_latency: int
    ts: int


class timerlat_variables:
    """Per-CPU state (struct timerlat_variables)."""

    def __init__(self, cpu: int) -> None:
        self.cpu = cpu
        self.timer = hrtimer()
        self.abs_period = 0
        self.count = 0
        self.tracing_thread = False
        self.kthread: Task | None = None


class Timerlat:
    """A running timerlat tracer; ``on_sample`` receives each TimerlatSample (the trace's timerlat events)."""

    def __init__(self, k: Any, cpus: list[int], period_us: int, on_sample: Callable[[TimerlatSample], None],
                 stop_us: int = 0, stop_total_us: int = 0, prio: int = DEFAULT_TIMERLAT_PRIO) -> None:  # fmt: skip
        self.k = k
        self.period_ns = period_us * 1000
        self.on_sample = on_sample
        self.stop_ns = stop_us * 1000
        self.stop_total_ns = stop_total_us * 1000
        self.tracing_on = True
        self.stopped_on: TimerlatSample | None = None
        self.vars = {c: timerlat_variables(c) for c in cpus}
        for c in cpus:
            t = k.create_task(self.timerlat_main, (self.vars[c],), f"timerlat/{c}")
            t.cpus_allowed = 1 << c
            t.cpu = c
            t.data["bound"] = True
            k.sched.setscheduler(t, SCHED_FIFO, prio)
            self.vars[c].kthread = t
            k.sched.wake_up_new_task(t)

    # SIMPLIFICATION: samples reach the reader by a callback, not through the trace ring buffer's timerlat
    # events; tracer options come as arguments, not as writes to /sys/kernel/tracing files.
    def _record(self, s: TimerlatSample) -> None:
        if not self.tracing_on:
            return
        self.on_sample(s)
        limit = self.stop_ns if s.context == 0 else self.stop_total_ns
        if limit and s.timer_latency >= limit:
            # osnoise_stop_tracing(): the trace stops at the sample that crossed the threshold.
            self.tracing_on = False
            self.stopped_on = s

    def timerlat_irq(self, timer: hrtimer) -> int:
        """timerlat_irq(): the IRQ latency, then wake the thread."""
        k = on_cpu()
        tlat: timerlat_variables = timer.tlat  # type: ignore[attr-defined]
        now = k.engine.now
        tlat.count += 1
        self._record(TimerlatSample(tlat.cpu, 0, tlat.count, now - tlat.abs_period, now))
        if tlat.kthread is not None:
            k.sched.try_to_wake_up(tlat.kthread)
        return HRTIMER_NORESTART

    def _arm(self, tlat: timerlat_variables) -> None:
        """wait_next_period(): the next absolute period after now, on a hard pinned timer."""
        now = self.k.engine.now
        tlat.abs_period += self.period_ns
        while tlat.abs_period <= now:
            tlat.abs_period += self.period_ns
        hrtimer_start(tlat.timer, tlat.abs_period, HRTIMER_MODE_ABS_PINNED | HRTIMER_MODE_HARD)

    def timerlat_main(self, tlat: timerlat_variables) -> int:
        """timerlat_main(): the per-CPU measuring kthread."""
        k = on_cpu()
        hrtimer_init(tlat.timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_PINNED | HRTIMER_MODE_HARD)
        tlat.timer.function = self.timerlat_irq
        tlat.timer.tlat = tlat  # type: ignore[attr-defined]
        tlat.abs_period = k.engine.now
        self._arm(tlat)
        cur = k.cpu.curr
        while not cur.should_stop:
            cur.raw_state = TASK_INTERRUPTIBLE
            cur.wait_desc = "timerlat period"
            k.sched.schedule()
            if cur.should_stop:
                break
            now = k.engine.now
            self._record(TimerlatSample(tlat.cpu, 1, tlat.count, now - tlat.abs_period, now))
            self._arm(tlat)
        return 0

    def stop(self) -> None:
        """Stop the tracer: each kthread is told to stop and woken (kthread_stop)."""
        self.tracing_on = False
        for v in self.vars.values():
            t = v.kthread
            if t is not None:
                t.should_stop = True

                hrtimer_try_to_cancel(v.timer)
                self.k.sched.try_to_wake_up(t)
