"""Mistake 2 with IRQ_NONE: a level source nobody clears is reported ("nobody cared") and its line disabled.

The other face of seed 003's "Mistake 2: Not Clearing Interrupt". This UART driver only expects
TX-complete interrupts: its handler checks TX_EMPTY, clears it and returns IRQ_NONE for anything
else, but RX interrupts are enabled too. When a byte arrives at 2 ms, RX_READY asserts the level
line and nobody ever clears it: the GIC delivers it again after every EOI, and every time the
handler says "not mine". kernel/irq/spurious.c counts those: after 100000 interrupts of which more
than 99900 were unhandled it prints "irq N: nobody cared (try booting with the "irqpoll" option)",
a stack, the handler list and "Disabling IRQ #N", and masks the line for good (the spurious poll
timer only retries shared lines). The driver is now deaf: its transmission at 100 ms never
completes and its 100 ms wait times out.
"""

from __future__ import annotations

from types import SimpleNamespace

import irqlab
from irqlab.hw.uart import (
    UART_IRQ_CLEAR,
    UART_IRQ_ENABLE,
    UART_IRQ_STATUS,
    UART_RX_READY,
    UART_TX_DATA,
    UART_TX_EMPTY,
    Uart,
)
from irqlab.kernel import (
    IRQ_HANDLED,
    IRQ_NONE,
    Struct,
    complete,
    completion,
    free_irq,
    init_completion,
    ioremap,
    msecs_to_jiffies,
    msleep,
    pr_err,
    pr_info,
    readl,
    reinit_completion,
    request_irq,
    wait_for_completion_timeout,
    writel,
)
from irqlab.machine import Machine

SEED_SECTION = "003: Common Mistakes - Mistake 2: Not Clearing Interrupt"
MODULE_NAME = "deaf_uart"
pr_fmt = "deaf_uart: "

board: dict[str, object] = {}


class my_device(Struct):
    def __init__(self) -> None:
        self.regs = None
        self.irq = 0
        self.tx_done = completion()


dev = my_device()


def tx_only_handler(irq: int, dev_id: my_device) -> int:
    dev = dev_id
    status = readl(dev.regs + UART_IRQ_STATUS)
    if not status & UART_TX_EMPTY:
        return IRQ_NONE  # "not mine" - but RX_READY is this device's, and it stays set
    writel(UART_TX_EMPTY, dev.regs + UART_IRQ_CLEAR)
    complete(dev.tx_done)
    return IRQ_HANDLED


def send(text: bytes) -> int:
    """Queue ``text`` and wait up to 100 ms for TX_EMPTY. May sleep."""
    reinit_completion(dev.tx_done)
    for c in text:
        writel(c, dev.regs + UART_TX_DATA)
    if not wait_for_completion_timeout(dev.tx_done, msecs_to_jiffies(100)):
        pr_err("tx of %d byte(s) timed out\n", len(text))
        return -110  # -ETIMEDOUT
    pr_info("tx of %d byte(s) done\n", len(text))
    return 0


def module_init() -> int:
    global dev
    dev = my_device()
    init_completion(dev.tx_done)
    dev.regs = ioremap(board["uart"])
    dev.irq = int(board["irq"])  # type: ignore[call-overload]
    # RX interrupts are enabled as well (say, by the boot firmware or a copy-pasted init sequence).
    writel(UART_TX_EMPTY | UART_RX_READY, dev.regs + UART_IRQ_ENABLE)
    ret = request_irq(dev.irq, tx_only_handler, 0, "deaf_uart", dev)
    if ret:
        return ret
    return send(b"up\n")


def module_exit() -> None:
    writel(0, dev.regs + UART_IRQ_ENABLE)
    free_irq(dev.irq, dev)


def writer() -> None:
    msleep(100)
    send(b"hello\n")


def main(seed: int = 1) -> Machine:
    m = irqlab.boot("generic", cpus=2, seed=seed)
    uart = Uart(m.kernel.engine, "uart0", line=m.spi_line(47))
    board.update(uart=uart, irq=m.board.map_spi(47, "level"))
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    uart.receive(b"?", at="2ms")
    m.spawn(writer, name="writer")
    m.run(until="300ms")
    irq = board["irq"]
    shown["/proc/interrupts"] = m.read("/proc/interrupts")
    shown[f"/proc/irq/{irq}/spurious"] = m.read(f"/proc/irq/{irq}/spurious")
    m.rmmod(MODULE_NAME)
    return m


shown: dict[str, str] = {}


def report(m: Machine) -> str:
    """/proc/interrupts and /proc/irq/N/spurious after the line was disabled."""
    return "".join(f"--- {what} ---\n{text}" for what, text in shown.items())


if __name__ == "__main__":
    print(main().dmesg() + report(None), end="")  # type: ignore[arg-type]
