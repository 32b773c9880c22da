"""Seed 000 "Threaded IRQs": IRQ_WAKE_THREAD from the top half, a sleeping bottom half in irq/NN-my_device."""

import importlib.util
import pathlib

MS = 1_000_000
EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"


def load(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_four_edges_three_thread_runs_in_a_fifo_50_thread():
    """Each rising edge runs the top half in hardirq context; the thread (SCHED_FIFO 50, named "irq/%d-%s" and cut to
    15 characters) runs once for the 10 ms edge, once for 50 ms, and once more for both 52 and 54 ms: __irq_wake_thread()
    (kernel/irq/handle.c) only sets IRQTF_RUNTHREAD, so wakes during a run collapse into one further run. The 50 ms run
    sleeps msleep(20) = 6 jiffies + the level-0 bucket, from jiffy 12 to the tick of jiffy 19 (76 ms)."""
    ex = load("seed000_threaded_irq")
    m = ex.main(1)
    irq = ex.irq_number
    texts = [r.text.rstrip("\n") for r in m.kernel.log.records if r.text.startswith(("my_thread_fn", "threaded_irq: IRQ"))]
    thread = f"irq/{irq}-my_device"[:15]
    assert texts == [f"threaded_irq: IRQ {irq} on GPIO23"] + [
        f"my_thread_fn: {n} interrupt(s) so far, processing in {thread}" for n in (1, 2, 4)]
    tops = [e for e in m.trace.events("irq_handler_entry") if e["name"] == "my_device"]
    assert [e.ts // MS for e in tops] == list(ex.EDGES_MS) and all(e.flags[2] == "h" for e in tops)
    entries, exits = m.trace.events("irq_thread_entry"), m.trace.events("irq_thread_exit")
    assert [e.ts // MS for e in entries] == [10, 50, 76] and [e.ts // MS for e in exits] == [36, 76, 104]
    assert {e.comm for e in entries} == {thread}
    assert entries[2].ts == exits[1].ts  # straight on: RUNTHREAD was set while it slept
    assert entries[0].ts - tops[0].ts < 50_000  # the FIFO thread runs within microseconds of its top half
    (t,) = [t for t in m.tasks if t.comm == thread]
    assert (t.policy, t.rt_priority) == (1, 50)
    assert ex.dev_data.irq_count == 4
