"""The seed's INCORRECT top half: kmalloc(GFP_KERNEL) and mutex_lock() in a hardirq handler, as a debug kernel reports them.

Seed 000, "Interrupt Context Considerations", with the two lines it marks INCORRECT uncommented
(and the CORRECT ones they replace removed). Nothing actually sleeps here - the allocation is
satisfied and the mutex is free - so the kernel does not crash; what a kernel built with
CONFIG_DEBUG_ATOMIC_SLEEP and lockdep prints is the report: "BUG: sleeping function called from
invalid context" from might_alloc() (at most once per second: __might_resched() rate-limits
itself with ``prev_jiffy + HZ``, so the mutex_lock() right after it and the second interrupt 10 ms
later stay silent), and lockdep's "inconsistent lock state" once the bottom half takes the same
mutex with interrupts enabled. Raspberry Pi OS's own kernel has neither option, so on a stock Pi
the bug is silent until the mutex is contended and the handler really sleeps.
"""

from __future__ import annotations

from types import SimpleNamespace

import irqlab
from irqlab.kernel import (
    DEFINE_MUTEX,
    GFP_KERNEL,
    INIT_WORK,
    IRQ_HANDLED,
    cancel_work_sync,
    free_irq,
    kfree,
    kmalloc,
    module_param,
    msleep,
    mutex_lock,
    mutex_unlock,
    pr_err,
    request_irq,
    schedule_work,
    work_struct,
)

SEED_SECTION = "000: Interrupt Context Considerations"
MODULE_NAME = "gfp_wrong"

# module_param(irq_number, int, 0444), set by main() as `insmod gfp_wrong.ko irq_number=N` would.
irq_number = -1
module_param("irq_number", "int", 0o444)

my_mutex = DEFINE_MUTEX("my_mutex")
my_work = work_struct()


def my_interrupt_handler(irq: int, dev_id: object) -> int:
    """Top-half function (cannot sleep) - written the INCORRECT way."""
    # INCORRECT - GFP_KERNEL might sleep!
    temp = kmalloc(1024, GFP_KERNEL)
    if not temp:
        pr_err("Failed to allocate memory in interrupt\n")
        return IRQ_HANDLED

    # Process data quickly
    schedule_work(my_work)

    # Free the temporary buffer
    kfree(temp)

    # INCORRECT - mutex might sleep!
    mutex_lock(my_mutex)
    # Critical section
    mutex_unlock(my_mutex)

    return IRQ_HANDLED


def my_work_function(work: work_struct) -> None:
    """Bottom-half function (workqueue, can sleep)."""
    # CORRECT - GFP_KERNEL is fine here
    buffer = kmalloc(4096, GFP_KERNEL)
    if not buffer:
        pr_err("Failed to allocate memory in workqueue\n")
        return

    # CORRECT - mutex is fine here
    mutex_lock(my_mutex)
    # Critical section
    mutex_unlock(my_mutex)

    # CORRECT - can sleep here
    msleep(1)

    # Free buffer
    kfree(buffer)


def gfp_wrong_init() -> int:
    INIT_WORK(my_work, my_work_function)
    return request_irq(irq_number, my_interrupt_handler, 0, "my_device", None)


def gfp_wrong_exit() -> None:
    free_irq(irq_number, None)
    cancel_work_sync(my_work)


module_init = gfp_wrong_init
module_exit = gfp_wrong_exit

DEVICE_SPI = 20
#: Interrupt times: the second falls inside __might_resched()'s one-second silence, the third after it.
EDGES_MS = (10, 20, 1100)


def main(seed: int = 1) -> irqlab.Machine:
    """Three interrupts (10 ms, 20 ms, 1.1 s) on an edge line, then rmmod."""
    global irq_number
    m = irqlab.boot("generic", seed=seed)
    line = m.spi_line(DEVICE_SPI)
    irq_number = m.board.map_spi(DEVICE_SPI, "edge")
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    for t in EDGES_MS:
        m.at(f"{t}ms", line.pulse)
    m.run(until="1200ms")
    m.rmmod(MODULE_NAME)
    return m


if __name__ == "__main__":
    print(main().dmesg(), end="")
