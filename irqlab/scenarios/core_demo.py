"""The core demo: two kernel threads, a timer, a softirq, and a sleeping-in-atomic mistake caught.

A producer thread fills a buffer under a spinlock and wakes a consumer through a wait
queue; a timer_list timer fires in TIMER_SOFTIRQ every 20 ms and counts ticks; a
buggy thread calls msleep() while holding a spinlock and the kernel reports it, as a
debug kernel would, while the rest of the machine keeps running.
"""

from __future__ import annotations

import irqlab
from irqlab.kernel import (
    DECLARE_WAIT_QUEUE_HEAD,
    DEFINE_SPINLOCK,
    cpu_work,
    in_serving_softirq,
    jiffies_to_msecs,
    kthread_should_stop,
    mod_timer,
    msecs_to_jiffies,
    msleep,
    mutex,
    mutex_lock,
    mutex_unlock,
    pr_info,
    pr_warn,
    smp_processor_id,
    spin_lock,
    spin_lock_irqsave,
    spin_unlock,
    spin_unlock_irqrestore,
    timer_list,
    timer_setup,
    wait_event_interruptible,
    wake_up_interruptible,
)
from irqlab.kernel.core import kernel
from irqlab.machine import Machine

pr_fmt = "demo: "


class DemoState:
    def __init__(self) -> None:
        self.lock = DEFINE_SPINLOCK("demo_lock")
        self.wq = DECLARE_WAIT_QUEUE_HEAD("demo_wq")
        self.items: list[int] = []
        self.ticks = 0
        self.timer = timer_list()
        self.cfg = mutex("demo_cfg")


def producer(st: DemoState) -> int:
    for i in range(3):
        cpu_work(200_000)  # 200 us of computing the next item
        flags = spin_lock_irqsave(st.lock)
        st.items.append(i)
        spin_unlock_irqrestore(st.lock, flags)
        pr_info("producer: item %d ready on CPU%d\n", i, smp_processor_id())
        wake_up_interruptible(st.wq)
        msleep(10)
    return 0


def consumer(st: DemoState) -> int:
    got = 0
    while got < 3 and not kthread_should_stop():
        wait_event_interruptible(st.wq, lambda: bool(st.items))
        flags = spin_lock_irqsave(st.lock)
        item = st.items.pop(0)
        spin_unlock_irqrestore(st.lock, flags)
        pr_info("consumer: got item %d on CPU%d\n", item, smp_processor_id())
        got += 1
    return got


def demo_timer_fn(t: timer_list) -> None:
    st: DemoState = t.state  # type: ignore[attr-defined]
    st.ticks += 1
    pr_info("timer: tick %d in %s at %u ms\n", st.ticks, "softirq" if in_serving_softirq() else "?",
            jiffies_to_msecs(kernel().jiffies - kernel().initial_jiffies))  # fmt: skip
    if st.ticks < 3:
        mod_timer(t, kernel().jiffies + msecs_to_jiffies(20))


def buggy(st: DemoState) -> int:
    spin_lock(st.lock)
    pr_warn("buggy: taking a mutex and sleeping with a spinlock held...\n")
    mutex_lock(st.cfg)  # BUG: might_sleep() in atomic context
    mutex_unlock(st.cfg)
    msleep(5)  # BUG: schedule() with preempt_count != 0
    spin_unlock(st.lock)
    return 0


def starter(st: DemoState) -> int:
    timer_setup(st.timer, demo_timer_fn, 0)
    st.timer.state = st  # type: ignore[attr-defined]
    mod_timer(st.timer, kernel().jiffies + msecs_to_jiffies(20))
    return 0


def build(seed: int = 1) -> Machine:
    """Boot the generic board and set the demo up (not yet run)."""
    m = irqlab.boot("generic", cpus=4, seed=seed)
    st = DemoState()
    m.spawn(starter, st, name="demo-init")
    m.spawn(consumer, st, name="consumer")
    m.spawn(producer, st, name="producer")
    m.at("45ms", lambda: m.spawn(buggy, st, name="buggy"))
    return m


def run(seed: int = 1) -> Machine:
    """Build and run the demo to completion."""
    m = build(seed)
    m.run()
    return m
