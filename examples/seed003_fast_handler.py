"""Keep it fast: check, ack, grab the data and return IRQ_WAKE_THREAD; the IRQ thread does the real work.

Seed 003's fast_handler, ported line by line onto irqlab.hw.mmio.MmioDevice (IRQ_STATUS, IRQ_ACK,
DATA) on level GIC SPIs of the generic board. Returning IRQ_WAKE_THREAD only works when a thread
function was requested, so the port registers it twice:

- "fast0" with request_threaded_irq(): each interrupt costs the CPU about 250 ns of hardirq time,
  and the irq/N-fast0 thread (SCHED_FIFO 50) does 100 us of processing per event. Two events
  1 us apart collapse into one thread run (kernel/irq/handle.c __irq_wake_thread()), so the
  single dev->data slot loses the first value, as the C would;
- "fast1" with plain request_irq(), the mistake the seed's snippet invites: the kernel prints
  "IRQ N device fast1 returned IRQ_WAKE_THREAD but no thread function available." once, and the
  work is never done.
"""

from __future__ import annotations

from types import SimpleNamespace

import irqlab
from irqlab.hw.mmio import MMIO_CLEAR, MMIO_DATA, MMIO_ENABLE, MMIO_RX_READY, MMIO_STATUS, MmioDevice
from irqlab.kernel import (
    GFP_KERNEL,
    IRQ_HANDLED,
    IRQ_NONE,
    IRQ_WAKE_THREAD,
    Struct,
    cpu_work,
    free_irq,
    ioremap,
    kzalloc,
    pr_info,
    readl,
    request_irq,
    request_threaded_irq,
    writel,
)
from irqlab.machine import Machine

SEED_SECTION = "003: Handler Performance - Keep It Fast"
MODULE_NAME = "fast_dev"
pr_fmt = "fast_dev: "

IRQ_STATUS = MMIO_STATUS
IRQ_ACK = MMIO_CLEAR  # writing 1 clears the RX_READY cause
DATA = MMIO_DATA

board: dict[str, object] = {}


class my_device(Struct):
    def __init__(self) -> None:
        self.name = ""
        self.regs = None
        self.irq = 0
        self.data = 0
        self.processed: list[int] = []


devices: list[my_device] = []


# GOOD: Minimal work in handler
def fast_handler(irq: int, dev_id: my_device) -> int:
    dev = dev_id

    # Quick check and ack
    if not readl(dev.regs + IRQ_STATUS):
        return IRQ_NONE

    writel(1, dev.regs + IRQ_ACK)

    # Just grab the data
    dev.data = readl(dev.regs + DATA)

    # Schedule real work for later
    return IRQ_WAKE_THREAD


def fast_thread_fn(irq: int, dev_id: my_device) -> int:
    """The real work, in the IRQ thread: 100 us of processing per event."""
    dev = dev_id
    data = dev.data
    cpu_work(100_000)
    dev.processed.append(data)
    pr_info("%s: processed data %#x\n", dev.name, data)
    return IRQ_HANDLED


def module_init() -> int:
    devices.clear()
    for i, (hw, irq) in enumerate(zip(board["devices"], board["irqs"])):  # type: ignore[call-overload]
        dev = kzalloc(my_device, GFP_KERNEL)
        dev.name = f"fast{i}"
        dev.regs = ioremap(hw)
        dev.irq = irq
        writel(MMIO_RX_READY, dev.regs + MMIO_ENABLE)
        if i == 0:
            ret = request_threaded_irq(irq, fast_handler, fast_thread_fn, 0, dev.name, dev)
        else:
            ret = request_irq(irq, fast_handler, 0, dev.name, dev)  # no thread to wake: a bug
        if ret:
            return ret
        devices.append(dev)
    return 0


def module_exit() -> None:
    for dev in reversed(devices):
        writel(0, dev.regs + MMIO_ENABLE)
        free_irq(dev.irq, dev)
        pr_info("%s: %d event(s) processed\n", dev.name, len(dev.processed))


def main(seed: int = 1) -> Machine:
    """fast0: events at 2 ms (0x11), 5 ms (0x22) and 5.001 ms (0x33); fast1: events at 3 and 4 ms."""
    m = irqlab.boot("generic", cpus=1, seed=seed,
                    trace=["irq_handler_entry", "irq_handler_exit", "irq_thread_entry", "irq_thread_exit"])  # fmt: skip
    hw = [MmioDevice(m.kernel.engine, f"mmio{i}", line=m.spi_line(43 + i)) for i in range(2)]
    board.update(devices=hw, irqs=[m.board.map_spi(43 + i, "level") for i in range(2)])
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    hw[0].trigger(at="2ms", data=0x11)
    hw[0].trigger(at="5ms", data=0x22)
    hw[0].trigger(at="5001us", data=0x33)
    hw[1].trigger(at="3ms", data=0x44)
    hw[1].trigger(at="4ms", data=0x55)
    m.run(until="10ms")
    irqs = board["irqs"]
    shown["trace"] = "".join(e.text() + "\n" for e in m.trace.events() if e.fields.get("irq") in irqs)  # type: ignore[operator]
    m.rmmod(MODULE_NAME)
    return m


shown: dict[str, str] = {}


def report(m: Machine) -> str:
    """The hardirq and IRQ-thread trace events of both devices."""
    return "".join(f"--- {what} ---\n{text}" for what, text in shown.items())


if __name__ == "__main__":
    print(main().dmesg() + report(None), end="")  # type: ignore[arg-type]
