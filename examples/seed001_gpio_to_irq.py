"""Checking gpio_to_irq()'s return value: GPIO17 is -EINVAL on a Pi 5 (base 512), GPIO 529 is its IRQ.

Ported from "Troubleshooting Guide, Problem: ISR not called when button pressed" (its code
fixes) and "GPIO to IRQ Conversion". The driver takes the GPIO number as a module parameter,
checks gpio_to_irq()'s result as the seed advises and requests a both-edge IRQ. On 6.12 the
Pi 5's pinctrl-rp1 numbers its lines from 512, so ``gpio=17`` (the seed's number) fails with
"Invalid IRQ: -22" and insmod fails; ``gpio=529`` works. The seed's "Raspberry Pi: usually
irq = gpio + 64" does not hold either: the IRQ number comes from the GPIO chip's irq domain.
"""

from __future__ import annotations

from types import SimpleNamespace

import irqlab
from irqlab.kernel import (
    GPIOF_IN,
    IRQ_HANDLED,
    IRQF_TRIGGER_FALLING,
    IRQF_TRIGGER_RISING,
    free_irq,
    gpio_free,
    gpio_get_value,
    gpio_request_one,
    gpio_to_irq,
    module_param,
    pr_err,
    pr_info,
    request_irq,
)

SEED_SECTION = "001: Troubleshooting Guide (Problem: ISR not called when button pressed)"
MODULE_NAME = "gpiomod"

# module_param(gpio, uint, 0444): the legacy GPIO number of the button.
gpio = 17
module_param("gpio", "uint", 0o444)

button_irq = -1


def button_isr(irq: int, data: object) -> int:
    pr_info("gpiomod: IRQ %d, GPIO %d reads %d\n", irq, gpio, gpio_get_value(gpio))
    return IRQ_HANDLED


def gpiomod_init() -> int:
    global button_irq
    # Check gpio_to_irq() return value
    irq = gpio_to_irq(gpio)
    if irq < 0:
        pr_err("Invalid IRQ: %d\n", irq)
        return irq  # Pass error up

    # Enable pull-up resistor if not already done: the seed's gpio_set_pullup() does not exist;
    # on the Pi 5 the pull comes from the device tree (bias-pull-up) or, as in the seed's
    # circuit, from an external 10k resistor.
    ret = gpio_request_one(gpio, GPIOF_IN, "LED 1 ON BUTTON")
    if ret:
        pr_err("Unable to request GPIO %d: %d\n", gpio, ret)
        return ret
    button_irq = irq

    ret = request_irq(button_irq, button_isr, IRQF_TRIGGER_RISING | IRQF_TRIGGER_FALLING, "gpiomod#button1", None)
    if ret:
        pr_err("Unable to request IRQ: %d\n", ret)
        gpio_free(gpio)
        return ret
    pr_info("gpiomod: GPIO %d is IRQ %d\n", gpio, button_irq)
    return 0


def gpiomod_exit() -> None:
    free_irq(button_irq, None)
    gpio_free(gpio)


module_init = gpiomod_init
module_exit = gpiomod_exit

shown: dict[str, str] = {}


def main(seed: int = 1) -> irqlab.Machine:
    """insmod gpiomod gpio=17 (fails), then gpio=529, press the button at 50 ms, look, rmmod."""
    global gpio
    shown.clear()
    m = irqlab.boot("rpi5", seed=seed)
    b = m.button(17, "typical")
    gpio = 17  # the seed's number
    shown["insmod gpiomod gpio=17"] = str(m.insmod(SimpleNamespace(**globals())))
    gpio = 512 + 17  # pinctrl-rp1's base + the header pin
    shown["insmod gpiomod gpio=529"] = str(m.insmod(SimpleNamespace(**globals())))
    b.click(at="50ms", hold="100ms")
    m.run(until="200ms")
    # The seed's checklist: the GPIO as debugfs shows it, and the driver's /proc/interrupts row
    shown["cat /sys/kernel/debug/gpio | grep GPIO17"] = "".join(
        line + "\n" for line in m.read("/sys/kernel/debug/gpio").splitlines() if "GPIO17 " in line)
    shown["cat /proc/interrupts | grep gpiomod"] = "".join(
        line + "\n" for line in m.read("/proc/interrupts").splitlines() if "gpiomod" in line)
    m.rmmod(MODULE_NAME)
    return m


def report(m: irqlab.Machine) -> str:
    """What else the reader looks at: insmod's return values and the checklist's commands."""
    return "".join(f"$ {cmd}\n{out if out.endswith(chr(10)) else out + chr(10)}" for cmd, out in shown.items())


if __name__ == "__main__":
    mach = main()
    print(mach.dmesg() + report(mach), end="")
