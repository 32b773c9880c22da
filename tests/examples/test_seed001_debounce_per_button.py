"""Seed 001, "Troubleshooting Guide, Problem: Multiple IRQs per button press": examples/seed001_debounce_per_button.py."""

import importlib.util
import pathlib
from types import SimpleNamespace

import irqlab

MS = 1_000_000


def _example():
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed001_debounce_per_button.py"
    spec = importlib.util.spec_from_file_location("seed001_debounce_per_button", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_every_edge_is_still_an_interrupt_and_the_led_changes_once_per_press():
    """Every bounce edge is still an interrupt in /proc/interrupts; the LED changes once per press."""
    ex = _example()
    m = ex.main(1)
    runs = {n: sum(1 for e in m.trace.events("irq_handler_entry") if e["name"] == n)
            for n in ("gpiomod#button1", "gpiomod#button2")}  # fmt: skip
    rows = [r for r in m.read("/proc/interrupts").splitlines() if "gpiomod" in r]
    assert [int(r.split()[1]) for r in rows] == [runs["gpiomod#button1"], runs["gpiomod#button2"]]
    assert min(runs.values()) > 8  # 4 press/release bursts per button, each of 2 or more interrupts
    assert m.dmesg_lines()[-3:] == ["debounce_init", f"Successfully requested BUTTON1 IRQ # {ex.button_irqs[0]}",
                                    f"Successfully requested BUTTON2 IRQ # {ex.button_irqs[1]}"]  # fmt: skip
    assert [on for _, on in m.led(4).timeline] == [False, True, False, True, False]


def test_each_button_has_its_own_window():
    """With ``last_irq_time[2]`` button 2 pressed 10 ms after button 1's release switches the LED off.

    time_before(jiffies, last + msecs_to_jiffies(50)) is checked per button, so button 1's accepted release at 250
    ms does not hide button 2's press at 260 ms (the single-static variant of "2. IRQ Debouncing" does,
    tests/examples/test_seed001_debounce_top_half.py).
    """
    ex = _example()
    m = irqlab.boot("rpi5", seed=1, trace=["irq_handler_entry"])
    b1, b2 = m.button(17, "typical"), m.button(18, "typical")
    m.led(4)
    m.insmod(SimpleNamespace(**vars(ex)))
    b1.click(at="100ms", hold="150ms")
    b2.click(at="260ms", hold="150ms")
    m.run(until="600ms")
    tl = list(m.led(4).timeline)
    assert [on for _, on in tl] == [False, True, False]
    assert 260 * MS < tl[2][0] < 260 * MS + 10_000
