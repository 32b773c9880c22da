"""Seed 003, "Handler with Spinlock": examples/seed003_spinlock_ring.py."""

import importlib.util
import pathlib

MS = 1_000_000
CHAR_NS = 86_807  # one 10-bit character at 115200 baud


def _example():
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed003_spinlock_ring.py"
    spec = importlib.util.spec_from_file_location("seed003_spinlock_ring", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_bytes_go_through_the_ring_to_the_reader_in_order():
    """Each byte's interrupt moves it into the ring under spin_lock_irqsave and wakes the reader on CPU1; each line comes out of read() right after its last byte (the newline) arrived."""
    ex = _example()
    m = ex.main(1)
    recs = [(r.ts, r.text) for r in m.kernel.log.records if r.text.startswith("my_ring: read: ")]
    assert [t for _, t in recs] == ["my_ring: read: hello, world", "my_ring: read: interrupts are the doorbell"]
    assert ex.lines == [b"hello, world", b"interrupts are the doorbell"]
    last1 = 2 * MS + 12 * CHAR_NS  # "\n" is the 13th byte
    last2 = 10 * MS + 27 * CHAR_NS
    assert 0 < recs[0][0] - last1 < 20_000 and 0 < recs[1][0] - last2 < 20_000
    assert all(e["ret"] == "handled" for e in m.trace.events("irq_handler_exit") if e["irq"] == ex.board["irq"])
    assert "BUG" not in m.dmesg()


def test_a_full_ring_makes_the_seeds_loop_spin_forever():
    """The seed's loop is wrong when the ring is full: it skips RX_DATA, RX_FIFO_COUNT never drops, and the handler spins with interrupts off. With no reader the 16th byte (at 10 ms + 2 characters) enters the handler and it never exits: the CPU is hard-locked, exactly what this C code would do."""
    ex = _example()
    m = ex.main(1, reader_running=False)
    irq = ex.board["irq"]
    entries = [e for e in m.trace.events("irq_handler_entry") if e["irq"] == irq]
    exits = [e for e in m.trace.events("irq_handler_exit") if e["irq"] == irq]
    assert len(entries) == 16 and len(exits) == 15
    assert 0 < entries[-1].ts - (10 * MS + 2 * CHAR_NS) < 2_000
    assert ex.dev.rx_head == 15 and ex.dev.rx_tail == 0  # 15 slots used, one always free
    uart = ex.board["uart"]
    assert uart.overruns > 0 and len(uart.rx_fifo) == 16  # the rest of the line piles up in the FIFO and is lost
    assert m.kernel.cpus[0].preempt_count >> 16 == 1  # still in hardirq at 20 ms
