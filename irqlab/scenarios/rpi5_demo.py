"""The main demo: seed 001's two-button LED driver with a threaded bottom half on a Raspberry Pi 5.

Button 1 (GPIO17, "typical" contact bounce) is pressed at 100 ms and button 2 (GPIO18) at
1.5 s. Each bounce is an edge, each edge a top half; wakes of the IRQ thread that arrive
while it sleeps collapse into one more run.
"""

from __future__ import annotations

from dataclasses import dataclass

from irqlab.machine import Machine
from irqlab.scenarios import seed001_threaded_buttons as driver
from irqlab.scenarios import two_buttons

PRESSES = (("100ms", 17), ("1500ms", 18))


@dataclass
class Latency:
    """Press -> top half -> IRQ thread, for one press."""

    gpio: int
    press: int
    top_half: int
    thread: int


@dataclass
class DemoResult:
    machine: Machine
    led: object
    latencies: list[Latency]
    interrupts: str
    gpio: str


def run(seed: int = 1) -> DemoResult:
    m = two_buttons.run(driver, seed, PRESSES, until="3s", trace=["irq_handler_entry", "irq_thread_entry"])
    buttons = {g: m.button(g, "typical") for g in two_buttons.BUTTON_GPIOS}
    led = m.led(two_buttons.LED_GPIO)
    lat: list[Latency] = []
    for g, b in buttons.items():
        name = f"gpiomod#button{1 if g == 17 else 2}"
        for ev in b.events:
            if ev.kind != "press":
                continue
            top = next(e.ts for e in m.trace.events("irq_handler_entry") if e["name"] == name and e.ts >= ev.t)
            thr = next(e.ts for e in m.trace.events("irq_thread_entry") if e["name"] == name and e.ts >= top)
            lat.append(Latency(g, ev.t, top, thr))
    interrupts = m.read("/proc/interrupts")
    gpio = m.read("/sys/kernel/debug/gpio")
    m.rmmod("gpiomod")
    return DemoResult(m, led, lat, interrupts, gpio)


def summary_lines(r: DemoResult) -> list[str]:
    """LED timeline, the requested lines of /proc/interrupts and the latency summary."""
    lines = ["LED timeline (GPIO4):"] + ["  " + x for x in two_buttons.led_lines(r.led)]
    lines.append(latency_line(r.latencies))
    return lines


def latency_line(lat: list[Latency]) -> str:
    parts = [f"GPIO{x.gpio}: press -> top half {(x.top_half - x.press) / 1000:.1f} us -> thread "
             f"{(x.thread - x.top_half) / 1000:.1f} us" for x in lat]  # fmt: skip
    return "latency: " + "; ".join(parts)
