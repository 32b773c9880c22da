"""devm_request_threaded_irq(): IRQ_NONE, IRQ_HANDLED or IRQ_WAKE_THREAD from the hard-IRQ handler; a thread-only IRQ.

Ported from seed 002's "Threaded IRQ Handlers" and the irqreturn_t values. One platform
device with two interrupt resources on a Raspberry Pi 5's GIC:

- IRQ 0 has both handlers. The hard-IRQ handler reads the status: not ours, IRQ_NONE; a
  transmitter-empty event it finishes at once and returns IRQ_HANDLED, which does not wake
  the thread; a received byte needs the slow path, so it returns IRQ_WAKE_THREAD and the
  thread handler (in irq/N-mydev.0) reads and clears it and returns IRQ_HANDLED. The line is
  level-triggered and the status is cleared in the thread, so the request sets IRQF_ONESHOT.
- IRQ 1 is "exclusively threaded": handler NULL, so the core installs its default primary
  handler (it only returns IRQ_WAKE_THREAD) and IRQF_ONESHOT is mandatory: probe first
  shows the request without it failing with -EINVAL.
Both are managed: unbinding the driver frees them.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import irqlab
from irqlab.hw.mmio import MMIO_CLEAR, MMIO_DATA, MMIO_ENABLE, MMIO_RX_READY, MMIO_STATUS, MMIO_TX_EMPTY, MmioDevice
from irqlab.kernel import (
    GFP_KERNEL,
    IRQ_HANDLED,
    IRQ_NONE,
    IRQ_WAKE_THREAD,
    IRQF_ONESHOT,
    dev_info,
    devm_request_threaded_irq,
    ioremap,
    kzalloc,
    msleep,
    platform_device,
    platform_device_register,
    platform_device_unregister,
    platform_driver,
    platform_driver_register,
    platform_driver_unregister,
    platform_get_irq,
    readl,
    writel,
)

SEED_SECTION = "002: Threaded IRQ Handlers (devm_request_threaded_irq)"
MODULE_NAME = "mydev"

SPIS = (71, 72)
board: dict[str, Any] = {}  # filled by main() as a device tree would


class mydev_priv:
    def __init__(self) -> None:
        self.regs: list[Any] = []
        self.pdev: platform_device | None = None


def mydev_hardirq(irq: int, dev_id: mydev_priv) -> int:
    priv = dev_id
    status = readl(priv.regs[0] + MMIO_STATUS)
    if not status & (MMIO_RX_READY | MMIO_TX_EMPTY):
        return IRQ_NONE  # the interrupt does not come from the device
    if status & MMIO_TX_EMPTY:
        writel(MMIO_TX_EMPTY, priv.regs[0] + MMIO_CLEAR)  # quick: done here
        dev_info(priv.pdev, "hardirq: tx empty, handled\n")
        if not status & MMIO_RX_READY:
            return IRQ_HANDLED  # acknowledged; the thread is not woken
    return IRQ_WAKE_THREAD  # the rest is too slow for hard-IRQ context


def mydev_thread(irq: int, dev_id: mydev_priv) -> int:
    priv = dev_id
    msleep(1)  # e.g. a slow bus transfer
    data = readl(priv.regs[0] + MMIO_DATA)
    writel(MMIO_RX_READY, priv.regs[0] + MMIO_CLEAR)
    dev_info(priv.pdev, "thread: rx %#x\n", data)
    return IRQ_HANDLED


def mydev_thread_only(irq: int, dev_id: mydev_priv) -> int:
    priv = dev_id
    writel(MMIO_RX_READY, priv.regs[1] + MMIO_CLEAR)
    dev_info(priv.pdev, "thread-only handler: event on irq %d\n", irq)
    return IRQ_HANDLED


def mydev_probe(pdev: platform_device) -> int:
    dev = pdev.dev
    priv = kzalloc(mydev_priv, GFP_KERNEL)
    priv.pdev = pdev
    priv.regs = [ioremap(r) for r in board["regs"]]
    irq0, irq1 = platform_get_irq(pdev, 0), platform_get_irq(pdev, 1)
    if irq0 < 0 or irq1 < 0:
        return irq0 if irq0 < 0 else irq1
    ret = devm_request_threaded_irq(dev, irq0, mydev_hardirq, mydev_thread, IRQF_ONESHOT, None, priv)
    if ret:
        return ret
    # Exclusively threaded: without IRQF_ONESHOT the request is refused...
    ret = devm_request_threaded_irq(dev, irq1, None, mydev_thread_only, 0, None, priv)
    dev_info(pdev, "thread-only request without IRQF_ONESHOT: %d\n", ret)
    # ...with it, the default primary handler wakes the thread.
    ret = devm_request_threaded_irq(dev, irq1, None, mydev_thread_only, IRQF_ONESHOT, None, priv)
    if ret:
        return ret
    for r in priv.regs:
        writel(MMIO_RX_READY | MMIO_TX_EMPTY, r + MMIO_ENABLE)
    dev_info(pdev, "irqs %d and %d requested\n", irq0, irq1)
    return 0


mydev_driver = platform_driver("mydev", mydev_probe)
mydev_pdev: platform_device | None = None


def mydev_init() -> int:
    global mydev_pdev
    mydev_pdev = platform_device("mydev", 0, irqs=list(board["irqs"]))
    platform_device_register(mydev_pdev)
    return platform_driver_register(mydev_driver)


def mydev_exit() -> None:
    platform_driver_unregister(mydev_driver)  # the managed IRQs are freed here
    platform_device_unregister(mydev_pdev)


module_init = mydev_init
module_exit = mydev_exit

#: (ms, device index, causes)
EVENTS = ((10, 0, MMIO_TX_EMPTY), (20, 0, MMIO_RX_READY), (30, 1, MMIO_RX_READY), (40, 0, MMIO_TX_EMPTY | MMIO_RX_READY))
shown: dict[str, str] = {}


def main(seed: int = 1) -> irqlab.Machine:
    """tx-empty at 10 ms, rx at 20 ms, the thread-only line at 30 ms, both causes at 40 ms; rmmod at 80 ms."""
    shown.clear()
    m = irqlab.boot("rpi5", seed=seed, trace=["irq_handler_entry", "irq_handler_exit", "irq_thread_entry"])
    hw = [MmioDevice(m.kernel.engine, f"mydev{i}", line=m.spi_line(s)) for i, s in enumerate(SPIS)]
    board.update(regs=hw, irqs=[m.board.map_spi(s, "level") for s in SPIS])
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    for t, i, bits in EVENTS:
        hw[i].trigger(at=f"{t}ms", bits=bits, data=t)
    m.run(until="80ms")
    shown["/proc/interrupts"] = "".join(r + "\n" for r in m.read("/proc/interrupts").splitlines() if r.endswith(" mydev.0"))
    m.rmmod(MODULE_NAME)
    return m


def report(m: irqlab.Machine) -> str:
    """What else the reader looks at: /proc/interrupts while bound, and each hardirq's return and thread run."""
    out = []
    for e in m.trace.events():
        if e.name in ("irq_handler_entry", "irq_handler_exit", "irq_thread_entry") and e["irq"] in board["irqs"]:
            what = e["ret"] if e.name == "irq_handler_exit" else e["name"]
            out.append(f"{e.ts / 1e6:8.3f} ms  {e.name:17s} irq={e['irq']} {what}  [{e.comm}]")
    return "".join(f"--- {k} ---\n{v}" for k, v in shown.items()) + "--- trace ---\n" + "\n".join(out) + "\n"


if __name__ == "__main__":
    mach = main()
    print(mach.dmesg() + report(mach), end="")
