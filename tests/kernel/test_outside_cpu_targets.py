"""Work started from outside every CPU (scenario actions, the script) lands on an online CPU, even with CPU 0 unplugged."""

import irqlab
from irqlab.kernel import (
    CLOCK_MONOTONIC,
    HRTIMER_MODE_REL_HARD,
    HRTIMER_NORESTART,
    IRQ_HANDLED,
    add_timer,
    hrtimer,
    hrtimer_init,
    hrtimer_start,
    request_irq,
    smp_processor_id,
    timer_list,
    timer_setup,
)


def _without_cpu0():
    m = irqlab.boot("generic", cpus=2, seed=0)
    assert m.remove_cpu(0) == 0
    return m


def test_timer_added_by_a_scenario_action_runs_with_cpu0_offline():
    """add_timer() from m.at() after remove_cpu(0): the timer fires, on CPU1."""
    m = _without_cpu0()
    fired = []
    t = timer_list()

    def action():
        timer_setup(t, lambda _t: fired.append(smp_processor_id()), 0)
        t.expires = m.jiffies + 2
        add_timer(t)

    m.after("1ms", action)
    m.run(for_="50ms")
    assert fired == [1]


def test_fire_irq_from_the_script_is_delivered_with_cpu0_offline():
    """m.fire_irq() on an irq_sim line after remove_cpu(0): the handler runs and /proc/interrupts counts it on CPU1."""
    m = _without_cpu0()
    virq = m.irq_sim(3)
    seen = []
    m.spawn(lambda: request_irq(virq, lambda i, d: (seen.append(smp_processor_id()), IRQ_HANDLED)[1], 0, "sim", None))
    m.run(for_="1ms")
    m.fire_irq(virq)
    m.run(for_="5ms")
    assert seen == [1]
    row = next(r for r in m.read("/proc/interrupts").splitlines() if r.split()[0] == f"{virq}:")
    assert row.split()[1] == "1"


def test_hrtimer_started_by_a_scenario_action_fires_with_cpu0_offline():
    """hrtimer_start() from m.at() after remove_cpu(0): the timer fires, on CPU1."""
    m = _without_cpu0()
    fired = []
    t = hrtimer()

    def cb(_t):
        fired.append(smp_processor_id())
        return HRTIMER_NORESTART

    def action():
        hrtimer_init(t, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD)
        t.function = cb
        hrtimer_start(t, 1_000_000, HRTIMER_MODE_REL_HARD)

    m.after("1ms", action)
    m.run(for_="20ms")
    assert fired == [1]
