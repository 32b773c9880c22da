"""The per-CPU timeline: segments and IRQ arrivals built from the trace event stream."""

from __future__ import annotations

from pathlib import Path

from irqlab.ui.session import BoardSession
from irqlab.ui.timeline import HARDIRQ, TASK, Timeline

DRIVER = str(Path(__file__).resolve().parents[2] / "examples" / "seed001_gpio_buttons.py")


def test_a_button_interrupt_is_a_hardirq_segment_with_its_arrival():
    """Each gpiomod#button1 handler run is a hardirq segment from irq_handler_entry to _exit, with an arrival tick."""
    s = BoardSession({"gpiomod": DRIVER})
    tl = Timeline(s.m)
    s.insmod("gpiomod")
    s.run(until=10_000_000)
    s.press(17)
    s.run(until=20_000_000)
    out = tl.drain(s.m.now)
    entries = [e for e in s.m.trace.events("irq_handler_entry") if e["name"] == "gpiomod#button1"]
    exits = [e for e in s.m.trace.events("irq_handler_exit") if e["irq"] == entries[0]["irq"]]
    segs = [x for x in out["segments"] if x[1] == HARDIRQ and x[2].endswith("gpiomod#button1")]
    assert segs == [[e.cpu, HARDIRQ, f"irq/{e['irq']} gpiomod#button1", e.ts, x.ts] for e, x in zip(entries, exits)]
    assert [a for a in out["arrivals"] if a[3] == "gpiomod#button1"] == [[e.cpu, e.ts, e["irq"], "gpiomod#button1"]
                                                                        for e in entries]  # fmt: skip
    assert any(x[1] == TASK and x[2].startswith("insmod-") for x in out["segments"])
    assert tl.drain(s.m.now) == {"segments": [], "arrivals": [], "dropped": 0}
    tl.close()
