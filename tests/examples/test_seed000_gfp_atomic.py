"""Seed 000 "Interrupt Context Considerations": GFP_ATOMIC in the top half, GFP_KERNEL/mutex/msleep in the bottom half."""

import importlib.util
import pathlib

MS = 1_000_000
EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"


def load(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def records(m, first):
    recs = list(m.kernel.log.records)
    i = next(i for i, r in enumerate(recs) if r.text.startswith(first))
    return [(r.ts, r.text.rstrip("\n")) for r in recs[i:]]


def test_atomic_top_half_and_sleeping_bottom_half():
    """No debug splat; the GFP_ATOMIC failure takes the handler's error path (no work queued for it), and each
    bottom half ends one msleep(1) later: 6.12 at HZ=250 sleeps msecs_to_jiffies(1)+1 = 2 jiffies and the level-0
    wheel bucket adds one more (calc_index() in kernel/time/timer.c), so a work starting in jiffy J wakes at the
    tick of J+3: the 10 ms work (J=2) at 20 ms, the 20 ms one (J=5) at 32 ms, 30 ms (J=7) at 44 ms, 50 ms (J=12) at 60 ms."""
    ex = load("seed000_gfp_atomic")
    m = ex.main(1)
    recs = records(m, "gfp_atomic: IRQ")
    texts = [t for _, t in recs]
    bh = "bottom half in kworker/0:0: GFP_KERNEL, mutex and msleep(1) done"
    assert texts == [
        f"gfp_atomic: IRQ {ex.irq_number} registered",
        bh,
        bh,
        "swapper/0: page allocation failure: order:0, mode:0x820(GFP_ATOMIC), nodemask=(null)",
        "Failed to allocate memory in interrupt",
        bh,
        bh,
        "gfp_atomic: unloaded",
    ]
    wakes = [ts // MS for ts, t in recs if t == bh]
    assert wakes == [20, 32, 44, 60]
    assert all(ts % MS < 20_000 for ts, t in recs if t == bh)  # a few µs after the tick
    # The top half ran in hardirq context at each edge; the work ran in a per-CPU kworker of system_wq.
    entries = [e for e in m.trace.events("irq_handler_entry") if e["name"] == "my_device"]
    assert [e.ts // MS for e in entries] == list(ex.EDGES_MS)
    starts = m.trace.events("workqueue_execute_start")
    assert [e["function"] for e in starts] == ["my_work_function [gfp_atomic]"] * 4
    assert "BUG:" not in m.dmesg() and m.tainted == "O"
    assert ex.my_cache.active == 0  # every cache object was freed
