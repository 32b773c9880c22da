"""A 1 kHz interrupt source coalesced by a delayed work: one "Processing N batched events" line per window.

Ported line by line from seed 000's "Interrupt Mitigation and Rate Limiting" (the
rate_limited_irq_handler and its delayed work). The device is an MmioDevice firing every
millisecond on a level GIC line; the handler's "Acknowledge the hardware interrupt" is a write
to its clear register. What the kernel makes of the seed's numbers at HZ=250:
msecs_to_jiffies(10) is 3 jiffies, and 6.12's timer wheel puts a level-0 timer in the bucket one
jiffy after its expiry (calc_index() in kernel/time/timer.c), so the work runs at the 4th tick
after the interrupt that armed it - a 12-16 ms window instead of 10 ms. The work resets
irq_count, so the next interrupt re-arms the window (irq_count == 1) and the 50 ms test never
decides anything. The seed shows no teardown; the port's exit cancels the work and frees the IRQ.
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
    INIT_DELAYED_WORK,
    IRQ_HANDLED,
    Struct,
    cancel_delayed_work,
    cancel_delayed_work_sync,
    container_of,
    delayed_work,
    free_irq,
    ioremap,
    kfree,
    kzalloc,
    msecs_to_jiffies,
    pr_info,
    queue_delayed_work,
    request_irq,
    system_wq,
    time_after,
    to_delayed_work,
    work_struct,
    writel,
)

SEED_SECTION = "000: Interrupt Mitigation and Rate Limiting"
MODULE_NAME = "rate_limited"

# The board wiring main() provides, as a device-tree node would: register block and Linux irq.
device_regs: Any = None
irq_number = -1


class my_device(Struct):
    def __init__(self) -> None:
        # ... other fields ...
        self.registers: Any = None
        self.last_irq_time = 0
        self.irq_count = 0
        self.rate_work = delayed_work()


def process_batched_events(work: work_struct) -> None:
    """Delayed work function for processing batched events."""
    delayed_work_ = to_delayed_work(work)
    dev = container_of(delayed_work_, my_device, "rate_work")

    # Process all accumulated events
    pr_info("Processing %u batched events\n", dev.irq_count)

    # Reset counter
    dev.irq_count = 0


def rate_limited_irq_handler(irq: int, dev_id: Any) -> int:
    """Rate-limited interrupt handler."""
    dev: my_device = dev_id
    now = irqlab.kernel.jiffies

    # Acknowledge the hardware interrupt
    writel(MMIO_RX_READY, dev.registers + MMIO_CLEAR)

    # Increment the counter
    dev.irq_count += 1

    # If this is the first interrupt or sufficient time has passed
    if dev.irq_count == 1 or time_after(now, dev.last_irq_time + msecs_to_jiffies(50)):
        # Cancel any pending work
        cancel_delayed_work(dev.rate_work)

        # Schedule processing after a delay (coalescing window)
        queue_delayed_work(system_wq, dev.rate_work, msecs_to_jiffies(10))

        # Update timestamp
        dev.last_irq_time = now

    return IRQ_HANDLED


dev: my_device | None = None


def rate_limited_init() -> int:
    global dev
    dev = kzalloc(my_device, GFP_KERNEL)
    if dev is None:
        return -ENOMEM
    dev.registers = ioremap(device_regs)
    INIT_DELAYED_WORK(dev.rate_work, process_batched_events)
    ret = request_irq(irq_number, rate_limited_irq_handler, 0, "my_device", dev)
    if ret:
        kfree(dev)
        return ret
    writel(MMIO_RX_READY, dev.registers + MMIO_ENABLE)
    return 0


def rate_limited_exit() -> None:
    assert dev is not None
    writel(0, dev.registers + MMIO_ENABLE)
    free_irq(irq_number, dev)
    cancel_delayed_work_sync(dev.rate_work)
    kfree(dev)


module_init = rate_limited_init
module_exit = rate_limited_exit

DEVICE_SPI = 25
#: (first interrupt in us, count): a 100 ms burst at 1 kHz starting mid-jiffy, then 3 stragglers.
BURSTS = ((10_500, 100), (200_500, 3))


def main(seed: int = 1) -> irqlab.Machine:
    """100 interrupts at 1 kHz from 10.5 ms, three more from 200.5 ms; rmmod at 300 ms."""
    global device_regs, irq_number
    m = irqlab.boot("generic", seed=seed, trace=["irq_handler_entry", "workqueue_execute_start"])
    device_regs = MmioDevice(m.kernel.engine, "sensor0", line=m.spi_line(DEVICE_SPI))
    irq_number = m.board.map_spi(DEVICE_SPI)
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    for start_us, count in BURSTS:
        m.at(f"{start_us}us", device_regs.trigger_every, "1ms", None, None, count)
    m.run(until="300ms")
    m.rmmod(MODULE_NAME)
    return m


if __name__ == "__main__":
    print(main().dmesg(), end="")
