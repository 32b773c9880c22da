"""Mistake 1, not checking the source: on a shared line the handler claims other devices' interrupts.

Seed 003's bad_handler and good_handler, ported line by line, on one level-triggered GIC SPI of
the generic board shared by three devices (irqlab.hw.mmio.MmioDevice, wired-OR like PCI INTx):

- device A is served by good_handler ("goodA"); it interrupts at 1, 2, 3, 4 and 5 ms;
- device B is served by bad_handler ("badB"); it never interrupts;
- device C has no driver loaded; at 10 ms it asserts the line and does not let go (a stuck source).

The kernel calls every handler of a shared line on every interrupt (kernel/irq/handle.c), so badB
is not starving goodA of calls; the damage is different. badB runs process_data() for each of A's
interrupts and counts events its device never had (misattributed work and stale data). Then, when
C gets stuck, badB's IRQ_HANDLED hides the problem from the kernel's unhandled-interrupt detector
(kernel/irq/spurious.c note_interrupt()): the line is never disabled, and CPU0 spends all its time
taking the same interrupt, starving the "app" task that runs there, until C resets itself at 15 ms.
With ``main(seed, bad=False)`` device B gets good_handler too and C stays stuck: after 100000
interrupts nobody claimed, the kernel prints "irq N: nobody cared" and "Disabling IRQ #N", and
CPU0 is free again (but A's interrupts are now lost with the line).
"""

from __future__ import annotations

from types import SimpleNamespace

import irqlab
from irqlab.hw.mmio import MMIO_DATA, MMIO_ENABLE, MMIO_IRQ_PENDING, MMIO_RX_READY, MMIO_STATUS, MmioDevice
from irqlab.kernel import (
    GFP_KERNEL,
    IRQ_HANDLED,
    IRQ_NONE,
    IRQF_SHARED,
    Struct,
    cpu_work,
    free_irq,
    ioremap,
    kzalloc,
    pr_info,
    readl,
    request_irq,
    writel,
)
from irqlab.machine import Machine

SEED_SECTION = "003: Common Mistakes - Mistake 1: Not Checking Interrupt Source"
MODULE_NAME = "shared_mistake"
pr_fmt = "shared_mistake: "

STATUS = MMIO_STATUS
IRQ_PENDING = MMIO_IRQ_PENDING

board: dict[str, object] = {}


class my_device(Struct):
    def __init__(self) -> None:
        self.name = ""
        self.regs = None
        self.events = 0
        self.data: list[int] = []


devices: list[my_device] = []


def process_data(dev: my_device) -> None:
    """Take the device's data word and acknowledge its event."""
    dev.data.append(readl(dev.regs + MMIO_DATA))
    writel(MMIO_RX_READY, dev.regs + STATUS)
    dev.events += 1


# BAD: Assumes interrupt is ours
def bad_handler(irq: int, dev_id: my_device) -> int:
    dev = dev_id

    # Process without checking
    process_data(dev)
    return IRQ_HANDLED  # Wrong if not our interrupt!


# GOOD: Always check
def good_handler(irq: int, dev_id: my_device) -> int:
    dev = dev_id

    if not readl(dev.regs + STATUS) & IRQ_PENDING:
        return IRQ_NONE

    process_data(dev)
    return IRQ_HANDLED


def module_init() -> int:
    irq = int(board["irq"])  # type: ignore[call-overload]
    devices.clear()
    handlers = (good_handler, bad_handler if board["bad"] else good_handler)
    for name, hw, handler in zip(("A", "B"), board["devices"], handlers):  # type: ignore[call-overload]
        dev = kzalloc(my_device, GFP_KERNEL)
        dev.name = ("good" if handler is good_handler else "bad") + name
        dev.regs = ioremap(hw)
        writel(MMIO_RX_READY, dev.regs + MMIO_ENABLE)
        ret = request_irq(irq, handler, IRQF_SHARED, dev.name, dev)
        if ret:
            return ret
        devices.append(dev)
    return 0


def module_exit() -> None:
    irq = int(board["irq"])  # type: ignore[call-overload]
    for dev in reversed(devices):
        free_irq(irq, dev)
        pr_info("%s: %d event(s) processed\n", dev.name, dev.events)


progress: list[int] = []


def app() -> None:
    """A task computing on CPU0 in 100 us steps (records when each step ends)."""
    from irqlab.kernel.core import kernel

    while True:
        cpu_work(100_000)
        progress.append(kernel().engine.now)


def main(seed: int = 1, bad: bool = True) -> Machine:
    m = irqlab.boot("generic", cpus=2, seed=seed)
    line = m.spi_line(44)
    hw = [MmioDevice(m.kernel.engine, f"dev{n}", line=line) for n in "ABC"]
    board.update(devices=hw[:2], irq=m.board.map_spi(44, "level"), bad=bad)
    progress.clear()
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    m.spawn(app, name="app", cpu=0)
    for i in range(1, 6):
        hw[0].trigger(at=f"{i}ms", data=0xA0 + i)
    hw[2].writel(MMIO_ENABLE, MMIO_RX_READY)  # device C is enabled, but its driver is not loaded
    hw[2].trigger(at="10ms")  # ... and no driver clears it
    if bad:
        # Nothing in the kernel will stop this storm: after 5 ms C's own watchdog resets it.
        m.at("15ms", hw[2].writel, MMIO_STATUS, MMIO_RX_READY)
    m.run(until="20ms" if bad else "60ms")
    counts = [(d.name, d.events, list(d.data)) for d in devices]
    shown["events at the end"] = "".join(f"{n}: {e} event(s), first data {d[:6]}\n" for n, e, d in counts)
    shown["/proc/interrupts"] = m.read("/proc/interrupts")
    m.rmmod(MODULE_NAME)
    return m


shown: dict[str, str] = {}


def report(m: Machine) -> str:
    """The drivers' event counts and /proc/interrupts before rmmod."""
    return "".join(f"--- {what} ---\n{text}" for what, text in shown.items())


if __name__ == "__main__":
    print(main().dmesg() + report(None), end="")  # type: ignore[arg-type]
