"""IRQF_NO_THREAD and IRQF_TIMER keep a handler in hard-IRQ context when threadirqs threads every other one.

Ported from seed 002's list of request flags: "IRQF_NO_THREAD prevents the interrupt handler
from being threaded. This flag overrides the kernel threadirqs command-line option that forces
every interrupt to be threaded", and IRQF_TIMER, "an alias for IRQF_NO_SUSPEND |
IRQF_NO_THREAD" (6.12 also sets the internal __IRQF_TIMER bit, 0x200). Three devices on GIC
SPIs of a Raspberry Pi 5 booted with ``threadirqs``: flags 0 (forced into the thread
irq/N-plain, which on a non-RT kernel calls it with bottom halves and interrupts disabled, as
the hard-IRQ handler expects; the core adds IRQF_ONESHOT), IRQF_NO_THREAD and IRQF_TIMER (both
still run in hard-IRQ context). Each handler prints its task and context. Booted
without ``threadirqs`` (``main(seed, cmdline="")``) all three run in hard-IRQ context.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import irqlab
from irqlab.hw.mmio import MMIO_CLEAR, MMIO_ENABLE, MMIO_RX_READY, MMIO_STATUS, MmioDevice
from irqlab.kernel import (
    IRQ_HANDLED,
    IRQ_NONE,
    IRQF_NO_THREAD,
    IRQF_TIMER,
    current,
    free_irq,
    in_hardirq,
    in_softirq,
    ioremap,
    irqs_disabled,
    pr_info,
    readl,
    request_irq,
    writel,
)

SEED_SECTION = "002: Kernel Interrupt Handling (IRQF_NO_THREAD, IRQF_TIMER and threadirqs)"
MODULE_NAME = "nothread"

DEVICES = (("plain", 80, 0), ("no_thread", 81, IRQF_NO_THREAD), ("timer", 82, IRQF_TIMER))
board: dict[str, Any] = {}  # filled by main(): name -> (registers, irq)


class mydev:
    def __init__(self, name: str, regs: object, irq: int) -> None:
        self.name = name
        self.regs = ioremap(regs)
        self.irq = irq


devs: list[mydev] = []


def handler(irq: int, dev: mydev) -> int:
    status = readl(dev.regs + MMIO_STATUS)
    if not status & MMIO_RX_READY:
        return IRQ_NONE
    writel(status, dev.regs + MMIO_CLEAR)
    pr_info("%s: irq %d in %s: in_hardirq=%d in_softirq=%d irqs_disabled=%d\n", dev.name, irq, current.comm,
            1 if in_hardirq() else 0, 1 if in_softirq() else 0, 1 if irqs_disabled() else 0)  # fmt: skip
    return IRQ_HANDLED


def nothread_init() -> int:
    devs[:] = [mydev(n, *board[n]) for n, _, _ in DEVICES]
    for d, (_, _, flags) in zip(devs, DEVICES):
        writel(MMIO_RX_READY, d.regs + MMIO_ENABLE)
        ret = request_irq(d.irq, handler, flags, d.name, d)
        if ret:
            return ret
    return 0


def nothread_exit() -> None:
    for d in devs:
        free_irq(d.irq, d)


module_init = nothread_init
module_exit = nothread_exit


def main(seed: int = 1, cmdline: str = "threadirqs") -> irqlab.Machine:
    """Boot with threadirqs; each device interrupts once (10, 20, 30 ms); rmmod."""
    m = irqlab.boot("rpi5", seed=seed, cmdline=cmdline, trace=["irq_handler_entry", "irq_thread_entry"])
    hw = {}
    for name, spi, _ in DEVICES:
        hw[name] = MmioDevice(m.kernel.engine, name, line=m.spi_line(spi))
        board[name] = (hw[name], m.board.map_spi(spi, "level"))
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    for t, (name, _, _) in zip((10, 20, 30), DEVICES):
        hw[name].trigger(at=f"{t}ms")
    m.run(until="40ms")
    m.rmmod(MODULE_NAME)
    return m


if __name__ == "__main__":
    print(main().dmesg(), end="")
