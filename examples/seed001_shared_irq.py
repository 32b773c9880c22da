"""Two drivers on one shared level line: each checks its own device and returns IRQ_NONE when it was not it.

Ported from "Critical Concepts and Gotchas, 3. IRQ Sharing": ``driver1`` and ``driver2``
request the same interrupt with IRQF_SHARED and their own dev_id; ``my_isr`` and
``other_isr`` check their device's status register (the seed's ``device_has_interrupt()``)
and return IRQ_NONE when it is not theirs. The two devices are memory-mapped blocks on one
wired-OR level line into the GIC (as PCI INTx on an x86 PC, the seed's example of scarce
lines). On a Pi 5 the seed is right that GPIO interrupts need no sharing: each GPIO has its
own Linux IRQ (hwirq = GPIO number in pinctrl-rp1's domain).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import irqlab
from irqlab.hw.mmio import MMIO_CLEAR, MMIO_ENABLE, MMIO_RX_READY, MMIO_STATUS, MmioDevice
from irqlab.kernel import IRQ_HANDLED, IRQ_NONE, IRQF_SHARED, free_irq, ioremap, pr_err, readl, request_irq, writel

SEED_SECTION = "001: Critical Concepts and Gotchas (3. IRQ Sharing)"
MODULE_NAME = "shared"

SHARED_SPI = 50
board: dict[str, Any] = {}  # filled by main() as a device tree would: the two devices and the line's irq


class mydev:
    def __init__(self, name: str, hw: object) -> None:
        self.name = name
        self.regs = ioremap(hw)


dev1: mydev | None = None
dev2: mydev | None = None
irq = -1


def device_has_interrupt(dev: mydev) -> bool:
    """Check hardware status: its interrupt cause, write-1-to-clear it if set."""
    status = readl(dev.regs + MMIO_STATUS)
    if not status & MMIO_RX_READY:
        return False
    writel(status, dev.regs + MMIO_CLEAR)
    return True


# ISR must check if IRQ is for this device
def my_isr(irq: int, dev: mydev) -> int:
    if not device_has_interrupt(dev):  # Check hardware status
        return IRQ_NONE  # Not for us

    # Process interrupt
    return IRQ_HANDLED


def other_isr(irq: int, dev: mydev) -> int:
    if not device_has_interrupt(dev):
        return IRQ_NONE
    return IRQ_HANDLED


def shared_init() -> int:
    global dev1, dev2, irq
    dev1, dev2 = mydev("dev1", board["dev1"]), mydev("dev2", board["dev2"])
    irq = int(board["irq"])
    for d in (dev1, dev2):
        writel(MMIO_RX_READY, d.regs + MMIO_ENABLE)
    # Both drivers must use IRQF_SHARED
    ret = request_irq(irq, my_isr, IRQF_SHARED, "driver1", dev1)
    if ret:
        pr_err("driver1: request_irq: %d\n", ret)
        return ret
    ret = request_irq(irq, other_isr, IRQF_SHARED, "driver2", dev2)
    if ret:
        pr_err("driver2: request_irq: %d\n", ret)
        free_irq(irq, dev1)
        return ret
    return 0


def shared_exit() -> None:
    free_irq(irq, dev2)
    free_irq(irq, dev1)


module_init = shared_init
module_exit = shared_exit

#: (ms, devices signalling then)
EVENTS = ((10, ("dev1",)), (20, ("dev2",)), (30, ("dev1", "dev2")))
shown: dict[str, str] = {}


def main(seed: int = 1) -> irqlab.Machine:
    """dev1 at 10 ms, dev2 at 20 ms, both at 30 ms; /proc/interrupts and the spurious counters, then rmmod."""
    shown.clear()
    m = irqlab.boot("rpi5", seed=seed, trace=["irq_handler_entry", "irq_handler_exit"])
    line = m.spi_line(SHARED_SPI)
    hw = {n: MmioDevice(m.kernel.engine, n, line=line) for n in ("dev1", "dev2")}
    board.update(hw, irq=m.board.map_spi(SHARED_SPI, "level"))
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    for t, who in EVENTS:
        for n in who:
            hw[n].trigger(at=f"{t}ms")
    m.run(until="50ms")
    shown["/proc/interrupts"] = "".join(r + "\n" for r in m.read("/proc/interrupts").splitlines() if "driver1" in r)
    shown[f"/proc/irq/{irq}/spurious"] = m.read(f"/proc/irq/{irq}/spurious")
    m.rmmod(MODULE_NAME)
    return m


def report(m: irqlab.Machine) -> str:
    """What else the reader looks at: the shared line's /proc/interrupts row and its spurious counters."""
    lines = [f"{e.ts / 1e6:8.3f} ms  {e.name:17s} {e['name'] if 'name' in e.fields else e['ret']}"
             for e in m.trace.events() if e.name in ("irq_handler_entry", "irq_handler_exit") and e["irq"] == irq]
    return "".join(f"--- {p} ---\n{t}" for p, t in shown.items()) + "--- trace ---\n" + "\n".join(lines) + "\n"


if __name__ == "__main__":
    mach = main()
    print(mach.dmesg() + report(mach), end="")
