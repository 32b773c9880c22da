"""A device whose top half buffers register samples and whose tasklet prints them (softirq bottom half).

Ported line by line from seed 000's "Tasklets". The device is an ADC-like block on a level GIC
line whose data register acknowledges the interrupt when read (``read_clears``), which is what
the seed's handler assumes: it only reads the data. Three samples arrive 10 ms apart and each
is processed by the tasklet at the same interrupt's exit. Then a task keeps bottom halves
disabled on that CPU for 5 ms (as a ``spin_lock_bh()`` section would) while three more samples
arrive: the top half runs each time, but scheduling an already-scheduled tasklet does nothing,
so one tasklet run at ``local_bh_enable()`` processes all three.

The seed's cleanup kills the tasklet before freeing the IRQ; an interrupt in between could
schedule it again after tasklet_kill(). The port keeps the seed's order (the device is quiet
by then); a driver should free_irq() first.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import irqlab
from irqlab.errno import ENOMEM
from irqlab.hw.mmio import MMIO_DATA, MMIO_ENABLE, MMIO_RX_READY, MmioDevice
from irqlab.kernel import (
    GFP_KERNEL,
    IRQ_HANDLED,
    Struct,
    cpu_work,
    free_irq,
    ioremap,
    kfree,
    kzalloc,
    local_bh_disable,
    local_bh_enable,
    pr_info,
    readl,
    request_irq,
    tasklet_init,
    tasklet_kill,
    tasklet_schedule,
    tasklet_struct,
    writel,
)

SEED_SECTION = "000: Tasklets"
MODULE_NAME = "tasklet_device"

SOME_OFFSET = MMIO_DATA

# The board wiring main() provides, as a device-tree node would: the device's register block
# (what ioremap() maps) and the Linux irq of its interrupt line.
device_regs: Any = None
irq_number = -1


class my_device_data(Struct):
    """Data structure for our device."""

    def __init__(self) -> None:
        # ... device-specific fields ...
        self.registers: Any = None
        self.tasklet = tasklet_struct()
        self.data_buffer = [0] * 10
        self.data_count = 0


def my_tasklet_function(data: Any) -> None:
    """Tasklet function - the "bottom half"."""
    dev_data: my_device_data = data

    # Process the data collected in the interrupt handler
    i = 0
    while i < dev_data.data_count:
        # Process dev_data->data_buffer[i]
        pr_info("Processing data: %lu\n", dev_data.data_buffer[i])
        i += 1

    # Reset the counter for next time
    dev_data.data_count = 0


def my_interrupt_handler(irq: int, dev_id: Any) -> int:
    """Interrupt handler - the "top half"."""
    dev_data: my_device_data = dev_id

    # Collect data quickly
    if dev_data.data_count < 10:
        # Read from hardware register and store in buffer
        dev_data.data_buffer[dev_data.data_count] = readl(dev_data.registers + SOME_OFFSET)
        dev_data.data_count += 1

    # Schedule the tasklet to process the data later
    tasklet_schedule(dev_data.tasklet)

    return IRQ_HANDLED


def init_my_device(dev_data: my_device_data) -> int:
    """Initialize the device."""
    # ... other initialization ...
    dev_data.registers = ioremap(device_regs)

    # Initialize the tasklet
    tasklet_init(dev_data.tasklet, my_tasklet_function, dev_data)

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

    # Kill any pending tasklet
    tasklet_kill(dev_data.tasklet)

    # ... free IRQ, etc. ...
    free_irq(irq_number, dev_data)


dev: my_device_data | None = None


def tasklet_device_init() -> int:
    global dev
    dev = kzalloc(my_device_data, GFP_KERNEL)
    if dev is None:
        return -ENOMEM
    ret = init_my_device(dev)
    if ret:
        kfree(dev)
    return ret


def tasklet_device_exit() -> None:
    assert dev is not None
    cleanup_my_device(dev)
    kfree(dev)


module_init = tasklet_device_init
module_exit = tasklet_device_exit

DEVICE_SPI = 21
#: (time in ms, sample) pairs: three on their own, three while bottom halves are off (40-45 ms).
SAMPLES = ((10, 1001), (20, 1002), (30, 1003), (41, 1004), (42, 1005), (43, 1006))


def bh_off_section() -> None:
    """Scenario load: 5 ms with bottom halves disabled on CPU 0 (a spin_lock_bh() section)."""
    local_bh_disable()
    cpu_work(5_000_000)
    local_bh_enable()


def main(seed: int = 1) -> irqlab.Machine:
    """Six samples; the last three arrive while CPU 0 has bottom halves disabled."""
    global device_regs, irq_number
    m = irqlab.boot("generic", seed=seed, trace=["irq_handler_entry", "tasklet_entry"])
    adc = MmioDevice(m.kernel.engine, "adc0", line=m.spi_line(DEVICE_SPI), read_clears=MMIO_RX_READY)
    device_regs, irq_number = adc, m.board.map_spi(DEVICE_SPI)
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    for t, sample in SAMPLES:
        adc.trigger(at=f"{t}ms", data=sample)
    m.at("40ms", lambda: m.spawn(bh_off_section, name="bh_off", cpu=0))
    m.run(until="100ms")
    m.rmmod(MODULE_NAME)
    return m


if __name__ == "__main__":
    print(main().dmesg(), end="")
