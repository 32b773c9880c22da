"""Seed 003, "Handler Rules - What You CANNOT Do": examples/seed003_cannot_do.py."""

import importlib.util
import pathlib

MS = 1_000_000


def _example():
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed003_cannot_do.py"
    spec = importlib.util.spec_from_file_location("seed003_cannot_do", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_forbidden_calls_in_a_handler_give_the_debug_kernels_reports():
    """msleep() in hardirq: "scheduling while atomic" at 2 ms and a real sleep of 4-5 jiffies (HZ=250); then wait_event()'s might_sleep() report. kmalloc(GFP_KERNEL), mutex_lock() and copy_from_user() stay silent: __might_resched() (kernel/sched/core.c) prints at most one report per second (prev_jiffy + HZ)."""
    m = _example().main(1)
    recs = [(r.ts, r.text) for r in m.kernel.log.records if r.text.startswith("BUG: ")]
    assert [t for _, t in recs] == [
        "BUG: scheduling while atomic: app/9/0x00010001",
        "BUG: sleeping function called from invalid context at include/linux/wait.h:346",
    ]
    assert 2 * MS < recs[0][0] < 2 * MS + 2_000  # interrupt entry (500 ns + seeded jitter)
    assert 16 * MS <= recs[1][0] - recs[0][0] <= 20 * MS + 10_000
    lines = m.dmesg_lines()
    assert "in_atomic(): 1, irqs_disabled(): 1, non_block: 0, pid: 9, name: app" in lines
    assert "preempt_count: 10000, expected: 0" in lines
    assert lines.count(" bad_handler+0x10/0x54 [bad_dev]") == 1  # msleep's call site in the stack
    assert m.tainted == "WO"


def test_the_long_loop_keeps_the_cpu_in_the_handler_and_starves_the_interrupted_task():
    """The handler returns 1000000 x 50 ns = 50 ms after its sleep ended; app (whose stack it runs on) makes no progress from 2 ms until then."""
    ex = _example()
    m = ex.main(1)
    entry = [e for e in m.trace.events("irq_handler_entry") if e["name"] == "bad_dev"]
    exit_ = [e for e in m.trace.events("irq_handler_exit") if e["irq"] == entry[0]["irq"]]
    assert len(entry) == 1 and 2 * MS < entry[0].ts < 2 * MS + 2_000 and entry[0].comm == "app"
    wake = [r.ts for r in m.kernel.log.records if r.text.startswith("BUG: sleeping function")][0]
    assert exit_[0].ts - wake == 50 * MS  # the loop; nothing interrupts a hardirq handler
    assert not [t for t in ex.progress if 2 * MS < t < exit_[0].ts]
    assert m.dmesg_lines()[-1] == "bad_dev: do_work() ran 1000000 times in hardirq context"
