"""Softirqs: /proc/softirqs, processing points, restart limits and ksoftirqd."""

import irqlab
from irqlab.kernel import (
    NET_RX_SOFTIRQ,
    TASKLET_SOFTIRQ,
    cpu_work,
    in_serving_softirq,
    local_bh_disable,
    local_bh_enable,
    open_softirq,
    raise_softirq,
    smp_processor_id,
)
from irqlab.kernel.core import kernel


def test_proc_softirqs_matches_the_kernel_format():
    """/proc/softirqs: 20 spaces, CPU%-8d per CPU, then %12s: and ' %10u' per CPU for the ten vectors."""
    m = irqlab.boot("generic", cpus=2, seed=0)
    m.run(until="1ms")
    names = ["HI", "TIMER", "NET_TX", "NET_RX", "BLOCK", "IRQ_POLL", "TASKLET", "SCHED", "HRTIMER", "RCU"]
    expected = " " * 20 + "CPU0       CPU1       \n"
    for n in names:
        expected += f"{n:>12}:" + "".join(" %10u" % 0 for _ in range(2)) + "\n"
    assert m.read("/proc/softirqs") == expected


def test_softirq_raised_under_bh_disable_runs_at_local_bh_enable():
    """A softirq raised with BHs disabled runs when local_bh_enable() drops the count, in softirq context."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    log = []

    def action():
        log.append(("action", bool(in_serving_softirq())))

    def fn():
        open_softirq(NET_RX_SOFTIRQ, action)
        local_bh_disable()
        raise_softirq(NET_RX_SOFTIRQ)
        log.append("raised")
        local_bh_enable()
        log.append("enabled")

    m.spawn(fn)
    m.run()
    assert log == ["raised", ("action", True), "enabled"]
    assert m.read("/proc/softirqs").splitlines()[4].split() == ["NET_RX:", "1"]


def test_raise_from_process_context_wakes_ksoftirqd():
    """raise_softirq() outside interrupt context wakes ksoftirqd/N, which runs the handler."""
    m = irqlab.boot("generic", cpus=1, seed=0, trace=["sched_wakeup", "softirq_entry"])
    who = []

    def action():
        who.append(kernel().cpu.curr.comm)

    def fn():
        open_softirq(NET_RX_SOFTIRQ, action)
        raise_softirq(NET_RX_SOFTIRQ)

    m.spawn(fn)
    m.run()
    assert who == ["ksoftirqd/0"]
    assert any(e["comm"] == "ksoftirqd/0" for e in m.trace.events("sched_wakeup"))


def test_restart_limit_hands_over_to_ksoftirqd():
    """A softirq that keeps re-raising itself runs at most MAX_SOFTIRQ_RESTART passes at irq_exit, then ksoftirqd takes over."""
    m = irqlab.boot("generic", cpus=1, seed=0, trace=["softirq_entry", "sched_switch"])
    runs = []

    def action():
        runs.append(kernel().cpu.curr.comm)
        cpu_work(10_000)
        if len(runs) < 40:
            raise_softirq(TASKLET_SOFTIRQ)

    def fn():
        open_softirq(TASKLET_SOFTIRQ, action)
        raise_softirq(TASKLET_SOFTIRQ)

    m.spawn(fn, name="raiser")
    m.run()
    assert len(runs) == 40
    assert runs.count("ksoftirqd/0") == len(runs)  # raised from process context: ksoftirqd from the start
    # In hardirq-exit processing the pass restarts at most 10 times: see test below.


def test_irq_exit_processing_stops_after_ten_passes():
    """At irq_exit, handle_softirqs() runs at most MAX_SOFTIRQ_RESTART passes, then wakes ksoftirqd;
    later irq exits may still process what is pending (6.12 has no ksoftirqd_running() check)."""
    m = irqlab.boot("generic", cpus=1, seed=0, trace=["sched_wakeup"])
    runs = []
    from irqlab.kernel import CLOCK_MONOTONIC, HRTIMER_MODE_REL, HRTIMER_NORESTART, hrtimer, hrtimer_init, hrtimer_start

    def action():
        runs.append(kernel().cpu.curr.comm)
        if len(runs) < 30:
            raise_softirq(TASKLET_SOFTIRQ)

    t = hrtimer()

    def fire(timer):
        raise_softirq(TASKLET_SOFTIRQ)
        return HRTIMER_NORESTART

    def fn():
        open_softirq(TASKLET_SOFTIRQ, action)
        hrtimer_init(t, CLOCK_MONOTONIC, HRTIMER_MODE_REL)
        t.function = fire
        hrtimer_start(t, 100_000, HRTIMER_MODE_REL)
        cpu_work(5_000_000)

    m.spawn(fn, name="busy")
    m.run()
    assert runs[:10] == ["busy"] * 10
    assert "ksoftirqd/0" in runs[10:]
    wake = [e for e in m.trace.events("sched_wakeup") if e["comm"] == "ksoftirqd/0"]
    assert wake and 100_000 <= wake[0].ts < 120_000


def test_softirq_counts_are_per_cpu():
    """Each CPU counts the softirqs it ran in its own column."""
    m = irqlab.boot("generic", cpus=2, seed=0)

    def fn():
        open_softirq(NET_RX_SOFTIRQ, lambda: None)
        local_bh_disable()
        raise_softirq(NET_RX_SOFTIRQ)
        local_bh_enable()

    m.spawn(fn, cpu=1)
    m.run()
    row = [l for l in m.read("/proc/softirqs").splitlines() if l.strip().startswith("NET_RX")][0]
    assert row.split()[1:] == ["0", "1"]
    assert smp_processor_id  # the API is importable
