"""Seed 001, "Critical Concepts and Gotchas, 1. Atomic Context vs Process Context": examples/seed001_atomic_context.py."""

import importlib.util
import pathlib


def _example():
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed001_atomic_context.py"
    spec = importlib.util.spec_from_file_location("seed001_atomic_context", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_tasklet_sleeps_are_reported_not_fatal_and_the_work_item_may_sleep():
    """Sleeping in a tasklet is reported (not a panic or deadlock); the work item sleeps fine.

    In the tasklet: in_interrupt()/in_softirq() are 1, msleep() is "scheduling while atomic" (not the seed's
    panic), mutex_lock() is "sleeping function called from invalid context" (not a deadlock: the mutex is free)
    and kmalloc(GFP_KERNEL)'s report is rate-limited away (one per second). In the work item both are 0 and
    nothing is reported but lockdep's complaint that the mutex is now taken both in and out of softirq.
    """
    ex = _example()
    m = ex.main(1)
    lines = m.dmesg_lines()
    start = lines.index("bad_tasklet_fn: in_interrupt()=1 in_softirq()=1")
    assert lines[start + 1:start + 3] == ["Running in atomic context!", "Running in softirq/tasklet!"]
    sched_bug = [t for t in lines if t.startswith("BUG: scheduling while atomic: ")]
    assert len(sched_bug) == 1 and sched_bug[0].endswith("/0x00000101")  # SOFTIRQ_OFFSET + preempt_disable
    sleep_bug = [i for i, t in enumerate(lines) if t.startswith("BUG: sleeping function called from invalid context")]
    assert [lines[i] for i in sleep_bug] == [
        "BUG: sleeping function called from invalid context at kernel/locking/mutex.c:283"]
    assert lines[sleep_bug[0] + 2] == "preempt_count: 100, expected: 0"
    assert " bad_tasklet_fn+0xc/0x1c [contexts]" in lines[sleep_bug[0]:sleep_bug[0] + 12]
    assert "good_work_fn: in_interrupt()=0 in_softirq()=0" in lines
    assert "inconsistent {IN-SOFTIRQ-W} -> {SOFTIRQ-ON-W} usage." in lines
    assert lines[-1] == "good_work_fn: done" and "W" in m.tainted
    assert m.trace.events("workqueue_execute_start")[0]["function"] == "good_work_fn [contexts]"
