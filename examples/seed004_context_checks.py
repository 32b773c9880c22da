"""Which context am I in? in_irq(), in_softirq(), in_task() printed from each kind of code, and might_sleep() in a handler.

Seed 004's "Context Checking Tools", ported: the three tests (kept as the seed writes them, plus
in_interrupt()) are printed from module init, a hardirq handler, a tasklet, a timer, the IRQ
thread, a work item, and a task holding spin_lock_bh(). The values are the kernel's: in_irq() is
hardirq_count() (0x10000 inside a handler), in_softirq() is softirq_count(), which is 0x100 while
serving a softirq but 0x200 in a task that merely disabled bottom halves, where in_task() is also
true (the "BH disabled confusion" include/linux/preempt.h warns about: new code should use
in_hardirq() and in_serving_softirq(); in_irq() is their obsolete spelling).

Then the handler calls might_sleep(). The seed says the kernel "will immediately OOPS"; with
CONFIG_DEBUG_ATOMIC_SLEEP it prints "BUG: sleeping function called from invalid context" with a
stack trace and taints the kernel W, and everything goes on (without that option, nothing).
"""

from __future__ import annotations

from types import SimpleNamespace

import irqlab
from irqlab.hw.mmio import MMIO_CLEAR, MMIO_ENABLE, MMIO_RX_READY, MmioDevice
from irqlab.kernel import (
    DEFINE_SPINLOCK,
    INIT_WORK,
    IRQ_HANDLED,
    IRQ_WAKE_THREAD,
    IRQF_ONESHOT,
    del_timer_sync,
    flush_work,
    free_irq,
    in_interrupt,
    in_irq,
    in_softirq,
    in_task,
    ioremap,
    jiffies_to_msecs,
    might_sleep,
    mod_timer,
    msecs_to_jiffies,
    pr_info,
    request_threaded_irq,
    schedule_work,
    spin_lock_bh,
    spin_unlock_bh,
    tasklet_kill,
    tasklet_schedule,
    tasklet_setup,
    tasklet_struct,
    timer_list,
    timer_setup,
    work_struct,
    writel,
)
from irqlab.kernel.core import kernel
from irqlab.machine import Machine

SEED_SECTION = "004: Context Checking Tools"
MODULE_NAME = "ctxcheck"
pr_fmt = "ctxcheck: "

board: dict[str, object] = {}
lock = DEFINE_SPINLOCK("ctx_lock")
tasklet = tasklet_struct()
timer = timer_list()
work = work_struct()
seen: dict[str, tuple[int, int, int, int]] = {}


def where_am_i(what: str) -> None:
    v = (in_irq(), in_softirq(), in_task(), in_interrupt())
    seen[what] = v
    pr_info("%-16s in_irq()=%#lx in_softirq()=%#lx in_task()=%d in_interrupt()=%#lx\n", what, *v)
    if in_irq():
        pass  # I am in hardirq context
    if in_softirq():
        pass  # I am in softirq context (or bottom halves are disabled!)
    if in_task():
        pass  # I am an ordinary task


def my_handler(irq: int, dev: object) -> int:
    writel(MMIO_RX_READY, ioremap(board["device"]) + MMIO_CLEAR)
    where_am_i("hardirq handler")
    tasklet_schedule(tasklet)
    might_sleep()  # the seed: "the kernel will immediately OOPS"
    return IRQ_WAKE_THREAD


def my_thread_fn(irq: int, dev: object) -> int:
    where_am_i("IRQ thread")
    schedule_work(work)
    return IRQ_HANDLED


def my_tasklet(t: tasklet_struct) -> None:
    where_am_i("tasklet")


def my_timer(t: timer_list) -> None:
    where_am_i("timer")


def my_work(w: work_struct) -> None:
    where_am_i("work item")
    spin_lock_bh(lock)
    where_am_i("spin_lock_bh()")
    spin_unlock_bh(lock)


def module_init() -> int:
    where_am_i("module_init")
    tasklet_setup(tasklet, my_tasklet)
    timer_setup(timer, my_timer, 0)
    INIT_WORK(work, my_work)
    mod_timer(timer, kernel().jiffies + msecs_to_jiffies(8))
    writel(MMIO_RX_READY, ioremap(board["device"]) + MMIO_ENABLE)
    return request_threaded_irq(int(board["irq"]), my_handler, my_thread_fn, IRQF_ONESHOT, "ctxcheck", board)  # type: ignore[call-overload]


def module_exit() -> None:
    free_irq(int(board["irq"]), board)  # type: ignore[call-overload]
    del_timer_sync(timer)
    tasklet_kill(tasklet)
    flush_work(work)
    pr_info("unloaded after %u ms\n", jiffies_to_msecs(kernel().jiffies - kernel().initial_jiffies))


def main(seed: int = 1) -> Machine:
    """The timer fires at ~12 ms, the device interrupts at 20 ms."""
    m = irqlab.boot("generic", cpus=2, seed=seed)
    hw = MmioDevice(m.kernel.engine, "mmio0", line=m.spi_line(50))
    board.update(device=hw, irq=m.board.map_spi(50, "level"))
    seen.clear()
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    hw.trigger(at="20ms")
    m.run(until="40ms")
    m.rmmod(MODULE_NAME)
    return m


if __name__ == "__main__":
    print(main().dmesg(), end="")
