"""The push-button model: pull-up wiring, seeded contact bounce per profile, random presses."""

import random

import pytest

from irqlab.hw import BOUNCE_PROFILES, BounceProfile, Button, Line
from irqlab.sim import Engine


def test_ideal_button_is_high_when_open_and_low_while_pressed(engine, record):
    """Profile "none": one falling edge at the press, one rising edge at the release, nothing else."""
    b = Button(engine, "btn", profile="none")
    assert b.line.level is True and not b.line.active
    edges = record(b.line)
    b.press("10ms", hold="50ms")
    engine.run(until=20_000_000)
    assert b.line.level is False and b.line.active and b.pressed
    engine.run(until=100_000_000)
    assert edges == [(10_000_000, False), (60_000_000, True)]
    assert (b.press_count, b.release_count, b.transition_count) == (1, 1, 2)


def test_typical_press_golden_edges_for_seed_0(record):
    """Seed 0, "typical": the press and the release bounce exactly as recorded (determinism golden)."""
    e = Engine(seed=0)
    b = Button(e, "btn17")
    edges = record(b.line, e)
    b.press("10ms", hold="100ms")
    e.run()
    assert edges == [
        (10000000, False), (10021639, True), (10166645, False),
        (110000000, True), (110018599, False), (110050846, True), (110116093, False), (110169070, True),
        (110191647, False), (110266055, True), (110275379, False), (110313328, True), (110339817, False),
        (110397452, True), (110403030, False), (110501346, True),
    ]


@pytest.mark.parametrize("profile", ["typical", "worn"])
def test_bouncing_press_produces_the_edges_its_profile_says(profile, record):
    """Each press/release: 2n+1 alternating edges, n in the profile's range, settled within its maximum."""
    p = BOUNCE_PROFILES[profile]
    e = Engine(seed=7)
    b = Button(e, "btn", profile=profile)
    edges = record(b.line, e)
    for i in range(20):
        b.press(i * 100_000_000, hold="40ms")
    e.run()
    assert len(b.events) == 40
    i = 0
    for ev in b.events:
        n = (len(ev.transitions) - 1) // 2
        assert len(ev.transitions) == 2 * n + 1 and p.bounces[0] <= n <= p.bounces[1]
        assert ev.transitions[0] == (ev.t, ev.kind == "press")
        assert ev.settle_ns < p.settle_max
        closed = [c for _, c in ev.transitions]
        assert closed == [(ev.kind == "press") != bool(k % 2) for k in range(len(closed))]
        # The line shows exactly these transitions (pressed = closed = low).
        assert edges[i : i + len(ev.transitions)] == [(t, not c) for t, c in ev.transitions]
        i += len(ev.transitions)
    assert i == len(edges) == b.transition_count
    assert b.line.level is True


def test_same_seed_same_bounce_other_seed_other_bounce(record):
    """Bounce comes only from the engine's seeded RNG: equal seeds give identical edge lists."""

    def run(seed):
        e = Engine(seed=seed)
        b = Button(e, "btn", profile="worn")
        edges = record(b.line, e)
        b.click("1ms", hold="30ms")
        e.run()
        return edges

    assert run(3) == run(3)
    assert run(3) != run(4)


def test_release_during_press_bounce_cancels_the_rest_of_it(record):
    """A release while the press still bounces ends the press bounce; the line settles high."""
    e = Engine(seed=1)
    b = Button(e, "btn", profile=BounceProfile("slow", settle_min=5_000_000, settle_max=5_000_001, bounces=(10, 10)))
    edges = record(b.line, e)
    b.press(0, hold="1ms")
    e.run()
    press, release = b.events
    assert all(t < 1_000_000 for t, _ in press.transitions)
    assert all(t >= 1_000_000 for t, _ in release.transitions)
    assert edges[-1][1] is True and b.line.level is True and not b.closed


def test_random_presses_soak_mode_is_counted_and_deterministic():
    """random_presses(count=N): N presses and N releases, line released at the end, same for a seed."""

    def run():
        e = Engine(seed=11)
        b = Button(e, "btn", profile="typical")
        b.random_presses(start="1ms", count=25, mean_gap="20ms", hold=("5ms", "15ms"))
        e.run()
        return b, [(ev.kind, ev.t) for ev in b.events]

    b, first = run()
    _, second = run()
    assert first == second
    assert (b.press_count, b.release_count) == (25, 25)
    assert b.line.level is True
    kinds = [k for k, _ in first]
    assert kinds == ["press", "release"] * 25
    holds = [first[i + 1][1] - first[i][1] for i in range(0, 50, 2)]
    assert all(5_000_000 <= h <= 15_000_000 for h in holds)


def test_random_presses_stop_at_until(engine):
    """random_presses(until=T) starts no press after T; stop_random() ends it early."""
    b = Button(engine, "btn", profile="none")
    b.random_presses(until="200ms", mean_gap="10ms", hold=("1ms", "2ms"))
    engine.run()
    assert b.press_count > 5
    assert all(ev.t <= 200_000_000 for ev in b.events if ev.kind == "press")
    c = Button(engine, "btn2", profile="none")
    c.random_presses(until="10s", mean_gap="10ms")
    engine.run(until=engine.now + 50_000_000)
    c.stop_random()
    n = c.press_count
    engine.run()
    assert c.press_count == n and c.line.level is True


def test_pull_down_wiring_makes_pressed_high(engine, record):
    """On an active-high line (switch to 3V3, pull-down) closed contacts drive the line high."""
    line = Line("gpio18", active_high=True)
    b = Button(engine, "btn", line=line, profile="none")
    edges = record(line)
    b.press(5, hold=10)
    engine.run()
    assert edges == [(5, True), (15, False)]


def test_button_bounce_does_not_depend_on_what_the_kernel_draws(record):
    """A button draws from its own stream: kernel jitter drawn in between changes none of its edges."""

    def edges(kernel_draws: int) -> list[tuple[int, bool]]:
        e = Engine(seed=7)
        b = Button(e, "btn17", profile="worn")
        log = record(b.line, e)
        for _ in range(kernel_draws):
            e.rng.random()
        b.click("1ms", hold="30ms")
        e.run()
        return log

    assert edges(0) == edges(1000) and len(edges(0)) > 2


def test_button_with_its_own_rng_leaves_the_engine_rng_alone(engine):
    """rng= gives the button a private stream; the engine's RNG is not consumed."""
    state = engine.rng.getstate()
    b = Button(engine, "btn", profile="worn", rng=random.Random(5))
    b.click(0, hold="20ms")
    engine.run()
    assert engine.rng.getstate() == state and b.transition_count > 2


def test_button_api_misuse_names_the_fix(engine):
    """Unknown profiles, past times and bad profile parameters raise ValueError with the fix."""
    with pytest.raises(ValueError, match="unknown bounce profile 'sticky'"):
        Button(engine, profile="sticky")
    b = Button(engine)
    engine.run(until=1000)
    with pytest.raises(ValueError, match="in the past"):
        b.press(10)
    with pytest.raises(ValueError, match="settle_min"):
        BounceProfile("bad", bounces=(1, 2))
    with pytest.raises(ValueError, match="until= or count="):
        b.random_presses()
