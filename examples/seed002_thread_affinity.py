"""smp_affinity moves the hard-IRQ handler and the IRQ thread; taskset separates them until the next change.

Ported from seed 002's "Threaded IRQ Handlers": "/proc/irq/<IRQ>/smp_affinity can be used to
get or set the corresponding <IRQ> affinity. This way, the affinity of the hard-interrupt
handler can be set to one CPU, while the affinity of the threaded handler can be set to
another CPU." What 6.12 does: writing smp_affinity moves the hard-IRQ handler, and the IRQ
thread moves with it (irq_thread_check_affinity() copies the IRQ's effective affinity into
the thread the next time it runs); the thread can be put elsewhere only with
sched_setaffinity() (``taskset -p``), and the next smp_affinity write moves it back. A device
on a GIC SPI of a Raspberry Pi 5 interrupts every 20 ms; the handlers print their CPU.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import irqlab
from irqlab.hw.mmio import MMIO_CLEAR, MMIO_ENABLE, MMIO_RX_READY, MMIO_STATUS, MmioDevice
from irqlab.kernel import (
    IRQ_HANDLED,
    IRQ_NONE,
    IRQ_WAKE_THREAD,
    IRQF_ONESHOT,
    free_irq,
    ioremap,
    pr_info,
    readl,
    request_threaded_irq,
    set_cpus_allowed_ptr,
    smp_processor_id,
    writel,
)
from irqlab.kernel.vsprintf import cpumask_list

SEED_SECTION = "002: Threaded IRQ Handlers (hard-IRQ and thread affinity)"
MODULE_NAME = "affinity"

DEV_SPI = 95
board: dict[str, Any] = {}  # filled by main(): the device and its irq
regs = None
round_ = [0]


def hard(irq: int, dev: object) -> int:
    if not readl(regs + MMIO_STATUS) & MMIO_RX_READY:
        return IRQ_NONE
    round_[0] += 1
    pr_info("affinity: event %d: hard-IRQ handler on CPU %d\n", round_[0], smp_processor_id())
    return IRQ_WAKE_THREAD


def thread(irq: int, dev: object) -> int:
    writel(MMIO_RX_READY, regs + MMIO_CLEAR)
    pr_info("affinity: event %d: thread handler on CPU %d\n", round_[0], smp_processor_id())
    return IRQ_HANDLED


def affinity_init() -> int:
    global regs
    regs = ioremap(board["dev"])
    round_[0] = 0
    writel(MMIO_RX_READY, regs + MMIO_ENABLE)
    return request_threaded_irq(int(board["irq"]), hard, thread, IRQF_ONESHOT, "affinity", board)


def affinity_exit() -> None:
    free_irq(int(board["irq"]), board)


module_init = affinity_init
module_exit = affinity_exit

shown: list[tuple[str, str]] = []


def taskset(m: irqlab.Machine, comm: str, cpu: int) -> None:
    """``taskset -p -c CPU $(pgrep COMM)``: sched_setaffinity() on the IRQ thread."""
    t = m.task(comm)
    m.spawn(lambda: set_cpus_allowed_ptr(t, 1 << cpu), name="taskset")


def main(seed: int = 1) -> irqlab.Machine:
    """Events at 10, 30, 50, 70 ms; smp_affinity_list=2 at 20 ms, taskset the thread to CPU 3 at 40 ms,
    smp_affinity_list=1 at 60 ms; rmmod at 90 ms."""
    shown.clear()
    m = irqlab.boot("rpi5", seed=seed, trace=["irq_handler_entry", "irq_thread_entry"])
    dev = MmioDevice(m.kernel.engine, "affdev", line=m.spi_line(DEV_SPI))
    irq = m.board.map_spi(DEV_SPI, "level")
    board.update(dev=dev, irq=irq)
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    for t in (10, 30, 50, 70):
        dev.trigger(at=f"{t}ms")
    steps = ((20, f"echo 2 > /proc/irq/{irq}/smp_affinity_list"), (40, f"taskset -p -c 3 $(pgrep irq/{irq}-affinity)"),
             (60, f"echo 1 > /proc/irq/{irq}/smp_affinity_list"))  # fmt: skip
    for t, cmd in steps:
        m.run(until=f"{t}ms")
        if cmd.startswith("echo"):
            ret = m.write(f"/proc/irq/{irq}/smp_affinity_list", cmd.split()[1] + "\n")
            shown.append((cmd, "" if ret >= 0 else f"error {ret}\n"))
        else:
            t = m.task(f"irq/{irq}-affinity")
            before = cpumask_list(t.cpus_allowed)
            taskset(m, t.comm, 3)
            m.run_until(lambda: t.cpus_allowed == 1 << 3, "1ms")
            shown.append((cmd, f"pid {t.pid}'s current affinity list: {before}\n"
                               f"pid {t.pid}'s new affinity list: {cpumask_list(t.cpus_allowed)}\n"))
    m.run(until="90ms")
    m.rmmod(MODULE_NAME)
    return m


def report(m: irqlab.Machine) -> str:
    """What else the reader looks at: the shell steps between the events."""
    return "".join(f"$ {cmd}\n{out}" for cmd, out in shown)


if __name__ == "__main__":
    mach = main()
    print(mach.dmesg() + report(mach), end="")
