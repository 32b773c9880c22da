"""A dedicated unbound workqueue running one work item that sleeps 1 s; rmmod's flush waits for it.

Ported line by line from "Workqueue Code Analysis": module_init allocates "HELLOWORLD"
(WQ_UNBOUND, max_active 1), queues one work item whose handler prints and msleep()s, and
module_exit flushes and destroys the queue, so rmmod waits for the sleeping handler.
"""

from __future__ import annotations

from types import SimpleNamespace

import irqlab
from irqlab.errno import ENOMEM
from irqlab.kernel import (
    INIT_WORK,
    WQ_UNBOUND,
    alloc_workqueue,
    destroy_workqueue,
    flush_workqueue,
    msleep,
    pr_err,
    pr_info,
    queue_work,
    work_struct,
)

SEED_SECTION = "001: Workqueue Code Analysis"
MODULE_NAME = "sched"

queue = None
work = work_struct()


def work_handler(data: work_struct) -> None:
    pr_info("work handler function.\n")
    # Can safely sleep here!
    msleep(1000)  # OK in workqueue context


def sched_init() -> int:
    global queue
    # Create a dedicated workqueue
    queue = alloc_workqueue("HELLOWORLD", WQ_UNBOUND, 1)
    if not queue:
        pr_err("Failed to allocate workqueue\n")
        return -ENOMEM

    # Initialize work item
    INIT_WORK(work, work_handler)

    # Submit work to queue
    queue_work(queue, work)

    return 0


def sched_exit() -> None:
    flush_workqueue(queue)  # Wait for all work to complete
    destroy_workqueue(queue)


module_init = sched_init
module_exit = sched_exit


def main(seed: int = 1) -> irqlab.Machine:
    """insmod, rmmod 100 ms later: rmmod's flush_workqueue() waits out the handler's msleep(1000)."""
    m = irqlab.boot("rpi5", seed=seed, trace=["workqueue_queue_work", "workqueue_execute_start",
                                              "workqueue_execute_end"])  # fmt: skip
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    m.run(for_="100ms")
    m.show_workqueues()  # what SysRq-t / show_all_workqueues() prints while the handler sleeps
    m.rmmod(MODULE_NAME)
    return m


if __name__ == "__main__":
    print(main().dmesg(), end="")
