"""A handler with a spinlock: drain the UART FIFO into a 16-slot ring under spin_lock_irqsave and wake the reader.

Seed 003's "Handler with Spinlock", ported line by line onto irqlab's UART model on a level GIC SPI.
The seed shows only the interrupt side; the port adds the other side of the ring, the driver's
read() as a reader thread would run it (wait_event_interruptible() until head != tail, then take
the bytes under the same lock), so "hello, world" typed at 115200 baud comes out of read().

The seed's loop has a trap: when the ring is full it neither reads RX_DATA nor leaves, so
RX_FIFO_COUNT never drops and the handler spins forever with interrupts off (a hard lockup of
that CPU). ``main(seed, reader=False)`` shows it: nobody reads, the 16th byte finds 15 slots
used, and CPU0 never returns from the handler.
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
    Uart,
)
from irqlab.kernel import (
    IRQ_HANDLED,
    IRQ_NONE,
    Struct,
    free_irq,
    init_waitqueue_head,
    ioremap,
    pr_info,
    readl,
    request_irq,
    spin_lock_init,
    spin_lock_irqsave,
    spin_unlock_irqrestore,
    spinlock,
    wait_event_interruptible,
    wait_queue_head,
    wake_up_interruptible,
    writel,
)
from irqlab.machine import Machine

SEED_SECTION = "003: Handler with Spinlock"
MODULE_NAME = "my_ring"
pr_fmt = "my_ring: "

IRQ_STATUS = UART_IRQ_STATUS
IRQ_CLEAR = UART_IRQ_CLEAR
IRQ_PENDING = UART_IRQ_PENDING
RX_READY = UART_RX_READY
RX_FIFO_COUNT = UART_RX_FIFO_COUNT
RX_DATA = UART_RX_DATA

board: dict[str, object] = {}


class my_device(Struct):
    def __init__(self) -> None:
        self.lock = spinlock()
        self.regs = None
        self.rx_data = [0] * 16
        self.rx_head = 0
        self.rx_tail = 0
        self.rx_wait = wait_queue_head()
        self.irq = 0


dev = my_device()


def my_handler(irq: int, dev_id: my_device) -> int:
    dev = dev_id

    status = readl(dev.regs + IRQ_STATUS)
    if not status & IRQ_PENDING:
        return IRQ_NONE

    # Clear interrupt
    writel(status, dev.regs + IRQ_CLEAR)

    if status & RX_READY:
        flags = spin_lock_irqsave(dev.lock)

        # Read data into circular buffer
        while readl(dev.regs + RX_FIFO_COUNT):
            next_ = (dev.rx_head + 1) % 16
            if next_ != dev.rx_tail:
                dev.rx_data[dev.rx_head] = readl(dev.regs + RX_DATA)
                dev.rx_head = next_

        spin_unlock_irqrestore(dev.lock, flags)

        # Wake up readers
        wake_up_interruptible(dev.rx_wait)

    return IRQ_HANDLED


def my_read(count: int) -> bytes:
    """The driver's read() (not in the seed): sleep until the ring has data, then take up to ``count`` bytes."""
    if wait_event_interruptible(dev.rx_wait, lambda: dev.rx_head != dev.rx_tail):
        return b""  # -ERESTARTSYS
    out = bytearray()
    flags = spin_lock_irqsave(dev.lock)
    while dev.rx_tail != dev.rx_head and len(out) < count:
        out.append(dev.rx_data[dev.rx_tail])
        dev.rx_tail = (dev.rx_tail + 1) % 16
    spin_unlock_irqrestore(dev.lock, flags)
    return bytes(out)


def module_init() -> int:
    global dev
    dev = my_device()
    spin_lock_init(dev.lock)
    init_waitqueue_head(dev.rx_wait)
    dev.regs = ioremap(board["uart"])
    dev.irq = int(board["irq"])  # type: ignore[call-overload]
    writel(RX_READY, dev.regs + UART_IRQ_ENABLE)
    return request_irq(dev.irq, my_handler, 0, "my_ring", dev)


def module_exit() -> None:
    writel(0, dev.regs + UART_IRQ_ENABLE)
    free_irq(dev.irq, dev)


lines: list[bytes] = []


def reader() -> None:
    """cat /dev/my_ring: read() until a newline, then print the line."""
    buf = bytearray()
    while True:
        buf += my_read(64)
        while b"\n" in buf:
            line, _, rest = bytes(buf).partition(b"\n")
            buf = bytearray(rest)
            lines.append(line)
            pr_info("read: %s\n", line.decode())


def main(seed: int = 1, reader_running: bool = True) -> Machine:
    """Two lines arrive at 2 ms and 10 ms; without the reader, the ring fills and the handler spins."""
    m = irqlab.boot("generic", cpus=2, seed=seed, trace=["irq_handler_entry", "irq_handler_exit"])
    uart = Uart(m.kernel.engine, "uart0", line=m.spi_line(34))
    board.update(uart=uart, irq=m.board.map_spi(34, "level"))
    lines.clear()
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    if reader_running:
        m.spawn(reader, name="cat", cpu=1)
    uart.receive(b"hello, world\n", at="2ms")
    uart.receive(b"interrupts are the doorbell\n", at="10ms")
    m.run(until="20ms")
    if reader_running:
        m.rmmod(MODULE_NAME)
    return m


if __name__ == "__main__":
    print(main().dmesg(), end="")
