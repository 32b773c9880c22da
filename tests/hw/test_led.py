"""The LED model: follows a GPIO output line or callback, records a timeline with helpers."""

import pytest

from irqlab.hw import Led, Line
from irqlab.sim import PRIO_HW


def test_led_follows_its_line_and_records_the_timeline(engine):
    """Each level change of the output line is one timeline entry (ns, on); helpers sum it up."""
    pin = Line("gpio4")
    led = Led(engine, "led1", line=pin)
    for t, level in [(1_000, True), (4_000, False), (6_000, True), (6_000, True), (9_000, False)]:
        engine.at(t, PRIO_HW, pin.set, level)
    engine.run(until=10_000)
    assert list(led.timeline) == [(0, False), (1_000, True), (4_000, False), (6_000, True), (9_000, False)]
    assert led.toggles == 4
    assert led.on_time() == 3_000 + 3_000
    assert led.on_intervals() == [(1_000, 4_000), (6_000, 9_000)]
    assert led.state_at(1_000) and led.state_at(3_999) and not led.state_at(4_000) and not led.state_at(0)


def test_led_wired_to_3v3_is_lit_while_the_pin_is_low(engine):
    """active_high=False: drive(False) lights it; drive() works as a plain GPIO callback."""
    led = Led(engine, "led", active_high=False)
    engine.at(100, PRIO_HW, led.drive, False)
    engine.at(300, PRIO_HW, led.drive, True)
    engine.run()
    assert list(led.timeline) == [(0, False), (100, True), (300, False)]
    assert led.on_time() == 200 and led.on_intervals() == [(100, 300)]


def test_led_takes_the_line_level_when_attached_and_counts_while_lit(engine):
    """attach() adopts the line's current level; on_time counts up to now while lit."""
    pin = Line("gpio4", idle_level=True)
    led = Led(engine, "led")
    engine.run(until=50)
    led.attach(pin)
    engine.run(until=80)
    assert led.on and list(led.timeline) == [(0, False), (50, True)]
    assert led.on_time() == 30 and led.on_intervals() == [(50, None)]
    led.detach()
    pin.set(False)
    assert led.on


def test_bounded_history_keeps_totals_exact(engine):
    """history=N keeps the last N entries but toggles and on_time stay exact."""
    led = Led(engine, "led", history=3)
    for i in range(10):
        engine.at(i * 10, PRIO_HW, led.set, i % 2 == 0)
    engine.run(until=100)
    assert led.toggles == 10 and len(led.timeline) == 3
    assert led.on_time() == 50
    with pytest.raises(ValueError, match="timeline starts"):
        led.state_at(0)
