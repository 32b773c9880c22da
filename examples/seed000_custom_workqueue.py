"""The workqueue device on its own create_singlethread_workqueue(): an ordered queue served by shared unbound kworkers.

Ported from seed 000's "Custom Workqueues" (with the work item and top half of its "Workqueues"
section). Two such devices interrupt two different CPUs half a millisecond apart. On 6.12
create_singlethread_workqueue() is alloc_ordered_workqueue("%s", __WQ_LEGACY | WQ_MEM_RECLAIM,
name) (include/linux/workqueue.h): it has no thread of its own - its items run one at a time, in
queueing order, on the unbound pool's "kworker/uN:M" workers - and WQ_MEM_RECLAIM gives it a
rescuer, "kworker/R-my_device_wq". So the second device's work waits for the first one's even
though it was queued from another CPU, where system_wq would have run both at once.
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
    create_singlethread_workqueue,
    current,
    destroy_workqueue,
    free_irq,
    ioremap,
    kzalloc,
    msleep,
    pr_info,
    queue_work,
    readl,
    request_irq,
    spin_lock_init,
    spin_lock_irqsave,
    spin_unlock_irqrestore,
    spinlock_t,
    work_struct,
    workqueue_struct,
    writel,
)

SEED_SECTION = "000: Custom Workqueues"
MODULE_NAME = "custom_workqueue"

SOME_OFFSET = MMIO_DATA

# The board wiring main() provides, as device-tree nodes would: (register block, Linux irq) per device.
devices: list[tuple[Any, int]] = []

# Declare a pointer to our workqueue
my_workqueue: workqueue_struct | None = None


class my_device_data(Struct):
    def __init__(self) -> None:
        self.registers: Any = None
        self.irq = -1
        self.work = work_struct()
        self.data_buffer = [0] * 10
        self.data_count = 0
        self.buffer_lock = spinlock_t()


def my_work_function(work: work_struct) -> None:
    dev_data = container_of(work, my_device_data, "work")
    flags = spin_lock_irqsave(dev_data.buffer_lock)
    count = dev_data.data_count
    local_buffer = dev_data.data_buffer[:count]
    dev_data.data_count = 0
    spin_unlock_irqrestore(dev_data.buffer_lock, flags)
    for i in range(count):
        pr_info("Processing data: %lu (%s)\n", local_buffer[i], current.comm)
        msleep(1)


def my_interrupt_handler(irq: int, dev_id: Any) -> int:
    dev_data: my_device_data = dev_id
    flags = spin_lock_irqsave(dev_data.buffer_lock)
    if dev_data.data_count < 10:
        dev_data.data_buffer[dev_data.data_count] = readl(dev_data.registers + SOME_OFFSET)
        dev_data.data_count += 1
    spin_unlock_irqrestore(dev_data.buffer_lock, flags)

    # To use our custom workqueue instead of the system one
    assert my_workqueue is not None
    queue_work(my_workqueue, dev_data.work)
    return IRQ_HANDLED


devs: list[my_device_data] = []


def custom_workqueue_init() -> int:
    global my_workqueue
    # Initialize the workqueue
    my_workqueue = create_singlethread_workqueue("my_device_wq")
    if not my_workqueue:
        # Handle error
        return -ENOMEM

    for regs, irq in devices:
        dev_data = kzalloc(my_device_data, GFP_KERNEL)
        dev_data.registers = ioremap(regs)
        dev_data.irq = irq
        spin_lock_init(dev_data.buffer_lock)
        INIT_WORK(dev_data.work, my_work_function)
        ret = request_irq(irq, my_interrupt_handler, 0, "my_device", dev_data)
        if ret:
            custom_workqueue_exit()
            return ret
        devs.append(dev_data)
        writel(MMIO_RX_READY, dev_data.registers + MMIO_ENABLE)
    return 0


def custom_workqueue_exit() -> None:
    for dev_data in devs:
        writel(0, dev_data.registers + MMIO_ENABLE)
        free_irq(dev_data.irq, dev_data)
        cancel_work_sync(dev_data.work)
    # To clean up
    destroy_workqueue(my_workqueue)


module_init = custom_workqueue_init
module_exit = custom_workqueue_exit

DEVICE_SPIS = (23, 24)
#: (time in us, device index, sample): device 0 interrupts CPU 0, device 1 interrupts CPU 1.
SAMPLES = ((10_000, 0, 3001), (10_500, 1, 3002))


def main(seed: int = 1) -> irqlab.Machine:
    """Two devices on two CPUs, one sample each 0.5 ms apart, both deferred to the ordered queue."""
    global devices
    m = irqlab.boot("generic", seed=seed,
                    trace=["irq_handler_entry", "workqueue_queue_work", "workqueue_execute_start",
                           "workqueue_execute_end"])  # fmt: skip
    hw = [MmioDevice(m.kernel.engine, f"adc{i}", line=m.spi_line(spi), read_clears=MMIO_RX_READY)
          for i, spi in enumerate(DEVICE_SPIS)]  # fmt: skip
    devices = [(d, m.board.map_spi(spi)) for d, spi in zip(hw, DEVICE_SPIS)]
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    m.write(f"/proc/irq/{devices[1][1]}/smp_affinity_list", "1\n")  # echo 1 > .../smp_affinity_list
    for t, i, sample in SAMPLES:
        hw[i].trigger(at=f"{t}us", data=sample)
    m.run(until="60ms")
    m.rmmod(MODULE_NAME)
    return m


if __name__ == "__main__":
    print(main().dmesg(), end="")
