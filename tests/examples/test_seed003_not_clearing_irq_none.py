"""Seed 003, "Common Mistakes - Mistake 2: Not Clearing Interrupt" (IRQ_NONE form): examples/seed003_not_clearing_irq_none.py."""

import importlib.util
import pathlib
import re

MS = 1_000_000


def _example():
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed003_not_clearing_irq_none.py"
    spec = importlib.util.spec_from_file_location("seed003_not_clearing_irq_none", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_unclaimed_level_source_is_reported_and_disabled_after_100000_interrupts():
    """note_interrupt() (kernel/irq/spurious.c): 100000 interrupts, all IRQ_NONE (> 99900) -> "nobody cared", dump_stack, the handler list, "Disabling IRQ #14"; the storm took ~30 ms at ~300 ns an interrupt."""
    ex = _example()
    m = ex.main(1)
    lines = m.dmesg_lines()
    i = lines.index('irq 14: nobody cared (try booting with the "irqpoll" option)')
    assert lines[i + 1].startswith("CPU: 0 UID: 0 PID: 0 Comm: swapper/0 Tainted: G           O ")
    h = lines.index("handlers:", i)
    assert re.fullmatch(r"\[<[0-9a-f]{16}>\] tx_only_handler \[deaf_uart\]", lines[h + 1])
    assert lines[h + 2] == "Disabling IRQ #14"
    t = [r.ts for r in m.kernel.log.records if r.text == "Disabling IRQ #14"][0]
    assert 25 * MS < t < 40 * MS
    row = [r for r in ex.shown["/proc/interrupts"].splitlines() if r.endswith("deaf_uart")]
    assert row == [" 14:     100000          0     GICv2  79 Level     deaf_uart"]
    assert ex.shown["/proc/irq/14/spurious"].startswith("count 0\nunhandled 0\nlast_unhandled ")


def test_the_disabled_line_leaves_the_driver_deaf():
    """The first transmission (at load) completes; the one at ~104 ms never sees its TX_EMPTY interrupt because the line is masked for good (a non-shared line is not polled), so its 100 ms wait times out."""
    ex = _example()
    m = ex.main(1)
    recs = [(r.ts, r.text) for r in m.kernel.log.records if r.text.startswith("deaf_uart: tx")]
    assert [t for _, t in recs] == ["deaf_uart: tx of 3 byte(s) done", "deaf_uart: tx of 6 byte(s) timed out"]
    assert 200 * MS < recs[1][0] < 220 * MS
    assert ex.board["uart"].tx_log[-1][1] == ord("\n")  # the bytes did go out: only the interrupt was lost
