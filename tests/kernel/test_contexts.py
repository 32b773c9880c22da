"""preempt_count layout and the context predicates in task, softirq and hardirq context."""

import irqlab
from irqlab.kernel import (
    CLOCK_MONOTONIC,
    HRTIMER_MODE_REL,
    HRTIMER_NORESTART,
    hrtimer,
    hrtimer_init,
    hrtimer_start,
    in_atomic,
    in_hardirq,
    in_interrupt,
    in_serving_softirq,
    in_softirq,
    in_task,
    irqs_disabled,
    local_bh_disable,
    local_bh_enable,
    local_irq_restore,
    local_irq_save,
    mod_timer,
    preempt_count,
    preempt_disable,
    preempt_enable,
    timer_list,
    timer_setup,
)
from irqlab.kernel.core import kernel


def _snap():
    return dict(pc=preempt_count(), hard=bool(in_hardirq()), soft=bool(in_softirq()), serving=bool(in_serving_softirq()),
                intr=bool(in_interrupt()), task=in_task(), atomic=in_atomic(), irqs_off=irqs_disabled())


def test_context_predicates_follow_preempt_count_fields():
    """PREEMPT bits 0-7, SOFTIRQ 8-15 (0x200 per local_bh_disable), HARDIRQ 16-19, as include/linux/preempt.h."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    s = {}
    tl, ht = timer_list(), hrtimer()

    def hard(t):
        s["hardirq"] = _snap()
        return HRTIMER_NORESTART

    def soft(t):
        s["softirq"] = _snap()

    def fn():
        s["task"] = _snap()
        preempt_disable()
        s["preempt"] = _snap()
        preempt_enable()
        local_bh_disable()
        s["bh"] = _snap()
        local_bh_enable()
        flags = local_irq_save()
        s["irqsave"] = _snap()
        local_irq_restore(flags)
        hrtimer_init(ht, CLOCK_MONOTONIC, HRTIMER_MODE_REL)
        ht.function = hard
        hrtimer_start(ht, 10_000, HRTIMER_MODE_REL)
        timer_setup(tl, soft, 0)
        mod_timer(tl, kernel().jiffies + 1)

    m.spawn(fn)
    m.run()
    assert s["task"] == dict(pc=0, hard=False, soft=False, serving=False, intr=False, task=True, atomic=False, irqs_off=False)
    assert s["preempt"]["pc"] == 1 and s["preempt"]["atomic"] and s["preempt"]["task"]
    assert s["bh"]["pc"] == 0x200 and s["bh"]["soft"] and not s["bh"]["serving"] and s["bh"]["task"]
    assert s["irqsave"]["irqs_off"] and s["irqsave"]["pc"] == 0
    assert s["hardirq"]["pc"] == 0x10000 and s["hardirq"]["hard"] and s["hardirq"]["irqs_off"] and not s["hardirq"]["task"]
    assert s["softirq"]["pc"] == 0x100 and s["softirq"]["serving"] and s["softirq"]["intr"] and not s["softirq"]["task"]
    assert not s["softirq"]["irqs_off"]


def test_current_exposes_comm_pid_policy_prio():
    """current.comm/pid/policy/prio describe the running task."""
    from irqlab.kernel import SCHED_FIFO, current

    m = irqlab.boot("generic", cpus=1, seed=0)
    out = {}
    t = m.spawn(lambda: out.update(comm=current.comm, pid=current.pid, policy=current.policy, prio=current.prio),
                name="rt-thread", policy="fifo", prio=42)
    m.run()
    assert out == dict(comm="rt-thread", pid=t.pid, policy=SCHED_FIFO, prio=42)
