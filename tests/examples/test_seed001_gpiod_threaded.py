"""Seed 001, "Best Practices, 1. Threaded IRQs and 2. Descriptor-Based GPIO API": examples/seed001_gpiod_threaded.py."""

import importlib.util
import pathlib

MS = 1_000_000


def _example():
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed001_gpiod_threaded.py"
    spec = importlib.util.spec_from_file_location("seed001_gpiod_threaded", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_null_handler_needs_oneshot_then_the_thread_reports_press_and_release():
    """The seed's NULL-handler request fails without IRQF_ONESHOT; with it the thread reports press and release.

    The seed's request_threaded_irq(irq, NULL, fn, <both edges>, ...) fails with -EINVAL on 6.12 (a NULL
    primary handler needs IRQF_ONESHOT unless the chip is ONESHOT_SAFE, and pinctrl-rp1's is not), so probe
    fails; with IRQF_ONESHOT the thread irq/N-button reads the active-low line as pressed, then released.

    On an edge line ONESHOT does not mask anything (handle_edge_irq() never masks for it): every bounce
    edge is still a hardirq (the default primary handler) that wakes the thread, so the thread runs once
    for the first edge and once more for those that came while it slept.

    """
    ex = _example()
    m = ex.main(1)
    lines = m.dmesg_lines()
    assert lines[lines.index("button: loading out-of-tree module taints kernel.") + 1:][:3] == [
        "genirq: Threaded irq requested with handler=NULL and !ONESHOT for button (irq 17)",
        "button button.0: probe with driver button failed with error -22",
        "button button.0: GPIO 529 is IRQ 17",
    ]
    reports = [t for t in lines if t.startswith("button button.0: button ")]
    assert reports == ["button button.0: button pressed"] * 2 + ["button button.0: button released"] * 2
    hard = [e for e in m.trace.events("irq_handler_entry") if e["name"] == "button"]
    threads = m.trace.events("irq_thread_entry")
    assert {e.comm for e in threads} == {"irq/17-button"} and len(threads) == 4
    assert ex.shown["/proc/interrupts"] == f" 17: {len(hard):10d} {0:10d} {0:10d} {0:10d}  pinctrl-rp1  17 Edge      button\n"
    assert len(hard) > len(threads)
    assert " button" not in m.read("/proc/interrupts")  # remove() freed the IRQ at rmmod
