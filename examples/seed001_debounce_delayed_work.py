"""Debounce with disable_irq_nosync() in the top half and enable_irq() from delayed work 50 ms later.

Ported from "Best Practices and Recommendations, 3. Implement Proper Debouncing" onto the
two-button LED driver: the top half calls disable_irq_nosync(irq), schedules a delayed work
item that calls enable_irq() after msecs_to_jiffies(50), and processes the press (the
driver's LED on/off). The seed's snippet has one ``button_irq`` and one ``debounce_work``; with
two buttons each gets its own (as the troubleshooting snippet's ``last_irq_time[2]`` does),
else a press of the other button within 50 ms would find the work pending and its IRQ would
stay disabled for good.

What the kernel does with it: disable_irq_nosync() is lazy, so the next bounce edge still
reaches handle_edge_irq(), which finds the line disabled, marks it IRQS_PENDING and masks it.
enable_irq() then replays that edge (check_irq_resend()), so the handler runs a second time
~50 ms after a bouncing press, disables the line again and schedules another 50 ms. The LED
block's "only if off/on" guards make that second run harmless.
"""

from __future__ import annotations

from types import SimpleNamespace

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
    module_param,
    msecs_to_jiffies,
    pr_err,
    pr_info,
    request_irq,
    schedule_delayed_work,
    to_delayed_work,
    work_struct,
)
from irqlab.scenarios import two_buttons

SEED_SECTION = "001: Best Practices and Recommendations (3. Implement Proper Debouncing)"
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
debounce_work = [delayed_work(), delayed_work()]


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

    # Immediately disable IRQ
    disable_irq_nosync(irq)

    # Schedule delayed work to re-enable after debounce
    schedule_delayed_work(debounce_work[button_idx], msecs_to_jiffies(50))

    # Process the press
    process_press(irq)

    return IRQ_HANDLED


def debounce_work_fn(work: work_struct) -> None:
    button_idx = debounce_work.index(to_delayed_work(work))
    # Re-enable IRQ after debounce period
    enable_irq(button_irqs[button_idx])


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

    for i in range(2):
        INIT_DELAYED_WORK(debounce_work[i], debounce_work_fn)

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
    return two_buttons.run(SimpleNamespace(**globals()), seed, PRESSES, until="2s", trace=["irq_handler_entry", "workqueue_execute_start"])


def report(m: irqlab.Machine) -> str:
    """What else the reader looks at: the driver's /proc/interrupts rows and the LED timeline."""
    return two_buttons.report(m)


if __name__ == "__main__":
    mach = main()
    print(mach.dmesg() + report(mach), end="")
