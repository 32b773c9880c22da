"""RT bandwidth: throttling real-time tasks that use more than their runtime. Mirrors the rt_bandwidth parts
of kernel/sched/rt.c (sched_rt_runtime_exceeded(), do_sched_rt_period_timer()).

Each CPU's RT tasks may run ``sched_rt_runtime_us`` (950 ms) of every ``sched_rt_period_us`` (1 s); past that
the CPU's RT run queue is throttled — its RT tasks are not picked — until the period timer refills the
budget, and the kernel says "sched: RT throttling activated" once. RT_RUNTIME_SHARE is off (the default
since 5.10), so a CPU does not borrow runtime from the others.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from irqlab.kernel.printk import KERN_DEFAULT
from irqlab.sim import PRIO_CPU

if TYPE_CHECKING:
    from irqlab.kernel.cpu import CPU
    from irqlab.kernel.kernel import Kernel

#: /proc/sys/kernel/sched_rt_period_us and sched_rt_runtime_us defaults, in ns.
RT_PERIOD_NS = 1_000_000_000
RT_RUNTIME_NS = 950_000_000


class RtBandwidth:
    """A CPU's rt_rq bandwidth state: rt_time used in this period, throttled, the period timer."""

    __slots__ = ("rt_time", "throttled", "period", "timer", "throttle_count")

    def __init__(self) -> None:
        self.rt_time = 0
        self.throttled = False
        self.period = 0
        self.timer: list[object] | None = None
        self.throttle_count = 0


def _bw(cpu: CPU) -> RtBandwidth:
    bw = cpu.percpu.get("rt_bw")
    if bw is None:
        bw = cpu.percpu["rt_bw"] = RtBandwidth()
    return bw  # type: ignore[no-any-return]


def rt_rq_throttled(cpu: CPU) -> bool:
    """Whether the CPU's RT tasks are throttled now."""
    bw = cpu.percpu.get("rt_bw")
    return bw is not None and bw.throttled


def rq_pickable(cpu: CPU) -> bool:
    """Whether the CPU's run queue holds a task the scheduler may pick (throttled RT tasks may not)."""
    rq = cpu.rq
    if rq.cfs:
        return True
    return bool(rq.rt) and not rt_rq_throttled(cpu)


def _refill(k: Kernel, cpu: CPU, bw: RtBandwidth) -> None:
    """do_sched_rt_period_timer(): each elapsed period gives back one runtime; unthrottle below it."""
    period = k.engine.now // RT_PERIOD_NS
    overrun = period - bw.period
    if overrun <= 0:
        return
    bw.period = period
    bw.rt_time -= min(bw.rt_time, overrun * RT_RUNTIME_NS)
    if bw.throttled and bw.rt_time < RT_RUNTIME_NS:
        bw.throttled = False
        k.sched.resched_cpu(cpu)


def _period_timer(k: Kernel, cpu: CPU) -> None:
    bw = _bw(cpu)
    bw.timer = None
    _refill(k, cpu, bw)
    if bw.throttled:
        _arm(k, cpu, bw)


def _arm(k: Kernel, cpu: CPU, bw: RtBandwidth) -> None:
    # The period timer only runs while it has budget to give back (start_rt_bandwidth()).
    if bw.timer is None:
        nxt = (k.engine.now // RT_PERIOD_NS + 1) * RT_PERIOD_NS
        bw.timer = k.engine.at(nxt, PRIO_CPU, _period_timer, k, cpu)


def update_curr_rt(k: Kernel, cpu: CPU, delta: int) -> None:
    """Account ``delta`` ns of RT execution on ``cpu``; throttle once the runtime is exceeded."""
    bw = _bw(cpu)
    _refill(k, cpu, bw)
    bw.rt_time += delta
    if not bw.throttled and bw.rt_time > RT_RUNTIME_NS:
        # sched_rt_runtime_exceeded()
        bw.throttled = True
        bw.throttle_count += 1
        if not k.subsys.get("rt_throttling_reported"):
            k.subsys["rt_throttling_reported"] = True
            k.pr(KERN_DEFAULT, "sched: RT throttling activated")
        k.sched.resched_cpu(cpu)
        _arm(k, cpu, bw)
