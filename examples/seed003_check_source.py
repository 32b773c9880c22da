"""Checking the interrupt source bit by bit: clear and handle each cause, IRQ_HANDLED only if one was ours.

Seed 003's "Checking Interrupt Source", ported line by line. Two UARTs (irqlab/hw/uart.py) share
one level-triggered GIC SPI of the generic board; the same driver serves both. The handler tests
RX_INT, TX_INT and ERR_INT separately, clears exactly the bit it handles, and returns IRQ_NONE
when none was set, which is what happens to uart1's handler when only uart0 interrupted.

Scenario: "ping" arrives on uart0 at 2 ms; uart1 transmits "pong" (TX_INT when its transmitter
drains); 30 bytes arrive on uart1 while a thread keeps interrupts off for 4 ms, so its 16-byte
FIFO overruns and one interrupt carries RX_INT and ERR_INT together.
"""

from __future__ import annotations

from types import SimpleNamespace

import irqlab
from irqlab.hw.uart import (
    UART_ERROR,
    UART_IRQ_CLEAR,
    UART_IRQ_ENABLE,
    UART_IRQ_STATUS,
    UART_OVERRUNS,
    UART_RX_DATA,
    UART_RX_FIFO_COUNT,
    UART_RX_READY,
    UART_TX_DATA,
    UART_TX_EMPTY,
    Uart,
)
from irqlab.kernel import (
    GFP_KERNEL,
    IRQ_HANDLED,
    IRQ_NONE,
    IRQF_SHARED,
    Struct,
    free_irq,
    ioremap,
    kzalloc,
    local_irq_restore,
    local_irq_save,
    mdelay,
    pr_err,
    pr_info,
    pr_warn,
    readl,
    request_irq,
    writel,
)
from irqlab.machine import Machine

SEED_SECTION = "003: Checking Interrupt Source"
MODULE_NAME = "my_uarts"
pr_fmt = "my_uarts: "

IRQ_STATUS = UART_IRQ_STATUS
IRQ_CLEAR = UART_IRQ_CLEAR
RX_INT = UART_RX_READY
TX_INT = UART_TX_EMPTY
ERR_INT = UART_ERROR

board: dict[str, object] = {}


class my_device(Struct):
    def __init__(self) -> None:
        self.name = ""
        self.regs = None
        self.rx = bytearray()


devices: list[my_device] = []


def handle_rx(dev: my_device) -> None:
    n = 0
    while readl(dev.regs + UART_RX_FIFO_COUNT):
        dev.rx.append(readl(dev.regs + UART_RX_DATA))
        n += 1
    pr_info("%s: rx %d byte(s)\n", dev.name, n)


def handle_tx(dev: my_device) -> None:
    pr_info("%s: tx done\n", dev.name)


def handle_error(dev: my_device) -> None:
    pr_warn("%s: overrun, %u byte(s) lost\n", dev.name, readl(dev.regs + UART_OVERRUNS))


def my_handler(irq: int, dev_id: my_device) -> int:
    dev = dev_id
    ret = IRQ_NONE

    # Read status - might have multiple bits set
    status = readl(dev.regs + IRQ_STATUS)

    if status & RX_INT:
        writel(RX_INT, dev.regs + IRQ_CLEAR)
        handle_rx(dev)
        ret = IRQ_HANDLED

    if status & TX_INT:
        writel(TX_INT, dev.regs + IRQ_CLEAR)
        handle_tx(dev)
        ret = IRQ_HANDLED

    if status & ERR_INT:
        writel(ERR_INT, dev.regs + IRQ_CLEAR)
        handle_error(dev)
        ret = IRQ_HANDLED

    return ret


def module_init() -> int:
    irq = int(board["irq"])  # type: ignore[call-overload]
    devices.clear()
    for i, hw in enumerate(board["uarts"]):  # type: ignore[attr-defined]
        dev = kzalloc(my_device, GFP_KERNEL)
        dev.name = f"uart{i}"
        dev.regs = ioremap(hw)
        writel(RX_INT | TX_INT | ERR_INT, dev.regs + UART_IRQ_ENABLE)
        ret = request_irq(irq, my_handler, IRQF_SHARED, dev.name, dev)
        if ret:
            pr_err("%s: request_irq(%d) failed: %d\n", dev.name, irq, ret)
            return ret
        devices.append(dev)
    # uart1 sends "pong": TX_INT when its transmitter has drained.
    for c in b"pong":
        writel(c, devices[1].regs + UART_TX_DATA)
    return 0


def module_exit() -> None:
    irq = int(board["irq"])  # type: ignore[call-overload]
    for dev in reversed(devices):
        writel(0, dev.regs + UART_IRQ_ENABLE)
        free_irq(irq, dev)
        pr_info("%s: received %s\n", dev.name, repr(bytes(dev.rx))[1:])


def irqs_off_for_4ms() -> None:
    flags = local_irq_save()
    mdelay(4)
    local_irq_restore(flags)


def main(seed: int = 1) -> Machine:
    m = irqlab.boot("generic", cpus=1, seed=seed, trace=["irq_handler_entry", "irq_handler_exit"])
    line = m.spi_line(35)
    uarts = [Uart(m.kernel.engine, f"uart{i}", line=line) for i in range(2)]
    board.update(uarts=uarts, irq=m.board.map_spi(35, "level"))
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    uarts[0].receive(b"ping", at="2ms")
    m.at("10ms", lambda: m.spawn(irqs_off_for_4ms, name="irqsoff"))
    uarts[1].receive(b"0123456789" * 3, at="10100us")
    m.run(until="20ms")
    shown["/proc/interrupts"] = m.read("/proc/interrupts")
    m.rmmod(MODULE_NAME)
    return m


shown: dict[str, str] = {}


def report(m: Machine) -> str:
    """/proc/interrupts while both UARTs shared the line."""
    return "".join(f"--- {what} ---\n{text}" for what, text in shown.items())


if __name__ == "__main__":
    print(main().dmesg() + report(None), end="")  # type: ignore[arg-type]
