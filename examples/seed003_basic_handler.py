"""Basic handler structure: read the status, return IRQ_NONE if it is not ours, clear it, handle RX/TX/errors.

Seed 003's first handler, ported line by line onto irqlab's UART model (irqlab/hw/uart.py), whose
registers are the seed's: IRQ_STATUS with an IRQ_PENDING summary bit, write-1-to-clear IRQ_CLEAR,
RX_FIFO_COUNT/RX_DATA. The UART sits on a level-triggered GIC SPI of the generic board.

What happens: "hello" arrives at 115200 baud (one interrupt per byte, each handled in a few
hundred ns), the driver's "ok" leaves the transmitter (TX_EMPTY), and 40 bytes arrive while a
kthread keeps interrupts off for 5 ms: the 16-byte FIFO overruns, so one interrupt finds RX_READY
and ERROR together.
"""

from __future__ import annotations

from types import SimpleNamespace

import irqlab
from irqlab.hw.uart import (
    UART_ERROR,
    UART_IRQ_CLEAR,
    UART_IRQ_ENABLE,
    UART_IRQ_PENDING,
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
    Struct,
    free_irq,
    ioremap,
    kzalloc,
    local_irq_restore,
    local_irq_save,
    mdelay,
    pr_info,
    pr_warn,
    readl,
    request_irq,
    writel,
)
from irqlab.machine import Machine

SEED_SECTION = "003: Basic Handler Structure"
MODULE_NAME = "my_uart"
pr_fmt = "my_uart: "

# The seed's register names, on the UART model.
IRQ_STATUS = UART_IRQ_STATUS
IRQ_CLEAR = UART_IRQ_CLEAR
IRQ_PENDING = UART_IRQ_PENDING
RX_READY = UART_RX_READY
TX_EMPTY = UART_TX_EMPTY
ERROR = UART_ERROR
RX_FIFO_COUNT = UART_RX_FIFO_COUNT
RX_DATA = UART_RX_DATA

# Filled in by main() as a device tree would: the UART's registers and its Linux irq.
board: dict[str, object] = {}


class my_device(Struct):
    def __init__(self) -> None:
        self.regs = None
        self.irq = 0
        self.rx = bytearray()
        self.tx_empty = 0
        self.errors = 0


my_dev: my_device | None = None


def handle_rx(dev: my_device) -> None:
    got = bytearray()
    while readl(dev.regs + RX_FIFO_COUNT):
        got.append(readl(dev.regs + RX_DATA))
    dev.rx += got
    pr_info("rx: %d byte(s) %s\n", len(got), repr(bytes(got))[1:])


def handle_tx(dev: my_device) -> None:
    dev.tx_empty += 1
    pr_info("tx: transmitter empty\n")


def handle_error(dev: my_device) -> None:
    dev.errors += 1
    pr_warn("rx overrun: %u byte(s) lost so far\n", readl(dev.regs + UART_OVERRUNS))


def my_handler(irq: int, dev_id: my_device) -> int:
    dev = dev_id

    # 1. Read interrupt status
    status = readl(dev.regs + IRQ_STATUS)

    # 2. Check if this device generated the interrupt
    if not status & IRQ_PENDING:
        return IRQ_NONE

    # 3. Acknowledge/clear the interrupt
    writel(status, dev.regs + IRQ_CLEAR)

    # 4. Handle the interrupt
    if status & RX_READY:
        handle_rx(dev)

    if status & TX_EMPTY:
        handle_tx(dev)

    if status & ERROR:
        handle_error(dev)

    # 5. Return handled
    return IRQ_HANDLED


def module_init() -> int:
    global my_dev
    dev = kzalloc(my_device, GFP_KERNEL)
    dev.regs = ioremap(board["uart"])
    dev.irq = int(board["irq"])  # type: ignore[call-overload]
    writel(RX_READY | TX_EMPTY | ERROR, dev.regs + UART_IRQ_ENABLE)
    ret = request_irq(dev.irq, my_handler, 0, "my_uart", dev)
    if ret:
        pr_warn("request_irq(%d) failed: %d\n", dev.irq, ret)
        return ret
    my_dev = dev
    pr_info("irq %d requested\n", dev.irq)
    for c in b"ok\n":
        writel(c, dev.regs + UART_TX_DATA)
    return 0


def module_exit() -> None:
    dev = my_dev
    assert dev is not None
    writel(0, dev.regs + UART_IRQ_ENABLE)
    free_irq(dev.irq, dev)
    pr_info("received %d byte(s), %d TX-empty and %d error interrupt(s)\n", len(dev.rx), dev.tx_empty, dev.errors)


def irqs_off_for_5ms() -> None:
    """A thread that keeps local interrupts off too long (as a long spin_lock_irqsave section would)."""
    flags = local_irq_save()
    mdelay(5)
    local_irq_restore(flags)


def main(seed: int = 1) -> Machine:
    m = irqlab.boot("generic", cpus=1, seed=seed, trace=["irq_handler_entry", "irq_handler_exit"])
    uart = Uart(m.kernel.engine, "uart0", line=m.spi_line(33))
    board.update(uart=uart, irq=m.board.map_spi(33, "level"))
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    uart.receive(b"hello", at="2ms")
    m.at("20ms", lambda: m.spawn(irqs_off_for_5ms, name="irqsoff"))
    uart.receive(b"x" * 40, at="20100us")
    m.run(until="40ms")
    shown["/proc/interrupts"] = m.read("/proc/interrupts")
    m.rmmod(MODULE_NAME)
    return m


shown: dict[str, str] = {}


def report(m: Machine) -> str:
    """What else the reader looks at: /proc/interrupts while the driver was loaded."""
    return "".join(f"--- {path} ---\n{text}" for path, text in shown.items())


if __name__ == "__main__":
    print(main().dmesg() + report(None), end="")  # type: ignore[arg-type]
