"""Per-IRQ statistics in debugfs (/sys/kernel/debug/my_irq_debug/statistics): counts, spurious calls, intervals.

Ported line by line from seed 000's "Interrupt Handler Debugging Techniques". The seed's
``read_status_register()`` and "Actual interrupt handling" are the device's status read and
acknowledge. The device shares its level line with a neighbour whose interrupts this handler
sees as "spurious" (IRQ_NONE), as the seed intends. Two things the kernel shows that the seed
does not expect: the histogram buckets are 100 ns wide (``interval / 100``, ten of them), so
only intervals under 1 us would be counted - real interrupt intervals are milliseconds and every
bucket stays 0; and the "spurious" count is the neighbour's interrupts, which the kernel does not
count as unhandled (the neighbour's handler claims them: /proc/irq/N/spurious shows 0). The seed
shows no teardown: the module stays loaded and the file readable.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import irqlab
from irqlab.errno import ENODEV, ENOMEM
from irqlab.hw.mmio import MMIO_CLEAR, MMIO_ENABLE, MMIO_RX_READY, MMIO_STATUS, MmioDevice
from irqlab.kernel import (
    GFP_KERNEL,
    IRQ_HANDLED,
    IRQ_NONE,
    IRQF_SHARED,
    IS_ERR_OR_NULL,
    Struct,
    debugfs_create_dir,
    debugfs_create_file,
    debugfs_remove_recursive,
    file_operations,
    ioremap,
    ktime_get,
    ktime_set,
    ktime_sub,
    ktime_to_ns,
    kzalloc,
    readl,
    request_irq,
    seq_lseek,
    seq_printf,
    seq_puts,
    seq_read,
    single_open,
    single_release,
    writel,
)

SEED_SECTION = "000: Interrupt Handler Debugging Techniques"
MODULE_NAME = "irq_debugfs"

OUR_DEVICE_IRQ_MASK = MMIO_RX_READY

# The board wiring main() provides, as a device-tree node would: register block and Linux irq.
device_regs: Any = None
irq_number = -1


class irq_stats(Struct):
    """Statistics structure."""

    def __init__(self) -> None:
        self.count = 0  # Total interrupt count
        self.last_time = 0  # Last interrupt timestamp
        self.min_interval = 0  # Minimum interval between interrupts
        self.max_interval = 0  # Maximum interval between interrupts
        self.spurious_count = 0  # Spurious interrupt count

        # Histogram of intervals
        self.intervals = [0] * 10  # Buckets for different intervals


class my_debug_device(Struct):
    def __init__(self) -> None:
        self.irq = -1
        self.stats = irq_stats()
        self.debugfs_dir: Any = None
        self.stats_file: Any = None
        self.registers: Any = None  # irqlab: what read_status_register() reads


def irq_stats_show(s: Any, unused: Any) -> int:
    """DebugFS show function."""
    dev: my_debug_device = s.private

    seq_printf(s, "IRQ Statistics for IRQ %d:\n", dev.irq)
    seq_printf(s, "Total interrupts: %lu\n", dev.stats.count)
    seq_printf(s, "Spurious interrupts: %lu\n", dev.stats.spurious_count)

    if dev.stats.count > 0:
        seq_printf(s, "Last interrupt: %lld ns\n", ktime_to_ns(dev.stats.last_time))
        seq_printf(s, "Min interval: %lld ns\n", ktime_to_ns(dev.stats.min_interval))
        seq_printf(s, "Max interval: %lld ns\n", ktime_to_ns(dev.stats.max_interval))

    seq_puts(s, "Interval histogram (ns):\n")
    for i in range(10):
        seq_printf(s, "  %d-%d: %lu\n", i * 100, (i + 1) * 100, dev.stats.intervals[i])

    return 0


def irq_stats_open(inode: Any, file: Any) -> int:
    """DebugFS open function."""
    return single_open(file, irq_stats_show, inode.i_private)


# DebugFS file operations
irq_stats_fops = file_operations(
    open=irq_stats_open,
    read=seq_read,
    llseek=seq_lseek,
    release=single_release,
)


def read_status_register(dev: my_debug_device) -> int:
    """Not in the seed: the device's status register."""
    return readl(dev.registers + MMIO_STATUS)


def debug_irq_handler(irq: int, dev_id: Any) -> int:
    """Debuggable interrupt handler."""
    dev: my_debug_device = dev_id
    now = ktime_get()

    # Read status register to check if it's our interrupt
    status = read_status_register(dev)

    if not status & OUR_DEVICE_IRQ_MASK:
        # Not our interrupt, it's spurious
        dev.stats.spurious_count += 1
        return IRQ_NONE

    # Update statistics
    if dev.stats.count > 0:
        interval = ktime_sub(now, dev.stats.last_time)

        # Update min/max
        if ktime_to_ns(dev.stats.min_interval) == 0 or ktime_to_ns(interval) < ktime_to_ns(dev.stats.min_interval):
            dev.stats.min_interval = interval

        if ktime_to_ns(interval) > ktime_to_ns(dev.stats.max_interval):
            dev.stats.max_interval = interval

        # Update histogram
        bucket = ktime_to_ns(interval) // 100
        if bucket < 10:
            dev.stats.intervals[bucket] += 1

    dev.stats.count += 1
    dev.stats.last_time = now

    # Actual interrupt handling
    writel(OUR_DEVICE_IRQ_MASK, dev.registers + MMIO_CLEAR)

    return IRQ_HANDLED


def setup_irq_debugging(dev: my_debug_device) -> int:
    """Setup debugging for an IRQ."""
    # Initialize statistics
    dev.stats = irq_stats()  # memset(&dev->stats, 0, sizeof(dev->stats))
    dev.stats.min_interval = ktime_set(0, 0)
    dev.stats.max_interval = ktime_set(0, 0)

    # Create debugfs entries
    dev.debugfs_dir = debugfs_create_dir("my_irq_debug", None)
    if IS_ERR_OR_NULL(dev.debugfs_dir):
        return -ENODEV

    dev.stats_file = debugfs_create_file("statistics", 0o444, dev.debugfs_dir, dev, irq_stats_fops)
    if IS_ERR_OR_NULL(dev.stats_file):
        debugfs_remove_recursive(dev.debugfs_dir)
        return -ENODEV

    return 0


dev: my_debug_device | None = None


def irq_debugfs_init() -> int:
    global dev
    dev = kzalloc(my_debug_device, GFP_KERNEL)
    if dev is None:
        return -ENOMEM
    dev.irq = irq_number
    dev.registers = ioremap(device_regs)
    ret = setup_irq_debugging(dev)
    if ret:
        return ret
    ret = request_irq(dev.irq, debug_irq_handler, IRQF_SHARED, "my_debug_device", dev)
    if ret:
        debugfs_remove_recursive(dev.debugfs_dir)
        return ret
    writel(OUR_DEVICE_IRQ_MASK, dev.registers + MMIO_ENABLE)
    return 0


module_init = irq_debugfs_init


class neighbour_driver:
    """Scenario: the driver of the other device on the shared line (requested first, so it runs first)."""

    MODULE_NAME = "neighbour"

    def __init__(self, regs: MmioDevice, irq: int) -> None:
        self.regs, self.irq = regs, irq

    def handler(self, irq: int, dev_id: Any) -> int:
        if not readl(self.base + MMIO_STATUS) & MMIO_RX_READY:
            return IRQ_NONE
        writel(MMIO_RX_READY, self.base + MMIO_CLEAR)
        return IRQ_HANDLED

    def module_init(self) -> int:
        self.base = ioremap(self.regs)
        writel(MMIO_RX_READY, self.base + MMIO_ENABLE)
        return request_irq(self.irq, self.handler, IRQF_SHARED, "neighbour", self)


SHARED_SPI = 31
#: Our device's interrupts (ms): intervals of 2, 3 and 5 ms.
OURS_MS = (10, 12, 15, 20)
#: The neighbour's interrupts (ms), which our handler counts as spurious.
NEIGHBOUR_MS = (25, 30)


def main(seed: int = 1) -> irqlab.Machine:
    """Four interrupts from our device, two from the neighbour on the same line; the module stays loaded."""
    global device_regs, irq_number
    m = irqlab.boot("generic", seed=seed, trace=["irq_handler_entry", "irq_handler_exit"])
    line = m.spi_line(SHARED_SPI)
    device_regs = MmioDevice(m.kernel.engine, "dbgdev", line=line)
    other = MmioDevice(m.kernel.engine, "neighbour", line=line)
    irq_number = m.board.map_spi(SHARED_SPI)
    m.insmod(neighbour_driver(other, irq_number))
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    for t in OURS_MS:
        device_regs.trigger(at=f"{t}ms")
    for t in NEIGHBOUR_MS:
        other.trigger(at=f"{t}ms")
    m.run(until="50ms")
    return m


def report(m: irqlab.Machine) -> str:
    """What else the reader looks at: the debugfs statistics and the line's /proc/irq/N/spurious."""
    out = ["--- /sys/kernel/debug/my_irq_debug/statistics ---\n", m.read("/sys/kernel/debug/my_irq_debug/statistics")]
    out += [f"--- /proc/irq/{irq_number}/spurious ---\n", m.read(f"/proc/irq/{irq_number}/spurious")]
    return "".join(out)


if __name__ == "__main__":
    mach = main()
    print(mach.dmesg() + report(mach), end="")
