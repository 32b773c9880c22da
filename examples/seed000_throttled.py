"""A 1 kHz interrupt source throttled by jiffies: at most one interrupt processed per 3 jiffies, the rest only counted.

Ported line by line from seed 000's "Interrupt Mitigation and Rate Limiting" (the
throttled_irq_handler, "timer-based throttling"). The device is an MmioDevice firing every
millisecond on a level GIC line. The seed's "Process the interrupt" is filled with a dmesg line,
and the port's exit prints the seed's counter of interrupts that came too soon. At HZ=250
msecs_to_jiffies(5) is 2 jiffies and ``time_after(now, last + 2)`` needs ``now >= last + 3``, so
the throttle interval is 3 jiffies (12 ms), not 5 ms, and the first gap depends on where in
its jiffy the first interrupt fell. ``last_irq_time`` starts at 0 (kzalloc), which
``time_after()`` sees as long past, so the first interrupt is processed.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import irqlab
import irqlab.kernel
from irqlab.errno import ENOMEM
from irqlab.hw.mmio import MMIO_CLEAR, MMIO_ENABLE, MMIO_RX_READY, MmioDevice
from irqlab.kernel import (
    GFP_KERNEL,
    IRQ_HANDLED,
    Struct,
    free_irq,
    ioremap,
    kfree,
    kzalloc,
    msecs_to_jiffies,
    pr_info,
    request_irq,
    time_after,
    writel,
)

SEED_SECTION = "000: Interrupt Mitigation and Rate Limiting"
MODULE_NAME = "throttled"

# The board wiring main() provides, as a device-tree node would: register block and Linux irq.
device_regs: Any = None
irq_number = -1


class my_device(Struct):
    def __init__(self) -> None:
        # ... other fields ...
        self.registers: Any = None
        self.last_irq_time = 0
        self.irq_count = 0


def throttled_irq_handler(irq: int, dev_id: Any) -> int:
    """Alternative approach using timer-based throttling."""
    dev: my_device = dev_id
    now = irqlab.kernel.jiffies

    # Acknowledge the interrupt
    writel(MMIO_RX_READY, dev.registers + MMIO_CLEAR)

    # Check if we should process this interrupt
    if time_after(now, dev.last_irq_time + msecs_to_jiffies(5)):
        # Process the interrupt
        pr_info("throttled: processing interrupt (%u dropped so far)\n", dev.irq_count)

        # Update timestamp
        dev.last_irq_time = now
    else:
        # Too soon after the last one, just count it
        dev.irq_count += 1

    return IRQ_HANDLED


dev: my_device | None = None


def throttled_init() -> int:
    global dev
    dev = kzalloc(my_device, GFP_KERNEL)
    if dev is None:
        return -ENOMEM
    dev.registers = ioremap(device_regs)
    ret = request_irq(irq_number, throttled_irq_handler, 0, "my_device", dev)
    if ret:
        kfree(dev)
        return ret
    writel(MMIO_RX_READY, dev.registers + MMIO_ENABLE)
    return 0


def throttled_exit() -> None:
    assert dev is not None
    writel(0, dev.registers + MMIO_ENABLE)
    free_irq(irq_number, dev)
    pr_info("throttled: %u interrupts dropped\n", dev.irq_count)  # irqlab: the seed's counter, shown at unload
    kfree(dev)


module_init = throttled_init
module_exit = throttled_exit

DEVICE_SPI = 26
#: 100 interrupts at 1 kHz, the first at 10.5 ms (in jiffy 2, which began at 8 ms).
FIRST_US, COUNT = 10_500, 100


def main(seed: int = 1) -> irqlab.Machine:
    """100 interrupts at 1 kHz from 10.5 ms; rmmod at 200 ms."""
    global device_regs, irq_number
    m = irqlab.boot("generic", seed=seed, trace=["irq_handler_entry"])
    device_regs = MmioDevice(m.kernel.engine, "sensor0", line=m.spi_line(DEVICE_SPI))
    irq_number = m.board.map_spi(DEVICE_SPI)
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    device_regs.trigger_every("1ms", start=f"{FIRST_US}us", count=COUNT)
    m.run(until="200ms")
    m.rmmod(MODULE_NAME)
    return m


if __name__ == "__main__":
    print(main().dmesg(), end="")
