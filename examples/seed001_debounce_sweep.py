"""Which debounce window loses no presses? Seed 001's delayed-work debounce as a sweep scenario.

The driver is seed 001's "Implement Proper Debouncing" on the button/LED wiring of its two-button
driver, reduced to one button (GPIO17) and the LED (GPIO4), which mirrors the debounced button: the
top half calls disable_irq_nosync(irq) and schedule_delayed_work(msecs_to_jiffies(debounce_ms)); the
work reads the settled level, drives the LED when the level changed since the last report, and calls
enable_irq(), which replays an edge that arrived while the line was off (so a level still moving gets
another window). ``debounce_ms`` is a module parameter (module_param(debounce_ms, uint, 0444), 50 as
in the seed).

The scenario presses the button at random (seeded: gaps of mean 150 ms, held 30-250 ms) for 3 s
with the bounce profile ``profile`` and measures what a user would notice:

- ``lost``: presses the LED never showed (a tap shorter than the window is over before the work
  samples it);
- ``phantom``: extra LED flashes (the work sampled a level still bouncing, so a release read
  "pressed" once more);
- ``latency_us``: press -> LED on, in µs, as a histogram (the window plus the jiffy round-up).

It declares PARAMS and METRICS for ``irqlab sweep``; docs/sweeps.md sweeps it over debounce_ms x profile.
"""

from __future__ import annotations

import irqlab
from irqlab.kernel import (
    GPIOF_IN,
    GPIOF_OUT_INIT_LOW,
    INIT_DELAYED_WORK,
    IRQ_HANDLED,
    IRQF_TRIGGER_FALLING,
    IRQF_TRIGGER_RISING,
    delayed_work,
    disable_irq_nosync,
    enable_irq,
    free_irq,
    gpio,
    gpio_free,
    gpio_get_value,
    gpio_request_one,
    gpio_set_value,
    gpio_to_irq,
    msecs_to_jiffies,
    pr_err,
    pr_info,
    request_irq,
    schedule_delayed_work,
    work_struct,
)
from irqlab.scenarios import two_buttons

SEED_SECTION = "001: Best Practices and Recommendations (3. Implement Proper Debouncing)"
MODULE_NAME = "gpiomod"

RP1_GPIO_BASE = 512  # pinctrl-rp1's dynamic GPIO base on 6.12: header GPIO17 is 529

# module_param(debounce_ms, uint, 0444): the quiet time before the level is read.
debounce_ms = 50

led = gpio(RP1_GPIO_BASE + 4, GPIOF_OUT_INIT_LOW, "LED 1")
button = gpio(RP1_GPIO_BASE + 17, GPIOF_IN, "LED 1 BUTTON")
button_irq = -1
debounce_work = delayed_work()
reported = 0  # the last level reported: 1 = pressed
btn = None  # the scenario's button (hardware side), set by main()


def button_isr(irq: int, data: object) -> int:
    # Immediately disable IRQ
    disable_irq_nosync(irq)
    # Schedule delayed work to sample the level after the debounce window
    schedule_delayed_work(debounce_work, msecs_to_jiffies(debounce_ms))
    return IRQ_HANDLED


def debounce_work_fn(work: work_struct) -> None:
    global reported
    pressed = 0 if gpio_get_value(button.gpio) else 1  # the switch pulls the pin low
    if pressed != reported:
        reported = pressed
        gpio_set_value(led.gpio, pressed)  # the LED shows the debounced button
    # Re-enable IRQ: an edge that came while it was off is replayed (another window)
    enable_irq(button_irq)


def debounce_init() -> int:
    global button_irq
    pr_info("debounce_init: %u ms\n", debounce_ms)
    for g in (led, button):
        ret = gpio_request_one(g.gpio, g.flags, g.label)
        if ret:
            pr_err("Unable to request GPIOs: %d\n", ret)
            return ret
    INIT_DELAYED_WORK(debounce_work, debounce_work_fn)
    ret = gpio_to_irq(button.gpio)
    if ret < 0:
        pr_err("Unable to get IRQ: %d\n", ret)
        return ret
    button_irq = ret
    ret = request_irq(button_irq, button_isr, IRQF_TRIGGER_RISING | IRQF_TRIGGER_FALLING, "gpiomod#button1", None)
    if ret:
        pr_err("Unable to request IRQ: %d\n", ret)
        return ret
    return 0


def debounce_exit() -> None:
    free_irq(button_irq, None)
    gpio_set_value(led.gpio, 0)
    gpio_free(button.gpio)
    gpio_free(led.gpio)


module_init = debounce_init
module_exit = debounce_exit

#: What ``irqlab sweep`` runs when the command line does not name a parameter.
PARAMS = {"debounce_ms": [1, 2, 5, 10, 20, 50], "profile": ["typical", "worn"]}
METRICS = ("lost", "phantom", "latency_us")



def main(seed: int = 1, debounce_ms: int = 50, profile: str = "typical", hz: int = 1000,
         press_ms: int = 3000) -> irqlab.Machine:  # fmt: skip
    """Random presses for ``press_ms`` on a Pi 5 with ``profile`` bounce; insmod gpiomod debounce_ms=N.

    HZ defaults to 1000 here (the Pi 5's kernel has 250) so that a 1 ms window waits 1-2 ms rather
    than a whole 4 ms jiffy: sweep ``hz`` to see the difference."""
    globals()["debounce_ms"] = debounce_ms  # the module parameter
    m = irqlab.boot("rpi5", seed=seed, hz=hz)
    btn = m.button(17, profile)
    globals()["btn"] = btn  # for metrics(m), which runs in this namespace
    m.led(4)
    # insmod this file
    m.insmod(__import__("types").SimpleNamespace(**globals()))
    btn.random_presses(start="50ms", until=f"{press_ms}ms", mean_gap="150ms", hold=("30ms", "250ms"))
    m.run(until=f"{press_ms + 500}ms")  # the last release, and time for its window
    return m


def press_outcomes(m: irqlab.Machine) -> tuple[list[int | None], int]:
    """(per press: ns from the press to the LED turning on, None if it never did; phantom flashes).

    A press owns the LED-on transitions between it and the next press; the first is its response,
    any other is a phantom."""
    presses = [ev.t for ev in btn.events if ev.kind == "press"]
    ons = [t for t, on in m.led(4).timeline if on]
    outcome: list[int | None] = []
    phantom = len([t for t in ons if not presses or t < presses[0]])
    for i, t in enumerate(presses):
        end = presses[i + 1] if i + 1 < len(presses) else None
        mine = [o for o in ons if o >= t and (end is None or o < end)]
        outcome.append(mine[0] - t if mine else None)
        phantom += max(0, len(mine) - 1)
    return outcome, phantom


def metrics(m: irqlab.Machine) -> dict[str, object]:
    """lost and phantom counts, and the press -> LED latency histogram (µs)."""
    from hdrh.histogram import HdrHistogram

    outcome, phantom = press_outcomes(m)
    latency = HdrHistogram(1, 60_000_000, 3)  # 1 µs .. 60 s, 3 significant digits
    for ns in outcome:
        if ns is not None:
            latency.record_value(max(1, ns // 1000))
    return {"lost": sum(1 for o in outcome if o is None), "phantom": phantom, "latency_us": latency}


def report(m: irqlab.Machine) -> str:
    """Presses, what the LED showed (and its timeline), and the driver's /proc/interrupts row."""
    outcome, phantom = press_outcomes(m)
    seen = [o for o in outcome if o is not None]
    rows = [r for r in m.read("/proc/interrupts").splitlines() if "gpiomod" in r]
    lines = [f"presses: {len(outcome)}, lost: {len(outcome) - len(seen)}, phantom flashes: {phantom}"]
    if seen:
        lines.append(f"press -> LED on: {min(seen) / 1e6:.3f} .. {max(seen) / 1e6:.3f} ms")
    presses = [f"{ev.t / 1e6:10.3f} ms  {ev.kind}" for ev in btn.events]
    return "\n".join([*lines, "--- /proc/interrupts (gpiomod) ---", *rows, "--- button (GPIO17) ---", *presses,
                      "--- LED (GPIO4) ---", *two_buttons.led_lines(m.led(4))]) + "\n"


if __name__ == "__main__":
    mach = main()
    print(mach.dmesg() + report(mach), end="")
