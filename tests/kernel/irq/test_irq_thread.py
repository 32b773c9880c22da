"""IRQ threads: forced threading (threadirqs, PREEMPT_RT), IRQF_NO_THREAD, affinity following, synchronize_irq."""

import irqlab
from irqlab.kernel import (
    IRQ_HANDLED,
    IRQ_WAKE_THREAD,
    IRQF_NO_THREAD,
    IRQF_ONESHOT,
    disable_irq,
    in_hardirq,
    in_task,
    irq_set_affinity,
    msleep,
    request_irq,
    request_threaded_irq,
    smp_processor_id,
)


def _ctx():
    return "hardirq" if in_hardirq() else "task" if in_task() else "softirq"


def test_threadirqs_forces_the_handler_into_a_thread():
    """threadirqs: a plain request_irq() handler runs in "irq/N-name" (FIFO 50) with the line ONESHOT."""
    m = irqlab.boot("generic", cpus=2, seed=0, cmdline="threadirqs")
    virq = m.irq_sim(1)
    seen = []

    def handler(irq, dev):
        seen.append((_ctx(), m.kernel.cpu.curr.comm))
        return IRQ_HANDLED

    m.spawn(lambda: request_irq(virq, handler, 0, "forced", None))
    m.at("2ms", m.fire_irq, virq)
    m.run(until="5ms")
    assert seen == [("task", f"irq/{virq}-forced")]
    desc = m.kernel.subsys["irq"].descs[virq]
    assert desc.action.flags & IRQF_ONESHOT


def test_threadirqs_honours_no_thread_and_splits_both_handlers():
    """IRQF_NO_THREAD stays in hardirq; a handler+thread_fn pair gets the secondary thread "irq/N-s-name"."""
    m = irqlab.boot("generic", cpus=2, seed=0, cmdline="threadirqs")
    a, b = m.irq_sim(2), m.irq_sim(3)
    seen = []

    def primary(irq, dev):
        seen.append(("primary", _ctx(), m.kernel.cpu.curr.comm))
        return IRQ_WAKE_THREAD

    def thread_fn(irq, dev):
        seen.append(("thread", _ctx(), m.kernel.cpu.curr.comm))
        return IRQ_HANDLED

    def hard(irq, dev):
        seen.append(("hard", _ctx(), ""))
        return IRQ_HANDLED

    def probe():
        assert request_irq(a, hard, IRQF_NO_THREAD, "nothread", None) == 0
        assert request_threaded_irq(b, primary, thread_fn, 0, "split", None) == 0

    m.spawn(probe)
    m.at("2ms", m.fire_irq, a)
    m.at("3ms", m.fire_irq, b)
    m.run(until="6ms")
    assert seen == [("hard", "hardirq", ""), ("primary", "task", f"irq/{b}-split"),
                    ("thread", "task", f"irq/{b}-s-split")]  # fmt: skip
    t = m.task(f"irq/{b}-s-split")
    assert (t.policy_name, t.rt_priority) == ("SCHED_FIFO", 50)


def test_preempt_rt_always_force_threads():
    """PREEMPT_RT force-threads without the boot option."""
    m = irqlab.boot("generic", cpus=1, seed=0, preempt="rt")
    virq = m.irq_sim(4)
    seen = []
    m.spawn(lambda: request_irq(virq, lambda i, d: seen.append(_ctx()) or IRQ_HANDLED, 0, "rt", None))
    m.at("2ms", m.fire_irq, virq)
    m.run(until="4ms")
    assert seen == ["task"]


def test_irq_thread_follows_the_effective_affinity():
    """After irq_set_affinity() the hardirq lands on the new CPU and the thread moves there on its next run."""
    m = irqlab.boot("generic", cpus=4, seed=0)
    line = m.spi_line(30)
    virq = m.board.map_spi(30, "edge")
    seen = []

    def primary(irq, dev):
        seen.append(("hard", smp_processor_id()))
        return IRQ_WAKE_THREAD

    def thread_fn(irq, dev):
        seen.append(("thread", smp_processor_id()))
        return IRQ_HANDLED

    def probe():
        assert request_threaded_irq(virq, primary, thread_fn, 0, "mover", None) == 0
        msleep(10)
        assert irq_set_affinity(virq, 1 << 2) == 0

    m.spawn(probe, cpu=1)
    m.at("5ms", line.pulse)
    m.at("30ms", line.pulse)
    m.run(until="40ms")
    assert seen == [("hard", 0), ("thread", 0), ("hard", 2), ("thread", 2)]
    assert m.read(f"/proc/irq/{virq}/effective_affinity_list") == "2\n"
    assert m.task(f"irq/{virq}-mover").cpus_allowed == 1 << 2


def test_disable_irq_waits_for_the_running_thread():
    """disable_irq() returns only after the thread function of the line finished (synchronize_irq)."""
    m = irqlab.boot("generic", cpus=2, seed=0)
    virq = m.irq_sim(5)
    log = []

    def thread_fn(irq, dev):
        log.append(("thread in", m.now))
        msleep(20)
        log.append(("thread out", m.now))
        return IRQ_HANDLED

    def probe():
        assert request_threaded_irq(virq, None, thread_fn, IRQF_ONESHOT, "sync", None) == 0
        msleep(8)
        disable_irq(virq)
        log.append(("disabled", m.now))

    m.spawn(probe, cpu=1)
    m.at("2ms", m.fire_irq, virq)
    m.run(until="60ms")
    assert [e[0] for e in log] == ["thread in", "thread out", "disabled"]
    assert log[2][1] >= log[1][1]


def test_irq_thread_tracepoints():
    """irq_thread_entry/irq_thread_exit frame each run of the thread function."""
    m = irqlab.boot("generic", cpus=1, seed=0, trace=["irq_thread_entry", "irq_thread_exit"])
    virq = m.irq_sim(6)
    m.spawn(lambda: request_threaded_irq(virq, None, lambda i, d: IRQ_HANDLED, IRQF_ONESHOT, "traced", None))
    m.at("2ms", m.fire_irq, virq)
    m.run(until="3ms")
    evs = m.trace.events()
    assert [e.name for e in evs] == ["irq_thread_entry", "irq_thread_exit"]
    assert evs[0].comm == f"irq/{virq}-traced"
    assert evs[1].text().endswith(f"irq_thread_exit: irq={virq} name=traced ret=handled")
