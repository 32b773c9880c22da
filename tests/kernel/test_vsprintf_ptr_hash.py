"""%p prints a stable hash per live object and keeps no object alive (tracing long runs stays flat)."""

import gc
import weakref

import irqlab
from irqlab.kernel import INIT_WORK, flush_work, queue_work, system_wq, work_struct


def test_traced_work_items_are_freed_after_they_ran():
    """2000 work items queued with workqueue tracing on: once run and dropped, none stays alive."""
    m = irqlab.boot("generic", cpus=1, seed=0, trace=["workqueue_queue_work", "workqueue_execute_start"])
    refs = []

    def producer():
        for _ in range(2000):
            w = work_struct()
            INIT_WORK(w, lambda _w: None)
            refs.append(weakref.ref(w))
            queue_work(system_wq, w)
            flush_work(w)

    m.spawn(producer)
    m.run(until="2s")
    assert sum(e["function"] != "wq_barrier_func" for e in m.trace.events("workqueue_execute_start")) == 2000
    gc.collect()
    assert sum(r() is not None for r in refs) == 0


def test_one_object_prints_one_hash_and_two_objects_two():
    """The same work item queued twice shows the same work= value; another item shows a different one."""
    m = irqlab.boot("generic", cpus=1, seed=0, trace=["workqueue_queue_work"])
    a, b = work_struct(), work_struct()
    INIT_WORK(a, lambda _w: None)
    INIT_WORK(b, lambda _w: None)

    def producer():
        for w in (a, b, a):
            queue_work(system_wq, w)
            flush_work(w)

    m.spawn(producer)
    m.run(until="100ms")
    ptrs = [e["work"] for e in m.trace.events("workqueue_queue_work")]
    assert len(ptrs) == 3 and ptrs[0] == ptrs[2] != ptrs[1]
    assert all(len(p) == 16 and p.startswith("00000000") for p in ptrs)
