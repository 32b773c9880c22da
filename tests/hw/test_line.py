"""The Line abstraction the device models build on: polarity, wired-OR drivers, pulses."""

from irqlab.hw import Line
from irqlab.hw.regs import IrqOutput


def test_pulse_is_an_edge_pair_at_one_instant():
    """pulse() asserts then releases: listeners see active then inactive, the line ends idle."""
    line = Line("edge")
    seen = []
    line.connect(lambda _l, level: seen.append(level))
    line.pulse("dev")
    assert seen == [True, False] and not line.active and line.edges == 2


def test_wired_or_line_is_active_while_any_driver_asserts():
    """Two drivers on one level line: it goes inactive only after both release it."""
    line = Line("shared", active_high=False)
    assert line.level is True
    line.assert_("a")
    line.assert_("b")
    line.deassert("a")
    assert line.active and line.level is False
    line.deassert("b")
    assert not line.active and line.level is True


def test_irq_output_follows_pending_in_level_and_edge_modes():
    """IrqOutput asserts/releases a level line, and pulses an edge line once per rising pending."""
    level, edge = Line("l"), Line("e")
    lo, eo = IrqOutput("dev", level), IrqOutput("dev", edge, edge=True)
    for pending in (True, True, False, True):
        lo.update(pending)
        eo.update(pending)
    assert level.active and level.edges == 3
    assert not edge.active and edge.edges == 4 and eo.pulses == 2
