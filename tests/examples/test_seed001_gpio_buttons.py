"""Seed 001, "Complete Driver Walkthrough" (two buttons, one LED, no debounce): examples/seed001_gpio_buttons.py."""

import importlib.util
import pathlib

import pytest

US, MS = 1_000, 1_000_000


def _example():
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed001_gpio_buttons.py"
    spec = importlib.util.spec_from_file_location("seed001_gpio_buttons", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_init_requests_both_edges_on_pi5_numbers_and_proc_shows_every_bounce():
    """intrpt_init requests GPIOs 516/529/530 one by one; /proc/interrupts counts every handler run.

    intrpt_init requests GPIO 516/529/530 (Pi 5 base 512, not the seed's 4/17/18) one by one
    (gpio_request_array() is gone since 6.10); /proc/interrupts counts one interrupt per handler run.
    """
    ex = _example()
    m = ex.main(1)
    irq1 = ex.button_irqs[0]
    assert m.dmesg_lines()[-2:] == ["intrpt_init", f"Successfully requested BUTTON1 IRQ # {irq1}"]
    runs = {n: sum(1 for e in m.trace.events("irq_handler_entry") if e["name"] == n)
            for n in ("gpiomod#button1", "gpiomod#button2")}  # fmt: skip
    rows = [r for r in m.read("/proc/interrupts").splitlines() if "gpiomod" in r]
    assert rows == [f"{irq:3d}: {runs[name]:10d} {0:10d} {0:10d} {0:10d}  pinctrl-rp1  {pin} Edge      {name}"
                    for irq, pin, name in ((irq1, 17, "gpiomod#button1"), (ex.button_irqs[1], 18, "gpiomod#button2"))]
    gpio = m.read("/sys/kernel/debug/gpio")
    assert " gpio-516 (GPIO4               |LED 1               ) out lo \n" in gpio
    assert " gpio-529 (GPIO17              |LED 1 ON BUTTON     ) in  hi IRQ \n" in gpio


def test_bounce_is_several_interrupts_per_press_but_one_led_change():
    """Under "typical" bounce every press and release is several interrupts, yet the LED changes once per press.

    The seed's troubleshooting text says a driver without debounce makes the "LED flicker or toggle
    multiple times"; not this one: its handler switches the LED on only if it is off (button 1) and
    off only if it is on (button 2), so the repeats find nothing to do. Each change comes a few
    microseconds after the first contact of its press, in the first handler run.
    """
    ex = _example()
    m = ex.main(1)
    ents = m.trace.events("irq_handler_entry")
    changes = list(m.led(4).timeline)[1:]
    assert [on for _, on in changes] == [True, False, True, False]
    for (at, g), (ts, _) in zip(ex.PRESSES, changes):
        press = next(ev for ev in m.button(g).events if ev.kind == "press" and ev.t == int(at[:-2]) * MS)
        name = f"gpiomod#button{1 if g == 17 else 2}"
        burst = [e.ts for e in ents if e["name"] == name and press.t <= e.ts < press.t + 10 * MS]
        assert len(burst) >= 2  # bounce: several interrupts for one press
        assert press.t < burst[0] < ts < press.t + 10 * US  # the LED follows the first one


@pytest.mark.parametrize("name", ["gpio_request_array", "gpio_free_array"])
def test_seeds_array_api_is_gone_in_6_12(name):
    """gpio_request_array()/gpio_free_array() were removed in 6.10: irqlab.kernel does not offer them."""
    import irqlab.kernel

    with pytest.raises(AttributeError, match="removed in Linux 6.10"):
        getattr(irqlab.kernel, name)
