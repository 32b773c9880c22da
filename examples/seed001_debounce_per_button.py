"""Per-button 50 ms debounce in the top half with time_before() and last_irq_time[2].

Ported from "Troubleshooting Guide, Problem: Multiple IRQs per button press (bouncing)" onto the
two-button LED driver: each button keeps the jiffies of its last accepted interrupt in
``last_irq_time[2]`` and the handler returns IRQ_HANDLED early while
time_before(jiffies, last + msecs_to_jiffies(50)); otherwise it processes the press (the
driver's LED on/off). time_before() is wrap-safe (jiffies start 5 minutes before the 32-bit
wrap). The line stays enabled, so every bounce edge is still an interrupt in /proc/interrupts.
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
    msecs_to_jiffies,
    pr_err,
    pr_info,
    request_irq,
    time_before,
)
from irqlab.scenarios import two_buttons

SEED_SECTION = "001: Troubleshooting Guide (Problem: Multiple IRQs per button press)"
MODULE_NAME = "gpiomod"

RP1_GPIO_BASE = 512  # pinctrl-rp1's dynamic GPIO base on 6.12: header GPIO17 is 529

# module_param(toggle, bool, 0444): flip the LED on every processed press instead of on/off.
toggle = False
module_param("toggle", "bool", 0o444)

button_irqs = [-1, -1]
leds = [gpio(RP1_GPIO_BASE + 4, GPIOF_OUT_INIT_LOW, "LED 1")]
buttons = [
    gpio(RP1_GPIO_BASE + 17, GPIOF_IN, "LED 1 ON BUTTON"),
    gpio(RP1_GPIO_BASE + 18, GPIOF_IN, "LED 1 OFF BUTTON"),
]

last_irq_time = [0, 0]  # static unsigned long last_irq_time[2] = {0, 0};


def process_press(irq: int) -> None:
    """The seed's "process the press" placeholder: the two-button driver's LED on/off, or with the
    ``toggle`` parameter a flip of the LED (the "quick LED toggle" of the seed's comments)."""
    if toggle:
        gpio_set_value(leds[0].gpio, not gpio_get_value(leds[0].gpio))
    elif irq == button_irqs[0] and not gpio_get_value(leds[0].gpio):
        gpio_set_value(leds[0].gpio, 1)  # Turn LED ON if currently OFF
    elif irq == button_irqs[1] and gpio_get_value(leds[0].gpio):
        gpio_set_value(leds[0].gpio, 0)  # Turn LED OFF if currently ON


def button_isr(irq: int, data: object) -> int:
    button_idx = 0 if irq == button_irqs[0] else 1

    if time_before(irqlab.kernel.jiffies, last_irq_time[button_idx] + msecs_to_jiffies(50)):
        return IRQ_HANDLED  # Ignore spurious IRQ

    last_irq_time[button_idx] = irqlab.kernel.jiffies

    # ... process real press ...
    process_press(irq)

    return IRQ_HANDLED


def debounce_init() -> int:
    pr_info("%s\n", "debounce_init")

    # GPIO setup, as in the two-button driver: gpio_request_array() was removed in 6.10,
    # so each line is requested with gpio_request_one() (direction and level from its flags).
    taken: list[gpio] = []
    for g in leds + buttons:
        ret = gpio_request_one(g.gpio, g.flags, g.label)
        if ret:
            pr_err("Unable to request GPIOs: %d\n", ret)
            for t in taken:
                gpio_free(t.gpio)
            return ret
        taken.append(g)

    for i, name in enumerate(("gpiomod#button1", "gpiomod#button2")):
        ret = gpio_to_irq(buttons[i].gpio)
        if ret < 0:
            pr_err("Unable to get IRQ: %d\n", ret)
            return fail(i, ret)
        button_irqs[i] = ret
        pr_info("Successfully requested BUTTON%d IRQ # %d\n", i + 1, button_irqs[i])

        ret = request_irq(button_irqs[i], button_isr, IRQF_TRIGGER_RISING | IRQF_TRIGGER_FALLING, name, None)
        if ret:
            pr_err("Unable to request IRQ: %d\n", ret)
            return fail(i, ret)
    return 0


def fail(requested: int, ret: int) -> int:
    """The goto chain: free the IRQs already requested, then the GPIOs."""
    for i in range(requested):
        free_irq(button_irqs[i], None)
    for g in buttons + leds:
        gpio_free(g.gpio)
    return ret


module_init = debounce_init
# No exit function in the seed: the module stays loaded.

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
