"""Two devices on one shared level line: each handler checks its own status register, acks it, or returns IRQ_NONE.

Ported line by line from seed 000's "Shared IRQ Handling Patterns". Two instances of the device
(an MmioDevice each: latched status, write-1-to-clear) drive one wired-OR level line into the
GIC, as PCI INTx devices do. Every interrupt runs both handlers in request order (the kernel
never stops at the first IRQ_HANDLED); the device that did not interrupt answers IRQ_NONE.
When both signal at once, one pass of the handlers clears both and the line drops. Because some
handler always claims the interrupt, /proc/irq/N/spurious counts no unhandled events. The seed
shows no teardown, so the module is left loaded.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import irqlab
from irqlab.hw.mmio import MMIO_CLEAR, MMIO_ENABLE, MMIO_RX_READY, MMIO_STATUS, MmioDevice
from irqlab.kernel import (
    GFP_KERNEL,
    IRQ_HANDLED,
    IRQ_NONE,
    IRQF_SHARED,
    Struct,
    ioremap,
    kzalloc,
    pr_err,
    pr_info,
    readl,
    request_irq,
    writel,
)

SEED_SECTION = "000: Shared IRQ Handling Patterns"
MODULE_NAME = "shared_irq"

STATUS_REG_OFFSET = MMIO_STATUS
IRQ_CLEAR_OFFSET = MMIO_CLEAR
OUR_DEVICE_IRQ_MASK = MMIO_RX_READY

# The board wiring main() provides, as device-tree nodes would: (name, register block, Linux irq).
devices: list[tuple[str, Any, int]] = []


class my_device(Struct):
    def __init__(self) -> None:
        self.registers: Any = None  # Memory-mapped registers
        self.irq = -1  # IRQ number
        # ... other fields ...
        self.name = ""


def my_shared_irq_handler(irq: int, dev_id: Any) -> int:
    """Shared interrupt handler."""
    dev: my_device = dev_id

    # Read interrupt status register
    status = readl(dev.registers + STATUS_REG_OFFSET)

    # Check if it's our interrupt
    if not status & OUR_DEVICE_IRQ_MASK:
        # Not our interrupt
        return IRQ_NONE

    # It is our interrupt, handle it

    # Acknowledge the interrupt
    writel(OUR_DEVICE_IRQ_MASK, dev.registers + IRQ_CLEAR_OFFSET)

    # Process the interrupt
    pr_info("%s: handled its interrupt on IRQ %d\n", dev.name, irq)

    return IRQ_HANDLED


def setup_shared_irq(dev: my_device) -> int:
    """Initialize and request shared IRQ."""
    ret = request_irq(dev.irq, my_shared_irq_handler, IRQF_SHARED, "my_device", dev)
    if ret:
        pr_err("Failed to request shared IRQ %d\n", dev.irq)
        return ret

    return 0


devs: list[my_device] = []


def shared_irq_init() -> int:
    for name, regs, irq in devices:
        dev = kzalloc(my_device, GFP_KERNEL)
        dev.name, dev.registers, dev.irq = name, ioremap(regs), irq
        ret = setup_shared_irq(dev)
        if ret:
            return ret
        writel(OUR_DEVICE_IRQ_MASK, dev.registers + MMIO_ENABLE)
        devs.append(dev)
    return 0


module_init = shared_irq_init

SHARED_SPI = 30
#: (time in ms, devices that signal): dev0 alone, dev1 alone, both at once.
EVENTS = ((10, ("dev0",)), (20, ("dev1",)), (30, ("dev0", "dev1")))


def main(seed: int = 1) -> irqlab.Machine:
    """Two devices on GIC SPI 30: one interrupt each, then one together; the module stays loaded."""
    global devices
    m = irqlab.boot("generic", seed=seed, trace=["irq_handler_entry", "irq_handler_exit"])
    line = m.spi_line(SHARED_SPI)
    hw = {n: MmioDevice(m.kernel.engine, n, line=line) for n in ("dev0", "dev1")}
    irq = m.board.map_spi(SHARED_SPI)
    devices = [(n, d, irq) for n, d in hw.items()]
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    for t, who in EVENTS:
        for n in who:
            hw[n].trigger(at=f"{t}ms")
    m.run(until="50ms")
    return m


def report(m: irqlab.Machine) -> str:
    """What else the reader looks at: the shared line's /proc/interrupts row and its spurious counters."""
    irq = devices[0][2]
    rows = "".join(r + "\n" for r in m.read("/proc/interrupts").splitlines() if r.startswith(f"{irq:3d}:"))
    return f"--- /proc/interrupts ---\n{rows}--- /proc/irq/{irq}/spurious ---\n" + m.read(f"/proc/irq/{irq}/spurious")


if __name__ == "__main__":
    mach = main()
    print(mach.dmesg() + report(mach), end="")
