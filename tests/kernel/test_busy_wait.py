"""Busy-wait loops run ahead to the next event when their body can change nothing, with the same outcome."""

import irqlab
from irqlab.kernel import (
    Struct,
    cpu_relax,
    ktime_get,
    local_irq_disable,
    local_irq_enable,
    mdelay,
    mod_timer,
    pr_info,
    timer_list,
    timer_setup,
)
from irqlab.kernel.core import kernel


class flag_dev(Struct):
    def __init__(self):
        self.ready = 0
        self.timer = timer_list()


def _run(waiter, seed=3):
    """Boot, let a timer set dev.ready after 3 jiffies, run ``waiter(dev)`` in a kthread; dmesg and the end time."""
    m = irqlab.boot("generic", cpus=2, seed=seed)
    dev = flag_dev()

    def fire(t):
        dev.ready = 1

    def starter():
        timer_setup(dev.timer, fire, 0)
        mod_timer(dev.timer, kernel().jiffies + 3)
        waiter(dev)
        pr_info("ready seen at %lld\n", ktime_get())

    m.spawn(starter, name="waiter", cpu=1)
    m.run(until="3s")
    return m.dmesg()


def _pure(dev):
    while not dev.ready:
        cpu_relax()


def _counting(dev):
    polls = 0
    while not dev.ready:
        cpu_relax()
        polls += 1  # a store: the loop cannot run ahead, every cpu_relax() is taken one by one


def test_a_pure_cpu_relax_loop_sees_the_flag_at_the_same_instant_as_one_polled_step_by_step():
    """`while (!dev->ready) cpu_relax();` ends at the same nanosecond whether it runs ahead or polls every 10 ns."""
    fast = _run(_pure)
    assert "ready seen at" in fast
    assert fast == _run(_counting)


def test_a_pure_loop_with_irqs_off_spins_through_seconds_of_simulated_time():
    """Three simulated seconds of `while (true) cpu_relax();` with IRQs off complete (in large steps)."""
    m = irqlab.boot("generic", cpus=2, seed=1)
    seen = []

    def spinner():
        local_irq_disable()
        t0 = ktime_get()
        while ktime_get() - t0 < 0:  # never true: a clock read keeps this loop exact, and it ends at once
            cpu_relax()
        while True:
            cpu_relax()

    def watcher():
        mdelay(2500)
        seen.append(ktime_get())
        local_irq_enable()

    m.spawn(spinner, name="spinner", cpu=1)
    m.spawn(watcher, name="watcher", cpu=0)
    m.run(until="3s")
    assert m.now == 3_000_000_000
    assert len(seen) == 1
