"""Generic MMIO devices: latched status on a shareable level line, and the free-running timer."""

import pytest

from irqlab.hw import Line, MmioDevice, TimerDevice
from irqlab.hw.mmio import *
from irqlab.sim import Engine


def test_shared_line_deasserts_only_when_every_device_is_quiet(engine, record):
    """Three devices on one wired-OR line: one assert edge, one deassert edge after the last clear."""
    line = Line("irq-shared")
    devs = [MmioDevice(engine, f"dev{i}", line=line) for i in range(3)]
    edges = record(line)
    for d in devs:
        d.writel(MMIO_ENABLE, MMIO_RX_READY)
    devs[0].trigger(at=100)
    devs[2].trigger(at=200)
    engine.run(until=300)
    assert line.active and [d.asserting for d in devs] == [True, False, True]
    assert devs[1].readl(MMIO_STATUS) & MMIO_IRQ_PENDING == 0
    engine.run(until=400)
    devs[0].writel(MMIO_CLEAR, MMIO_RX_READY)
    assert line.active, "dev2 still asserts"
    engine.run(until=500)
    devs[2].writel(MMIO_STATUS, devs[2].readl(MMIO_STATUS))
    assert not line.active
    assert edges == [(100, True), (500, False)]


def test_a_disabled_device_does_not_hold_the_shared_line(engine):
    """A cause latched while MMIO_ENABLE masks it does not assert the line; MMIO_MASKED shows it."""
    line = Line("irq")
    a, b = MmioDevice(engine, "a", line=line), MmioDevice(engine, "b", line=line)
    a.writel(MMIO_ENABLE, MMIO_CAUSES)
    b.signal(MMIO_ERROR)
    assert not line.active and b.readl(MMIO_STATUS) == MMIO_ERROR and b.readl(MMIO_MASKED) == 0
    a.signal(MMIO_TX_EMPTY, data=0xBEEF)
    assert line.active and a.readl(MMIO_STATUS) == MMIO_TX_EMPTY | MMIO_IRQ_PENDING
    assert a.readl(MMIO_DATA) == 0xBEEF and a.readl(MMIO_EVENTS) == 1
    a.writel(MMIO_ENABLE, 0)
    assert not line.active


def test_shared_line_with_an_active_low_polarity(engine, record):
    """On an active-low shared line (PCI INTx#) asserting drives it low; release returns it high."""
    line = Line("INTA#", active_high=False)
    a, b = MmioDevice(engine, "a", line=line), MmioDevice(engine, "b", line=line)
    edges = record(line)
    for d in (a, b):
        d.writel(MMIO_ENABLE, MMIO_RX_READY)
        d.signal()
    a.writel(MMIO_CLEAR, MMIO_RX_READY)
    b.writel(MMIO_CLEAR, MMIO_RX_READY)
    assert edges == [(0, False), (0, True)]


def test_trigger_every_signals_periodically(engine, record):
    """trigger_every(period, count=N) latches N events a period apart (the handler clears each)."""
    dev = MmioDevice(engine, "dev")
    dev.writel(MMIO_ENABLE, MMIO_RX_READY)
    edges = record(dev.line)
    dev.line.connect(lambda _l, level: level and dev.writel(MMIO_CLEAR, MMIO_RX_READY))
    dev.trigger_every("1ms", start="2ms", count=3)
    engine.run()
    assert edges == [(2_000_000, True), (2_000_000, False), (3_000_000, True), (3_000_000, False),
                     (4_000_000, True), (4_000_000, False)]
    assert dev.events == 3 and engine.now == 4_000_000
    with pytest.raises(ValueError, match="name no cause"):
        dev.trigger(bits=MMIO_IRQ_PENDING)


def test_edge_device_pulses(engine, record):
    """edge=True: a pulse when a cause becomes pending, none for a second cause already pending."""
    dev = MmioDevice(engine, "dev", edge=True)
    dev.writel(MMIO_ENABLE, MMIO_CAUSES)
    edges = record(dev.line)
    dev.signal(MMIO_RX_READY)
    dev.signal(MMIO_ERROR)
    assert edges == [(0, True), (0, False)] and dev.asserting


def test_timer_counter_runs_at_its_frequency():
    """The 64-bit counter counts freq_hz from creation; COUNT_LO/HI split it."""
    e = Engine()
    t = TimerDevice(e, freq_hz=1_000_000)
    e.run(until=1_500_999)
    assert t.readl(TMR_COUNT_LO) == 1_500 and t.readl(TMR_COUNT_HI) == 0
    fast = TimerDevice(e, freq_hz=54_000_000)
    e.run(until=e.now + 100_000_000_000)
    assert fast.count() == 5_400_000_000
    assert fast.readl(TMR_COUNT_HI) == 1 and fast.readl(TMR_COUNT_LO) == 5_400_000_000 - (1 << 32)


def test_timer_one_shot_compare_match_holds_the_line_until_cleared(engine, record):
    """COMPARE=1000 at 1 MHz matches at 1 ms: TMR_MATCH latched, line held until TMR_CLEAR, then disarmed."""
    t = TimerDevice(engine)
    edges = record(t.line)
    t.writel(TMR_ENABLE, TMR_MATCH)
    t.writel(TMR_COMPARE, 1000)
    t.writel(TMR_CTRL, TMR_CTRL_EN)
    engine.run(until=5_000_000)
    assert t.readl(TMR_STATUS) == TMR_MATCH | TMR_IRQ_PENDING and t.line.active
    t.writel(TMR_CLEAR, TMR_MATCH)
    engine.run()
    assert edges == [(1_000_000, True), (5_000_000, False)]
    assert t.readl(TMR_MATCHES) == 1 and t.readl(TMR_CTRL) == 0


def test_timer_periodic_mode_keeps_an_exact_cadence_and_counts_overruns(engine):
    """PERIODIC with PERIOD=250 ticks: matches every 250 µs; matches finding MATCH still set are overruns."""
    t = TimerDevice(engine)
    times = []
    t.line.connect(lambda _l, level: level and times.append(engine.now))
    def ack(_line, level):
        if level:
            t.writel(TMR_CLEAR, TMR_MATCH)

    t.line.connect(ack)
    t.writel(TMR_ENABLE, TMR_MATCH)
    t.writel(TMR_PERIOD, 250)
    t.writel(TMR_COMPARE, 250)
    t.writel(TMR_CTRL, TMR_CTRL_EN | TMR_CTRL_PERIODIC)
    engine.run(until=1_000_000)
    assert times == [250_000, 500_000, 750_000, 1_000_000]
    assert t.readl(TMR_COMPARE) == 1250
    t.line.disconnect(ack)
    engine.run(until=2_000_000)
    assert t.readl(TMR_MATCHES) == 8 and t.readl(TMR_OVERRUNS) == 3
    t.writel(TMR_CTRL, 0)
    engine.run()
    assert engine.now == 2_000_000


def test_timer_compare_equal_to_the_count_waits_a_full_wrap(engine):
    """Writing the current count to COMPARE matches only after 2**32 ticks (the counter must wrap)."""
    t = TimerDevice(engine)
    engine.run(until=10_000)
    t.writel(TMR_COMPARE, t.readl(TMR_COUNT_LO))
    t.writel(TMR_CTRL, TMR_CTRL_EN)
    assert engine.next_time() == 10_000 + (1 << 32) * 1_000


def test_timer_rejects_impossible_frequencies(engine):
    """A counter faster than the 1 ns clock cannot be modelled and is refused."""
    with pytest.raises(ValueError, match="freq_hz"):
        TimerDevice(engine, freq_hz=2_000_000_000)


def test_read_clears_acknowledges_on_a_data_read(engine, record):
    """read_clears=MMIO_RX_READY: reading MMIO_DATA returns the sample and releases the level line; a plain device keeps it."""
    line = Line("irq")
    dev = MmioDevice(engine, "adc", line=line, read_clears=MMIO_RX_READY)
    dev.writel(MMIO_ENABLE, MMIO_RX_READY | MMIO_ERROR)
    edges = record(line)
    dev.signal(MMIO_RX_READY, data=0x1234)
    assert line.active and dev.readl(MMIO_DATA) == 0x1234
    assert not line.active and dev.readl(MMIO_STATUS) == 0
    dev.signal(MMIO_ERROR)
    dev.readl(MMIO_DATA)
    assert line.active, "MMIO_ERROR is not acknowledged by a data read"
    plain = MmioDevice(engine, "plain", line=Line("irq2"))
    plain.writel(MMIO_ENABLE, MMIO_RX_READY)
    plain.signal(MMIO_RX_READY)
    plain.readl(MMIO_DATA)
    assert plain.asserting
    assert edges == [(0, True), (0, False), (0, True)]
