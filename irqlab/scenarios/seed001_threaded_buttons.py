"""Seed 001, "Threaded IRQs - The Modern Standard": two buttons and an LED with a threaded bottom half.

Button 1 (GPIO17) turns the LED (GPIO4) on, button 2 (GPIO18) turns it off; both request
their IRQ on rising and falling edges with a top half that only wakes the IRQ thread, and
a bottom half that sleeps 500 ms and then drives the LED. Ported line by line; where the
seed's code would not work on a 6.12 kernel the port does what the kernel requires and
says why.
"""

from __future__ import annotations

from irqlab.kernel import (
    GPIOF_IN,
    GPIOF_OUT_INIT_LOW,
    IRQ_HANDLED,
    IRQ_WAKE_THREAD,
    IRQF_TRIGGER_FALLING,
    IRQF_TRIGGER_RISING,
    free_irq,
    gpio,
    gpio_free,
    gpio_get_value,
    gpio_request_one,
    gpio_set_value,
    gpio_to_irq,
    msleep,
    pr_err,
    pr_info,
    request_threaded_irq,
)

MODULE_NAME = "gpiomod"

# On 6.12 pinctrl-rp1 registers its 54 lines with a dynamic base (512), so the legacy number of
# header GPIO17 is 512 + 17 = 529: a bare 17 would fail with -EPROBE_DEFER (gpio_to_desc() finds
# no chip). /sys/kernel/debug/gpio shows the base.
RP1_GPIO_BASE = 512

button_irqs = [-1, -1]

leds = [gpio(RP1_GPIO_BASE + 4, GPIOF_OUT_INIT_LOW, "LED 1")]
buttons = [
    gpio(RP1_GPIO_BASE + 17, GPIOF_IN, "LED 1 ON BUTTON"),
    gpio(RP1_GPIO_BASE + 18, GPIOF_IN, "LED 1 OFF BUTTON"),
]


def button_top_half(irq: int, ident: object) -> int:
    # Minimal top half: just wake thread
    pr_info("Top half: IRQ %d triggered\n", irq)
    return IRQ_WAKE_THREAD  # Must return this to wake thread


def button_bottom_half(irq: int, ident: object) -> int:
    # Full processing in thread context
    pr_info("Bottom half task starts\n")

    # Safe to sleep, access data structures, etc.
    msleep(500)

    # Handle the button press
    if irq == button_irqs[0] and not gpio_get_value(leds[0].gpio):
        gpio_set_value(leds[0].gpio, 1)
    elif irq == button_irqs[1] and gpio_get_value(leds[0].gpio):
        gpio_set_value(leds[0].gpio, 0)

    pr_info("Bottom half task ends\n")
    return IRQ_HANDLED


def module_init() -> int:
    pr_info("%s\n", "bottomhalf_init")

    # gpio_request_array() was removed in Linux 6.10: request each GPIO on its own
    # (the seed's NO_GPIO_REQUEST_ARRAY branch), with its direction from the flags.
    for g in leds + buttons:
        ret = gpio_request_one(g.gpio, g.flags, g.label)
        if ret:
            pr_err("Unable to request GPIOs: %d\n", ret)
            return ret

    for i, name in enumerate(("gpiomod#button1", "gpiomod#button2")):
        ret = gpio_to_irq(buttons[i].gpio)
        if ret < 0:
            pr_err("Unable to get IRQ: %d\n", ret)
            return ret
        button_irqs[i] = ret
        pr_info("Successfully requested BUTTON%d IRQ # %d\n", i + 1, button_irqs[i])

        ret = request_threaded_irq(button_irqs[i], button_top_half, button_bottom_half,
                                   IRQF_TRIGGER_RISING | IRQF_TRIGGER_FALLING, name, buttons[i])  # fmt: skip
        if ret:
            pr_err("Unable to request IRQ: %d\n", ret)
            return ret
    return 0


def module_exit() -> None:
    pr_info("%s\n", "bottomhalf_exit")
    free_irq(button_irqs[0], buttons[0])
    free_irq(button_irqs[1], buttons[1])
    gpio_set_value(leds[0].gpio, 0)
    for g in leds + buttons:
        gpio_free(g.gpio)
