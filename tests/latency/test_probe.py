"""Latency probes: one line measures press -> top half -> IRQ thread on the seed-001 driver."""

import pytest

import irqlab
from irqlab.latency import probe
from irqlab.scenarios import seed001_threaded_buttons as driver


def _pressed(specs):
    m = irqlab.boot("rpi5", seed=1)
    b = m.button(17, "typical")
    m.led(4)
    m.insmod(driver)
    probes = [probe(m, s) for s in specs]
    b.click(at="100ms", hold="150ms")
    m.run(until="1s")
    return [p.close() for p in probes], probes


def test_press_to_top_half_and_to_thread():
    """The first edge of a bouncing press reaches the top half in ~3 µs and the IRQ thread in ~6 µs."""
    (handler, thread), probes = _pressed(["gpio17->handler", "gpio17->thread"])
    assert probes[1].samples[0] == (100_000_000, 100_006_013)
    assert thread.min == 6012  # HDR keeps 3 significant digits
    assert 2_000 < handler.min < 5_000
    assert handler.count > thread.count


def test_bad_probe_specs_name_the_accepted_forms():
    """A spec without '->' or with an unknown end is refused with the list of forms."""
    m = irqlab.boot("generic", cpus=1)
    with pytest.raises(ValueError, match="START->END"):
        probe(m, "gpio17")
    with pytest.raises(ValueError, match="handler\\[<N>\\], thread"):
        probe(m, "irq5->bottomhalf")
