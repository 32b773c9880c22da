"""Two buttons switch an LED on and off from their hardirq handler, without debounce (toggle=1: the flicker).

Ported line by line from "Complete Driver Walkthrough" on a Raspberry Pi 5: button 1 (GPIO17)
turns the LED (GPIO4) on, button 2 (GPIO18) turns it off, each from an IRQ requested on both
edges. Every contact bounce is an edge and an interrupt (see /proc/interrupts), but the
handler's "only if currently off/on" guards make the repeats no-ops, so the LED changes once
per press. With the module parameter toggle=1 (``main(seed, toggle=True)``) the handler flips
the LED instead, and the bounce shows: the LED "flickers or toggles multiple times", as the
seed's troubleshooting section says. Where the seed's code would not work on 6.12 the port does
what the kernel needs: gpio_request_array() is gone (6.10) and the Pi 5's GPIOs are numbered
from 512.
"""

from __future__ import annotations

from types import SimpleNamespace

import irqlab
from irqlab.kernel import (
    GPIOF_IN,
    GPIOF_OUT_INIT_LOW,
    IRQ_HANDLED,
    IRQF_TRIGGER_FALLING,
    IRQF_TRIGGER_RISING,
    free_irq,
    gpio,
    gpio_free,
    gpio_get_value,
    gpio_request_one,
    gpio_set_value,
    gpio_to_irq,
    module_param,
    pr_err,
    pr_info,
    request_irq,
)
from irqlab.scenarios import two_buttons

SEED_SECTION = "001: GPIO Interrupt Example - Button Handling (Complete Driver Walkthrough)"
MODULE_NAME = "gpiomod"

# On 6.12 pinctrl-rp1 registers its 54 lines with a dynamic base (512): header GPIO4 is legacy
# number 516 and GPIO17 is 529. The seed's bare 4/17/18 would fail with -EPROBE_DEFER.
RP1_GPIO_BASE = 512

# module_param(toggle, bool, 0444): flip the LED on every interrupt (button_isr_toggle below).
toggle = False
module_param("toggle", "bool", 0o444)

button_irqs = [-1, -1]

leds = [gpio(RP1_GPIO_BASE + 4, GPIOF_OUT_INIT_LOW, "LED 1")]
buttons = [
    gpio(RP1_GPIO_BASE + 17, GPIOF_IN, "LED 1 ON BUTTON"),
    gpio(RP1_GPIO_BASE + 18, GPIOF_IN, "LED 1 OFF BUTTON"),
]


def button_isr(irq: int, data: object) -> int:
    if toggle:
        return button_isr_toggle(irq, data)
    # Check which button caused the IRQ
    if irq == button_irqs[0] and not gpio_get_value(leds[0].gpio):
        gpio_set_value(leds[0].gpio, 1)  # Turn LED ON if currently OFF
    elif irq == button_irqs[1] and gpio_get_value(leds[0].gpio):
        gpio_set_value(leds[0].gpio, 0)  # Turn LED OFF if currently ON

    return IRQ_HANDLED  # Must return IRQ status


def button_isr_toggle(irq: int, data: object) -> int:
    """The "quick LED toggle" the seed's comments speak of, which its troubleshooting symptom ("LED
    flickers or toggles multiple times") presupposes: every interrupt, so every bounce edge, flips the LED."""
    gpio_set_value(leds[0].gpio, not gpio_get_value(leds[0].gpio))
    return IRQ_HANDLED


def gpio_request_each(array: list[gpio]) -> int:
    """The NO_GPIO_REQUEST_ARRAY branch: gpio_request_array() was removed in 6.10.

    The seed's branch calls bare gpio_request(), which leaves the LED line an input (its
    gpio_set_value() then drives nothing); gpio_request_one() applies the GPIOF_* direction
    and initial level as gpio_request_array() did, and frees what it took on failure.
    """
    for i, g in enumerate(array):
        ret = gpio_request_one(g.gpio, g.flags, g.label)
        if ret:
            gpio_free_each(array[:i])
            return ret
    return 0


def gpio_free_each(array: list[gpio]) -> None:
    # gpio_free_array() went with gpio_request_array() in 6.10
    for g in array:
        gpio_free(g.gpio)


def intrpt_init() -> int:
    ret = 0
    pr_info("%s\n", "intrpt_init")

    # Register LED GPIOs
    ret = gpio_request_each(leds)
    if ret:
        pr_err("Unable to request GPIOs for LEDs: %d\n", ret)
        return ret

    # Register Button GPIOs
    ret = gpio_request_each(buttons)
    if ret:
        pr_err("Unable to request GPIOs for BUTTONs: %d\n", ret)
        return fail1(ret)

    # Convert GPIO17 to IRQ number
    ret = gpio_to_irq(buttons[0].gpio)
    if ret < 0:
        pr_err("Unable to get IRQ: %d\n", ret)
        return fail2(ret)
    button_irqs[0] = ret
    pr_info("Successfully requested BUTTON1 IRQ # %d\n", button_irqs[0])

    # Register ISR for Button 1
    ret = request_irq(button_irqs[0], button_isr, IRQF_TRIGGER_RISING | IRQF_TRIGGER_FALLING,
                      "gpiomod#button1", None)  # fmt: skip
    if ret:
        pr_err("Unable to request IRQ: %d\n", ret)
        return fail2(ret)

    # Repeat for Button 2
    ret = gpio_to_irq(buttons[1].gpio)
    if ret < 0:
        pr_err("Unable to get IRQ: %d\n", ret)
        return fail3(ret)  # Need to free first IRQ on error
    button_irqs[1] = ret

    ret = request_irq(button_irqs[1], button_isr, IRQF_TRIGGER_RISING | IRQF_TRIGGER_FALLING,
                      "gpiomod#button2", None)  # fmt: skip
    if ret:
        pr_err("Unable to request IRQ: %d\n", ret)
        return fail3(ret)

    return 0


# The goto labels, in reverse order of allocation.
def fail3(ret: int) -> int:
    free_irq(button_irqs[0], None)
    return fail2(ret)


def fail2(ret: int) -> int:
    gpio_free_each(buttons)
    return fail1(ret)


def fail1(ret: int) -> int:
    gpio_free_each(leds)
    return ret


module_init = intrpt_init
# The seed shows no exit function: like a module without module_exit, this one is not unloaded.

#: (time, GPIO) of each click; each button is held 150 ms.
PRESSES = (("100ms", 17), ("600ms", 18), ("1100ms", 17), ("1600ms", 18))


def main(seed: int = 1, toggle: bool = False) -> irqlab.Machine:
    """Four clicks with "typical" contact bounce: on, off, on, off (``toggle=True``: insmod gpiomod toggle=1)."""
    globals()["toggle"] = toggle  # the module parameter
    # insmod this file
    return two_buttons.run(SimpleNamespace(**globals()), seed, PRESSES, until="2s")


def report(m: irqlab.Machine) -> str:
    """What else the reader looks at: the driver's /proc/interrupts rows and the LED timeline."""
    return two_buttons.report(m)


if __name__ == "__main__":
    mach = main()
    print(mach.dmesg() + report(mach), end="")
