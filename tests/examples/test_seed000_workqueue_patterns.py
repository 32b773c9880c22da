"""Seed 000 "Workqueue Patterns and Best Practices": normal, delayed (self-re-arming) and flush work, then cleanup."""

import importlib.util
import pathlib

MS = 1_000_000
EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"


def load(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_delayed_work_period_flush_and_the_seeds_busy_count():
    """msecs_to_jiffies(1000) = 250 jiffies lands in timer-wheel level 1 (8-jiffy buckets; calc_index() rounds the expiry up
    to the next multiple of 8, kernel/time/timer.c): queued in jiffy 2 (10 ms) it fires at jiffy 256 = 1024 ms, and each
    re-arm from a multiple of 8 fires 256 jiffies later, so runs come at 1024, 2048 and 3072 ms, not every 1000 ms.
    flush_workqueue() at 2528 ms returns at once: a delayed work whose timer is pending is not in the queue yet. The seed's
    busy_count is incremented once for the delayed work but decremented on every run: 0, then -1, then -2."""
    ex = load("seed000_workqueue_patterns")
    m = ex.main(1)
    recs = [(r.ts, r.text.rstrip("\n")) for r in m.kernel.log.records
            if r.text.startswith(("normal work", "delayed work", "workqueue_patterns: flush", "workqueue_patterns: work"))]
    assert recs and [t for _, t in recs] == [
        "normal work: standard processing",
        "delayed work: timed processing, busy_count now 0",
        "delayed work: timed processing, busy_count now -1",
        "workqueue_patterns: flush complete",
        "delayed work: timed processing, busy_count now -2",
        "workqueue_patterns: work cancelled, workqueue destroyed",
    ]
    assert [ts // MS for ts, _ in recs] == [10, 1024, 2048, 2528, 3072, 3500]
    arms = [e for e in m.trace.events("timer_start") if e["function"] == "delayed_work_timer_fn"]
    assert [e["expires"] - e["now"] for e in arms] == [250] * 4
    # The flush work ran on the same per-CPU queue right after being queued (nothing else was queued).
    flush = [e for e in m.trace.events("workqueue_execute_start") if e["function"].startswith("my_flush_work_fn")]
    assert len(flush) == 1 and flush[0].ts // MS == 2528
    assert ex.dev.wq.destroyed and ex.dev.flush_complete and "WARNING" not in m.dmesg()
