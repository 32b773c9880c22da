"""GFP_ATOMIC and a spinlock in the top half, GFP_KERNEL, a mutex and msleep() in the workqueue bottom half.

Ported line by line from seed 000's "Interrupt Context Considerations" and "Memory Allocation in
Interrupt Context" (the pre-allocated buffer and the kmem_cache). The seed's code leaves two things
undeclared (``my_spinlock``, ``my_mutex``) and never says who queues ``my_work_function``; the port
declares them and queues the work from the handler's "process data quickly" step. The scenario
fires an edge interrupt every 10 ms and, for one of them, makes every GFP_ATOMIC allocation fail
(``m.fail_atomic_allocations(1.0)``), so the handler's failure path runs and the page allocator
prints its warning, as it would under memory pressure. ``seed000_gfp_wrong.py`` runs the seed's
commented-out INCORRECT lines.
"""

from __future__ import annotations

from types import SimpleNamespace

import irqlab
from irqlab.errno import ENOMEM
from irqlab.kernel import (
    DEFINE_MUTEX,
    DEFINE_SPINLOCK,
    GFP_ATOMIC,
    GFP_KERNEL,
    INIT_WORK,
    IRQ_HANDLED,
    module_param,
    SLAB_HWCACHE_ALIGN,
    cancel_work_sync,
    current,
    free_irq,
    kfree,
    kmalloc,
    kmem_cache_alloc,
    kmem_cache_create,
    kmem_cache_destroy,
    kmem_cache_free,
    msleep,
    mutex_lock,
    mutex_unlock,
    pr_err,
    pr_info,
    request_irq,
    schedule_work,
    spin_lock,
    spin_unlock,
    work_struct,
)

SEED_SECTION = "000: Interrupt Context Considerations"
MODULE_NAME = "gfp_atomic"

BUFFER_SIZE = 4096
object_size = 256

# module_param(irq_number, int, 0444): the Linux irq of the device's line (main() sets it as
# `insmod gfp_atomic.ko irq_number=N` would).
irq_number = -1
module_param("irq_number", "int", 0o444)

# Global pointer to allocated memory
global_buffer = None
my_cache = None

# The seed uses these without declaring them.
my_spinlock = DEFINE_SPINLOCK("my_spinlock")
my_mutex = DEFINE_MUTEX("my_mutex")
my_work = work_struct()


def my_interrupt_handler(irq: int, dev_id: object) -> int:
    """Top-half function (cannot sleep)."""
    # INCORRECT - GFP_KERNEL might sleep!
    # temp = kmalloc(1024, GFP_KERNEL)

    # CORRECT - GFP_ATOMIC won't sleep
    temp = kmalloc(1024, GFP_ATOMIC)
    if not temp:
        # Handle allocation failure - common with GFP_ATOMIC
        pr_err("Failed to allocate memory in interrupt\n")
        return IRQ_HANDLED

    # Process data quickly
    # (irqlab: the seed's "..." - use the buffer pre-allocated at init, take an object from the
    # cache with GFP_ATOMIC, and leave the slow part to the bottom half.)
    if global_buffer:
        # Use pre-allocated buffer safely
        global_buffer[0] = (global_buffer[0] + 1) & 0xFF
    obj = kmem_cache_alloc(my_cache, GFP_ATOMIC)
    if obj:
        # Use object
        kmem_cache_free(my_cache, obj)
    schedule_work(my_work)

    # Free the temporary buffer
    kfree(temp)

    # INCORRECT - mutex might sleep!
    # mutex_lock(&my_mutex);

    # CORRECT - spinlock won't sleep
    spin_lock(my_spinlock)
    # Critical section
    spin_unlock(my_spinlock)

    return IRQ_HANDLED


def my_work_function(work: work_struct) -> None:
    """Bottom-half function (workqueue, can sleep)."""
    # This is process context, so we can sleep

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

    # Process data without time constraints
    pr_info("bottom half in %s: GFP_KERNEL, mutex and msleep(1) done\n", current.comm)

    # Free buffer
    kfree(buffer)


def gfp_atomic_init() -> int:
    global global_buffer, my_cache
    # During module init (can sleep)
    global_buffer = kmalloc(BUFFER_SIZE, GFP_KERNEL)
    if not global_buffer:
        return -ENOMEM
    # Create cache during initialization
    my_cache = kmem_cache_create("my_cache", object_size, 0, SLAB_HWCACHE_ALIGN, None)
    INIT_WORK(my_work, my_work_function)
    ret = request_irq(irq_number, my_interrupt_handler, 0, "my_device", None)
    if ret:
        pr_err("Cannot register IRQ %d\n", irq_number)
        kmem_cache_destroy(my_cache)
        kfree(global_buffer)
        return ret
    pr_info("gfp_atomic: IRQ %d registered\n", irq_number)
    return 0


def gfp_atomic_exit() -> None:
    free_irq(irq_number, None)
    cancel_work_sync(my_work)
    kmem_cache_destroy(my_cache)
    kfree(global_buffer)
    pr_info("gfp_atomic: unloaded\n")


module_init = gfp_atomic_init
module_exit = gfp_atomic_exit

#: GIC SPI of the device's edge-triggered line on the generic board.
DEVICE_SPI = 20
#: Times of the device's interrupts; the one at 40 ms meets an allocator that cannot satisfy GFP_ATOMIC.
EDGES_MS = (10, 20, 30, 40, 50)


def main(seed: int = 1) -> irqlab.Machine:
    """Five interrupts 10 ms apart; every GFP_ATOMIC allocation fails between 35 and 45 ms."""
    global irq_number
    m = irqlab.boot("generic", seed=seed, trace=["irq_handler_entry", "workqueue_execute_start"])
    line = m.spi_line(DEVICE_SPI)
    irq_number = m.board.map_spi(DEVICE_SPI, "edge")
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    for t in EDGES_MS:
        m.at(f"{t}ms", line.pulse)
    m.at("35ms", m.fail_atomic_allocations, 1.0)
    m.at("45ms", m.fail_atomic_allocations, 0.0)
    m.run(until="100ms")
    m.rmmod(MODULE_NAME)
    return m


if __name__ == "__main__":
    print(main().dmesg(), end="")
