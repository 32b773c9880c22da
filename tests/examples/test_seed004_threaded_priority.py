"""Seed 004, "Why Use Threaded Interrupts?": examples/seed004_threaded_priority.py."""

import importlib.util
import pathlib

US = 1_000


def _example():
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed004_threaded_priority.py"
    spec = importlib.util.spec_from_file_location("seed004_threaded_priority", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_fifo_60_preempts_the_irq_thread_and_fifo_40_waits_for_it():
    """Threaded: the 2 ms of processing run in irq/N-slowdev at SCHED_FIFO 50, so rt60 wakes within a few us of its deadline every time while rt40 is delayed by up to the 1.3 ms left of a run that started 0.7 ms before its wakeup; the thread has the kernel's FIFO 50 (sched_set_fifo())."""
    ex = _example()
    m = ex.main(1)
    assert max(ex.latency["rt60"]) < 10 * US
    assert 1_250 * US < max(ex.latency["rt40"]) < 1_350 * US
    assert m.dmesg_lines()[-2:] == ["slowdev: rt40: 60 wakeups, worst 1309 us late",
                                    "slowdev: rt60: 60 wakeups, worst 3 us late"]  # fmt: skip
    assert ex.shown["threads"].splitlines()[0] == "irq/14-slowdev: policy 1, rt_priority 50"


def test_a_hardirq_handler_delays_even_the_highest_priority_task():
    """Non-threaded: the same 2 ms run in hardirq context, which no task priority can preempt: rt60 is as late as rt40 (~1.3 ms)."""
    ex = _example()
    ex.main(1, threaded=False)
    assert 1_250 * US < max(ex.latency["rt60"]) < 1_350 * US
    assert 1_250 * US < max(ex.latency["rt40"]) < 1_350 * US
