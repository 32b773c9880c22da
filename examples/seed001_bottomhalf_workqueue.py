"""The two-button LED driver with a bottom half on the system workqueue: bounces requeue the running work once.

The top half switches the LED at once and schedule_work()s a bottom half that msleep()s
500 ms in a kworker. Contact bounce gives several interrupts per press: the ones that come
while the work is still pending are absorbed (schedule_work() returns false), one that comes
after the kworker has started it queues it once more, so a press runs the bottom half once or
twice, one run after the other on the same CPU (a work item never runs concurrently with
itself). The seed declares ``bottomhalf_work`` twice (a plain definition and DECLARE_WORK),
which C would reject; the port keeps the DECLARE_WORK. GPIO setup is the one of the
two-button driver (gpio_request_one per line, Pi 5 numbering from 512).
"""

from __future__ import annotations

from types import SimpleNamespace

import irqlab
from irqlab.kernel import (
    DECLARE_WORK,
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
    msleep,
    pr_err,
    pr_info,
    request_irq,
    schedule_work,
    work_struct,
)
from irqlab.scenarios import two_buttons

SEED_SECTION = "001: Bottom Halves with Workqueues (Implementation Details)"
MODULE_NAME = "gpiomod"

RP1_GPIO_BASE = 512  # pinctrl-rp1's dynamic GPIO base on 6.12: header GPIO17 is 529

button_irqs = [-1, -1]
leds = [gpio(RP1_GPIO_BASE + 4, GPIOF_OUT_INIT_LOW, "LED 1")]
buttons = [
    gpio(RP1_GPIO_BASE + 17, GPIOF_IN, "LED 1 ON BUTTON"),
    gpio(RP1_GPIO_BASE + 18, GPIOF_IN, "LED 1 OFF BUTTON"),
]


def bottomhalf_work_fn(work: work_struct) -> None:
    pr_info("Bottom half workqueue starts\n")

    # Safe to sleep here!
    msleep(500)  # Simulate heavy processing

    pr_info("Bottom half workqueue ends\n")


bottomhalf_work = DECLARE_WORK("bottomhalf_work", bottomhalf_work_fn)


def button_isr(irq: int, data: object) -> int:
    # Top half: quick LED toggle
    if irq == button_irqs[0] and not gpio_get_value(leds[0].gpio):
        gpio_set_value(leds[0].gpio, 1)
    elif irq == button_irqs[1] and gpio_get_value(leds[0].gpio):
        gpio_set_value(leds[0].gpio, 0)

    # Bottom half: defer heavy work
    schedule_work(bottomhalf_work)

    return IRQ_HANDLED


def bottomhalf_init() -> int:
    pr_info("%s\n", "bottomhalf_init")

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


module_init = bottomhalf_init
# No exit function in the seed: the module stays loaded.

PRESSES = (("100ms", 17), ("1100ms", 18))


def main(seed: int = 1) -> irqlab.Machine:
    """Button 1 at 100 ms, button 2 at 1.1 s, each held 150 ms with "typical" bounce."""
    # insmod this file
    return two_buttons.run(SimpleNamespace(**globals()), seed, PRESSES, until="2500ms", trace=["irq_handler_entry", "workqueue_queue_work", "workqueue_execute_start", "workqueue_execute_end"])


def report(m: irqlab.Machine) -> str:
    """What else the reader looks at: the driver's /proc/interrupts rows and the LED timeline."""
    return two_buttons.report(m)


if __name__ == "__main__":
    mach = main()
    print(mach.dmesg() + report(mach), end="")
