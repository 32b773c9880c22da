"""Handlers that return something other than an irqreturn_t: reported as the kernel does, the line stays alive."""

import pytest

import irqlab
from irqlab.kernel import (
    IRQ_HANDLED,
    IRQ_WAKE_THREAD,
    free_irq,
    request_irq,
    request_threaded_irq,
)


@pytest.mark.parametrize(
    ("ret", "shown"),
    [(None, "None"), ("done", "'done'"), (1.0, "1.0"), (-1, "ffffffff"), (7, "7")],
)
def test_bogus_hardirq_return_is_reported_and_the_line_keeps_working(ret, shown):
    """"irq event N: bogus return value ..." each time, every interrupt delivered, and free_irq() returns."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    virq = m.irq_sim(10)
    calls = []

    def handler(irq, dev):
        calls.append(irq)
        return ret

    freed = []
    m.spawn(lambda: request_irq(virq, handler, 0, "weird", None))
    for t in ("2ms", "3ms", "4ms"):
        m.at(t, m.fire_irq, virq)
    m.at("5ms", lambda: m.spawn(lambda: (free_irq(virq, None), freed.append(True)), name="freer"))
    m.run(until="10ms")
    assert len(calls) == 3
    assert m.dmesg_lines().count(f"irq event {virq}: bogus return value {shown}") == 3
    assert freed == [True]
    assert m.read(f"/proc/irq/{virq}/spurious").startswith("count 0\nunhandled 0\n")


@pytest.mark.parametrize("ret", [None, "handled", 2.5])
def test_thread_fn_with_a_non_integer_return_keeps_its_thread(ret):
    """A thread_fn returning a non-irqreturn_t value: the IRQ thread survives, runs every time, and free_irq() returns."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    virq = m.irq_sim(11)
    runs = []

    def thread_fn(irq, dev):
        runs.append(irq)
        return ret

    freed = []
    m.spawn(lambda: request_threaded_irq(virq, lambda i, d: IRQ_WAKE_THREAD, thread_fn, 0, "thr", None))
    for t in ("2ms", "4ms", "6ms"):
        m.at(t, m.fire_irq, virq)
    m.at("8ms", lambda: m.spawn(lambda: (free_irq(virq, None), freed.append(True)), name="freer"))
    m.run(until="20ms")
    assert len(runs) == 3
    assert freed == [True]
    assert "is an active IRQ thread" not in m.dmesg()
    assert "Oops" not in m.dmesg()


def test_handled_results_are_unchanged():
    """IRQ_HANDLED still counts as handled: no report at all."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    virq = m.irq_sim(12)
    m.spawn(lambda: request_irq(virq, lambda i, d: IRQ_HANDLED, 0, "good", None))
    m.at("2ms", m.fire_irq, virq)
    m.run(until="3ms")
    assert "bogus" not in m.dmesg()
