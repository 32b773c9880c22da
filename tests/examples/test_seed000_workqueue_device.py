"""Seed 000 "Workqueues": a top half that buffers samples under a spinlock and a sleeping work item that prints them."""

import importlib.util
import pathlib

MS = 1_000_000
EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"


def load(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_work_requeued_while_sleeping_runs_again_after_itself_on_the_same_worker():
    """msleep(1) at HZ=250 on 6.12 wakes at the tick of jiffy J+3 (2 jiffies of timeout plus the level-0 bucket's +1), so
    the work that starts at 30 ms (J=7) prints 2002 and sleeps until 40 ms. The samples of 31 and 32 ms are buffered meanwhile;
    the 31 ms top half re-queues the work (PENDING was cleared when it started: process_one_work() in kernel/workqueue.c) and
    the 32 ms one finds it pending (no second queue_work event). The second run starts when the first ends, on the same
    kworker, and prints 2003 at 40 ms and 2004 one msleep(1) later, at 52 ms (J=10 -> 13)."""
    ex = load("seed000_workqueue_device")
    m = ex.main(1)
    recs = [(r.ts, r.text.rstrip("\n")) for r in m.kernel.log.records if r.text.startswith("Processing data")]
    assert [t for _, t in recs] == [f"Processing data: {s}" for _, s in ex.SAMPLES]
    assert [ts // MS for ts, _ in recs] == [10, 30, 40, 52]
    queued = [e.ts // MS for e in m.trace.events("workqueue_queue_work")]
    assert queued == [10, 30, 31]
    starts = m.trace.events("workqueue_execute_start")
    ends = m.trace.events("workqueue_execute_end")
    assert [e.ts // MS for e in starts] == [10, 30, 40] and [e.ts // MS for e in ends] == [20, 40, 64]
    # Never two instances at once: each run starts no earlier than the previous one ended, on one worker.
    assert all(s.ts >= e.ts for s, e in zip(starts[1:], ends))
    assert {e.comm for e in starts} == {"kworker/0:0"}
    assert starts[0]["function"] == "my_work_function [workqueue_device]"
    assert ex.dev.data_count == 0 and "BUG" not in m.dmesg()
