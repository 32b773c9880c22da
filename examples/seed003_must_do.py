"""The handler rules that MUST hold: check the device, acknowledge the source, be fast (two devices on a shared line).

Seed 003's good_handler, ported line by line. Two instances of the driver share one level-triggered
GIC SPI of the generic board (wired-OR, as PCI INTx), each with its own irqlab.hw.mmio.MmioDevice.
On every interrupt the kernel calls both handlers in request order (kernel/irq/handle.c
__handle_irq_event_percpu): the one whose device did not interrupt returns IRQ_NONE, the other
acknowledges its device by writing the cause back to its status register and returns IRQ_HANDLED.
Each handler takes a few hundred nanoseconds: two register reads and one write.
"""

from __future__ import annotations

from types import SimpleNamespace

import irqlab
from irqlab.hw.mmio import MMIO_ENABLE, MMIO_IRQ_PENDING, MMIO_RX_READY, MMIO_STATUS, MmioDevice
from irqlab.kernel import (
    GFP_KERNEL,
    IRQ_HANDLED,
    IRQ_NONE,
    IRQF_SHARED,
    Struct,
    free_irq,
    ioremap,
    kzalloc,
    pr_err,
    pr_info,
    readl,
    request_irq,
    writel,
)
from irqlab.machine import Machine

SEED_SECTION = "003: Handler Rules - What You MUST Do"
MODULE_NAME = "good_dev"
pr_fmt = "good_dev: "

IRQ_STATUS = MMIO_STATUS
IRQ_ACK = MMIO_RX_READY  # the cause bit; writing it to IRQ_STATUS clears it (write-1-to-clear)

# Filled in by main() as a device tree would: each device's registers and the shared Linux irq.
board: dict[str, object] = {}


class my_device(Struct):
    def __init__(self) -> None:
        self.name = ""
        self.regs = None
        self.handled = 0


devices: list[my_device] = []


def my_device_has_interrupt(dev: my_device) -> bool:
    return bool(readl(dev.regs + IRQ_STATUS) & MMIO_IRQ_PENDING)


def good_handler(irq: int, dev_id: my_device) -> int:
    dev = dev_id

    # MUST: Check if interrupt is from your device
    if not my_device_has_interrupt(dev):
        return IRQ_NONE

    # MUST: Acknowledge/clear the interrupt source
    writel(IRQ_ACK, dev.regs + IRQ_STATUS)
    dev.handled += 1

    # MUST: Be fast!
    return IRQ_HANDLED


def module_init() -> int:
    irq = int(board["irq"])  # type: ignore[call-overload]
    for i, hw in enumerate(board["devices"]):  # type: ignore[attr-defined]
        dev = kzalloc(my_device, GFP_KERNEL)
        dev.name = f"good_dev{i}"
        dev.regs = ioremap(hw)
        writel(IRQ_ACK, dev.regs + MMIO_ENABLE)
        ret = request_irq(irq, good_handler, IRQF_SHARED, dev.name, dev)
        if ret:
            pr_err("%s: request_irq(%d) failed: %d\n", dev.name, irq, ret)
            return ret
        devices.append(dev)
        pr_info("%s on shared irq %d\n", dev.name, irq)
    return 0


def module_exit() -> None:
    irq = int(board["irq"])  # type: ignore[call-overload]
    for dev in reversed(devices):
        writel(0, dev.regs + MMIO_ENABLE)
        free_irq(irq, dev)
        pr_info("%s: %d interrupt(s) handled\n", dev.name, dev.handled)
    devices.clear()


def main(seed: int = 1) -> Machine:
    """good_dev0 interrupts at 1, 3 and 5 ms, good_dev1 at 2 and 4 ms; both at once at 6 ms."""
    m = irqlab.boot("generic", cpus=2, seed=seed, trace=["irq_handler_entry", "irq_handler_exit"])
    line = m.spi_line(40)
    hw = [MmioDevice(m.kernel.engine, f"mmio{i}", line=line) for i in range(2)]
    board.update(devices=hw, irq=m.board.map_spi(40, "level"))
    devices.clear()
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    for t in ("1ms", "3ms", "5ms", "6ms"):
        hw[0].trigger(at=t)
    for t in ("2ms", "4ms", "6ms"):
        hw[1].trigger(at=t)
    m.run(until="10ms")
    irq = board["irq"]
    shown["/proc/interrupts"] = m.read("/proc/interrupts")
    shown[f"/proc/irq/{irq}/spurious"] = m.read(f"/proc/irq/{irq}/spurious")
    shown["trace"] = "".join(e.text() + "\n" for e in m.trace.events() if e["irq"] == irq)
    m.rmmod(MODULE_NAME)
    return m


shown: dict[str, str] = {}


def report(m: Machine) -> str:
    """/proc/interrupts and /proc/irq/N/spurious while loaded, and the handler trace events."""
    return "".join(f"--- {what} ---\n{text}" for what, text in shown.items())


if __name__ == "__main__":
    print(main().dmesg() + report(None), end="")  # type: ignore[arg-type]
