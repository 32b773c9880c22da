"""Seed 003, "Handler Performance - Keep It Fast": examples/seed003_fast_handler.py."""

import importlib.util
import pathlib

MS = 1_000_000


def _example():
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed003_fast_handler.py"
    spec = importlib.util.spec_from_file_location("seed003_fast_handler", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_the_hardirq_part_is_short_and_the_thread_does_the_work():
    """fast0's primary handler runs ~250 ns (three MMIO accesses) and its thread 100 us right after; two events 1 us apart collapse into one thread run (__irq_wake_thread: IRQTF_RUNTHREAD already set), so the single dev->data slot only delivers the second value (0x33) and 0x22 is lost."""
    ex = _example()
    m = ex.main(1)
    irq0 = ex.board["irqs"][0]
    ent = [e.ts for e in m.trace.events("irq_handler_entry") if e["irq"] == irq0]
    ext = [e.ts for e in m.trace.events("irq_handler_exit") if e["irq"] == irq0]
    assert len(ent) == 3 and all(x - e <= 400 for e, x in zip(ent, ext))
    t_in = [e.ts for e in m.trace.events("irq_thread_entry")]
    t_out = [e.ts for e in m.trace.events("irq_thread_exit")]
    assert len(t_in) == 2 and [o - i for i, o in zip(t_in, t_out)] == [100_000, 100_000]
    assert 0 < t_in[0] - ext[0] < 5_000  # the IRQ thread is switched in right after the hardirq
    msgs = [r.text for r in m.kernel.log.records if r.text.startswith("fast_dev: fast0")]
    assert msgs == ["fast_dev: fast0: processed data 0x11", "fast_dev: fast0: processed data 0x33",
                    "fast_dev: fast0: 2 event(s) processed"]  # fmt: skip
    assert [e.comm for e in m.trace.events("irq_thread_entry")] == [f"irq/{irq0}-fast0"] * 2


def test_irq_wake_thread_without_a_thread_function_warns_once():
    """request_irq() has no thread: the kernel's warn_no_thread() (kernel/irq/handle.c) prints once per action, and nothing processes fast1's events."""
    ex = _example()
    m = ex.main(1)
    irq1 = ex.board["irqs"][1]
    line = f"IRQ {irq1} device fast1 returned IRQ_WAKE_THREAD but no thread function available."
    assert m.dmesg_lines().count(line) == 1
    rec = [r for r in m.kernel.log.records if r.text == line][0]
    assert 3 * MS < rec.ts < 3 * MS + 2_000 and rec.level == 4
    assert "fast_dev: fast1: 0 event(s) processed" in m.dmesg_lines()
