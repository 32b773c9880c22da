"""Avoid loops: a handler that drains "while data is available" vs one that stops after 16 and defers the rest.

Seed 003's slow_handler and bounded_handler, ported line by line, each driving its own UART
(irqlab/hw/uart.py: 3 Mbaud, 64-byte FIFO) on its own level GIC SPI of the generic board:
uart0's interrupt goes to CPU1 (slow_handler), uart1's to CPU2 (bounded_handler). Handling a
byte (process_data()/read_data()) costs 20 us. At 2 ms a 64-byte burst arrives on both UARTs,
and on each of CPU1 and CPU2 a SCHED_FIFO 80 thread is due to wake at 2.1 ms.

- slow_handler empties the FIFO in one invocation: 64 x 20 us = 1.28 ms in hardirq context, and the
  real-time thread waits for all of it.
- bounded_handler returns after 16 bytes and schedule_work()s the rest. The device still holds
  unread bytes and RX_READY was latched again by the bytes that arrived meanwhile, so the line
  fires once more at once (a second bounded invocation); the remaining 32 bytes are handled by
  the work item in a kworker, which yields to the real-time thread (SCHED_FIFO runs first).

The seed's snippets do not acknowledge the UART; the port clears RX_READY first (the MUST rule),
or the level line would never drop. A loop that is "bounded" still defers work that must keep up:
if bytes arrived faster than 20 us each for long, both versions would lose data at the FIFO.
"""

from __future__ import annotations

from types import SimpleNamespace

import irqlab
from irqlab.hw.uart import UART_IRQ_CLEAR, UART_IRQ_ENABLE, UART_RX_DATA, UART_RX_FIFO_COUNT, UART_RX_READY, Uart
from irqlab.kernel import (
    GFP_KERNEL,
    INIT_WORK,
    IRQ_HANDLED,
    Struct,
    cancel_work_sync,
    cpu_work,
    free_irq,
    in_hardirq,
    ioremap,
    irq_set_affinity,
    ktime_get,
    kzalloc,
    pr_info,
    readl,
    request_irq,
    schedule_work,
    usleep_range,
    work_struct,
    writel,
)
from irqlab.machine import Machine

SEED_SECTION = "003: Handler Performance - Avoid Loops"
MODULE_NAME = "loops"
pr_fmt = "loops: "

PROCESS_NS = 20_000  # the cost of handling one byte

board: dict[str, object] = {}


class my_device(Struct):
    def __init__(self) -> None:
        self.name = ""
        self.regs = None
        self.irq = 0
        self.work = work_struct()
        self.in_irq = 0
        self.in_work = 0


def data_available(dev: my_device) -> bool:
    return bool(readl(dev.regs + UART_RX_FIFO_COUNT))


def process_data(dev: my_device) -> None:
    readl(dev.regs + UART_RX_DATA)
    cpu_work(PROCESS_NS)
    if in_hardirq():
        dev.in_irq += 1
    else:
        dev.in_work += 1


read_data = process_data


# BAD: Unbounded loop
def slow_handler(irq: int, dev_id: my_device) -> int:
    dev = dev_id
    writel(UART_RX_READY, dev.regs + UART_IRQ_CLEAR)  # added: acknowledge the UART

    while data_available(dev):  # Might loop forever!
        process_data(dev)

    return IRQ_HANDLED


# GOOD: Bounded loop
def bounded_handler(irq: int, dev_id: my_device) -> int:
    dev = dev_id
    count = 0
    writel(UART_RX_READY, dev.regs + UART_IRQ_CLEAR)  # added: acknowledge the UART

    while data_available(dev) and count < 16:
        read_data(dev)
        count += 1

    if data_available(dev):
        schedule_work(dev.work)  # Handle rest later

    return IRQ_HANDLED


def my_work_fn(work: work_struct) -> None:
    dev = next(d for d in devices if d.work is work)
    while data_available(dev):
        read_data(dev)


devices: list[my_device] = []


def module_init() -> int:
    devices.clear()
    for i, (hw, irq, cpu) in enumerate(zip(board["uarts"], board["irqs"], (1, 2))):  # type: ignore[call-overload]
        dev = kzalloc(my_device, GFP_KERNEL)
        dev.name = f"uart{i}"
        dev.regs = ioremap(hw)
        dev.irq = irq
        INIT_WORK(dev.work, my_work_fn)
        writel(UART_RX_READY, dev.regs + UART_IRQ_ENABLE)
        handler = slow_handler if i == 0 else bounded_handler
        ret = request_irq(irq, handler, 0, "slow" if i == 0 else "bounded", dev)
        if ret:
            return ret
        irq_set_affinity(irq, 1 << cpu)
        devices.append(dev)
    return 0


def module_exit() -> None:
    for dev in devices:
        writel(0, dev.regs + UART_IRQ_ENABLE)
        free_irq(dev.irq, dev)
        cancel_work_sync(dev.work)
        pr_info("%s: %d byte(s) handled in hardirq context, %d in the work item\n", dev.name, dev.in_irq,
                dev.in_work)  # fmt: skip


latency: dict[int, int] = {}


def rt_probe(cpu: int) -> None:
    """A SCHED_FIFO 80 thread that must wake 1.1 ms after it starts (at 2.1 ms)."""
    t0 = ktime_get()
    usleep_range(1100, 1100)
    latency[cpu] = ktime_get() - t0 - 1_100_000
    pr_info("rt thread on CPU%d woke %lld us late\n", cpu, latency[cpu] // 1000)


def main(seed: int = 1) -> Machine:
    m = irqlab.boot("generic", cpus=4, seed=seed, trace=["irq_handler_entry", "irq_handler_exit",
                                                          "workqueue_execute_start", "workqueue_execute_end"])  # fmt: skip
    uarts = [Uart(m.kernel.engine, f"uart{i}", line=m.spi_line(37 + i), baud=3_000_000, fifo_depth=64)
             for i in range(2)]  # fmt: skip
    board.update(uarts=uarts, irqs=[m.board.map_spi(37 + i, "level") for i in range(2)])
    latency.clear()
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    for cpu in (1, 2):
        m.at("1ms", lambda cpu=cpu: m.spawn(rt_probe, cpu, name=f"rt{cpu}", cpu=cpu, policy="fifo", prio=80))
    for u in uarts:
        u.receive(bytes(range(64)), at="2ms")
    m.run(until="10ms")
    lines = []
    for irq, name in zip(board["irqs"], ("slow", "bounded")):  # type: ignore[call-overload]
        ent = [e.ts for e in m.trace.events("irq_handler_entry") if e["irq"] == irq]
        ext = [e.ts for e in m.trace.events("irq_handler_exit") if e["irq"] == irq]
        lines.append(f"{name}: " + ", ".join(f"{(x - e) / 1000:.1f} us at {e / 1e6:.3f} ms" for e, x in zip(ent, ext)))
    shown["hardirq invocations (irq_handler_entry -> exit)"] = "\n".join(lines) + "\n"
    m.rmmod(MODULE_NAME)
    return m


shown: dict[str, str] = {}


def report(m: Machine) -> str:
    """How long each handler invocation held its CPU."""
    return "".join(f"--- {what} ---\n{text}" for what, text in shown.items())


if __name__ == "__main__":
    print(main().dmesg() + report(None), end="")  # type: ignore[arg-type]
