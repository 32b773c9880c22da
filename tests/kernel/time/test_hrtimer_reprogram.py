"""The clock event is programmed as hrtimer_reprogram() does: once per timer interrupt, for the earliest timer."""

import irqlab
from irqlab.kernel import (
    CLOCK_MONOTONIC,
    HRTIMER_MODE_ABS_HARD,
    HRTIMER_MODE_REL_HARD,
    HRTIMER_NORESTART,
    hrtimer,
    hrtimer_init,
    hrtimer_start,
    hrtimer_try_to_cancel,
    ktime_get,
)


def _timer(cb):
    t = hrtimer()
    t.function = cb
    return t


def _init(*timers):
    for t in timers:
        fn = t.function
        hrtimer_init(t, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD)
        t.function = fn


def test_a_timer_started_from_a_hard_callback_fires_at_its_own_expiry():
    """A callback at 1 ms starts a second timer 30 us ahead, earlier than the tick: hrtimer_interrupt()
    programs the clock event for it when it is done, and the second timer fires at 1.030 ms."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    fired = []

    def second(_t):
        fired.append(("second", ktime_get()))
        return HRTIMER_NORESTART

    late = _timer(second)

    def first(_t):
        fired.append(("first", ktime_get()))
        hrtimer_start(late, 30_000, HRTIMER_MODE_REL_HARD)
        return HRTIMER_NORESTART

    early = _timer(first)

    def arm():
        _init(early, late)
        hrtimer_start(early, 1_000_000 - ktime_get() % 1_000_000, HRTIMER_MODE_REL_HARD)

    m.spawn(arm, cpu=0, name="arm")
    m.run(for_="3ms")
    (n1, t1), (n2, t2) = fired
    assert (n1, n2) == ("first", "second")
    assert 30_000 <= t2 - t1 < 31_000


def test_a_later_timer_leaves_the_programmed_event_and_an_earlier_one_moves_it():
    """With a timer at +2 ms queued, one started at +5 ms fires at 5 ms and one at +1 ms at 1 ms, in that
    order of expiry."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    fired = []

    def cb(t):
        fired.append((names[id(t)], ktime_get() - start[0]))
        return HRTIMER_NORESTART

    timers = {name: _timer(cb) for name in ("mid", "late", "early")}
    names = {id(t): name for name, t in timers.items()}
    start = []

    def arm():
        _init(*timers.values())
        start.append(ktime_get())
        for name, ns in (("mid", 2_000_000), ("late", 5_000_000), ("early", 1_000_000)):
            hrtimer_start(timers[name], start[0] + ns, HRTIMER_MODE_ABS_HARD)

    m.spawn(arm, cpu=0, name="arm")
    m.run(for_="8ms")
    assert [n for n, _ in fired] == ["early", "mid", "late"]
    for (_, when), ns in zip(fired, (1_000_000, 2_000_000, 5_000_000)):
        assert ns <= when < ns + 100_000


def test_restarting_the_first_timer_later_moves_the_clock_event_with_it():
    """The first timer, cancelled and restarted 3 ms later before it expires, takes no timer interrupt at its
    old expiry: the timer behind it fires first, at its own time."""
    m = irqlab.boot("generic", cpus=1, seed=0, trace=["irq_handler_entry"])
    fired = []

    def cb(t):
        fired.append((names[id(t)], ktime_get() - start[0]))
        return HRTIMER_NORESTART

    first, behind = _timer(cb), _timer(cb)
    names = {id(first): "first", id(behind): "behind"}
    start = []

    def arm():
        _init(first, behind)
        start.append(ktime_get())
        hrtimer_start(first, start[0] + 1_000_000, HRTIMER_MODE_ABS_HARD)
        hrtimer_start(behind, start[0] + 2_000_000, HRTIMER_MODE_ABS_HARD)
        assert hrtimer_try_to_cancel(first) == 1
        hrtimer_start(first, start[0] + 4_000_000, HRTIMER_MODE_ABS_HARD)

    m.spawn(arm, cpu=0, name="arm")
    m.run(for_="8ms")
    assert [n for n, _ in fired] == ["behind", "first"]
    assert 2_000_000 <= fired[0][1] < 2_100_000 and 4_000_000 <= fired[1][1] < 4_100_000
    timer_irqs = [e.ts - start[0] for e in m.trace.events("irq_handler_entry") if e["name"] == "arch_timer"]
    assert not [ts for ts in timer_irqs if 500_000 < ts < 1_500_000]
