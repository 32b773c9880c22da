"""devm_request_irq() in a platform driver's probe: the handler runs with IRQs off, unbinding frees the IRQ.

Ported from seed 002's "Kernel Interrupt Handling": ``devm_request_irq(dev, irq, handler,
irqflags, devname, dev_id)``, the managed version of ``request_irq()``. The device is a
memory-mapped block on a GIC SPI of a Raspberry Pi 5, its interrupt a platform resource. The
handler runs in hard-IRQ context with interrupts disabled on the local CPU (it prints what
in_hardirq() and irqs_disabled() say), checks that its device raised the interrupt (IRQ_NONE
otherwise), acknowledges it and returns IRQ_HANDLED. remove() has no free_irq(): when the
driver unbinds, the IRQ core releases the managed IRQ (/proc/interrupts loses the row).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import irqlab
from irqlab.hw.mmio import MMIO_CLEAR, MMIO_DATA, MMIO_ENABLE, MMIO_RX_READY, MMIO_STATUS, MmioDevice
from irqlab.kernel import (
    GFP_KERNEL,
    IRQ_HANDLED,
    IRQ_NONE,
    dev_info,
    dev_name,
    devm_request_irq,
    in_hardirq,
    ioremap,
    irqs_disabled,
    kzalloc,
    platform_device,
    platform_device_register,
    platform_device_unregister,
    platform_driver,
    platform_driver_register,
    platform_driver_unregister,
    platform_get_irq,
    platform_set_drvdata,
    readl,
    writel,
)

SEED_SECTION = "002: Kernel Interrupt Handling (devm_request_irq)"
MODULE_NAME = "mydev"

DEV_SPI = 70
board: dict[str, Any] = {}  # filled by main() as a device tree would: the registers and the irq


class mydev_priv:
    def __init__(self) -> None:
        self.regs: Any = None
        self.pdev: platform_device | None = None
        self.count = 0


def mydev_irq_handler(irq: int, dev_id: mydev_priv) -> int:
    priv = dev_id
    status = readl(priv.regs + MMIO_STATUS)
    if not status & MMIO_RX_READY:
        return IRQ_NONE  # not from our device
    writel(status, priv.regs + MMIO_CLEAR)  # acknowledge it at the device
    priv.count += 1
    dev_info(priv.pdev, "irq %d: data %#x (in_hardirq=%d irqs_disabled=%d)\n", irq,
             readl(priv.regs + MMIO_DATA), 1 if in_hardirq() else 0, 1 if irqs_disabled() else 0)  # fmt: skip
    return IRQ_HANDLED


def mydev_probe(pdev: platform_device) -> int:
    priv = kzalloc(mydev_priv, GFP_KERNEL)
    priv.pdev = pdev
    priv.regs = ioremap(board["regs"])
    irq = platform_get_irq(pdev, 0)
    if irq < 0:
        return irq
    ret = devm_request_irq(pdev.dev, irq, mydev_irq_handler, 0, dev_name(pdev.dev), priv)
    if ret:
        return ret
    platform_set_drvdata(pdev, priv)
    writel(MMIO_RX_READY, priv.regs + MMIO_ENABLE)
    dev_info(pdev, "irq %d requested (managed)\n", irq)
    return 0


def mydev_remove(pdev: platform_device) -> None:
    dev_info(pdev, "remove: no free_irq() here\n")


mydev_driver = platform_driver("mydev", mydev_probe, mydev_remove)
mydev_pdev: platform_device | None = None


def mydev_init() -> int:
    global mydev_pdev
    mydev_pdev = platform_device("mydev", 0, irqs=[int(board["irq"])])
    platform_device_register(mydev_pdev)
    return platform_driver_register(mydev_driver)


def mydev_exit() -> None:
    platform_driver_unregister(mydev_driver)
    platform_device_unregister(mydev_pdev)


module_init = mydev_init
module_exit = mydev_exit

shown: dict[str, str] = {}


def main(seed: int = 1) -> irqlab.Machine:
    """insmod; the device interrupts at 10 and 20 ms; /proc/interrupts before and after rmmod."""
    shown.clear()
    m = irqlab.boot("rpi5", seed=seed, trace=["irq_handler_entry"])
    dev = MmioDevice(m.kernel.engine, "mydev", line=m.spi_line(DEV_SPI))
    board.update(regs=dev, irq=m.board.map_spi(DEV_SPI, "level"))
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    dev.trigger(at="10ms", data=0x2A)
    dev.trigger(at="20ms", data=0x2B)
    m.run(until="30ms")
    rows = lambda: "".join(r + "\n" for r in m.read("/proc/interrupts").splitlines() if r.endswith(" mydev.0"))  # noqa: E731
    shown["/proc/interrupts (bound)"] = rows()
    m.rmmod(MODULE_NAME)
    shown["/proc/interrupts (after rmmod)"] = rows()
    return m


def report(m: irqlab.Machine) -> str:
    """What else the reader looks at: the IRQ's /proc/interrupts row while bound and after unbinding."""
    return "".join(f"--- {k} ---\n{v}" for k, v in shown.items())


if __name__ == "__main__":
    mach = main()
    print(mach.dmesg() + report(mach), end="")
