"""The two-button LED driver with a threaded bottom half that sleeps 500 ms (the irqlab demo's driver).

The driver is irqlab/scenarios/seed001_threaded_buttons.py (the one ``irqlab demo`` runs),
a line-by-line port of "Threaded IRQs - The Modern Standard": the top half prints and
returns IRQ_WAKE_THREAD, the bottom half runs in irq/NN-gpiomod#buttonN (SCHED_FIFO 50),
sleeps 500 ms and then switches the LED. The IRQ is not ONESHOT, so bounce edges keep
arriving while the thread sleeps; they collapse into one more run of the thread.
"""

from __future__ import annotations

import irqlab
from irqlab.scenarios import seed001_threaded_buttons as driver

SEED_SECTION = "001: Threaded IRQs - The Modern Standard (Implementation Example)"
MODULE_NAME = driver.MODULE_NAME

PRESSES = (("100ms", 17), ("1500ms", 18))


def main(seed: int = 1) -> irqlab.Machine:
    """Button 1 at 100 ms, button 2 at 1.5 s (held 150 ms, "typical" bounce), rmmod at 3 s."""
    shown.clear()
    m = irqlab.boot("rpi5", seed=seed, trace=["irq_handler_entry", "irq_thread_entry", "irq_thread_exit",
                                              "sched_switch"])  # fmt: skip
    btn = {g: m.button(g, "typical") for g in (17, 18)}
    m.led(4)
    m.insmod(driver)
    for at, g in PRESSES:
        btn[g].click(at=at, hold="150ms")
    m.run(until="3s")
    shown["/proc/interrupts"] = m.read("/proc/interrupts")
    m.rmmod(MODULE_NAME)
    return m


shown: dict[str, str] = {}


def report(m: irqlab.Machine) -> str:
    """What else the reader looks at: /proc/interrupts before rmmod and the LED timeline."""
    rows = [r for r in shown.get("/proc/interrupts", "").splitlines() if "gpiomod" in r]
    led = [f"{t / 1e6:10.3f} ms  LED {'on' if on else 'off'}" for t, on in m.led(4).timeline]
    return "\n".join(["--- /proc/interrupts (gpiomod, before rmmod) ---", *rows, "--- LED (GPIO4) ---", *led]) + "\n"


if __name__ == "__main__":
    mach = main()
    print(mach.dmesg() + report(mach), end="")
