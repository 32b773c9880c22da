"""Seed 000 "PREEMPT_RT Considerations": the rt_metrics ring filled by a threaded IRQ's hard handler and thread."""

import importlib.util
import pathlib
import re

US = 1_000
EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"
ROW = re.compile(r"metrics\[(\d+)\]: irq (\d+) handler (\d+)-(\d+) thread (\d+)-(\d+)")


def load(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def ring(m):
    return [tuple(int(x) for x in ROW.match(ln).groups()[1:]) for ln in m.dmesg_lines() if ROW.match(ln)]


def test_thread_times_land_one_slot_early_and_collapsed_wakes_fill_one_slot():
    """The hard handler writes slot atomic_inc_return(&idx) % 1000 (1, 2, ...) and the thread slot (atomic_read(&idx) - 1),
    one before: slot 0 gets only thread times, slot k the hard times of interrupt k and the thread times of interrupt k+1.
    The 40 ms and 40.003 ms edges both reach the hard handler (slots 4 and 5) before the thread runs; their wakes collapse
    into one thread run (IRQTF_RUNTHREAD, kernel/irq/handle.c), which writes slot 4 only - so slot 3 (30 ms) and slot 5 get
    no thread times, and four thread runs serve five interrupts. Hard handlers start a few us after the edge (GIC + RP1)."""
    ex = load("seed000_rt_metrics")
    m = ex.main(1)
    rows = ring(m)
    assert len(rows) == 6
    edges = [t * US for t in ex.EDGES_US]
    assert [r[0] for r in rows] == [0] + edges
    assert rows[0][1:3] == (0, 0) and 10_000 * US < rows[0][3] < 10_020 * US  # thread of interrupt 1 in slot 0
    for k in range(1, 6):
        irq, h_in, h_out, t_in, t_out = rows[k]
        assert 1 * US < h_in - irq < 10 * US and h_out == h_in  # nothing in between, nothing costs time
    assert edges[1] < rows[1][3] < edges[1] + 20 * US and edges[2] < rows[2][3] < edges[2] + 20 * US
    assert rows[3][3:] == (0, 0) and rows[5][3:] == (0, 0)
    assert rows[4][3] > rows[5][1]  # the one thread run came after both hard handlers
    threads = m.trace.events("irq_thread_entry")
    assert len(threads) == 4 and {e.comm for e in threads} == {f"irq/{ex.irq_number}-rt_metrics"[:15]}
    assert len([e for e in m.trace.events("irq_handler_entry") if e["name"] == "rt_metrics"]) == 5


def test_preempt_rt_force_threads_the_hard_handler():
    """On PREEMPT_RT irq_setup_forced_threading() (kernel/irq/manage.c) moves the hard handler into irq/NN-rt_metrics (run
    with bottom halves off) and the thread function into a secondary irq/NN-s-rt_metrics thread, so handler_entry comes
    only after a thread wake-up: later after the edge than the hard handler of the default PREEMPT kernel."""
    hard = ring(load("seed000_rt_metrics").main(1))
    ex = load("seed000_rt_metrics")
    m = ex.main(1, preempt="rt")
    rows = ring(m)
    names = {e.comm for e in m.trace.events("irq_thread_entry")}
    assert names == {f"irq/{ex.irq_number}-rt_metrics"[:15], f"irq/{ex.irq_number}-s-rt_metrics"[:15]}
    primary = [e for e in m.trace.events("irq_thread_entry") if "-s-" not in e.comm]
    assert all(e.flags[0] == "b" for e in primary)  # irq_forced_thread_fn() runs it under local_bh_disable()
    for k in (1, 2, 3):
        assert rows[k][1] - rows[k][0] > hard[k][1] - hard[k][0]
