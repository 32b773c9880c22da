"""Time: jiffies, the timer wheel in TIMER_SOFTIRQ, hrtimers, sleeps with the kernel's granularity."""

import irqlab
from irqlab.kernel import (
    CLOCK_MONOTONIC,
    HRTIMER_MODE_REL,
    HRTIMER_NORESTART,
    hrtimer,
    hrtimer_init,
    hrtimer_start,
    in_hardirq,
    in_serving_softirq,
    jiffies_to_msecs,
    ktime_get,
    mod_timer,
    msecs_to_jiffies,
    msleep,
    time_after,
    time_before,
    timer_delete,
    timer_list,
    timer_pending,
    timer_setup,
    usecs_to_jiffies,
    usleep_range,
)
from irqlab.kernel.core import kernel
from irqlab.kernel.time.timer import calc_wheel_bucket


def test_msleep_1_at_hz250_takes_8_to_12_ms():
    """msleep(1) at HZ=250 sleeps msecs_to_jiffies(1)+1 = 2 jiffies, which the wheel rounds up: 8-12 ms on 6.12."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    out = []

    def fn():
        for delay in (0, 1_300_000, 2_700_000):
            from irqlab.kernel import cpu_work

            cpu_work(delay)
            t0 = ktime_get()
            msleep(1)
            out.append(ktime_get() - t0)

    m.spawn(fn)
    m.run()
    assert all(8_000_000 <= d <= 12_000_000 for d in out), out


def test_msleep_1_at_hz1000_takes_2_to_3_ms():
    """At HZ=1000 the same rule gives the familiar 2-3 ms."""
    m = irqlab.boot("generic", cpus=1, seed=0, hz=1000)
    out = []
    m.spawn(lambda: (t0 := ktime_get(), msleep(1), out.append(ktime_get() - t0)))
    m.run()
    assert 2_000_000 <= out[0] <= 3_000_000


def test_timer_fires_in_timer_softirq_on_the_right_jiffy():
    """mod_timer(t, jiffies+5) runs the callback in TIMER_SOFTIRQ on the tick of jiffy expires+1 (level-0 bucket)."""
    m = irqlab.boot("generic", cpus=1, seed=0, trace=["timer_expire_entry", "softirq_entry"])
    seen = {}
    t = timer_list()

    def cb(tl):
        k = kernel()
        seen.update(jiffies=k.jiffies, now=ktime_get(), softirq=bool(in_serving_softirq()))

    def arm():
        timer_setup(t, cb, 0)
        seen["armed"] = kernel().jiffies
        mod_timer(t, kernel().jiffies + 5)

    m.spawn(arm)
    m.run()
    assert seen["softirq"]
    assert seen["jiffies"] == seen["armed"] + 6
    assert seen["now"] % m.kernel.tick_nsec < 20_000  # right after that tick's interrupt
    ev = m.trace.events("timer_expire_entry")[0]
    assert ev["now"] == seen["jiffies"] and ev.flags[2] == "s"


def test_wheel_rounds_far_timers_up_to_level_granularity():
    """calc_wheel_index(): 100 jiffies ahead lands on level 1 (8-jiffy buckets), never early."""
    clk = 1000
    assert calc_wheel_bucket(clk + 5, clk, 250) == clk + 6
    b = calc_wheel_bucket(clk + 100, clk, 250)
    assert b % 8 == 0 and clk + 100 < b <= clk + 100 + 8
    b2 = calc_wheel_bucket(clk + 1000, clk, 250)
    assert b2 % 64 == 0 and b2 > clk + 1000


def test_timer_api_return_values():
    """mod_timer returns 1 when re-arming a pending timer; timer_delete returns whether it was pending."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    out = []
    t = timer_list()

    def fn():
        timer_setup(t, lambda tl: None, 0)
        j = kernel().jiffies
        out.append(mod_timer(t, j + 50))
        out.append(mod_timer(t, j + 60))
        out.append(timer_pending(t))
        out.append(timer_delete(t))
        out.append(timer_delete(t))

    m.spawn(fn)
    m.run()
    assert out == [0, 1, True, 1, 0]


def test_hrtimer_expires_at_ns_precision_in_hardirq():
    """An hrtimer started for 123456 ns fires that long later (plus the interrupt entry path, under 2 us) in hardirq context."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    seen = {}
    t = hrtimer()

    def cb(timer):
        seen.update(now=ktime_get(), hard=bool(in_hardirq()))
        return HRTIMER_NORESTART

    def fn():
        hrtimer_init(t, CLOCK_MONOTONIC, HRTIMER_MODE_REL)
        t.function = cb
        seen["start"] = ktime_get()
        hrtimer_start(t, 123_456, HRTIMER_MODE_REL)

    m.spawn(fn)
    m.run()
    assert seen["hard"]
    assert m.kernel.irq_entry_cost <= seen["now"] - seen["start"] - 123_456 < 2_000


def test_usleep_range_on_idle_machine_wakes_near_max():
    """usleep_range(100, 200) fires at the hard expiry (200 us) when nothing else wakes the CPU."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    out = []

    def fn():
        t0 = ktime_get()
        usleep_range(100, 200)
        out.append(ktime_get() - t0)

    m.spawn(fn)
    m.run()
    assert 200_000 <= out[0] < 220_000


def test_jiffies_helpers_follow_the_kernel():
    """INITIAL_JIFFIES, msecs/usecs conversions rounding up, and wrap-safe comparisons."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    out = {}

    def fn():
        k = kernel()
        out.update(j0=k.jiffies, m1=msecs_to_jiffies(1), m10=msecs_to_jiffies(10), u1=usecs_to_jiffies(1),
                   back=jiffies_to_msecs(25), after=time_after(k.jiffies + 1, k.jiffies),
                   wrap=time_before(0xFFFFFFFFFFFFFFFF, 5))

    m.spawn(fn)
    m.run()
    assert out["j0"] == 4294892296  # (unsigned int)(-300 * 250)
    assert (out["m1"], out["m10"], out["u1"], out["back"]) == (1, 3, 1, 100)
    assert out["after"] and out["wrap"]
