"""Seed 001, "Threaded IRQs - The Modern Standard": examples/seed001_threaded_irq.py."""

import importlib.util
import pathlib

US, MS = 1_000, 1_000_000


def _example():
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed001_threaded_irq.py"
    spec = importlib.util.spec_from_file_location("seed001_threaded_irq", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_top_half_per_edge_thread_twice_per_press_led_after_the_sleep():
    """One top half per edge, two thread runs per press, and the LED switched after the thread's sleep.

    Each edge runs the top half; the IRQ thread (not ONESHOT) runs once, and once more for the edges
    that came while it slept; the LED changes at the end of the first thread run, ~508 ms after the press.
    """
    ex = _example()
    m = ex.main(1)
    from irqlab.scenarios import seed001_threaded_buttons as driver

    irq1, irq2 = driver.button_irqs
    lines = m.dmesg_lines()
    tops = {irq: lines.count(f"Top half: IRQ {irq} triggered") for irq in (irq1, irq2)}
    rows = [r for r in ex.shown["/proc/interrupts"].splitlines() if "gpiomod" in r]
    assert rows == [f"{irq:3d}: {tops[irq]:10d} {0:10d} {0:10d} {0:10d}  pinctrl-rp1  {pin} Edge      {name}"
                    for irq, pin, name in ((irq1, 17, "gpiomod#button1"), (irq2, 18, "gpiomod#button2"))]
    assert min(tops.values()) >= 4  # press and release, each bouncing
    th = [(e.ts, e["irq"], e.comm) for e in m.trace.events("irq_thread_entry")]
    assert [(irq, comm) for _, irq, comm in th] == [(irq1, f"irq/{irq1}-gpiomod#")] * 2 + [(irq2, f"irq/{irq2}-gpiomod#")] * 2
    exits = [e.ts for e in m.trace.events("irq_thread_exit")]
    assert th[1][0] == exits[0] and th[3][0] == exits[2]  # the second run follows the first at once
    assert [t for t in lines if t.startswith("Bottom half")] == ["Bottom half task starts", "Bottom half task ends"] * 4
    led = list(m.led(4).timeline)
    assert [on for _, on in led] == [False, True, False]
    assert led[1][0] == exits[0] and led[2][0] == exits[2]
    assert 100 * MS + 504 * MS <= led[1][0] <= 100 * MS + 536 * MS
    assert lines[-1] == "bottomhalf_exit"
    assert "gpiomod" not in m.read("/proc/interrupts")  # free_irq() at rmmod
