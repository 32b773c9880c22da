"""Where a work item runs for each workqueue flag the seed lists, and what WQ_HIGHPRI really means.

Ported from seed 000's "Workqueue Creation Flags": one workqueue per call or flag the seed
lists, each given one work item queued from CPU 2 by the same task. The seed's comments are
partly wrong for 6.12, and the port shows what the kernel does (Documentation/core-api/
workqueue.rst):

- create_singlethread_workqueue() has no thread of its own: it is an ordered queue run by the
  shared unbound workers ("kworker/u16:N"), plus a rescuer because it is WQ_MEM_RECLAIM.
- WQ_UNBOUND: the work runs on an unbound worker ("kworker/uN:M") that may sit on any CPU.
- WQ_MEM_RECLAIM: work still runs on the normal per-CPU workers; the queue only gains a rescuer
  thread ("kworker/R-<name>") that steps in when no worker can be created under memory pressure.
- WQ_HIGHPRI does not "allow greater queue depth": the work runs in the per-CPU high-priority
  pool, whose workers are "kworker/N:MH" at nice -20.
- WQ_FREEZABLE: queued while the system freezes for suspend, the work waits until thaw.
- WQ_PERCPU does not exist in 6.12 (it arrived in 6.17 with the system_percpu_wq rename); per-CPU
  is what a flag-less alloc_workqueue() already gives, so the port uses 0.
"""

from __future__ import annotations

from types import SimpleNamespace

import irqlab
from irqlab.errno import ENOMEM
from irqlab.kernel import (
    INIT_WORK,
    WQ_FREEZABLE,
    WQ_HIGHPRI,
    WQ_MEM_RECLAIM,
    WQ_UNBOUND,
    Struct,
    alloc_workqueue,
    container_of,
    create_singlethread_workqueue,
    current,
    destroy_workqueue,
    pr_info,
    queue_work,
    work_struct,
    workqueue_struct,
)

SEED_SECTION = "000: Workqueue Creation Flags"
MODULE_NAME = "wq_flags"


class flag_demo(Struct):
    def __init__(self, name: str) -> None:
        self.name = name
        self.wq: workqueue_struct | None = None
        self.work = work_struct()


def demo_work_fn(work: work_struct) -> None:
    d = container_of(work, flag_demo, "work")
    pr_info("%s: ran in %s, nice %d\n", d.name, current.comm, current.nice)


demos: list[flag_demo] = []


def wq_flags_init() -> int:
    # Creates a single worker thread for the workqueue
    single = flag_demo("my_single")
    single.wq = create_singlethread_workqueue("my_single")

    # Fully featured workqueue creation with flags: my_wq = alloc_workqueue("name", flags, max_active);
    made = [single]
    for name, flags in (
        ("my_percpu", 0),  # Per-CPU workqueue instead of global (the seed's WQ_PERCPU; not in 6.12)
        ("my_unbound", WQ_UNBOUND),  # Workers are not bound to any specific CPU
        ("my_reclaim", WQ_MEM_RECLAIM),  # Memory allocation may cause I/O operations (reclaim)
        ("my_highpri", WQ_HIGHPRI),  # the seed: "Allow greater queue depth" - really the nice -20 pool
        ("my_freezable", WQ_FREEZABLE),  # Freezable during system suspend
    ):
        d = flag_demo(name)
        d.wq = alloc_workqueue(name, flags, 0)
        made.append(d)
    for d in made:
        if not d.wq:
            return -ENOMEM
        INIT_WORK(d.work, demo_work_fn)
        demos.append(d)
    return 0


def wq_flags_exit() -> None:
    for d in demos:
        destroy_workqueue(d.wq)


module_init = wq_flags_init
module_exit = wq_flags_exit


def queue_all() -> None:
    """Scenario: one task on CPU 2 queues one work item on every queue."""
    for d in demos:
        assert d.wq is not None
        queue_work(d.wq, d.work)


def main(seed: int = 1) -> irqlab.Machine:
    """Workqueues frozen (as for suspend) from 5 to 100 ms; every queue gets a work item at 10 ms from CPU 2."""
    m = irqlab.boot("generic", seed=seed, trace=["workqueue_queue_work", "workqueue_execute_start"])
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    m.at("5ms", m.freeze_workqueues)
    m.at("10ms", lambda: m.spawn(queue_all, name="queuer", cpu=2))
    m.at("100ms", m.thaw_workqueues)
    m.run(until="200ms")
    m.rmmod(MODULE_NAME)
    return m


if __name__ == "__main__":
    print(main().dmesg(), end="")
