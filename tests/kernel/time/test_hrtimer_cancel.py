"""A cancelled hrtimer leaves its CPU's queue at once, as __remove_hrtimer() takes it out of the timerqueue."""

import irqlab
from irqlab.kernel import (
    CLOCK_MONOTONIC,
    HRTIMER_MODE_REL,
    HRTIMER_NORESTART,
    hrtimer,
    hrtimer_init,
    hrtimer_start,
    hrtimer_try_to_cancel,
    ktime_get,
)


def test_a_far_timer_started_and_cancelled_20000_times_leaves_no_queue_behind():
    """With another timer due in 100 ms, 20000 starts 950 ms ahead, each cancelled (the fair server's pattern
    under an RT storm), then one 2 ms start: the timer fires once, at 2 ms, and the CPU's queues hold a handful
    of entries, not 20000."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    t, anchor = hrtimer(), hrtimer()
    fired = []
    started = []

    def cb(_t):
        fired.append(ktime_get())
        return HRTIMER_NORESTART

    def churn():
        for x in (t, anchor):
            hrtimer_init(x, CLOCK_MONOTONIC, HRTIMER_MODE_REL)
            x.function = cb
        hrtimer_start(anchor, 100_000_000, HRTIMER_MODE_REL)
        for _ in range(20000):
            hrtimer_start(t, 950_000_000, HRTIMER_MODE_REL)
            assert hrtimer_try_to_cancel(t) == 1
        started.append(ktime_get())
        hrtimer_start(t, 2_000_000, HRTIMER_MODE_REL)

    m.spawn(churn, cpu=0, name="churn")
    m.run(for_="10ms")
    assert len(fired) == 1 and 2_000_000 <= fired[0] - started[0] < 2_100_000
    base = m.kernel.cpus[0].hrtimer_base
    assert len(base.hard) + len(base.soft) < 100
