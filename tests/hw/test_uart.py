"""The UART model: RX FIFO, latched status on a level line, W1C clear, overrun, TX timing."""

import pytest

from irqlab.hw import Line, Uart
from irqlab.hw.uart import *


def test_level_line_stays_asserted_until_status_is_cleared(engine, record):
    """RX_READY holds the line active after the FIFO is drained; only a write to IRQ_CLEAR releases it."""
    u = Uart(engine, "uart0")
    edges = record(u.line)
    u.writel(UART_IRQ_ENABLE, UART_RX_READY | UART_ERROR)
    u.receive(b"A", at=1_000)
    engine.run(until=2_000)
    assert u.line.active
    assert u.readl(UART_IRQ_STATUS) == UART_RX_READY | UART_IRQ_PENDING
    assert u.readl(UART_RX_FIFO_COUNT) == 1 and u.readl(UART_RX_DATA) == ord("A")
    assert u.readl(UART_RX_FIFO_COUNT) == 0
    engine.run(until=50_000)
    assert u.line.active, "draining the FIFO must not clear the latched status"
    u.writel(UART_IRQ_CLEAR, UART_RX_READY)
    assert not u.line.active and u.readl(UART_IRQ_STATUS) == 0
    assert edges == [(1_000, True), (50_000, False)]


def test_seed_003_handler_pattern_reads_clears_and_drains(engine):
    """status = readl(IRQ_STATUS); writel(status, IRQ_CLEAR); drain while RX_FIFO_COUNT: the line drops."""
    u = Uart(engine, "uart0")
    u.writel(UART_IRQ_ENABLE, UART_RX_READY | UART_TX_EMPTY | UART_ERROR)
    last = u.receive(b"hello", at=0)
    engine.run(until=last)
    status = u.readl(UART_IRQ_STATUS)
    assert status & UART_IRQ_PENDING and status & UART_RX_READY
    u.writel(UART_IRQ_CLEAR, status)
    got = bytearray()
    while u.readl(UART_RX_FIFO_COUNT):
        got.append(u.readl(UART_RX_DATA))
    assert bytes(got) == b"hello" and not u.line.active
    assert u.readl(UART_FLAGS) & UART_FLAG_RXFE


def test_writing_status_back_to_irq_status_also_clears(engine):
    """IRQ_STATUS is write-1-to-clear too (seed 000's writel(status, regs + IRQ_STATUS))."""
    u = Uart(engine)
    u.writel(UART_IRQ_ENABLE, UART_RX_READY)
    u.receive_byte(0x55)
    assert u.line.active
    u.writel(UART_IRQ_STATUS, u.readl(UART_IRQ_STATUS))
    assert not u.line.active and u.readl(UART_IRQ_STATUS) == 0


def test_masked_causes_latch_without_asserting_and_assert_when_enabled(engine):
    """With IRQ_ENABLE 0 the status latches silently; enabling it asserts the line at once."""
    u = Uart(engine)
    u.receive_byte(1)
    assert u.readl(UART_IRQ_STATUS) == UART_RX_READY and not u.line.active
    assert u.readl(UART_IRQ_MASKED) == 0
    u.writel(UART_IRQ_ENABLE, UART_RX_READY)
    assert u.line.active and u.readl(UART_IRQ_MASKED) == UART_RX_READY
    u.writel(UART_IRQ_ENABLE, 0)
    assert not u.line.active


def test_fifo_overrun_sets_the_error_bit_and_counts_lost_bytes(engine):
    """20 bytes into a 16-byte FIFO: the first 16 are kept, 4 are lost, ERROR is latched."""
    u = Uart(engine, fifo_depth=16)
    u.writel(UART_IRQ_ENABLE, UART_ERROR)
    u.receive(bytes(range(20)), at=0)
    engine.run()
    assert u.readl(UART_RX_FIFO_COUNT) == 16 and u.readl(UART_OVERRUNS) == 4
    assert u.readl(UART_IRQ_STATUS) == UART_RX_READY | UART_ERROR | UART_IRQ_PENDING
    assert u.readl(UART_FLAGS) & UART_FLAG_RXFF
    assert [u.readl(UART_RX_DATA) for _ in range(16)] == list(range(16))
    assert u.line.active
    u.writel(UART_IRQ_CLEAR, UART_ERROR)
    assert not u.line.active


def test_bytes_arrive_one_character_time_apart(engine):
    """At 115200 baud a 10-bit character takes 86806 ns; receive(rate=) spaces bytes as asked."""
    u = Uart(engine, baud=115_200)
    times = []
    assert u.char_ns == 86_806
    last = u.receive(b"abc", at=1_000_000)
    assert last == 1_000_000 + 2 * 86_806
    orig = u.receive_byte
    u.receive_byte = lambda b: (times.append(engine.now), orig(b))
    u.receive(b"xy", at=2_000_000, rate=1000)
    engine.run()
    assert times == [2_000_000, 3_000_000]
    with pytest.raises(ValueError, match="faster than the wire"):
        u.receive(b"zz", rate=20_000)


def test_stream_feeds_count_bytes_at_the_rate(engine):
    """stream(rate, count) delivers count bytes cycling through the pattern."""
    u = Uart(engine, fifo_depth=32)
    u.stream(rate=5_000, start=0, count=10, pattern=b"xyz")
    engine.run()
    assert bytes(u.rx_fifo) == b"xyzxyzxyzx" and u.rx_bytes == 10
    assert engine.now == 9 * 200_000


def test_transmit_shifts_bytes_out_and_latches_tx_empty(engine, record):
    """TX_DATA bytes leave one character time apart; TX_EMPTY latches after the last one."""
    sink = []
    u = Uart(engine, baud=1_000_000, tx_sink=sink.append)
    u.writel(UART_IRQ_ENABLE, UART_TX_EMPTY)
    edges = record(u.line)
    for b in b"ok!":
        u.writel(UART_TX_DATA, b)
    assert u.readl(UART_TX_FIFO_COUNT) == 2 and u.readl(UART_FLAGS) & UART_FLAG_BUSY
    engine.run()
    assert u.tx_log == [(10_000, ord("o")), (20_000, ord("k")), (30_000, ord("!"))]
    assert sink == list(b"ok!")
    assert edges == [(30_000, True)]
    assert u.readl(UART_FLAGS) & UART_FLAG_TXFE and not u.readl(UART_FLAGS) & UART_FLAG_BUSY


def test_two_uarts_share_a_level_line(engine):
    """Two UARTs on one wired-OR line: it stays active until both have cleared their status."""
    line = Line("irq-shared")
    a, b = Uart(engine, "a", line=line), Uart(engine, "b", line=line)
    for u in (a, b):
        u.writel(UART_IRQ_ENABLE, UART_RX_READY)
        u.receive_byte(7)
    a.writel(UART_IRQ_CLEAR, UART_RX_READY)
    assert line.active
    b.writel(UART_IRQ_CLEAR, UART_RX_READY)
    assert not line.active


def test_register_window_bounds(engine):
    """Unaligned or out-of-window offsets raise ValueError; a hole inside reads 0 and ignores writes."""
    u = Uart(engine)
    with pytest.raises(ValueError, match="bad register offset 0x2"):
        u.readl(0x02)
    with pytest.raises(ValueError, match="bad register offset"):
        u.writel(UART_REG_SIZE, 0)
    u.writel(0x3C, 0xFFFF)
    assert u.readl(0x3C) == 0 and u.readl(UART_IRQ_CLEAR) == 0
