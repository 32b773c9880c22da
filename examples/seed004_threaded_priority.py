"""Priority control with threaded interrupts: a SCHED_FIFO 60 task preempts the IRQ thread (FIFO 50), never a hardirq.

Seed 004's "Why Use Threaded Interrupts?", made measurable on one CPU of the generic board: a device
interrupts every 5 ms and each event needs 2 ms of processing. Two periodic real-time tasks wake
every 1 ms on an hrtimer and record how late they run: "rt60" (SCHED_FIFO 60, above the IRQ
thread's 50) and "rt40" (SCHED_FIFO 40, below it).

- Threaded (the default): the primary handler only acknowledges the device and returns
  IRQ_WAKE_THREAD; the 2 ms run in irq/N-slowdev at FIFO 50. rt60 preempts it and stays on time
  (microseconds late); rt40 waits behind it (up to ~2 ms).
- ``main(seed, threaded=False)``: the same 2 ms in the hardirq handler. Nothing preempts a
  hardirq, so both tasks, rt60 included, are up to ~2 ms late.
"""

from __future__ import annotations

from types import SimpleNamespace

import irqlab
from irqlab.hw.mmio import MMIO_CLEAR, MMIO_ENABLE, MMIO_RX_READY, MmioDevice
from irqlab.kernel import (
    IRQ_HANDLED,
    IRQ_WAKE_THREAD,
    IRQF_ONESHOT,
    cpu_work,
    free_irq,
    ioremap,
    ktime_get,
    pr_info,
    request_irq,
    request_threaded_irq,
    usleep_range,
    writel,
)
from irqlab.machine import Machine

SEED_SECTION = "004: Why Use Threaded Interrupts?"
MODULE_NAME = "slowdev"
pr_fmt = "slowdev: "

WORK_NS = 2_000_000  # processing per event
board: dict[str, object] = {}
options = {"threaded": True}


def slowdev_ack(irq: int, dev: object) -> int:
    writel(MMIO_RX_READY, ioremap(board["device"]) + MMIO_CLEAR)
    return IRQ_WAKE_THREAD


def slowdev_thread(irq: int, dev: object) -> int:
    cpu_work(WORK_NS)
    return IRQ_HANDLED


def slowdev_hardirq(irq: int, dev: object) -> int:
    writel(MMIO_RX_READY, ioremap(board["device"]) + MMIO_CLEAR)
    cpu_work(WORK_NS)  # all of it in hardirq context
    return IRQ_HANDLED


def module_init() -> int:
    irq = int(board["irq"])  # type: ignore[call-overload]
    writel(MMIO_RX_READY, ioremap(board["device"]) + MMIO_ENABLE)
    if options["threaded"]:
        return request_threaded_irq(irq, slowdev_ack, slowdev_thread, IRQF_ONESHOT, "slowdev", board)
    return request_irq(irq, slowdev_hardirq, 0, "slowdev", board)


def module_exit() -> None:
    free_irq(int(board["irq"]), board)  # type: ignore[call-overload]
    for name, lat in sorted(latency.items()):
        pr_info("%s: %d wakeups, worst %lld us late\n", name, len(lat), max(lat) // 1000)


latency: dict[str, list[int]] = {}


def periodic(name: str) -> None:
    """Wake every 1 ms (hrtimer) and record how late each wakeup ran."""
    lat = latency[name]
    t = ktime_get()
    for _ in range(60):
        t += 1_000_000
        delta_us = max((t - ktime_get()) // 1000, 0)
        usleep_range(delta_us, delta_us)
        lat.append(ktime_get() - t)


def main(seed: int = 1, threaded: bool = True) -> Machine:
    """Events at 2, 7, 12, ... ms; rt60 and rt40 run from 1 ms for 60 periods."""
    m = irqlab.boot("generic", cpus=1, seed=seed)
    hw = MmioDevice(m.kernel.engine, "mmio0", line=m.spi_line(51))
    board.update(device=hw, irq=m.board.map_spi(51, "level"))
    options["threaded"] = threaded
    latency.clear()
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    for name, prio in (("rt60", 60), ("rt40", 40)):
        latency[name] = []
        m.at("1ms", lambda name=name, prio=prio: m.spawn(periodic, name, name=name, policy="fifo", prio=prio,
                                                          user=True))  # fmt: skip
    hw.trigger_every("5ms", start="2300us", count=12)
    m.run(until="70ms")
    irq_threads = [t for t in m.tasks if t.comm.startswith("irq/") and t.comm.endswith("-slowdev")]
    shown["threads"] = "".join(f"{t.comm}: policy {t.policy}, rt_priority {t.rt_priority}\n"
                               for t in irq_threads + [m.task("rt60"), m.task("rt40")])  # fmt: skip
    m.rmmod(MODULE_NAME)
    return m


shown: dict[str, str] = {}


def report(m: Machine) -> str:
    """The scheduling policy (1 = SCHED_FIFO) and RT priority of the IRQ thread and the two tasks."""
    return "".join(f"--- {what} ---\n{text}" for what, text in shown.items())


if __name__ == "__main__":
    print(main().dmesg() + report(None), end="")  # type: ignore[arg-type]
