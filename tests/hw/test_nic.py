"""The NIC model: RX ring and drops, mitigation (rx-frames/rx-usecs), NAPI-style masking, generators."""

import pytest

from irqlab.hw import Line, Nic
from irqlab.hw.nic import *


def _up(nic, frames=1, usecs=0):
    nic.writel(NIC_COAL_FRAMES, frames)
    nic.writel(NIC_COAL_USECS, usecs)
    nic.writel(NIC_INT_ENABLE, NIC_INT_RX | NIC_INT_RXO)
    nic.writel(NIC_CTRL, NIC_CTRL_RX_EN)


def test_without_mitigation_every_packet_interrupts(engine, record):
    """rx-frames 1, rx-usecs 0 (reset): each packet latches RX; the level line holds until cleared."""
    nic = Nic(engine, "eth0")
    assert nic.readl(NIC_COAL_FRAMES) == 1 and nic.readl(NIC_COAL_USECS) == 0
    _up(nic)
    edges = record(nic.line)
    nic.inject(3, at=1_000)
    engine.run()
    assert nic.rx_interrupts == 3 and nic.readl(NIC_RX_PENDING) == 3
    assert edges == [(1_000, True)]
    nic.writel(NIC_INT_STATUS, NIC_INT_RX)
    assert not nic.line.active and edges[-1] == (engine.now, False)


def test_frame_size_sets_the_wire_time(engine):
    """A 64-byte frame plus preamble and gap takes 672 ns at 1 Gb/s; inject spaces frames by it."""
    nic = Nic(engine)
    assert nic.wire_ns(64) == 672 and nic.wire_ns(1500) == 12_160
    _up(nic)
    assert nic.inject(4, at=0) == 3 * 672
    engine.run()
    pkts = nic.rx_poll(64)
    assert [p.t for p in pkts] == [0, 672, 1344, 2016] and [p.seq for p in pkts] == [1, 2, 3, 4]


def test_frames_and_usecs_both_zero_never_interrupt(engine):
    """rx-frames 0 and rx-usecs 0: packets land in the ring but RX is never latched (ethtool.h warns so)."""
    nic = Nic(engine)
    _up(nic, frames=0, usecs=0)
    nic.inject(10)
    engine.run()
    assert nic.readl(NIC_RX_PENDING) == 10 and nic.rx_interrupts == 0 and not nic.line.active


def test_coalescing_fires_after_n_packets(engine, record):
    """rx-frames 8, rx-usecs 0: 20 packets latch RX twice (after the 8th and 16th); 4 wait unsignalled."""
    nic = Nic(engine)
    _up(nic, frames=8)
    edges = record(nic.line)
    nic.inject(20, at=0)
    engine.run()
    assert nic.rx_interrupts == 2 and nic.readl(NIC_RX_PENDING) == 20
    assert edges == [(7 * 672, True)]
    nic.writel(NIC_INT_STATUS, NIC_INT_RX)
    engine.run(until=engine.now + 10_000_000)
    assert not nic.line.active


def test_coalescing_timer_fires_usecs_after_the_first_packet(engine, record):
    """rx-frames 8, rx-usecs 100: 3 packets latch RX exactly 100 µs after the first of them."""
    nic = Nic(engine)
    _up(nic, frames=8, usecs=100)
    edges = record(nic.line)
    nic.inject(3, at=5_000)
    engine.run()
    assert nic.rx_interrupts == 1 and edges == [(105_000, True)]


def test_coalescing_count_wins_over_the_timer(engine, record):
    """rx-frames 4, rx-usecs 100: the 4th packet latches RX and cancels the pending timer."""
    nic = Nic(engine)
    _up(nic, frames=4, usecs=100)
    edges = record(nic.line)
    nic.inject(4, at=0)
    engine.run()
    assert edges == [(3 * 672, True)] and nic.rx_interrupts == 1 and engine.now == 3 * 672


def test_napi_masks_polls_budget_and_unmasks(engine):
    """NAPI on the model: mask RX, poll 64 of 100, poll the rest, unmask; a cause latched meanwhile re-asserts."""
    nic = Nic(engine)
    _up(nic)
    nic.inject(100, at=0)
    engine.run()
    assert nic.line.active
    # Hard IRQ handler: mask RX, acknowledge.
    nic.writel(NIC_INT_ENABLE_CLR, NIC_INT_RX)
    nic.writel(NIC_INT_STATUS, nic.readl(NIC_INT_STATUS))
    assert not nic.line.active
    first = nic.rx_poll(64)
    assert len(first) == 64 and nic.readl(NIC_RX_PENDING) == 36 and nic.readl(NIC_RX_TAIL) == 64
    nic.packet_arrives(64)  # arrives while masked: latched, line stays quiet
    assert nic.readl(NIC_INT_STATUS) == NIC_INT_RX and not nic.line.active
    rest = nic.rx_poll(64)
    assert len(rest) == 37 and [p.seq for p in first + rest] == list(range(1, 102))
    nic.writel(NIC_INT_ENABLE_SET, NIC_INT_RX)
    assert nic.line.active and nic.readl(NIC_INT_ENABLE) == NIC_INT_RX | NIC_INT_RXO
    assert nic.rx_pop() is None


def test_ring_overflow_counts_drops_and_latches_rxo(engine):
    """A full ring drops arrivals: NIC_RX_DROPS counts them and RXO is latched; freed slots refill."""
    nic = Nic(engine, ring_size=8)
    _up(nic)
    nic.writel(NIC_INT_ENABLE, NIC_INT_RXO)
    nic.inject(12, at=0)
    engine.run()
    assert nic.readl(NIC_RX_PENDING) == 8 and nic.readl(NIC_RX_DROPS) == 4
    assert nic.readl(NIC_INT_STATUS) == NIC_INT_RX | NIC_INT_RXO and nic.line.active
    assert all(d.status & RXD_STAT_DD for d in nic.ring)
    assert [p.seq for p in nic.rx_poll(3)] == [1, 2, 3]
    nic.inject(3)
    engine.run()
    assert nic.readl(NIC_RX_HEAD) == 3 and nic.readl(NIC_RX_DROPS) == 4
    assert [p.seq for p in nic.rx_poll(100)] == [4, 5, 6, 7, 8, 9, 10, 11]


def test_disabled_receiver_ignores_the_wire(engine):
    """With NIC_CTRL_RX_EN clear (reset), packets are ignored and not counted as drops."""
    nic = Nic(engine)
    nic.inject(5)
    engine.run()
    assert nic.ignored == 5 and nic.readl(NIC_RX_PENDING) == 0 and nic.readl(NIC_RX_DROPS) == 0
    assert nic.readl(NIC_RING_SIZE) == 256


def test_edge_mode_pulses_once_per_new_cause(engine, record):
    """edge=True: one pulse when status & enable becomes non-zero; none while it stays latched."""
    nic = Nic(engine, edge=True)
    _up(nic)
    edges = record(nic.line)
    nic.inject(3, at=0)
    engine.run()
    assert edges == [(0, True), (0, False)] and nic.irq.pulses == 1
    nic.writel(NIC_INT_STATUS, NIC_INT_RX)
    nic.packet_arrives()
    assert nic.irq.pulses == 2


def test_constant_rate_generator_and_bursts(engine):
    """generate(rate): evenly spaced packets; burst=4 sends back-to-back groups at the same average rate."""
    nic = Nic(engine, ring_size=1024)
    _up(nic)
    flow = nic.generate(100_000, start=0, until=999_999)
    engine.run()
    assert flow.sent == 100 and not flow.running
    pkts = nic.rx_poll(1000)
    assert [p.t for p in pkts[:3]] == [0, 10_000, 20_000]
    flow = nic.generate(100_000, start=engine.now + 1, count=8, burst=4)
    t0 = engine.now + 1
    engine.run()
    assert [p.t - t0 for p in nic.rx_poll(100)] == [0, 672, 1344, 2016, 40_000, 40_672, 41_344, 42_016]


def test_poisson_generator_is_seeded(engine):
    """poisson=True draws gaps from the engine RNG: same seed, same arrivals; never closer than the wire."""
    from irqlab.sim import Engine

    def arrivals(seed):
        e = Engine(seed=seed)
        nic = Nic(e, ring_size=4096)
        _up(nic)
        nic.generate(200_000, count=500, poisson=True)
        e.run()
        return [p.t for p in nic.rx_poll(1000)]

    a = arrivals(5)
    assert a == arrivals(5) and a != arrivals(6) and len(a) == 500
    assert min(b - x for x, b in zip(a, a[1:])) >= 672
    assert 1_500_000 < a[-1] < 3_500_000  # mean gap 5 µs


def test_flow_stop_and_rate_limits(engine):
    """A flow stops on stop(); a rate above the link is refused with the link's packet rate."""
    nic = Nic(engine)
    _up(nic)
    flow = nic.generate(1_000, until="1s")
    engine.run(until=2_500_000)
    flow.stop()
    engine.run()
    assert flow.sent == 3
    with pytest.raises(ValueError, match="exceeds the link"):
        nic.generate(2_000_000, count=10)
    with pytest.raises(ValueError, match="until= or count="):
        nic.generate(1_000)


def test_nic_shares_a_pci_intx_line(engine):
    """A NIC and another device on one level line: it deasserts only when both are quiet."""
    line = Line("INTA")
    a, b = Nic(engine, "eth0", line=line), Nic(engine, "eth1", line=line)
    for n in (a, b):
        _up(n)
        n.packet_arrives()
    a.writel(NIC_INT_STATUS, NIC_INT_RX)
    assert line.active
    b.writel(NIC_INT_STATUS, NIC_INT_RX)
    assert not line.active
