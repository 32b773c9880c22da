"""Seed 003, "Common Mistakes - Mistake 1: Not Checking Interrupt Source": examples/seed003_not_checking_source.py."""

import importlib.util
import pathlib
import re

MS = 1_000_000


def _example():
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed003_not_checking_source.py"
    spec = importlib.util.spec_from_file_location("seed003_not_checking_source", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_unchecked_handler_misattributes_events_and_hides_a_stuck_line():
    """All actions of a shared line run on every interrupt (kernel/irq/handle.c), so goodA still gets its 5 events; badB "processes" each of them too (stale data 0) and then every interrupt of stuck device C. Its IRQ_HANDLED keeps note_interrupt() from counting unhandled interrupts: no "nobody cared", no disable, and the app task on CPU0 makes no progress from 10 ms until C resets itself at 15 ms."""
    ex = _example()
    m = ex.main(1)
    a, b = ex.devices
    assert (a.name, a.events, a.data) == ("goodA", 5, [0xA1, 0xA2, 0xA3, 0xA4, 0xA5])
    row = [r for r in ex.shown["/proc/interrupts"].splitlines() if r.endswith("goodA, badB")][0]
    total = int(row.split()[1])
    assert b.name == "badB" and b.events == total > 10_000  # one phantom event per interrupt of the line
    assert set(b.data) == {0}
    assert re.fullmatch(r" 14: +\d+ +0     GICv2  76 Level     goodA, badB", row)
    assert "nobody cared" not in m.dmesg() and "Disabling IRQ" not in m.dmesg()
    assert not [t for t in ex.progress if 10 * MS + 100_000 < t < 15 * MS]
    assert [t for t in ex.progress if t > 15 * MS]  # app runs again once C has let go


def test_with_checking_handlers_the_kernel_catches_the_stuck_line():
    """When both drivers check their device, C's interrupts are unhandled: after 100000 of them the kernel reports "irq 14: nobody cared", lists both handlers, disables the line, and CPU0 runs app again."""
    ex = _example()
    m = ex.main(1, bad=False)
    lines = m.dmesg_lines()
    i = lines.index('irq 14: nobody cared (try booting with the "irqpoll" option)')
    h = lines.index("handlers:", i)
    assert [re.sub(r"<[0-9a-f]+>", "<p>", x) for x in lines[h + 1:h + 4]] == [
        "[<p>] good_handler [shared_mistake]", "[<p>] good_handler [shared_mistake]", "Disabling IRQ #14"]
    t_off = [r.ts for r in m.kernel.log.records if r.text == "Disabling IRQ #14"][0]
    assert 40 * MS < t_off < 60 * MS
    assert not [t for t in ex.progress if 10 * MS + 100_000 < t < t_off]
    assert [t for t in ex.progress if t > t_off]
    assert ex.shown["events at the end"].startswith("goodA: 5 event(s)")
