"""Seed 000 "Interrupt Handler Debugging Techniques": IRQ statistics in /sys/kernel/debug/my_irq_debug/statistics."""

import importlib.util
import pathlib

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"


def load(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_statistics_file_counts_intervals_and_the_neighbours_interrupts():
    """Our device interrupts at 10, 12, 15 and 20 ms, the neighbour at 25 and 30 ms. The handlers run in request order
    (neighbour first), so our ktime_get() comes the same 750 ns after each edge (interrupt entry, then the neighbour's status
    read): the intervals are exactly 2, 3 and 5 ms. The histogram divides by 100 into ten buckets, so it
    only counts intervals under 1 us and stays all 0. The two "spurious" calls are the neighbour's interrupts, which the
    kernel does not count as unhandled (note_interrupt() sees the OR of both results): /proc/irq/N/spurious shows 0."""
    ex = load("seed000_irq_debugfs")
    m = ex.main(1)
    irq = ex.irq_number
    assert m.read("/sys/kernel/debug/my_irq_debug/statistics") == (
        f"IRQ Statistics for IRQ {irq}:\n"
        "Total interrupts: 4\n"
        "Spurious interrupts: 2\n"
        "Last interrupt: 20000750 ns\n"
        "Min interval: 2000000 ns\n"
        "Max interval: 5000000 ns\n"
        "Interval histogram (ns):\n"
        + "".join(f"  {i * 100}-{(i + 1) * 100}: 0\n" for i in range(10))
    )
    assert m.read(f"/proc/irq/{irq}/spurious") == "count 6\nunhandled 0\nlast_unhandled 0 ms\n"
    row = [r for r in m.read("/proc/interrupts").splitlines() if r.startswith(f" {irq}:")][0]
    assert row.endswith("GICv2  63 Level     neighbour, my_debug_device") and row.split()[1] == "6"
    ours = [e["ret"] for e in m.trace.events("irq_handler_exit") if e["irq"] == irq][1::2]
    assert ours == ["handled"] * 4 + ["unhandled"] * 2
    assert ex.report(m).startswith("--- /sys/kernel/debug/my_irq_debug/statistics ---\nIRQ Statistics for IRQ")
