"""Seed 002, IRQF_NO_THREAD / IRQF_TIMER under threadirqs: examples/seed002_no_thread.py."""

import importlib.util
import pathlib

from irqlab.kernel import IRQF_NO_SUSPEND, IRQF_NO_THREAD, IRQF_TIMER


def _example():
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed002_no_thread.py"
    spec = importlib.util.spec_from_file_location("seed002_no_thread", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _msgs(m):
    return [t for t in m.dmesg_lines() if ": irq " in t]


def test_threadirqs_threads_the_plain_handler_but_not_no_thread_or_timer():
    """threadirqs threads the plain handler but not the IRQF_NO_THREAD or IRQF_TIMER ones.

    With threadirqs the flags-0 handler runs in irq/N-plain with bottom halves and interrupts disabled (as 6.12's
    irq_forced_thread_fn() calls it on a non-RT kernel); IRQF_NO_THREAD and IRQF_TIMER handlers stay in hard-IRQ
    context and get no thread.
    """
    ex = _example()
    m = ex.main(1)
    plain, no_thread, timer = (ex.board[n][1] for n in ("plain", "no_thread", "timer"))
    assert _msgs(m) == [
        f"plain: irq {plain} in irq/{plain}-plain: in_hardirq=0 in_softirq=1 irqs_disabled=1",
        f"no_thread: irq {no_thread} in swapper/0: in_hardirq=1 in_softirq=0 irqs_disabled=1",
        f"timer: irq {timer} in swapper/0: in_hardirq=1 in_softirq=0 irqs_disabled=1",
    ]
    assert [e.comm for e in m.trace.events("irq_thread_entry")] == [f"irq/{plain}-plain"]


def test_without_threadirqs_every_handler_is_hardirq():
    """On a default boot nothing is forced into a thread: the three handlers run in hard-IRQ context."""
    m = _example().main(1, cmdline="")
    assert all("in_hardirq=1 in_softirq=0 irqs_disabled=1" in t for t in _msgs(m)) and len(_msgs(m)) == 3
    assert not m.trace.events("irq_thread_entry")


def test_irqf_timer_is_no_suspend_and_no_thread():
    """IRQF_TIMER = __IRQF_TIMER (0x200) | IRQF_NO_SUSPEND | IRQF_NO_THREAD, as in 6.12's interrupt.h."""
    assert IRQF_TIMER == 0x200 | IRQF_NO_SUSPEND | IRQF_NO_THREAD
