"""Soft hrtimers (HRTIMER_MODE_*_SOFT) expire in HRTIMER_SOFTIRQ, one timer interrupt each, on every board."""

import pytest

import irqlab
from irqlab.kernel import (
    CLOCK_MONOTONIC,
    HRTIMER_MODE_REL_SOFT,
    HRTIMER_NORESTART,
    HRTIMER_RESTART,
    hrtimer,
    hrtimer_forward_now,
    hrtimer_init,
    hrtimer_start,
    in_serving_softirq,
    ktime_get,
    local_bh_disable,
    local_bh_enable,
    mdelay,
    smp_processor_id,
    tasklet_schedule,
    tasklet_struct,
)


def _local_timer_interrupts(m, cpu):
    """The CPU's local timer count in /proc/interrupts (arch_timer on arm64, LOC on x86)."""
    for line in m.read("/proc/interrupts").splitlines():
        if line.rstrip().endswith(("arch_timer", "Local timer interrupts")):
            return int(line.split()[1 + cpu])
    raise AssertionError("no local timer line in /proc/interrupts")


def _arm_soft(m, ns, fired, period=0):
    t = hrtimer()

    def cb(_t):
        fired.append((ktime_get(), in_serving_softirq(), smp_processor_id()))
        if period and len(fired) < 5:
            hrtimer_forward_now(_t, period)
            return HRTIMER_RESTART
        return HRTIMER_NORESTART

    def arm():
        hrtimer_init(t, CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT)
        t.function = cb
        hrtimer_start(t, ns, HRTIMER_MODE_REL_SOFT)

    m.spawn(arm, cpu=0, name="arm")
    return t


@pytest.mark.parametrize("board", ["generic", "rpi5", "pc"])
def test_soft_hrtimer_fires_once_in_hrtimer_softirq(board):
    """A 1 ms soft hrtimer runs once in softirq context at 1 ms (+ entry costs), with a handful of timer interrupts."""
    m = irqlab.boot(board, seed=0)
    base = m.now
    fired = []
    _arm_soft(m, 1_000_000, fired)
    m.run(for_="20ms")
    assert len(fired) == 1
    when, in_softirq, cpu = fired[0]
    assert 1_000_000 <= when - base < 1_100_000 and in_softirq and cpu == 0
    assert _local_timer_interrupts(m, 0) < 10


def test_periodic_soft_hrtimer_fires_every_period():
    """A soft hrtimer forwarded by 2 ms from its callback fires 5 times, 2 ms apart."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    fired = []
    _arm_soft(m, 2_000_000, fired, period=2_000_000)
    m.run(until="30ms")
    times = [f[0] for f in fired]
    assert len(times) == 5
    assert all(1_900_000 <= b - a <= 2_100_000 for a, b in zip(times, times[1:]))
    assert _local_timer_interrupts(m, 0) < 20


def test_soft_hrtimer_expiring_under_local_bh_disable_runs_at_local_bh_enable():
    """Expiring inside local_bh_disable(): no interrupt storm; the callback runs when BHs are enabled again."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    fired, enabled_at = [], []

    def bh_section():
        local_bh_disable()
        mdelay(5)
        enabled_at.append(ktime_get())
        local_bh_enable()

    _arm_soft(m, 1_000_000, fired)
    m.spawn(bh_section, cpu=0, name="bh")
    m.run(until="20ms")
    assert len(fired) == 1 and fired[0][0] >= enabled_at[0] and fired[0][1]
    assert _local_timer_interrupts(m, 0) < 10


def test_soft_hrtimer_expiring_during_a_long_tasklet_runs_after_it():
    """A tasklet computing for 5 ms while a soft hrtimer expires: the timer runs after it, without a storm."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    fired, done = [], []

    def long_tasklet(_t):
        mdelay(5)
        done.append(ktime_get())

    tl = tasklet_struct(long_tasklet)
    _arm_soft(m, 1_000_000, fired)
    m.spawn(lambda: tasklet_schedule(tl), cpu=0, name="sched")
    m.run(until="20ms")
    assert len(done) == 1 and len(fired) == 1 and fired[0][0] >= done[0]
    assert _local_timer_interrupts(m, 0) < 10
