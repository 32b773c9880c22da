"""The wiring shared by seed 001's two-button LED drivers: buttons on GPIO17/18, an LED on GPIO4.

``run()`` boots a Raspberry Pi 5, wires the parts, loads the driver, clicks the buttons
(each held 150 ms, with "typical" contact bounce) and runs; ``report()`` gives what a reader
of the seed looks at besides dmesg: the driver's /proc/interrupts rows and the LED timeline.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import irqlab
from irqlab.machine import Machine

BUTTON_GPIOS = (17, 18)
LED_GPIO = 4


def led_lines(led: Any) -> list[str]:
    """One line per LED state change: '  608.007 ms  LED on'."""
    return [f"{t / 1e6:10.3f} ms  LED {'on' if on else 'off'}" for t, on in led.timeline]


def run(module: Any, seed: int, presses: Iterable[tuple[str, int]], *, until: str = "2s",
        trace: list[str] | None = None, hold: str = "150ms") -> Machine:  # fmt: skip
    """Boot rpi5, wire two buttons and the LED, insmod ``module``, click ``presses`` ((time, gpio)), run."""
    m = irqlab.boot("rpi5", seed=seed, trace=trace if trace is not None else ["irq_handler_entry"])
    buttons = {g: m.button(g, "typical") for g in BUTTON_GPIOS}
    m.led(LED_GPIO)
    m.insmod(module)
    for at, g in presses:
        buttons[g].click(at=at, hold=hold)
    m.run(until=until)
    return m


def report(m: Machine, driver: str = "gpiomod") -> str:
    """The driver's /proc/interrupts rows and the LED timeline."""
    rows = [r for r in m.read("/proc/interrupts").splitlines() if driver in r]
    led = led_lines(m.led(LED_GPIO))
    return "\n".join([f"--- /proc/interrupts ({driver}) ---", *rows, f"--- LED (GPIO{LED_GPIO}) ---", *led]) + "\n"
