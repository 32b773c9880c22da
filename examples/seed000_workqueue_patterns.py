"""Normal, self-rearming delayed and flush work on a dedicated max_active=1 workqueue, then cancel and destroy.

Ported line by line from seed 000's "Workqueue Patterns and Best Practices". The seed's struct
lacks the ``needs_monitoring`` flag its delayed-work function reads; the port adds it (set, so
the delayed work re-arms itself every second as the seed intends). The seed leaves open who
calls queue_my_device_work(), schedule_my_device_work() and flush_my_device_work(); a task
standing for the driver's user calls them in that order, 2.5 s apart.

What the kernel does with this code: the delayed work's 1 s (250 jiffies) timer sits in wheel
level 1, whose buckets are 8 jiffies wide, so it fires up to 32 ms late; flush_workqueue() does
not wait for a delayed work whose timer is still pending (only for queued items); and because
the re-armed delayed work never increments busy_count, each run after the first takes the
counter one further below zero, so the seed's "track pending work" counter is wrong from the
second run on. cancel_delayed_work_sync() copes with the self-re-arming work.
"""

from __future__ import annotations

from types import SimpleNamespace

import irqlab
from irqlab.errno import ENOMEM
from irqlab.kernel import (
    GFP_KERNEL,
    INIT_DELAYED_WORK,
    INIT_WORK,
    WQ_MEM_RECLAIM,
    Struct,
    alloc_workqueue,
    atomic_dec_and_test,
    atomic_inc,
    atomic_read,
    atomic_set,
    atomic_t,
    cancel_delayed_work_sync,
    cancel_work_sync,
    container_of,
    delayed_work,
    destroy_workqueue,
    flush_workqueue,
    init_waitqueue_head,
    kfree,
    kzalloc,
    msecs_to_jiffies,
    msleep,
    pr_info,
    queue_delayed_work,
    queue_work,
    spin_lock_init,
    spin_lock_irqsave,
    spin_unlock_irqrestore,
    spinlock_t,
    to_delayed_work,
    wait_event,
    wait_queue_head,
    wake_up,
    work_struct,
    workqueue_struct,
)

SEED_SECTION = "000: Workqueue Patterns and Best Practices"
MODULE_NAME = "workqueue_patterns"


class my_device(Struct):
    def __init__(self) -> None:
        # ... other fields ...
        self.wq: workqueue_struct | None = None  # Dedicated workqueue
        self.normal_work = work_struct()  # Standard work
        self.delayed_work = delayed_work()  # Delayed work
        self.flush_work = work_struct()  # Special flush work

        self.lock = spinlock_t()  # Protect data
        self.busy_count = atomic_t(0)  # Track pending work
        self.flush_wait = wait_queue_head()  # For synchronous flush
        self.flush_complete = False  # Flag for flush complete
        self.needs_monitoring = True  # irqlab: read by my_delayed_work_fn, missing from the seed's struct


def my_normal_work_fn(work: work_struct) -> None:
    """Standard work function."""
    dev = container_of(work, my_device, "normal_work")

    # Do standard processing
    pr_info("normal work: standard processing\n")

    # Update busy count
    if atomic_dec_and_test(dev.busy_count):
        wake_up(dev.flush_wait)


def my_delayed_work_fn(work: work_struct) -> None:
    """Delayed work function."""
    delayed_work_ = to_delayed_work(work)
    dev = container_of(delayed_work_, my_device, "delayed_work")

    # Do timed work
    # Check if we need to reschedule
    flags = spin_lock_irqsave(dev.lock)
    if dev.needs_monitoring:
        # Reschedule to run again after 1 second
        assert dev.wq is not None
        queue_delayed_work(dev.wq, dev.delayed_work, msecs_to_jiffies(1000))
    spin_unlock_irqrestore(dev.lock, flags)

    # Update busy count
    if atomic_dec_and_test(dev.busy_count):
        wake_up(dev.flush_wait)
    pr_info("delayed work: timed processing, busy_count now %d\n", atomic_read(dev.busy_count))


def my_flush_work_fn(work: work_struct) -> None:
    """Special flush work - used for synchronization."""
    dev = container_of(work, my_device, "flush_work")

    # This work runs after all previous work is done
    dev.flush_complete = True
    wake_up(dev.flush_wait)


def init_my_device_work(dev: my_device) -> int:
    """Initialization."""
    # Initialize fields
    spin_lock_init(dev.lock)
    atomic_set(dev.busy_count, 0)
    init_waitqueue_head(dev.flush_wait)
    dev.flush_complete = False

    # Create dedicated workqueue
    dev.wq = alloc_workqueue("my_device_wq", WQ_MEM_RECLAIM, 1)
    if not dev.wq:
        return -ENOMEM

    # Initialize work structures
    INIT_WORK(dev.normal_work, my_normal_work_fn)
    INIT_DELAYED_WORK(dev.delayed_work, my_delayed_work_fn)
    INIT_WORK(dev.flush_work, my_flush_work_fn)

    return 0


def queue_my_device_work(dev: my_device) -> None:
    """Queue normal work."""
    atomic_inc(dev.busy_count)
    assert dev.wq is not None
    queue_work(dev.wq, dev.normal_work)


def schedule_my_device_work(dev: my_device) -> None:
    """Schedule delayed work."""
    atomic_inc(dev.busy_count)
    assert dev.wq is not None
    queue_delayed_work(dev.wq, dev.delayed_work, msecs_to_jiffies(1000))


def flush_my_device_work(dev: my_device) -> None:
    """Flush all work synchronously."""
    assert dev.wq is not None
    # Wait for all current work to complete
    flush_workqueue(dev.wq)

    # Alternative approach using wait queue
    dev.flush_complete = False
    queue_work(dev.wq, dev.flush_work)
    wait_event(dev.flush_wait, lambda: dev.flush_complete)


def cleanup_my_device_work(dev: my_device) -> None:
    """Cleanup."""
    cancel_work_sync(dev.normal_work)
    cancel_delayed_work_sync(dev.delayed_work)
    destroy_workqueue(dev.wq)


dev: my_device | None = None


def workqueue_patterns_init() -> int:
    global dev
    dev = kzalloc(my_device, GFP_KERNEL)
    if dev is None:
        return -ENOMEM
    ret = init_my_device_work(dev)
    if ret:
        kfree(dev)
    return ret


def workqueue_patterns_exit() -> None:
    assert dev is not None
    cleanup_my_device_work(dev)
    pr_info("workqueue_patterns: work cancelled, workqueue destroyed\n")
    kfree(dev)


module_init = workqueue_patterns_init
module_exit = workqueue_patterns_exit


def driver_user() -> None:
    """Scenario: the driver's user queues normal and delayed work, then flushes 2.5 s later."""
    assert dev is not None
    queue_my_device_work(dev)
    schedule_my_device_work(dev)
    msleep(2500)
    flush_my_device_work(dev)
    pr_info("workqueue_patterns: flush complete\n")


def main(seed: int = 1) -> irqlab.Machine:
    """Queue at 10 ms, flush at about 2.5 s, rmmod at 3.5 s."""
    m = irqlab.boot("generic", seed=seed, trace=["workqueue_queue_work", "workqueue_execute_start", "timer_start"])
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    m.at("10ms", lambda: m.spawn(driver_user, name="user", cpu=0))
    m.run(until="3500ms")
    m.rmmod(MODULE_NAME)
    return m


if __name__ == "__main__":
    print(main().dmesg(), end="")
