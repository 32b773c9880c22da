"""A device whose top half buffers samples under a spinlock and whose work item prints them, sleeping between items.

Ported line by line from seed 000's "Workqueues". Same ADC-like device as the tasklet port (a
level GIC line acknowledged by reading the data register). The work function copies the
buffer under ``spin_lock_irqsave()`` and then sleeps ``msleep(1)`` per item in a kworker - which
at HZ=250 on 6.12 is 8 to 12 ms, not 1 ms. Samples that arrive while it sleeps are buffered by
the top half, and ``schedule_work()`` queues the work again (PENDING was cleared when it
started), so a second run follows the first on the same worker, never in parallel with it.

As in the tasklet port, the seed's cleanup cancels the work before freeing the IRQ; the port
keeps that order (the device is quiet by then) though a driver should free_irq() first.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import irqlab
from irqlab.errno import ENOMEM
from irqlab.hw.mmio import MMIO_DATA, MMIO_ENABLE, MMIO_RX_READY, MmioDevice
from irqlab.kernel import (
    GFP_KERNEL,
    INIT_WORK,
    IRQ_HANDLED,
    Struct,
    cancel_work_sync,
    container_of,
    free_irq,
    ioremap,
    kfree,
    kzalloc,
    msleep,
    pr_info,
    readl,
    request_irq,
    schedule_work,
    spin_lock_init,
    spin_lock_irqsave,
    spin_unlock_irqrestore,
    spinlock_t,
    work_struct,
    writel,
)

SEED_SECTION = "000: Workqueues"
MODULE_NAME = "workqueue_device"

SOME_OFFSET = MMIO_DATA

# The board wiring main() provides, as a device-tree node would: the device's register block
# (what ioremap() maps) and the Linux irq of its interrupt line.
device_regs: Any = None
irq_number = -1


class my_device_data(Struct):
    def __init__(self) -> None:
        # ... device-specific fields ...
        self.registers: Any = None
        self.work = work_struct()  # Standard work structure
        self.data_buffer = [0] * 10
        self.data_count = 0
        self.buffer_lock = spinlock_t()  # Protect data buffer access


def my_work_function(work: work_struct) -> None:
    """Work function - may sleep."""
    dev_data = container_of(work, my_device_data, "work")

    # Copy data with spinlock protection
    flags = spin_lock_irqsave(dev_data.buffer_lock)
    count = dev_data.data_count
    local_buffer = dev_data.data_buffer[:count]
    dev_data.data_count = 0
    spin_unlock_irqrestore(dev_data.buffer_lock, flags)

    # Process data (may sleep)
    for i in range(count):
        # Process data with no timing constraints
        pr_info("Processing data: %lu\n", local_buffer[i])

        # Can use functions that sleep
        msleep(1)


def my_interrupt_handler(irq: int, dev_id: Any) -> int:
    """Interrupt handler - the "top half"."""
    dev_data: my_device_data = dev_id

    # Collect data quickly with spinlock protection
    flags = spin_lock_irqsave(dev_data.buffer_lock)
    if dev_data.data_count < 10:
        # Read from hardware register and store in buffer
        dev_data.data_buffer[dev_data.data_count] = readl(dev_data.registers + SOME_OFFSET)
        dev_data.data_count += 1
    spin_unlock_irqrestore(dev_data.buffer_lock, flags)

    # Schedule the work to process the data later
    schedule_work(dev_data.work)

    return IRQ_HANDLED


def init_my_device(dev_data: my_device_data) -> int:
    """Initialize the device."""
    # ... other initialization ...
    dev_data.registers = ioremap(device_regs)

    # Initialize the spinlock
    spin_lock_init(dev_data.buffer_lock)

    # Initialize the work structure
    INIT_WORK(dev_data.work, my_work_function)

    # ... request IRQ, etc. ...
    ret = request_irq(irq_number, my_interrupt_handler, 0, "my_device", dev_data)
    if ret:
        return ret
    writel(MMIO_RX_READY, dev_data.registers + MMIO_ENABLE)
    return 0


def cleanup_my_device(dev_data: my_device_data) -> None:
    """Cleanup."""
    # ... other cleanup ...
    writel(0, dev_data.registers + MMIO_ENABLE)

    # Cancel any pending work
    cancel_work_sync(dev_data.work)

    # ... free IRQ, etc. ...
    free_irq(irq_number, dev_data)


dev: my_device_data | None = None


def workqueue_device_init() -> int:
    global dev
    dev = kzalloc(my_device_data, GFP_KERNEL)
    if dev is None:
        return -ENOMEM
    ret = init_my_device(dev)
    if ret:
        kfree(dev)
    return ret


def workqueue_device_exit() -> None:
    assert dev is not None
    cleanup_my_device(dev)
    kfree(dev)


module_init = workqueue_device_init
module_exit = workqueue_device_exit

DEVICE_SPI = 22
#: (time in ms, sample): one alone, then three 1 ms apart (the last two arrive while the work sleeps).
SAMPLES = ((10, 2001), (30, 2002), (31, 2003), (32, 2004))


def main(seed: int = 1) -> irqlab.Machine:
    """Four samples; the work's msleep(1) is long enough for the last two to pile up behind it."""
    global device_regs, irq_number
    m = irqlab.boot("generic", seed=seed,
                    trace=["irq_handler_entry", "workqueue_queue_work", "workqueue_execute_start",
                           "workqueue_execute_end"])  # fmt: skip
    adc = MmioDevice(m.kernel.engine, "adc0", line=m.spi_line(DEVICE_SPI), read_clears=MMIO_RX_READY)
    device_regs, irq_number = adc, m.board.map_spi(DEVICE_SPI)
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    for t, sample in SAMPLES:
        adc.trigger(at=f"{t}ms", data=sample)
    m.run(until="100ms")
    m.rmmod(MODULE_NAME)
    return m


if __name__ == "__main__":
    print(main().dmesg(), end="")
