"""Mistake 2, not clearing the interrupt: a level source stays asserted and the CPU does nothing but take it.

Seed 003's bad_handler and good_handler of "Mistake 2", ported line by line, each serving its own
UART (irqlab/hw/uart.py, a level line latched until written) on the generic board: uart0's SPI
is routed to CPU1 (bad_handler), uart1's to CPU2 (good_handler), and on each of those CPUs a task
"app1"/"app2" computes in 100 us steps. "hi" arrives on both UARTs at 2 ms.

good_handler writes the status back, the line drops, two interrupts in all. bad_handler drains the
FIFO but never clears RX_READY: on a GIC the still-asserted line is taken again right after each
EOI, so from 2 ms on CPU1 only runs the handler (hundreds of thousands of times a second) and app1
starves. Because the handler returns IRQ_HANDLED, the kernel's unhandled-interrupt detector never
steps in (kernel/irq/spurious.c counts only IRQ_NONE); examples/seed003_not_clearing_irq_none.py
shows the same mistake in a handler that returns IRQ_NONE. rmmod ends the storm: module_exit
disables the UART's interrupts before free_irq().
"""

from __future__ import annotations

from types import SimpleNamespace

import irqlab
from irqlab.hw.uart import UART_IRQ_ENABLE, UART_IRQ_STATUS, UART_RX_DATA, UART_RX_FIFO_COUNT, UART_RX_READY, Uart
from irqlab.kernel import (
    GFP_KERNEL,
    IRQ_HANDLED,
    Struct,
    cpu_work,
    free_irq,
    ioremap,
    irq_set_affinity,
    kzalloc,
    pr_info,
    readl,
    request_irq,
    writel,
)
from irqlab.machine import Machine

SEED_SECTION = "003: Common Mistakes - Mistake 2: Not Clearing Interrupt"
MODULE_NAME = "uncleared"
pr_fmt = "uncleared: "

STATUS = UART_IRQ_STATUS  # write-1-to-clear, so writel(status, STATUS) acknowledges what was read

board: dict[str, object] = {}


class my_device(Struct):
    def __init__(self) -> None:
        self.name = ""
        self.regs = None
        self.irq = 0
        self.rx = bytearray()
        self.calls = 0


devices: list[my_device] = []
dev: my_device  # the seed's handlers use a file-scope dev


def process_data(dev: my_device) -> None:
    dev.calls += 1
    while readl(dev.regs + UART_RX_FIFO_COUNT):
        dev.rx.append(readl(dev.regs + UART_RX_DATA))


# BAD: Interrupt not cleared
def bad_handler(irq: int, dev_id: my_device) -> int:
    dev = dev_id
    process_data(dev)
    return IRQ_HANDLED
    # Interrupt still pending - will fire again!


# GOOD: Clear interrupt source
def good_handler(irq: int, dev_id: my_device) -> int:
    dev = dev_id
    status = readl(dev.regs + STATUS)
    writel(status, dev.regs + STATUS)  # Clear
    process_data(dev)
    return IRQ_HANDLED


def module_init() -> int:
    devices.clear()
    for i, (hw, irq, cpu) in enumerate(zip(board["uarts"], board["irqs"], (1, 2))):  # type: ignore[call-overload]
        d = kzalloc(my_device, GFP_KERNEL)
        d.name = "bad" if i == 0 else "good"
        d.regs = ioremap(hw)
        d.irq = irq
        writel(UART_RX_READY, d.regs + UART_IRQ_ENABLE)
        ret = request_irq(irq, bad_handler if i == 0 else good_handler, 0, d.name, d)
        if ret:
            return ret
        irq_set_affinity(irq, 1 << cpu)
        devices.append(d)
    return 0


def module_exit() -> None:
    for d in devices:
        writel(0, d.regs + UART_IRQ_ENABLE)  # the device stops asserting its line first
        free_irq(d.irq, d)
        pr_info("%s: handler ran %d time(s), received %s\n", d.name, d.calls, repr(bytes(d.rx))[1:])


progress: dict[str, list[int]] = {}


def app(name: str) -> None:
    """A task computing in 100 us steps (records when each step ends)."""
    from irqlab.kernel.core import kernel

    while True:
        cpu_work(100_000)
        progress[name].append(kernel().engine.now)


def main(seed: int = 1) -> Machine:
    m = irqlab.boot("generic", cpus=3, seed=seed)
    uarts = [Uart(m.kernel.engine, f"uart{i}", line=m.spi_line(45 + i)) for i in range(2)]
    board.update(uarts=uarts, irqs=[m.board.map_spi(45 + i, "level") for i in range(2)])
    progress.clear()
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    for cpu in (1, 2):
        progress[f"app{cpu}"] = []
        m.spawn(app, f"app{cpu}", name=f"app{cpu}", cpu=cpu)
    for u in uarts:
        u.receive(b"hi", at="2ms")
    m.run(until="8ms")
    shown["/proc/interrupts"] = m.read("/proc/interrupts")
    shown["progress"] = "".join(f"{n}: {len(p)} steps of 100 us done by 8 ms\n" for n, p in progress.items())
    m.rmmod(MODULE_NAME)
    return m


shown: dict[str, str] = {}


def report(m: Machine) -> str:
    """/proc/interrupts at 8 ms and how far each app got."""
    return "".join(f"--- {what} ---\n{text}" for what, text in shown.items())


if __name__ == "__main__":
    print(main().dmesg() + report(None), end="")  # type: ignore[arg-type]
