"""Seed 001, "Workqueue Code Analysis": examples/seed001_workqueue.py."""

import importlib.util
import pathlib

MS = 1_000_000


def _example():
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed001_workqueue.py"
    spec = importlib.util.spec_from_file_location("seed001_workqueue", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_work_runs_in_an_unbound_kworker_and_rmmod_waits_for_its_msleep():
    """The handler runs in an unbound kworker; rmmod's flush_workqueue() returns after its msleep(1000)."""
    ex = _example()
    m = ex.main(1)
    assert "work handler function." in m.dmesg_lines()
    q = m.trace.events("workqueue_queue_work")[0]
    assert q["workqueue"] == "HELLOWORLD" and q["function"] == "work_handler [sched]"
    start, end = m.trace.events("workqueue_execute_start")[0], m.trace.events("workqueue_execute_end")[0]
    assert start.comm.startswith("kworker/u") and start["function"] == "work_handler [sched]"
    assert end.ts - start.ts >= 1000 * MS
    # show_all_workqueues() at 100 ms shows the item in flight on the unbound pool of all 4 CPUs
    dump = m.dmesg_lines()
    i = dump.index("Showing busy workqueues and worker pools:")
    assert dump[i + 1] == "workqueue HELLOWORLD: flags=0x2"
    assert dump[i + 2].startswith("  pwq ") and "cpus=0-3" in dump[i + 2] and "active=1" in dump[i + 2]
    assert dump[i + 3].endswith(":work_handler [sched]") and "in-flight: " in dump[i + 3]
    assert m.now >= end.ts  # rmmod returned only after the handler ended
    assert ex.queue.destroyed
