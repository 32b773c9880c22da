"""Machine wiring helpers: m.led() and m.button() return the part already wired on a GPIO."""

import pytest

import irqlab


def test_led_and_button_are_wired_once_per_gpio():
    """A second m.led(4) / m.button(17) returns the same part, so a test can read m.led(4).timeline after a run."""
    m = irqlab.boot("rpi5", seed=0)
    led, btn = m.led(4), m.button(17, "typical")
    assert m.led(4) is led and m.button(17, "typical") is btn and m.button(17) is btn
    assert m.led(5) is not led
    with pytest.raises(ValueError, match="GPIO17 already has a button with profile 'typical'"):
        m.button(17, "none")
