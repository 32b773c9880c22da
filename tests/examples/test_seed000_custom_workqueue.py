"""Seed 000 "Custom Workqueues": create_singlethread_workqueue() is an ordered queue on shared unbound workers."""

import importlib.util
import pathlib

MS = 1_000_000
EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"


def load(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_singlethread_queue_serialises_work_queued_from_two_cpus():
    """The seed calls this a queue with "a single worker thread"; on 6.12 it is alloc_ordered_workqueue("%s",
    __WQ_LEGACY | WQ_MEM_RECLAIM, name) (include/linux/workqueue.h): work from CPU 0 (10 ms) and CPU 1 (10.5 ms) runs one
    item at a time in queueing order on an unbound pool kworker ("kworker/u16:0", not a thread of its own), the second
    starting when the first ends at 20 ms (msleep(1) from jiffy 2 wakes at jiffy 5) and ending at 32 ms; the queue's only
    own thread is its WQ_MEM_RECLAIM rescuer "kworker/R-my_device_wq" (comm cut to 15), stopped by destroy_workqueue()."""
    ex = load("seed000_custom_workqueue")
    m = ex.main(1)
    texts = [r.text.rstrip("\n") for r in m.kernel.log.records if r.text.startswith("Processing")]
    assert texts == ["Processing data: 3001 (kworker/u16:0)", "Processing data: 3002 (kworker/u16:0)"]
    tops = [e for e in m.trace.events("irq_handler_entry") if e["name"] == "my_device"]
    assert [(e.cpu, e.ts // 100_000) for e in tops] == [(0, 100), (1, 105)]
    queued = m.trace.events("workqueue_queue_work")
    assert [(e["workqueue"], e["cpu"]) for e in queued] == [("my_device_wq", -1)] * 2  # unbound: no CPU
    starts, ends = m.trace.events("workqueue_execute_start"), m.trace.events("workqueue_execute_end")
    assert [e.ts // MS for e in starts] == [10, 20] and [e.ts // MS for e in ends] == [20, 32]
    assert starts[1].ts >= ends[0].ts and {e.comm for e in starts} == {"kworker/u16:0"}
    rescuer = [t for t in m.tasks if t.comm == "kworker/R-my_de"]
    assert len(rescuer) == 1 and rescuer[0].state.value == "dead"
    assert ex.my_workqueue.destroyed and "WARNING" not in m.dmesg()
