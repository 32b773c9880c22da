"""Seed 000's INCORRECT top half (GFP_KERNEL and mutex_lock in a hardirq handler) under a debug kernel."""

import importlib.util
import pathlib

MS = 1_000_000
EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"


def load(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_sleeping_calls_in_hardirq_are_reported_once_per_second():
    """might_alloc() reports "sleeping function called from invalid context" at 10 ms and at 1.1 s only: __might_resched()
    (kernel/sched/core.c) stays silent until prev_jiffy + HZ, which also hides the mutex_lock() right after the kmalloc and the
    whole 20 ms interrupt; lockdep reports the mutex's IN-HARDIRQ vs HARDIRQ-ON use once, when the bottom half takes it."""
    ex = load("seed000_gfp_wrong")
    m = ex.main(1)
    recs = list(m.kernel.log.records)
    bug = "BUG: sleeping function called from invalid context at include/linux/sched/mm.h:337"
    assert [r.ts // MS for r in recs if r.text.rstrip("\n") == bug] == [10, 1100]
    lines = m.dmesg_lines()
    i = lines.index(bug)
    assert lines[i + 1] == "in_atomic(): 1, irqs_disabled(): 1, non_block: 0, pid: 0, name: swapper/0"
    assert lines[i + 2] == "preempt_count: 10000, expected: 0"
    assert " my_interrupt_handler+0xc/0x50 [gfp_wrong]" in lines[i:i + 20]
    assert lines.count("WARNING: inconsistent lock state") == 1
    assert "inconsistent {IN-HARDIRQ-W} -> {HARDIRQ-ON-W} usage." in lines
    assert any(ln.startswith("kworker/0:0/") and ln.endswith("takes:") for ln in lines)
    # Nothing really slept: no "scheduling while atomic", and the machine ran on to rmmod.
    assert "BUG: scheduling while atomic" not in m.dmesg() and m.now >= 1200 * MS
