"""What a handler may safely do: GFP_ATOMIC, MMIO, spinlocks, atomics, RCU, wake-ups, completions, deferred work.

Seed 003's "Safe Operations in Handlers", every snippet in one handler, in the seed's order, on a
level-triggered device of the generic board. The MMIO snippet reads the status register and writes
the value back, which acknowledges the device (write-1-to-clear). Then the handler wakes two
waiting threads, completes a completion, schedules a tasklet and a work item, and returns
IRQ_WAKE_THREAD for its threaded handler (requested with IRQF_ONESHOT). dmesg shows where each of
them then runs: the tasklet at the handler's irq_exit in softirq context, the IRQ thread (SCHED_FIFO
50) and the woken tasks in process context, the work item in a kworker; no debug report appears.
"""

from __future__ import annotations

from types import SimpleNamespace

import irqlab
from irqlab.hw.mmio import MMIO_DATA, MMIO_ENABLE, MMIO_RX_READY, MMIO_STATUS, MmioDevice
from irqlab.kernel import (
    DECLARE_WAIT_QUEUE_HEAD,
    GFP_ATOMIC,
    INIT_WORK,
    IRQ_HANDLED,
    IRQ_WAKE_THREAD,
    IRQF_ONESHOT,
    Struct,
    atomic_inc,
    atomic_read,
    atomic_t,
    complete,
    completion,
    free_irq,
    in_hardirq,
    in_serving_softirq,
    in_task,
    init_completion,
    ioremap,
    kmalloc,
    pr_info,
    rcu_dereference,
    rcu_read_lock,
    rcu_read_unlock,
    readl,
    request_threaded_irq,
    schedule_work,
    smp_processor_id,
    spin_lock,
    spin_lock_init,
    spin_unlock,
    spinlock,
    tasklet_kill,
    tasklet_schedule,
    tasklet_setup,
    tasklet_struct,
    wait_event,
    wait_event_interruptible,
    wait_for_completion,
    wake_up,
    wake_up_interruptible,
    work_struct,
    writel,
)
from irqlab.kernel.core import kernel
from irqlab.machine import Machine

SEED_SECTION = "003: Safe Operations in Handlers"
MODULE_NAME = "safe_dev"
pr_fmt = "safe_dev: "

OFFSET = MMIO_STATUS  # the register the seed reads and writes back: here the write-1-to-clear status
size = 64

board: dict[str, object] = {}


class config:
    def __init__(self, threshold: int) -> None:
        self.threshold = threshold


class my_device(Struct):
    def __init__(self) -> None:
        self.regs = None
        self.irq = 0
        self.buffer = [0] * 16
        self.idx = 0
        self.lock = spinlock()
        self.count = atomic_t(0)
        self.cfg = config(3)  # RCU-protected configuration
        self.wait_queue = DECLARE_WAIT_QUEUE_HEAD("wait_queue")
        self.read_queue = DECLARE_WAIT_QUEUE_HEAD("read_queue")
        self.done = completion()
        self.tasklet = tasklet_struct()
        self.work = work_struct()
        self.ptr: object = None


dev = my_device()


def _ctx() -> str:
    where = "hardirq" if in_hardirq() else "softirq" if in_serving_softirq() else "task" if in_task() else "?"
    cur = kernel().cpu.curr  # type: ignore[union-attr]
    return f"{where}, CPU{smp_processor_id()}, {cur.comm}"


def safe_handler(irq: int, dev_id: my_device) -> int:
    dev = dev_id

    # OK: Atomic/GFP_ATOMIC allocations
    ptr = kmalloc(size, GFP_ATOMIC)
    dev.ptr = ptr

    # OK: Access pre-allocated memory
    data = readl(dev.regs + MMIO_DATA)
    dev.buffer[dev.idx] = data
    dev.idx += 1

    # OK: Memory-mapped I/O
    val = readl(dev.regs + OFFSET)
    writel(val, dev.regs + OFFSET)

    # OK: Spinlocks
    spin_lock(dev.lock)
    # critical section
    spin_unlock(dev.lock)

    # OK: Atomic operations
    atomic_inc(dev.count)

    # OK: Read-copy-update
    rcu_read_lock()
    cfg = rcu_dereference(dev.cfg)  # read data
    rcu_read_unlock()

    pr_info("handler: data %#x, count %d, threshold %d (%s)\n", data, atomic_read(dev.count), cfg.threshold, _ctx())

    # OK: Wake up waiting processes
    wake_up(dev.wait_queue)
    wake_up_interruptible(dev.read_queue)

    # OK: Complete a completion
    complete(dev.done)

    # OK: Schedule tasklet
    tasklet_schedule(dev.tasklet)

    # OK: Schedule workqueue
    schedule_work(dev.work)

    # OK: Wake threaded handler
    return IRQ_WAKE_THREAD


def safe_thread_fn(irq: int, dev_id: my_device) -> int:
    pr_info("threaded handler (%s)\n", _ctx())
    return IRQ_HANDLED


def my_tasklet(t: tasklet_struct) -> None:
    pr_info("tasklet (%s)\n", _ctx())


def my_work(w: work_struct) -> None:
    pr_info("work item (%s)\n", _ctx())


def waiter() -> None:
    wait_event(dev.wait_queue, lambda: dev.idx > 0)
    pr_info("woken from wait_queue (%s)\n", _ctx())


def reader() -> None:
    wait_event_interruptible(dev.read_queue, lambda: dev.idx > 0)
    pr_info("woken from read_queue (%s)\n", _ctx())


def finisher() -> None:
    wait_for_completion(dev.done)
    pr_info("completion done (%s)\n", _ctx())


def module_init() -> int:
    global dev
    dev = my_device()
    dev.regs = ioremap(board["device"])
    dev.irq = int(board["irq"])  # type: ignore[call-overload]
    spin_lock_init(dev.lock)
    init_completion(dev.done)
    tasklet_setup(dev.tasklet, my_tasklet)
    INIT_WORK(dev.work, my_work)
    writel(MMIO_RX_READY, dev.regs + MMIO_ENABLE)
    return request_threaded_irq(dev.irq, safe_handler, safe_thread_fn, IRQF_ONESHOT, "safe_dev", dev)


def module_exit() -> None:
    writel(0, dev.regs + MMIO_ENABLE)
    free_irq(dev.irq, dev)
    tasklet_kill(dev.tasklet)
    pr_info("exit: %d interrupt(s)\n", atomic_read(dev.count))


def main(seed: int = 1) -> Machine:
    """Three threads wait (on CPU1-3) for the device's one interrupt at 5 ms, which CPU0 takes."""
    m = irqlab.boot("generic", cpus=4, seed=seed, trace=["irq_handler_entry", "irq_handler_exit", "tasklet_entry",
                                                          "irq_thread_entry", "workqueue_execute_start"])  # fmt: skip
    hw = MmioDevice(m.kernel.engine, "mmio0", line=m.spi_line(42))
    board.update(device=hw, irq=m.board.map_spi(42, "level"))
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    m.spawn(waiter, name="waiter", cpu=1)
    m.spawn(reader, name="reader", cpu=2)
    m.spawn(finisher, name="finisher", cpu=3)
    hw.trigger(at="5ms", data=0xC0FFEE)
    m.run(until="20ms")
    m.rmmod(MODULE_NAME)
    return m


if __name__ == "__main__":
    print(main().dmesg(), end="")
