"""IRQF_SHARED | IRQF_ONESHOT threaded handlers on a level line: masked until the threads finish; sharers must agree.

Ported from "Critical Concepts and Gotchas, 5. IRQF_ONESHOT for Threaded IRQs":
``request_threaded_irq(irq, top_half, bottom_half, IRQF_SHARED | IRQF_ONESHOT, name, dev)``
for two devices on one shared level line whose status can only be cleared from the thread
(a slow bus). The core keeps the line masked after the top halves and unmasks it when the
last woken thread is done, so each event is one hardirq although the line stays asserted for
the ~10 ms the thread sleeps. The seed's "mandatory for IRQF_SHARED with threaded IRQs" is not
what 6.12 enforces: ONESHOT is mandatory for a NULL top half (unless the chip is
ONESHOT_SAFE), and sharers must agree on it (a third driver without it gets "Flags mismatch",
-EBUSY). A shared threaded pair without ONESHOT is accepted: on a second line it works
because its top halves silence their device (interrupt enable off) and the threads turn it on again.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import irqlab
from irqlab.hw.mmio import MMIO_CLEAR, MMIO_ENABLE, MMIO_RX_READY, MMIO_STATUS, MmioDevice
from irqlab.kernel import (
    IRQ_HANDLED,
    IRQ_NONE,
    IRQ_WAKE_THREAD,
    IRQF_ONESHOT,
    IRQF_SHARED,
    free_irq,
    ioremap,
    msleep,
    pr_err,
    pr_info,
    readl,
    request_threaded_irq,
    writel,
)

SEED_SECTION = "001: Critical Concepts and Gotchas (5. IRQF_ONESHOT for Threaded IRQs)"
MODULE_NAME = "oneshot"

LINE_A, LINE_B = 60, 61  # GIC SPIs: the ONESHOT pair, the pair that silences its devices
board: dict[str, Any] = {}  # filled by main() as a device tree would


class mydev:
    def __init__(self, name: str, hw: object, irq: int) -> None:
        self.name = name
        self.regs = ioremap(hw)
        self.irq = irq


devs: list[mydev] = []


def top_half(irq: int, dev: mydev) -> int:
    if not readl(dev.regs + MMIO_STATUS) & MMIO_RX_READY:
        return IRQ_NONE  # not ours
    return IRQ_WAKE_THREAD  # the status is cleared over the slow bus, in the thread


def bottom_half(irq: int, dev: mydev) -> int:
    msleep(1)  # talk to the device over a slow bus
    writel(MMIO_RX_READY, dev.regs + MMIO_CLEAR)
    pr_info("%s: handled in %s\n", dev.name, "thread")
    return IRQ_HANDLED


def silencing_top_half(irq: int, dev: mydev) -> int:
    if not readl(dev.regs + MMIO_STATUS) & MMIO_RX_READY:
        return IRQ_NONE
    writel(0, dev.regs + MMIO_ENABLE)  # silence the device: the level line can drop without ONESHOT
    return IRQ_WAKE_THREAD


def reenabling_bottom_half(irq: int, dev: mydev) -> int:
    msleep(1)
    writel(MMIO_RX_READY, dev.regs + MMIO_CLEAR)
    writel(MMIO_RX_READY, dev.regs + MMIO_ENABLE)
    pr_info("%s: handled in %s\n", dev.name, "thread")
    return IRQ_HANDLED


def oneshot_init() -> int:
    devs[:] = [mydev(n, board[n], board["irq_a" if n in ("dev1", "dev2") else "irq_b"])
               for n in ("dev1", "dev2", "dev3", "dev4")]  # fmt: skip
    for d in devs:
        writel(MMIO_RX_READY, d.regs + MMIO_ENABLE)
    for d in devs[:2]:
        ret = request_threaded_irq(d.irq, top_half, bottom_half, IRQF_SHARED | IRQF_ONESHOT, d.name, d)
        pr_info("%s: IRQF_SHARED | IRQF_ONESHOT: %d\n", d.name, ret)
    # A third driver on the ONESHOT line without IRQF_ONESHOT: sharers must agree.
    ret = request_threaded_irq(devs[0].irq, top_half, bottom_half, IRQF_SHARED, "dev5", board)
    pr_info("dev5: IRQF_SHARED only, on %s's line: %d\n", "dev1", ret)
    for d in devs[2:]:
        ret = request_threaded_irq(d.irq, silencing_top_half, reenabling_bottom_half, IRQF_SHARED, d.name, d)
        pr_info("%s: IRQF_SHARED only: %d\n", d.name, ret)
        if ret:
            pr_err("%s: request failed\n", d.name)
    return 0


def oneshot_exit() -> None:
    for d in devs:
        free_irq(d.irq, d)


module_init = oneshot_init
module_exit = oneshot_exit


def main(seed: int = 1) -> irqlab.Machine:
    """dev1 and dev3 signal at 10 ms, dev2 and dev4 at 40 ms; the threads take ~10 ms each; rmmod at 100 ms."""
    m = irqlab.boot("rpi5", seed=seed, trace=["irq_handler_entry", "irq_thread_entry", "irq_thread_exit"])
    hw: dict[str, MmioDevice] = {}
    for spi, names in ((LINE_A, ("dev1", "dev2")), (LINE_B, ("dev3", "dev4"))):
        line = m.spi_line(spi)
        for n in names:
            hw[n] = MmioDevice(m.kernel.engine, n, line=line)
    board.update(hw, irq_a=m.board.map_spi(LINE_A, "level"), irq_b=m.board.map_spi(LINE_B, "level"))
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    for t, names in ((10, ("dev1", "dev3")), (40, ("dev2", "dev4"))):
        for n in names:
            hw[n].trigger(at=f"{t}ms")
    m.run(until="100ms")
    m.rmmod(MODULE_NAME)
    return m


def report(m: irqlab.Machine) -> str:
    """What else the reader looks at: hardirqs and IRQ threads on the two lines, in time order."""
    out = []
    for e in m.trace.events():
        if e.name in ("irq_handler_entry", "irq_thread_entry", "irq_thread_exit") and e["name"].startswith("dev"):
            out.append(f"{e.ts / 1e6:8.3f} ms  CPU{e.cpu}  {e.name:17s} irq={e['irq']} {e['name']}")
    return "--- trace ---\n" + "\n".join(out) + "\n"


if __name__ == "__main__":
    mach = main()
    print(mach.dmesg() + report(mach), end="")
