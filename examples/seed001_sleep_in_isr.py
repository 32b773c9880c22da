"""msleep() in a hardirq handler is "BUG: scheduling while atomic", not a panic; schedule_work() is the fix.

Ported from "Troubleshooting Guide, Problem: Kernel panic on msleep() in ISR": ``bad_isr``
sleeps 100 ms in the interrupt handler of button 1 (GPIO17); ``good_isr`` on button 2
(GPIO18) schedule_work()s ``my_work``, which sleeps in a kworker. The seed says the wrong
one panics the kernel; 6.12 prints "BUG: scheduling while atomic" with a stack trace, taints
the kernel (W), and carries on (it would panic only with panic_on_warn or a fatal follow-up).
6.12's msleep() has no might_sleep() annotation, so the report is "scheduling while atomic"
rather than "sleeping function called from invalid context".
"""

from __future__ import annotations

from types import SimpleNamespace

import irqlab
from irqlab.kernel import (
    DECLARE_WORK,
    GPIOF_IN,
    IRQ_HANDLED,
    IRQF_TRIGGER_FALLING,
    cancel_work_sync,
    cpu_work,
    free_irq,
    gpio_free,
    gpio_request_one,
    gpio_to_irq,
    ktime_get,
    msleep,
    pr_info,
    request_irq,
    schedule_work,
    work_struct,
)

SEED_SECTION = "001: Troubleshooting Guide (Problem: Kernel panic on msleep() in ISR)"
MODULE_NAME = "sleepy"

RP1_GPIO_BASE = 512  # pinctrl-rp1's dynamic GPIO base on 6.12
BAD_GPIO, GOOD_GPIO = RP1_GPIO_BASE + 17, RP1_GPIO_BASE + 18
irqs = [-1, -1]


def my_work_fn(work: work_struct) -> None:
    pr_info("sleepy: work sleeps 100 ms in %s\n", "process context")
    msleep(100)
    pr_info("sleepy: work done\n")


my_work = DECLARE_WORK("my_work", my_work_fn)


# WRONG
def bad_isr(irq: int, data: object) -> int:
    msleep(100)  # Kernel panic (says the seed; 6.12: "BUG: scheduling while atomic")
    return IRQ_HANDLED


# CORRECT
def good_isr(irq: int, data: object) -> int:
    schedule_work(my_work)  # Defer to workqueue
    return IRQ_HANDLED


def sleepy_init() -> int:
    for i, (g, isr, name) in enumerate(((BAD_GPIO, bad_isr, "sleepy#bad"), (GOOD_GPIO, good_isr, "sleepy#good"))):
        ret = gpio_request_one(g, GPIOF_IN, name)
        if ret:
            return ret
        irqs[i] = gpio_to_irq(g)
        ret = request_irq(irqs[i], isr, IRQF_TRIGGER_FALLING, name, None)
        if ret:
            return ret
    return 0


def sleepy_exit() -> None:
    for i, g in enumerate((BAD_GPIO, GOOD_GPIO)):
        free_irq(irqs[i], None)
        gpio_free(g)
    cancel_work_sync(my_work)


module_init = sleepy_init
module_exit = sleepy_exit


def stress() -> None:
    """A CPU hog on CPU 0, where the GPIO interrupts are delivered: the interrupt then lands on a task."""
    while ktime_get() < 900_000_000:
        cpu_work(1_000_000)


def main(seed: int = 1) -> irqlab.Machine:
    """Press button 1 (bad_isr) at 100 ms and button 2 (good_isr) at 500 ms, while a CPU hog runs on CPU 0;
    no bounce, to keep dmesg short."""
    m = irqlab.boot("rpi5", seed=seed, trace=["irq_handler_entry", "irq_handler_exit", "workqueue_execute_start"])
    b1, b2 = m.button(17, "none"), m.button(18, "none")
    m.spawn(stress, name="stress-ng-cpu", cpu=0, user=True)
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    b1.click(at="100ms", hold="100ms")
    b2.click(at="500ms", hold="100ms")
    m.run(until="1s")
    m.rmmod(MODULE_NAME)
    return m


if __name__ == "__main__":
    print(main().dmesg(), end="")
