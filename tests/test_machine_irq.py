"""m.irq(n) and m.fire_irq(n, cpu=...): the public view of an interrupt line and firing it on a chosen CPU."""

import pytest

import irqlab
from irqlab.kernel import (
    IRQ_HANDLED,
    IRQ_WAKE_THREAD,
    IRQF_ONESHOT,
    disable_irq,
    enable_irq,
    msleep,
    pr_info,
    request_irq,
    request_threaded_irq,
    smp_processor_id,
)


class Mod:
    """A module with a threaded oneshot action on a GIC SPI and a hardirq-only one on an irq_sim line."""

    __name__ = "lines"

    def __init__(self, spi, sim):
        self.spi, self.sim = spi, sim

    def top(self, irq, dev):
        pr_info("lines: irq %d on CPU%d\n", irq, smp_processor_id())
        return IRQ_WAKE_THREAD if irq == self.spi else IRQ_HANDLED

    def thread(self, irq, dev):
        msleep(20)
        return IRQ_HANDLED

    def module_init(self):
        assert request_irq(self.sim, self.top, 0, "lines-sim", self) == 0
        return request_threaded_irq(self.spi, self.top, self.thread, IRQF_ONESHOT, "lines-spi", self)


@pytest.fixture
def m():
    m = irqlab.boot("generic", cpus=4, seed=0)
    sim = m.irq_sim(2)  # Linux irq 14
    spi = m.board.map_spi(40, "edge")  # Linux irq 15
    assert (sim, spi) == (14, 15)
    assert m.insmod(Mod(spi, sim)) == 0
    return m


def test_fire_irq_on_a_chosen_cpu_for_each_line_type(m):
    """A GIC SPI and an irq_sim line fired with cpu= run their handler on that CPU and count there."""
    spi, sim = m.irq(15), m.irq(14)
    assert (spi.chip, sim.chip) == ("GICv2", "irq_sim")
    assert m.fire_irq(15, cpu=3) == 0 and m.fire_irq(14, cpu=2) == 0
    m.run(for_="1ms")
    assert "lines: irq 15 on CPU3" in m.dmesg_lines() and "lines: irq 14 on CPU2" in m.dmesg_lines()
    assert m.irq(15).counts == (0, 0, 0, 1) and m.irq(14).counts == (0, 0, 1, 0)
    assert m.fire_irq(99, cpu=0) == -22
    with pytest.raises(ValueError, match="cpu=7 is not an online CPU"):
        m.fire_irq(15, cpu=7)


def test_irq_view_shows_depth_masking_actions_and_threads(m):
    """A oneshot threaded GIC line is masked while its thread runs (handle_fasteoi_irq); disable_irq() nests."""
    view = m.irq(15)
    assert (view.depth, view.disabled, view.masked, view.pending) == (0, False, False, False)
    assert [(a.name, a.flags & IRQF_ONESHOT) for a in view.actions] == [("lines-spi", IRQF_ONESHOT)]
    assert [t.comm for t in view.threads] == ["irq/15-lines-sp"]  # comm is cut at TASK_COMM_LEN - 1
    m.fire_irq(15)
    m.run(for_="1ms")
    assert m.irq(15).masked  # IRQF_ONESHOT: masked until the thread returns
    m.run(for_="40ms")
    assert not m.irq(15).masked and m.irq(15).total == 1


def test_irq_view_shows_nested_disable_and_a_latched_edge(m):
    """disable_irq() twice: depth 2; an interrupt while disabled is latched (IRQS_PENDING) and replayed on enable."""

    def twice():
        disable_irq(14)
        disable_irq(14)

    m.spawn(twice)
    m.run(for_="1ms")
    view = m.irq(14)
    assert (view.depth, view.disabled, view.pending) == (2, True, False)
    m.fire_irq(14, cpu=0)
    m.run(for_="1ms")
    assert m.irq(14).pending and m.irq(14).total == 0  # handle_simple_irq() latches it before kstat counts it
    m.spawn(lambda: (enable_irq(14), enable_irq(14)))
    m.run(for_="10ms")
    assert not m.irq(14).pending and m.irq(14).depth == 0
    assert m.dmesg_lines().count("lines: irq 14 on CPU0") == 1


def test_irq_of_an_unknown_line_is_a_key_error(m):
    """m.irq() of a number without a descriptor says where to look."""
    with pytest.raises(KeyError, match="irq 200 has no descriptor"):
        m.irq(200)
