"""Real-time pacing: simulated time follows the wall clock at a chosen ratio.

Pacing decides only *when*, in wall time, the engine runs its events, never what they do. The
run is cut into slices ``engine.run(until=t)``; a slice ends exactly at simulated time ``t``
after every event at or before ``t`` has run, and stopping there then going on is the same as
not stopping. Inputs from outside (a click in a browser, a posted callback) are applied between
two slices, at the simulated time the slice ended, so the list of (time, input) replays without
pacing to the same output: ``m.run(until=t)`` then the input, for each input in order.

The wall clock is read here and only here, through the ``clock`` given to :class:`Pacer`
(``time.monotonic`` by default; tests pass a fake one).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from irqlab.sim.engine import Engine
from irqlab.sim.units import NSEC_PER_SEC

__all__ = ["Pacer", "RealtimeWarning", "MIN_RATIO", "MAX_RATIO", "behind_message", "run_paced"]

#: Slowest and fastest pace the board offers (x0.01 .. x100 of real time).
MIN_RATIO = 0.01
MAX_RATIO = 100.0

#: Behind the wall clock by more than this (wall seconds) is "falling behind".
BEHIND_WALL_S = 0.1
#: Behind by more than this (wall seconds): give up the debt and re-anchor (a pace it cannot hold).
REANCHOR_WALL_S = 1.0
#: Wall time one catch-up (:meth:`Pacer.step`) may take, so inputs and screen updates stay responsive.
STEP_BUDGET_S = 0.035
#: A slice (one engine.run) should take about this long (wall seconds); its simulated span adapts.
SLICE_WALL_S = 0.02


#: The wall clock and the sleep paced runs use (module attributes, so a test can replace them).
wall_clock: Callable[[], float] = time.monotonic
wall_sleep: Callable[[float], None] = time.sleep


class RealtimeWarning(RuntimeWarning):
    """A paced run could not keep up with the wall clock."""


class Pacer:
    """Runs an engine in slices so that simulated time follows ``clock()`` at ``ratio``.

    ``ratio`` is simulated seconds per wall second (1.0 = real time, 0.01 = a hundred times slower).
    :attr:`behind_s` is how far, in wall seconds, simulated time trails the wall clock after the
    last :meth:`step`; :attr:`falling_behind` says it is more than 0.1 s; :attr:`max_behind_s` is the worst
    seen and :attr:`reanchors` counts the times the debt was dropped (more than 1 s behind).
    """

    def __init__(self, engine: Engine, ratio: float = 1.0, *, clock: Callable[[], float] | None = None) -> None:
        self.engine = engine
        self.clock = clock if clock is not None else wall_clock
        self.ratio = self._check(ratio)
        self.paused = False
        self.behind_s = 0.0
        self.max_behind_s = 0.0
        self.reanchors = 0
        self._behind_until = float("-inf")
        #: Simulated ns one slice may cover; adapts so a slice takes about SLICE_WALL_S.
        self.span_ns = max(1000, int(self.ratio * SLICE_WALL_S * NSEC_PER_SEC))
        self._anchor(self.clock())

    @staticmethod
    def _check(ratio: float) -> float:
        if isinstance(ratio, bool) or not isinstance(ratio, int | float) or not MIN_RATIO <= ratio <= MAX_RATIO:
            raise ValueError(f"realtime ratio must be a number from {MIN_RATIO} to {MAX_RATIO} "
                             f"(1.0 = real time), not {ratio!r}")  # fmt: skip
        return float(ratio)

    def _anchor(self, wall: float) -> None:
        self._wall0 = wall
        self._sim0 = self.engine.now

    @property
    def falling_behind(self) -> bool:
        """More than 0.1 s behind now, or within the last wall second (so an indicator does not flicker
        when the debt is dropped)."""
        return self.behind_s > BEHIND_WALL_S or self.clock() < self._behind_until

    def set_ratio(self, ratio: float) -> None:
        """Change the pace from now on (simulated time already run is kept)."""
        self.ratio = self._check(ratio)
        self.span_ns = max(1000, int(self.ratio * SLICE_WALL_S * NSEC_PER_SEC))
        self._anchor(self.clock())

    def pause(self) -> None:
        """Stop following the wall clock: :meth:`step` runs nothing until :meth:`resume`."""
        self.paused = True

    def resume(self) -> None:
        """Follow the wall clock again from the current simulated time."""
        self.paused = False
        self.behind_s = 0.0
        self._behind_until = float("-inf")
        self._anchor(self.clock())

    def target(self) -> int:
        """The simulated time the wall clock says it should be now."""
        return self._sim0 + round((self.clock() - self._wall0) * self.ratio * NSEC_PER_SEC)

    def step(self, limit: int | None = None, budget_s: float = STEP_BUDGET_S) -> int:
        """Catch up with :meth:`target` (never past ``limit``) in slices, for at most ``budget_s`` of wall
        time; returns the simulated time reached. Nothing runs while paused.

        What is still missing after the budget is how far behind the run is (:attr:`behind_s`): a
        stall that the next catch-up recovers is not falling behind."""
        eng = self.engine
        if self.paused:
            return eng.now
        deadline = self.clock() + budget_s
        while True:
            goal = self.target() if limit is None else min(self.target(), limit)
            end = min(goal, eng.now + self.span_ns)
            if end < eng.now:
                break
            t0 = self.clock()
            eng.run(until=end)
            took = self.clock() - t0
            # Adapt the slice: halve it when it took too long, grow it back when it was quick.
            if took > SLICE_WALL_S:
                self.span_ns = max(1000, self.span_ns // 2)
            elif took < SLICE_WALL_S / 4:
                self.span_ns = min(self.span_ns * 2, max(1000, int(self.ratio * 0.25 * NSEC_PER_SEC)))
            if eng.now >= goal or self.clock() >= deadline:
                break
        lag_ns = self.target() - eng.now
        self.behind_s = max(0.0, lag_ns / NSEC_PER_SEC / self.ratio)
        if limit is not None and eng.now >= limit:
            self.behind_s = 0.0
        self.max_behind_s = max(self.max_behind_s, self.behind_s)
        if self.behind_s > BEHIND_WALL_S:
            self._behind_until = self.clock() + 1.0
        if self.behind_s > REANCHOR_WALL_S:
            self.reanchors += 1
            self._anchor(self.clock())
        return eng.now

    def wait_s(self, limit: int | None = None) -> float:
        """Wall seconds until the next event (or ``limit``) is due, at most one slice: how long to sleep."""
        nxt = self.engine.next_time()
        if limit is not None:
            nxt = limit if nxt is None else min(nxt, limit)
        if self.paused or nxt is None:
            return SLICE_WALL_S
        ahead = (nxt - self.target()) / NSEC_PER_SEC / self.ratio
        return min(max(ahead, 0.0), SLICE_WALL_S)


def behind_message(p: Pacer) -> str:
    """The warning a paced run gives when it could not keep up."""
    return (f"the simulation fell behind real time (at most {p.max_behind_s * 1000:.0f} ms of wall time at "
            f"x{p.ratio:g}; {p.reanchors} time(s) more than {REANCHOR_WALL_S:g} s): lower the ratio "
            f"or the load")  # fmt: skip



def run_paced(pacer: Pacer, end: int, apply: Callable[[Callable[..., Any], tuple[Any, ...]], None]) -> None:
    """Run ``pacer``'s engine to simulated time ``end`` at the wall clock's pace.

    Between slices, each input posted to the engine is handed to ``apply(fn, args)``, which
    schedules it at the current simulated time; between events the wall clock is waited for."""
    eng = pacer.engine
    while True:
        # Catch up with the wall clock first, so an input lands at the time it arrived.
        pacer.step(limit=end)
        for fn, args in eng.take_posted():
            apply(fn, args)
        nxt = eng.next_time()
        if eng.now >= end and (nxt is None or nxt > end):
            return
        due = end if nxt is None else min(nxt, end)
        if pacer.target() < due:
            wall_sleep(pacer.wait_s(limit=end))
