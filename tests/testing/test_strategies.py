"""Hypothesis strategies for hardware faults, each applied to a machine as a test would."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import irqlab
from irqlab.kernel import __GFP_NOWARN, GFP_ATOMIC, IRQ_HANDLED, kmalloc, request_irq
from irqlab.testing import hold_line, inject_edges
from irqlab.testing.strategies import (
    FaultyEdges,
    allocation_failures,
    arrivals,
    bounce_profiles,
    faulty_edges,
    stuck_lines,
)

FAST = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class _Counter:
    """A module counting the interrupts of one irq_sim line."""

    def __init__(self, irq):
        self.__name__ = "counter"
        self.irq = irq
        self.count = 0

    def handler(self, irq, dev):
        self.count += 1
        return IRQ_HANDLED

    def module_init(self):
        return request_irq(self.irq, self.handler, 0, "counter", None)


@FAST
@given(times=arrivals(horizon="20ms", max_events=20, min_gap="10us"))
def test_every_spaced_edge_on_an_irq_sim_line_is_counted(times):
    """Arrivals at least 10 us apart: each is one interrupt, on time order and within the horizon."""
    assert list(times) == sorted(times) and all(b - a >= 10_000 for a, b in zip(times, times[1:]))
    assert 1_000_000 <= times[0] and times[-1] < 21_000_000
    m = irqlab.boot("generic", cpus=2, seed=0)
    mod = _Counter(m.irq_sim(4))
    assert m.insmod(mod) == 0
    inject_edges(m, mod.irq, times)
    m.run(until="25ms")
    assert mod.count == len(times) == m.irq(mod.irq).total


@FAST
@given(edges=faulty_edges(arrivals(horizon="10ms", max_events=10, min_gap="100us"), max_glitch="20us"))
def test_faulty_edges_deliver_sent_minus_missed_plus_extra(edges):
    """delivered = sent - missed + extra, in time order; every missed edge was sent."""
    assert isinstance(edges, FaultyEdges)
    assert len(edges.delivered) == len(edges.sent) - len(edges.missed) + len(edges.extra)
    assert set(edges.missed) <= set(edges.sent) and list(edges.delivered) == sorted(edges.delivered)


@FAST
@given(profile=bounce_profiles())
def test_bounce_profiles_wire_buttons(profile):
    """Any drawn profile wires a Pi 5 button whose click reaches the GPIO as an odd number of extra transitions."""
    m = irqlab.boot("rpi5", seed=0)
    b = m.button(17, profile)
    assert b.profile is profile
    pin = m.board.gpio_pin(17)
    before = pin.edges
    b.click(at="1ms", hold="20ms")
    m.run(until="40ms")
    assert (pin.edges - before) % 2 == 0 and pin.edges - before >= 2
    lo, hi = profile.bounces
    assert 0 <= lo <= hi <= 25


@FAST
@given(stuck=stuck_lines(horizon="5ms"))
def test_a_stuck_level_line_is_held_then_released(stuck):
    """hold_line asserts a GIC SPI line from start, releasing it after duration (or never)."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    line = m.spi_line(40)
    hold_line(m, line, stuck.start, stuck.duration)
    m.run(until=stuck.start)
    assert line.active
    end = stuck.start + (stuck.duration if stuck.duration is not None else 10**7)
    m.run(until=end + 1)
    assert line.active is (stuck.duration is None)


@FAST
@given(rate=allocation_failures())
def test_allocation_failure_rates_fail_gfp_atomic_allocations(rate):
    """Applied with m.fail_atomic_allocations(): rate 0 never fails, rate 1 always does, each failure is logged."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    m.fail_atomic_allocations(rate)
    got = []
    m.spawn(lambda: got.extend(kmalloc(64, GFP_ATOMIC | __GFP_NOWARN) is None for _ in range(20)))
    m.run()
    failed = sum(got)
    assert len(got) == 20
    if rate == 0.0:
        assert failed == 0
    if rate == 1.0:
        assert failed == 20


def test_arrivals_reject_an_empty_horizon():
    """arrivals() says what it needs."""
    import pytest

    with pytest.raises(ValueError, match="positive horizon"):
        arrivals(horizon=0)
    assert st.SearchStrategy in type(arrivals()).__mro__
