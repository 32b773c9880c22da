"""Seed 000 "IRQ Return Values": what IRQ_WAKE_THREAD, IRQ_HANDLED | IRQ_WAKE_THREAD and a threadless wake really do."""

import importlib.util
import pathlib

MS = 1_000_000
EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"


def load(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_only_an_exact_irq_wake_thread_wakes_the_thread():
    """The seed says IRQ_HANDLED | IRQ_WAKE_THREAD wakes the thread handler; __handle_irq_event_percpu() (kernel/irq/handle.c)
    switches on the exact value, so 3 wakes nothing: the "handled_or_wake" thread exists but never runs, and note_interrupt()
    counts both interrupts as handled. IRQ_WAKE_THREAD from a handler without a thread function gets warn_no_thread()'s
    message once per action (IRQTF_WARNED), not once per interrupt."""
    ex = load("seed000_irq_return_values")
    m = ex.main(1)
    wake, both, nothread = ex.irqs
    texts = [(r.ts // MS, r.text.rstrip("\n")) for r in m.kernel.log.records
             if "thread function" in r.text]
    assert texts == [(10, f"IRQ {nothread} device no_thread returned IRQ_WAKE_THREAD but no thread function available."),
                     (10, f"wake_thread: thread function ran for IRQ {wake}"),
                     (20, f"wake_thread: thread function ran for IRQ {wake}")]
    runs = m.trace.events("irq_thread_entry")
    assert [(e["irq"], e.ts // MS) for e in runs] == [(wake, 10), (wake, 20)]
    assert any(t.comm == f"irq/{both}-handled_or_wake"[:15] for t in m.tasks)  # created, never woken
    entries = [e["irq"] for e in m.trace.events("irq_handler_entry")]
    assert entries.count(both) == 2 and entries.count(nothread) == 2
    assert "WARNING" not in m.dmesg() and "nobody cared" not in m.dmesg()
