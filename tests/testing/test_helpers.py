"""irqlab.testing's helpers for driving hardware: inject_edges on a line, hold_line, load_driver's errors."""

import pytest

import irqlab
from irqlab.kernel import IRQ_HANDLED, request_irq
from irqlab.testing import assert_irq_count, inject_edges, load_driver


def test_inject_edges_pulses_a_gic_edge_line():
    """Three pulses on an edge-triggered GIC SPI are three interrupts; a time in the past is refused."""
    m = irqlab.boot("generic", cpus=2, seed=0)
    irq = m.board.map_spi(50, "edge")

    class Mod:
        __name__ = "pulses"

        @staticmethod
        def module_init():
            return request_irq(irq, lambda i, d: IRQ_HANDLED, 0, "pulses", None)

    assert m.insmod(Mod()) == 0
    inject_edges(m, m.spi_line(50), ["1ms", "2ms", "3ms"])
    m.run(until="5ms")
    assert_irq_count(m, irq, 3)
    with pytest.raises(ValueError, match="is in the past"):
        inject_edges(m, m.spi_line(50), ["4ms"])


def test_load_driver_of_a_missing_file_says_where_it_looked():
    """A missing driver file names the two places a relative path is looked up."""
    with pytest.raises(FileNotFoundError, match="from the current directory, then from the test file's directory"):
        load_driver("no_such_driver.py")


def test_assert_latency_passes_within_bounds_and_shows_the_histogram_past_them():
    """assert_latency on a press->thread probe: bounds met pass; a bound below the measured max fails with the summary."""
    import irqlab
    from irqlab.latency import probe
    from irqlab.scenarios import seed001_threaded_buttons as driver
    from irqlab.testing import assert_latency

    m = irqlab.boot("rpi5", seed=1)
    b = m.button(17, "typical")
    m.led(4)
    m.insmod(driver)
    p = probe(m, "gpio17->thread")
    b.click(at="100ms", hold="150ms")
    m.run(until="1s")
    assert_latency(p, p50="20us", count=2)
    with pytest.raises(AssertionError, match=r"latency .*max \d+\.\d us > 0\.5 us"):
        assert_latency(p.close(), max="500ns")
