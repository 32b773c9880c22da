"""A threaded IRQ on a Pi 5 GPIO: the top half returns IRQ_WAKE_THREAD, the bottom half sleeps in irq/NN-my_device.

Ported from seed 000's "Threaded IRQs" (request_threaded_irq with IRQF_SHARED |
IRQF_TRIGGER_RISING). The seed's "..." are filled with the least that makes the behaviour
visible: the top half counts the interrupt, the thread prints and sleeps 20 ms. The interrupt
comes from a sensor's data-ready output on GPIO23 (rising edge, so pinctrl-rp1 uses
handle_edge_irq). The IRQ thread is SCHED_FIFO 50. Wakes that arrive while it runs collapse:
the second of two edges during its sleep sets IRQTF_RUNTHREAD, which is already set, so four
edges give three thread runs.
"""

from __future__ import annotations

from types import SimpleNamespace

import irqlab
from irqlab.kernel import (
    GFP_KERNEL,
    GPIOF_IN,
    IRQ_HANDLED,
    IRQ_WAKE_THREAD,
    IRQF_SHARED,
    IRQF_TRIGGER_RISING,
    Struct,
    current,
    free_irq,
    gpio_free,
    gpio_request_one,
    gpio_to_irq,
    kfree,
    kzalloc,
    msleep,
    pr_err,
    pr_info,
    request_threaded_irq,
)

SEED_SECTION = "000: Threaded IRQs"
MODULE_NAME = "threaded_irq"

# pinctrl-rp1 numbers its lines from the dynamic base 512 on 6.12: header GPIO23 is 535.
RP1_GPIO_BASE = 512
DRDY_GPIO = RP1_GPIO_BASE + 23


class my_device_data(Struct):
    def __init__(self) -> None:
        self.irq_count = 0


def my_irq_handler(irq: int, dev_id: my_device_data) -> int:
    """Top half - fast interrupt handler."""
    dev_data = dev_id

    # Quick hardware acknowledgment and minimal processing
    dev_data.irq_count += 1

    # Wake up the thread function to do the rest
    return IRQ_WAKE_THREAD


def my_thread_fn(irq: int, dev_id: my_device_data) -> int:
    """Bottom half - threaded handler that can sleep."""
    dev_data = dev_id

    # Process the interrupt - can sleep here
    pr_info("my_thread_fn: %u interrupt(s) so far, processing in %s\n", dev_data.irq_count, current.comm)
    msleep(20)

    return IRQ_HANDLED


dev_data: my_device_data | None = None
irq_number = -1


def threaded_irq_init() -> int:
    global dev_data, irq_number
    dev_data = kzalloc(my_device_data, GFP_KERNEL)
    ret = gpio_request_one(DRDY_GPIO, GPIOF_IN, "my_device-drdy")
    if ret:
        return ret
    irq_number = gpio_to_irq(DRDY_GPIO)

    # Register both handlers
    result = request_threaded_irq(irq_number,
                                  my_irq_handler,  # Fast top half
                                  my_thread_fn,  # Thread bottom half
                                  IRQF_SHARED | IRQF_TRIGGER_RISING,
                                  "my_device",
                                  dev_data)  # fmt: skip
    if result:
        pr_err("Cannot register IRQ %d\n", irq_number)
        gpio_free(DRDY_GPIO)
        return result
    pr_info("threaded_irq: IRQ %d on GPIO23\n", irq_number)
    return 0


def threaded_irq_exit() -> None:
    free_irq(irq_number, dev_data)
    gpio_free(DRDY_GPIO)
    kfree(dev_data)


module_init = threaded_irq_init
module_exit = threaded_irq_exit

#: Rising edges of the sensor's data-ready output (ms): one alone, then three while the thread sleeps.
EDGES_MS = (10, 50, 52, 54)


def main(seed: int = 1) -> irqlab.Machine:
    """Four data-ready pulses on GPIO23; the last two arrive during the thread's 20 ms sleep."""
    m = irqlab.boot("rpi5", seed=seed, trace=["irq_handler_entry", "irq_thread_entry", "irq_thread_exit"])
    drdy = m.board.gpio_pin(23)
    drdy.assert_("sensor")  # the sensor holds its data-ready output low...
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    for t in EDGES_MS:
        m.at(f"{t}ms", drdy.deassert, "sensor")  # ...and pulses it high for 10 us per sample
        m.at(f"{t * 1000 + 10}us", drdy.assert_, "sensor")
    m.run(until="150ms")
    m.rmmod(MODULE_NAME)
    return m


if __name__ == "__main__":
    print(main().dmesg(), end="")
