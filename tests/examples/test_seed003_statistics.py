"""Seed 003, "Statistics and Debugging": examples/seed003_statistics.py."""

import importlib.util
import pathlib


def _example():
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed003_statistics.py"
    spec = importlib.util.spec_from_file_location("seed003_statistics", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_counters_and_last_irq_time_match_the_trace():
    """Five RX interrupts ("stats", one byte each) and two TX-empty ones ("ok" sent twice) give irq_count=7, rx_count=5, tx_count=2; last_irq_time is the last handler entry plus the status read before it (100 ns)."""
    ex = _example()
    m = ex.main(1)
    irq = ex.board["irq"]
    entries = [e.ts for e in m.trace.events("irq_handler_entry") if e["irq"] == irq]
    assert len(entries) == 7
    last = entries[-1] + 100  # readl(IRQ_STATUS) costs the generic board's mmio_read
    assert m.dmesg_lines()[-2:] == [
        f"my_stats: irq_count=7 rx_count=5 tx_count=2 last_irq_time={last} ns",
        "my_stats: received 'stats'",
    ]
    # The second "ok" leaves 8 ms (msleep(8): 3+1 jiffies at HZ=250, 12-16 ms) plus two characters later.
    assert 12_000_000 < entries[-1] < 16_400_000
