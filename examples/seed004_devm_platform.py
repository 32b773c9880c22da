"""Managed IRQs: platform_get_resource(IORESOURCE_IRQ) + devm_request_irq() in probe, no free_irq() anywhere.

Seed 004's "Modern Approach: Managed Resources (devm_request_irq)", its probe ported line by line
as a platform driver on the generic board. Three "my_device" platform devices (irqlab's platform
bus matches drivers by name) are registered before the module loads:

- my_device.0 has an interrupt (a level-high GIC SPI): probe succeeds and its handler runs;
- my_device.1 has none: "get interrupt resource failed.", probe returns -ENXIO, which the driver
  core does not report further;
- my_device.2 (a board-description mistake) names the same SPI: devm_request_irq() fails with
  -EBUSY after genirq's "Flags mismatch" (neither request is IRQF_SHARED), "request interrupt
  failed.", and the driver core prints
  "my_device my_device.2: probe with driver my_device failed with error -16"
  (the 6.9+ wording, drivers/base/dd.c call_driver_probe()).

The driver has no remove(): rmmod unregisters it, the driver core releases the device's managed
resources (devres_release_all()), and that frees the IRQ. 6.12 drivers usually call
platform_get_irq() instead (it handles deferred probing and prints its own error), but
platform_get_resource(IORESOURCE_IRQ) still works for a device whose interrupt the bus set up.
"""

from __future__ import annotations

from types import SimpleNamespace

import irqlab
from irqlab.errno import ENXIO
from irqlab.hw.mmio import MMIO_CLEAR, MMIO_ENABLE, MMIO_RX_READY, MmioDevice
from irqlab.kernel import (
    IORESOURCE_IRQ,
    IRQ_HANDLED,
    IRQF_TRIGGER_HIGH,
    dev_err,
    dev_info,
    dev_name,
    devm_request_irq,
    ioremap,
    platform_device,
    platform_driver,
    platform_driver_register,
    platform_driver_unregister,
    platform_get_resource,
    writel,
)
from irqlab.machine import Machine

SEED_SECTION = "004: Modern Approach: Managed Resources (devm_request_irq)"
MODULE_NAME = "my_driver"

# What the device tree gives each device: its registers (the MMIO model) and its interrupt.
board: dict[str, object] = {}
handled: dict[str, int] = {}


def my_irq_handler(irq: int, dev_id: platform_device) -> int:
    pdev = dev_id
    regs = ioremap(board["regs"][dev_name(pdev.dev)])  # type: ignore[index]
    writel(MMIO_RX_READY, regs + MMIO_CLEAR)
    handled[dev_name(pdev.dev)] = handled.get(dev_name(pdev.dev), 0) + 1
    return IRQ_HANDLED


def my_driver_probe(pdev: platform_device) -> int:
    # 1. Get the IRQ resource (from the Device Tree or platform data)
    res = platform_get_resource(pdev, IORESOURCE_IRQ, 0)
    if not res:
        dev_err(pdev.dev, "get interrupt resource failed.\n")
        return -ENXIO

    # 2. Register the managed interrupt
    ret = devm_request_irq(pdev.dev, res.start, my_irq_handler, IRQF_TRIGGER_HIGH, pdev.pdev_name, pdev)
    if ret:
        dev_err(pdev.dev, "request interrupt failed.\n")
        return ret

    writel(MMIO_RX_READY, ioremap(board["regs"][dev_name(pdev.dev)]) + MMIO_ENABLE)  # type: ignore[index]
    dev_info(pdev.dev, "irq %d\n", res.start)
    # Even if we returned an error here, no free_irq() would be needed
    return 0


# Note: no remove function is needed to free_irq: the kernel does it all
my_driver = platform_driver("my_device", my_driver_probe)


def module_init() -> int:
    """module_platform_driver(my_driver)."""
    return platform_driver_register(my_driver)


def module_exit() -> None:
    platform_driver_unregister(my_driver)


def main(seed: int = 1) -> Machine:
    """The three devices exist at boot; my_device.0 interrupts at 2, 4 and 6 ms; rmmod at 10 ms."""
    m = irqlab.boot("generic", cpus=2, seed=seed)
    line = m.spi_line(48)
    irq = m.board.map_spi(48, "level")
    hw = {name: MmioDevice(m.kernel.engine, name, line=line) for name in ("my_device.0", "my_device.2")}
    hw["my_device.1"] = MmioDevice(m.kernel.engine, "my_device.1")
    board.update(regs=hw)
    handled.clear()
    pdevs = [platform_device("my_device", 0, irqs=[irq]), platform_device("my_device", 1),
             platform_device("my_device", 2, irqs=[irq])]  # fmt: skip

    def of_platform_populate() -> None:
        from irqlab.kernel import platform_device_register

        for p in pdevs:
            platform_device_register(p)

    m.spawn(of_platform_populate, name="kworker/0:1")
    m.run(until="1ms")
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    for t in ("2ms", "4ms", "6ms"):
        hw["my_device.0"].trigger(at=t)
    m.run(until="10ms")
    shown["/proc/interrupts (loaded)"] = m.read("/proc/interrupts")
    m.rmmod(MODULE_NAME)
    shown["/proc/interrupts (after rmmod)"] = m.read("/proc/interrupts")
    return m


shown: dict[str, str] = {}


def report(m: Machine) -> str:
    """/proc/interrupts with the managed IRQ, and after rmmod released it."""
    return "".join(f"--- {what} ---\n{''.join(r + chr(10) for r in text.splitlines()[:6])}" for what, text in shown.items())


if __name__ == "__main__":
    print(main().dmesg() + report(None), end="")  # type: ignore[arg-type]
