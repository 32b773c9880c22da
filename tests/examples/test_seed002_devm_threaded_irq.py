"""Seed 002, "Threaded IRQ Handlers" (devm_request_threaded_irq): examples/seed002_devm_threaded_irq.py."""

import importlib.util
import pathlib

MS = 1_000_000


def _example():
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed002_devm_threaded_irq.py"
    spec = importlib.util.spec_from_file_location("seed002_devm_threaded_irq", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_irq_handled_does_not_wake_the_thread_and_a_null_handler_needs_oneshot():
    """IRQ_HANDLED does not wake the thread, IRQ_WAKE_THREAD does; a NULL handler needs IRQF_ONESHOT.

    IRQ_HANDLED from the hard-IRQ handler (tx empty at 10 ms) acknowledges without a thread run; IRQ_WAKE_THREAD
    (rx at 20 and 40 ms) runs the thread in irq/N-mydev.0; a NULL handler without IRQF_ONESHOT is -EINVAL, with
    it the default primary handler wakes the thread (30 ms). The ftrace irq_handler_exit says "handled" for
    any non-zero return, IRQ_WAKE_THREAD included. Unbinding frees both managed IRQs.
    """
    ex = _example()
    m = ex.main(1)
    irq0, irq1 = ex.board["irqs"]
    lines = m.dmesg_lines()
    i = lines.index(f"genirq: Threaded irq requested with handler=NULL and !ONESHOT for mydev.0 (irq {irq1})")
    assert lines[i + 1:] == [
        "mydev mydev.0: thread-only request without IRQF_ONESHOT: -22",
        f"mydev mydev.0: irqs {irq0} and {irq1} requested",
        "mydev mydev.0: hardirq: tx empty, handled",
        f"mydev mydev.0: thread-only handler: event on irq {irq1}",
        "mydev mydev.0: thread: rx 0x14",
        "mydev mydev.0: hardirq: tx empty, handled",
        "mydev mydev.0: thread: rx 0x28",
    ]
    threads = [(e.ts // MS, e["irq"], e.comm) for e in m.trace.events("irq_thread_entry")]
    assert threads == [(20, irq0, f"irq/{irq0}-mydev.0"), (30, irq1, f"irq/{irq1}-mydev.0"), (40, irq0, f"irq/{irq0}-mydev.0")]
    assert {e["ret"] for e in m.trace.events("irq_handler_exit") if e["irq"] in (irq0, irq1)} == {"handled"}
    assert ex.shown["/proc/interrupts"] == (f"{irq0:3d}: {3:10d} {0:10d} {0:10d} {0:10d}     GICv2 103 Level     mydev.0\n"
                                            f"{irq1:3d}: {1:10d} {0:10d} {0:10d} {0:10d}     GICv2 104 Level     mydev.0\n")
    assert "mydev.0" not in m.read("/proc/interrupts")
