"""Statistics in the handler: atomic counters of interrupts, RX and TX events, and the time of the last interrupt.

Seed 003's "Statistics and Debugging", ported line by line onto irqlab's UART model (level GIC SPI,
generic board). The counters are atomic_t, the timestamp ktime_get_ns() taken inside the handler;
module_exit prints them. Scenario: "stats" arrives at 2 ms (five RX interrupts) and the driver
sends "ok" twice, at load and from a thread at 8 ms (two TX interrupts).
"""

from __future__ import annotations

from types import SimpleNamespace

import irqlab
from irqlab.hw.uart import (
    UART_IRQ_CLEAR,
    UART_IRQ_ENABLE,
    UART_IRQ_PENDING,
    UART_IRQ_STATUS,
    UART_RX_DATA,
    UART_RX_FIFO_COUNT,
    UART_RX_READY,
    UART_TX_DATA,
    UART_TX_EMPTY,
    Uart,
)
from irqlab.kernel import (
    IRQ_HANDLED,
    IRQ_NONE,
    Struct,
    atomic_inc,
    atomic_read,
    atomic_t,
    free_irq,
    ioremap,
    ktime_get_ns,
    msleep,
    pr_info,
    readl,
    request_irq,
    writel,
)
from irqlab.machine import Machine

SEED_SECTION = "003: Statistics and Debugging"
MODULE_NAME = "my_stats"
pr_fmt = "my_stats: "

IRQ_STATUS = UART_IRQ_STATUS
IRQ_CLEAR = UART_IRQ_CLEAR
IRQ_PENDING = UART_IRQ_PENDING
RX_INT = UART_RX_READY
TX_INT = UART_TX_EMPTY

board: dict[str, object] = {}


class my_device(Struct):
    def __init__(self) -> None:
        self.irq_count = atomic_t(0)
        self.rx_count = atomic_t(0)
        self.tx_count = atomic_t(0)
        self.last_irq_time = 0
        self.regs = None
        self.irq = 0
        self.rx = bytearray()


dev = my_device()


def handle_rx(dev: my_device) -> None:
    while readl(dev.regs + UART_RX_FIFO_COUNT):
        dev.rx.append(readl(dev.regs + UART_RX_DATA))


def handle_tx(dev: my_device) -> None:
    pass


def my_handler(irq: int, dev_id: my_device) -> int:
    dev = dev_id

    status = readl(dev.regs + IRQ_STATUS)
    if not status & IRQ_PENDING:
        return IRQ_NONE

    # Statistics
    atomic_inc(dev.irq_count)
    dev.last_irq_time = ktime_get_ns()

    writel(status, dev.regs + IRQ_CLEAR)

    if status & RX_INT:
        atomic_inc(dev.rx_count)
        handle_rx(dev)

    if status & TX_INT:
        atomic_inc(dev.tx_count)
        handle_tx(dev)

    return IRQ_HANDLED


def send(text: bytes) -> None:
    for c in text:
        writel(c, dev.regs + UART_TX_DATA)


def module_init() -> int:
    global dev
    dev = my_device()
    dev.regs = ioremap(board["uart"])
    dev.irq = int(board["irq"])  # type: ignore[call-overload]
    writel(RX_INT | TX_INT, dev.regs + UART_IRQ_ENABLE)
    ret = request_irq(dev.irq, my_handler, 0, "my_stats", dev)
    if ret == 0:
        send(b"ok")
    return ret


def module_exit() -> None:
    writel(0, dev.regs + UART_IRQ_ENABLE)
    free_irq(dev.irq, dev)
    pr_info("irq_count=%d rx_count=%d tx_count=%d last_irq_time=%llu ns\n", atomic_read(dev.irq_count),
            atomic_read(dev.rx_count), atomic_read(dev.tx_count), dev.last_irq_time)  # fmt: skip
    pr_info("received %s\n", repr(bytes(dev.rx))[1:])


def sender() -> None:
    msleep(8)
    send(b"ok")


def main(seed: int = 1) -> Machine:
    m = irqlab.boot("generic", cpus=2, seed=seed, trace=["irq_handler_entry", "irq_handler_exit"])
    uart = Uart(m.kernel.engine, "uart0", line=m.spi_line(36))
    board.update(uart=uart, irq=m.board.map_spi(36, "level"))
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    m.spawn(sender, name="sender")
    uart.receive(b"stats", at="2ms")
    m.run(until="30ms")
    m.rmmod(MODULE_NAME)
    return m


if __name__ == "__main__":
    print(main().dmesg(), end="")
