"""A hardirq or softirq that sleeps ("scheduling while atomic") and resumes on another CPU: both CPUs keep working."""

import irqlab
from irqlab.kernel import (
    CLOCK_MONOTONIC,
    HRTIMER_MODE_REL_HARD,
    HRTIMER_NORESTART,
    IRQ_HANDLED,
    complete,
    completion,
    cpu_work,
    get_current,
    hrtimer,
    hrtimer_init,
    hrtimer_start,
    in_softirq,
    ktime_get,
    local_irq_disable,
    local_irq_enable,
    mdelay,
    msleep,
    request_irq,
    set_cpus_allowed_ptr,
    smp_processor_id,
    tasklet_schedule,
    tasklet_struct,
)


def _wake_from_cpu1_at(m, ns, c):
    """An hrtimer on CPU1 (idle then) completes ``c``: the waker's CPU is idle, so the sleeper moves there."""
    t = hrtimer()

    def fire(_t):
        complete(c)
        return HRTIMER_NORESTART

    def arm():
        hrtimer_init(t, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD)
        t.function = fire
        hrtimer_start(t, ns, HRTIMER_MODE_REL_HARD)

    m.spawn(arm, cpu=1, name="arm")


def _victim(out):
    def victim():
        set_cpus_allowed_ptr(get_current(), 0b11)
        for _ in range(100):
            cpu_work(100_000)
        out.append((smp_processor_id(), in_softirq()))

    return victim


def _busy_cpu0(ticks):
    def pinned():
        local_irq_disable()
        mdelay(30)
        local_irq_enable()
        for _ in range(10):
            msleep(4)
            ticks.append(ktime_get())

    return pinned


def test_hardirq_that_sleeps_and_resumes_on_another_cpu_leaves_the_old_cpu_its_interrupts():
    """The interrupted task resumes on CPU1; CPU0 (IRQs off meanwhile) still takes its own tick and runs its pinned task."""
    m = irqlab.boot("generic", cpus=2, seed=0)
    line = m.spi_line(20)
    virq = m.board.map_spi(20, "edge")
    c = completion("c")

    def handler(irq, dev):
        from irqlab.kernel import wait_for_completion

        wait_for_completion(c)
        return IRQ_HANDLED

    m.spawn(lambda: request_irq(virq, handler, 0, "sleeper", None))
    m.run(until="1ms")
    out, ticks = [], []
    m.spawn(_victim(out), cpu=0, name="victim")
    _wake_from_cpu1_at(m, 9_000_000, c)
    m.at("3ms", lambda: m.spawn(_busy_cpu0(ticks), cpu=0, name="pinned0"))
    m.at("2ms", line.pulse)
    m.run(until="200ms")
    assert "BUG: scheduling while atomic: victim/" in m.dmesg()
    assert out == [(1, False)]
    assert len(ticks) == 10
    cpu0_ticks = int(m.read("/proc/interrupts").splitlines()[2].split()[1])
    assert cpu0_ticks >= 10


def test_tasklet_that_sleeps_and_resumes_on_another_cpu_keeps_preempt_count_straight():
    """No "softirq: huh, entered softirq 6 TASKLET" line, and the task is back in process context on CPU1."""
    m = irqlab.boot("generic", cpus=2, seed=0)
    line = m.spi_line(20)
    virq = m.board.map_spi(20, "edge")
    c = completion("c")

    def tl_fn(t):
        from irqlab.kernel import wait_for_completion

        wait_for_completion(c)

    tl = tasklet_struct(tl_fn)

    def handler(irq, dev):
        tasklet_schedule(tl)
        return IRQ_HANDLED

    m.spawn(lambda: request_irq(virq, handler, 0, "sched-tl", None))
    m.run(until="1ms")
    out, ticks = [], []
    m.spawn(_victim(out), cpu=0, name="victim")
    _wake_from_cpu1_at(m, 9_000_000, c)
    m.at("3ms", lambda: m.spawn(_busy_cpu0(ticks), cpu=0, name="pinned0"))
    m.at("2ms", line.pulse)
    m.run(until="200ms")
    assert "BUG: scheduling while atomic: victim/" in m.dmesg()
    assert "softirq: huh" not in m.dmesg()
    assert out == [(1, False)]
    assert len(ticks) == 10
