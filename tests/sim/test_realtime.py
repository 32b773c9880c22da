"""Real-time pacing: a paced run does what the unpaced run does; inputs land at the time they arrive."""

from __future__ import annotations

import runpy
import types
from pathlib import Path
from typing import Any

import pytest

import irqlab
from irqlab.sim import realtime

DRIVER = Path(__file__).resolve().parents[2] / "examples" / "seed001_gpio_buttons.py"


def _driver() -> Any:
    ns = runpy.run_path(str(DRIVER), run_name="__irqlab_scenario__")
    mod = types.SimpleNamespace(**ns)
    mod.__name__ = "gpiomod"
    return mod


def _board() -> tuple[irqlab.Machine, Any]:
    m = irqlab.boot("rpi5", seed=3, trace=True)
    b17, b18 = m.button(17), m.button(18)
    m.led(4)
    m.insmod(_driver())
    return m, (b17, b18)


class FakeWall:
    """A wall clock that moves only when the run sleeps, posting inputs at chosen wall times."""

    def __init__(self, m: irqlab.Machine, posts: list[tuple[float, Any]]) -> None:
        self.t = 0.0
        self.m = m
        self.posts = sorted(posts, key=lambda p: p[0])

    def clock(self) -> float:
        return self.t

    def sleep(self, d: float) -> None:
        self.t += max(d, 0.0005)
        while self.posts and self.posts[0][0] <= self.t:
            self.m.post(self.posts.pop(0)[1])


def test_paced_run_without_inputs_matches_unpaced():
    """Pacing at x50 changes nothing: the same dmesg and the same trace as the plain run."""
    outs = []
    for pace in (None, 50.0):
        m, (b17, b18) = _board()
        b17.click(at="50ms")
        b18.click(at="150ms")
        m.run(until="300ms", realtime=pace)
        outs.append((m.dmesg(), m.trace.text(), m.read("/proc/interrupts")))
    assert outs[0] == outs[1]
    assert "gpiomod#button1" in outs[0][2]


def test_inputs_posted_during_a_paced_run_replay_unpaced(monkeypatch):
    """Clicks posted while a paced run goes land at the simulated time reached; replayed there, same output."""
    m, (b17, b18) = _board()
    applied: list[tuple[int, int]] = []

    def press(gpio: int) -> None:
        applied.append((m.now, gpio))
        m.button(gpio).click()

    wall = FakeWall(m, [(0.0403, lambda: press(17)), (0.2207, lambda: press(18))])
    monkeypatch.setattr(realtime, "wall_clock", wall.clock)
    monkeypatch.setattr(realtime, "wall_sleep", wall.sleep)
    m.run(until="400ms", realtime=1.0)
    assert [g for _, g in applied] == [17, 18]
    # Taken at most one 20 ms slice after it was posted at wall 40.3 ms (x1: 40.3 ms simulated).
    assert 40_300_000 <= applied[0][0] <= 60_400_000

    r, _ = _board()
    for t, gpio in applied:
        r.run(until=t)
        r.at(t, r.button(gpio).click)
    r.run(until="400ms")
    assert r.dmesg() == m.dmesg()
    assert r.trace.text() == m.trace.text()
    assert r.led(4).timeline == m.led(4).timeline


def test_a_run_that_cannot_keep_up_says_so(monkeypatch):
    """A wall clock racing ahead (a second per reading) makes the run warn that it fell behind."""
    t = [0.0]

    def clock() -> float:
        t[0] += 1.0
        return t[0]

    monkeypatch.setattr(realtime, "wall_clock", clock)
    monkeypatch.setattr(realtime, "wall_sleep", lambda d: None)
    m = irqlab.boot("generic", cpus=2, seed=1)
    with pytest.warns(realtime.RealtimeWarning, match="fell behind real time"):
        m.run(for_="50ms", realtime=0.01)
    assert m.now == 50_000_000


def test_ratio_out_of_range_is_refused():
    """x1000 is beyond the offered x0.01..x100 and names the range."""
    m = irqlab.boot("generic", cpus=1, seed=1)
    with pytest.raises(ValueError, match="from 0.01 to 100.0"):
        m.run(for_="1ms", realtime=1000)
    with pytest.raises(ValueError, match="needs an end"):
        m.run(realtime=1.0)


def test_pacer_pause_speed_and_resume():
    """Paused, a step runs nothing; a new speed or a resume re-anchors on the wall clock, keeping the time run."""
    t = [0.0]
    m = irqlab.boot("generic", cpus=1, seed=1)
    p = realtime.Pacer(m.kernel.engine, 1.0, clock=lambda: t[0])
    start = m.now
    t[0] = 0.010
    assert m.step_paced(p) == start + 10_000_000
    p.pause()
    t[0] = 5.0
    assert m.step_paced(p) == start + 10_000_000
    p.resume()
    t[0] = 5.002
    assert m.step_paced(p) == start + 12_000_000
    p.set_ratio(0.01)
    t[0] = 6.002
    # In slices of at most 20 ms of wall time's worth (200 us at x0.01, growing while they are quick).
    assert m.step_paced(p) == start + 22_000_000
    assert p.behind_s == 0.0 and not p.falling_behind
