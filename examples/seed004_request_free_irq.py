"""request_irq()/free_irq() on a shared line: dev_id rules, flag mismatch, free_irq() waiting for a running handler.

Seed 004's "request_irq() - The Classic Entry Point", "Freeing an IRQ: free_irq()" and the IRQF_SHARED
rules, each checked on a level GIC SPI of the generic board shared by two MmioDevices:

- IRQF_SHARED with a NULL dev_id: -EINVAL, silently (request_threaded_irq() checks it first);
- devA and devB share the line; "loner" asks for it without IRQF_SHARED: genirq prints "Flags
  mismatch" and returns -EBUSY;
- devB's handler takes 500 us; free_irq(devB) called meanwhile from another CPU waits for it to
  finish (synchronize_irq()) and returns the devname "devB";
- free_irq(devB) again: "Trying to free already-free IRQ" (a WARNING) and NULL;
- the seed's pitfall: devB was not told to stop interrupting before free_irq(). When it signals
  again, only devA's handler is left and answers IRQ_NONE; the level line storms and
  /proc/irq/N/spurious counts unhandled interrupts (at 99900 of 100000 the kernel would disable the
  line for devA too, see seed003_not_checking_source.py). Here devB is reset after 2 ms.
"""

from __future__ import annotations

from types import SimpleNamespace

import irqlab
from irqlab.hw.mmio import MMIO_CLEAR, MMIO_ENABLE, MMIO_IRQ_PENDING, MMIO_RX_READY, MMIO_STATUS, MmioDevice
from irqlab.kernel import (
    IRQ_HANDLED,
    IRQ_NONE,
    IRQF_SHARED,
    free_irq,
    ioremap,
    ktime_get,
    pr_info,
    readl,
    request_irq,
    udelay,
    writel,
)
from irqlab.machine import Machine

SEED_SECTION = "004: request_irq() - The Classic Entry Point"
MODULE_NAME = "sharedemo"
pr_fmt = "sharedemo: "

board: dict[str, object] = {}
handled: dict[str, int] = {}


class my_dev:
    def __init__(self, name: str, hw: MmioDevice, slow: bool) -> None:
        self.name = name
        self.regs = ioremap(hw)
        self.slow = slow


devs: dict[str, my_dev] = {}


def my_handler(irq: int, dev_id: my_dev) -> int:
    dev = dev_id
    if not readl(dev.regs + MMIO_STATUS) & MMIO_IRQ_PENDING:
        return IRQ_NONE
    writel(MMIO_RX_READY, dev.regs + MMIO_CLEAR)
    if dev.slow:
        udelay(500)
    handled[dev.name] = handled.get(dev.name, 0) + 1
    return IRQ_HANDLED


def module_init() -> int:
    irq = int(board["irq"])  # type: ignore[call-overload]
    for name, slow in (("devA", False), ("devB", True)):
        devs[name] = my_dev(name, board[name], slow)  # type: ignore[arg-type]
        writel(MMIO_RX_READY, devs[name].regs + MMIO_ENABLE)

    ret = request_irq(irq, my_handler, IRQF_SHARED, "devA", None)
    pr_info("request_irq(IRQF_SHARED, dev_id=NULL) = %d\n", ret)
    for name in ("devA", "devB"):
        ret = request_irq(irq, my_handler, IRQF_SHARED, name, devs[name])
        pr_info("request_irq(IRQF_SHARED, %s) = %d\n", name, ret)
        if ret:
            return ret
    ret = request_irq(irq, my_handler, 0, "loner", devs["devA"])
    pr_info("request_irq(0, loner) = %d\n", ret)
    return 0


def module_exit() -> None:
    free_irq(int(board["irq"]), devs["devA"])  # type: ignore[call-overload]
    pr_info("handled: %s\n", ", ".join(f"{k} {v}" for k, v in sorted(handled.items())))


def remover() -> None:
    """On another CPU, while devB's handler runs: free_irq(devB), twice."""
    irq = int(board["irq"])  # type: ignore[call-overload]
    t0 = ktime_get()
    name = free_irq(irq, devs["devB"])
    pr_info("free_irq(devB) returned %s after %lld us\n", name, (ktime_get() - t0) // 1000)
    name = free_irq(irq, devs["devB"])
    pr_info("free_irq(devB) again returned %s\n", name or "NULL")


def main(seed: int = 1) -> Machine:
    """devB interrupts at 2 ms and is freed at 2.1 ms from CPU1; at 5 ms it interrupts again (never disabled),
    and is reset at 7 ms."""
    m = irqlab.boot("generic", cpus=2, seed=seed)
    line = m.spi_line(52)
    hw = {n: MmioDevice(m.kernel.engine, n, line=line) for n in ("devA", "devB")}
    board.update(hw, irq=m.board.map_spi(52, "level"))
    handled.clear()
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    hw["devA"].trigger(at="1ms")
    hw["devB"].trigger(at="2ms")
    m.at("2100us", lambda: m.spawn(remover, name="remover", cpu=1))
    hw["devB"].trigger(at="5ms")
    m.at("7ms", hw["devB"].writel, MMIO_STATUS, MMIO_RX_READY)  # devB's own reset
    m.run(until="10ms")
    irq = board["irq"]
    shown[f"/proc/irq/{irq}/spurious"] = m.read(f"/proc/irq/{irq}/spurious")
    shown["/proc/interrupts"] = "".join(r + "\n" for r in m.read("/proc/interrupts").splitlines()[:5])
    m.rmmod(MODULE_NAME)
    return m


shown: dict[str, str] = {}


def report(m: Machine) -> str:
    """/proc/irq/N/spurious after the storm, and the line's row."""
    return "".join(f"--- {what} ---\n{text}" for what, text in shown.items())


if __name__ == "__main__":
    print(main().dmesg() + report(None), end="")  # type: ignore[arg-type]
