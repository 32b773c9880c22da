"""What a handler CANNOT do: sleep, wait, GFP_KERNEL, a mutex, user memory, a long loop; what a debug kernel reports.

Seed 003's bad_handler, ported line by line, on an edge-triggered device of the generic board
(so it runs once). A user task "app" computes on CPU0 when the interrupt arrives at 2 ms, so the
handler runs on app's stack, and each forbidden call behaves as on a CONFIG_DEBUG_ATOMIC_SLEEP kernel:

- msleep(10) calls schedule() from hardirq context: "BUG: scheduling while atomic: app/..." and
  the CPU really switches away; the handler resumes 4-5 jiffies later (msleep(10) at HZ=250);
- wait_event() checks might_sleep() first: "BUG: sleeping function called from invalid context";
- kmalloc(GFP_KERNEL), mutex_lock() and copy_from_user() hit the same check, but
  __might_resched() prints at most one report per second (kernel/sched/core.c), so they are silent;
- the million-iteration loop keeps the CPU in the handler for 50 ms: app makes no progress.

On a real kernel scheduling from an interrupt handler also corrupts the per-CPU IRQ stack, so the
machine usually dies soon after; irqlab keeps the handler's context intact and lets it finish.
"""

from __future__ import annotations

from types import SimpleNamespace

import irqlab
from irqlab.hw.mmio import MMIO_ENABLE, MMIO_RX_READY, MMIO_STATUS, MmioDevice
from irqlab.kernel import (
    DECLARE_WAIT_QUEUE_HEAD,
    GFP_KERNEL,
    IRQ_HANDLED,
    IRQF_TRIGGER_RISING,
    Struct,
    copy_from_user,
    cpu_work,
    free_irq,
    ioremap,
    kmalloc,
    msleep,
    mutex,
    mutex_lock,
    pr_info,
    request_irq,
    wait_event,
    writel,
)
from irqlab.machine import Machine

SEED_SECTION = "003: Handler Rules - What You CANNOT Do"
MODULE_NAME = "bad_dev"
pr_fmt = "bad_dev: "

board: dict[str, object] = {}

DO_WORK_NS = 50  # one iteration of do_work()
BATCH = 10_000  # performance trick: the CPU time of do_work() is charged every BATCH calls


class my_device(Struct):
    def __init__(self) -> None:
        self.regs = None
        self.irq = 0
        self.wq = DECLARE_WAIT_QUEUE_HEAD("bad_dev_wq")
        self.mutex = mutex("bad_dev_mutex")
        self.iterations = 0


dev = my_device()
condition = True  # what the seed's wait_event() waits for: already true, so it would not block
size = 64
buf = bytearray(16)
user = bytearray(b"from user space!")  # the interrupted task's memory, if anything
len_ = 16


def do_work() -> None:
    dev.iterations += 1
    if dev.iterations % BATCH == 0:
        cpu_work(BATCH * DO_WORK_NS)


def bad_handler(irq: int, dev_id: my_device) -> int:
    dev = dev_id

    # CANNOT: Sleep
    msleep(10)  # BAD!
    wait_event(dev.wq, lambda: condition)  # BAD!

    # CANNOT: Allocate with GFP_KERNEL
    ptr = kmalloc(size, GFP_KERNEL)  # BAD!  # noqa: F841

    # CANNOT: Acquire mutex
    mutex_lock(dev.mutex)  # BAD!

    # CANNOT: Access user space
    copy_from_user(buf, user, len_)  # BAD!

    # CANNOT: Take a long time
    for _i in range(1000000):  # BAD!
        do_work()

    return IRQ_HANDLED


def module_init() -> int:
    dev.regs = ioremap(board["device"])
    dev.irq = int(board["irq"])  # type: ignore[call-overload]
    dev.iterations = 0
    writel(MMIO_RX_READY, dev.regs + MMIO_ENABLE)
    return request_irq(dev.irq, bad_handler, IRQF_TRIGGER_RISING, "bad_dev", dev)


def module_exit() -> None:
    # The seed never unlocks dev->mutex: it stays held, as it would in C.
    writel(MMIO_RX_READY, dev.regs + MMIO_STATUS)
    writel(0, dev.regs + MMIO_ENABLE)
    free_irq(dev.irq, dev)
    pr_info("do_work() ran %d times in hardirq context\n", dev.iterations)


progress: list[int] = []


def app() -> None:
    """A user task computing in 100 us steps on CPU0 (it records when each step ends)."""
    from irqlab.kernel.core import kernel

    while True:
        cpu_work(100_000)
        progress.append(kernel().engine.now)


def main(seed: int = 1) -> Machine:
    m = irqlab.boot("generic", cpus=2, seed=seed, trace=["irq_handler_entry", "irq_handler_exit"])
    hw = MmioDevice(m.kernel.engine, "mmio0", line=m.spi_line(41), edge=True)
    board.update(device=hw, irq=m.board.map_spi(41, "edge"))
    progress.clear()
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    m.spawn(app, name="app", cpu=0, user=True)
    hw.trigger(at="2ms")
    m.run(until="100ms")
    m.rmmod(MODULE_NAME)
    return m


if __name__ == "__main__":
    print(main().dmesg(), end="")
