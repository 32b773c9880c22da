"""A momentary push button on a GPIO input, with seeded contact bounce.

Wiring (seed 001): GPIO -> switch -> GND with a pull-up, so the pin reads high while the
button is open and low while it is pressed. The button drives a :class:`Line` (the GPIO's
input level) as an open-drain driver: closed contacts *assert* the line, open contacts
*release* it and the line's pull decides the level. The default line is active-low
(``Line(name, active_high=False)``: idle high, pressed low); a board that wires the switch
to 3V3 with a pull-down passes an active-high line instead and gets pressed = high.

Contact bounce. When metal contacts make or break they bounce: the pin toggles several
times before settling. J. G. Ganssle, "A Guide to Debouncing" (2004/2008,
http://www.ganssle.com/debouncing.htm) measured 18 switches: an average bounce of 1557 µs
and a maximum of 6200 µs, bounce on release as well as on press, and individual bounce
pulses from well under a microsecond to hundreds of microseconds. Most switches settle in
under ~1.5 ms; worn or cheap ones take several ms. Each press or release is drawn from a
:class:`BounceProfile`:

- a settle time D, log-uniform between ``settle_min`` and ``settle_max``;
- a number of bounces n (extra open/close pairs), uniform in ``bounces``;
- 2n transition instants placed uniformly at random inside (0, D) (sorted), so the pulse
  widths are roughly exponential with mean D/(2n+1): mostly tens to hundreds of µs, with
  occasional sub-µs runts, like the scope traces.

Profiles: ``none`` (ideal switch), ``typical`` (D in 100 µs..1.5 ms, 1-6 bounces: median
settle ~320 µs, mean ~440 µs), ``worn`` (D in 1..6.2 ms, 5-25 bounces: mean ~2.7 ms, the
measured maximum as its ceiling); docs/hardware.md has the figures. All draws use the engine's seeded RNG, so a scenario with
the same seed bounces identically. Every transition is an engine event at ``PRIO_HW``.
"""

from __future__ import annotations

import math
import random
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from irqlab.hw.line import Line
from irqlab.hw.regs import resolve_time
from irqlab.sim import PRIO_HW, Engine, to_ns
from irqlab.sim.units import TimeLike

__all__ = ["Button", "BounceProfile", "BOUNCE_PROFILES", "ButtonEvent"]


@dataclass(frozen=True)
class BounceProfile:
    """Parameters of the contact-bounce model (times in ns, ``bounces`` inclusive)."""

    name: str
    settle_min: int = 0
    settle_max: int = 0
    bounces: tuple[int, int] = (0, 0)

    def __post_init__(self) -> None:
        lo, hi = self.bounces
        if not 0 <= lo <= hi:
            raise ValueError(f"BounceProfile {self.name!r}: bounces must be (lo, hi) with 0 <= lo <= hi, not {self.bounces}")
        if hi > 0 and not 0 < self.settle_min <= self.settle_max:
            raise ValueError(
                f"BounceProfile {self.name!r}: a bouncing profile needs 0 < settle_min <= settle_max (ns), "
                f"not {self.settle_min}..{self.settle_max}"
            )

    def draw(self, rng: random.Random) -> list[int]:
        """Offsets (ns from the first contact) of the 2n extra transitions of one press or release."""
        lo, hi = self.bounces
        if hi <= 0 or self.settle_max <= 0:
            return []
        n = rng.randint(lo, hi)
        if n <= 0:
            return []
        # Log-uniform settle time: short bounces are far more common than long ones.
        settle = int(math.exp(rng.uniform(math.log(self.settle_min), math.log(self.settle_max))))
        settle = max(settle, 2 * n + 1)
        # SIMPLIFICATION: bounce is a clean digital square wave (uniformly placed transitions in a
        # log-uniform window); no slow analog edges, runt levels or input synchroniser.
        offsets = sorted(rng.randrange(1, settle) for _ in range(2 * n))
        # Distinct instants (a zero-width pulse would not be a pulse): bump collisions by 1 ns.
        for i in range(1, len(offsets)):
            if offsets[i] <= offsets[i - 1]:
                offsets[i] = offsets[i - 1] + 1
        return offsets


#: The built-in profiles (see the module docstring for the sources).
BOUNCE_PROFILES: dict[str, BounceProfile] = {
    "none": BounceProfile("none"),
    "typical": BounceProfile("typical", settle_min=100_000, settle_max=1_500_000, bounces=(1, 6)),
    "worn": BounceProfile("worn", settle_min=1_000_000, settle_max=6_200_000, bounces=(5, 25)),
}


@dataclass
class ButtonEvent:
    """One press or release: when it began and the contact transitions it produced."""

    kind: str  # "press" or "release"
    t: int
    #: (ns, closed) for every contact transition, first contact included.
    transitions: list[tuple[int, bool]] = field(default_factory=list)

    @property
    def settle_ns(self) -> int:
        """Time from the first transition to the last (0 without bounce)."""
        return self.transitions[-1][0] - self.transitions[0][0] if self.transitions else 0


class Button:
    """A push button driving a GPIO input line, with seeded contact bounce.

    ``profile`` is a name from :data:`BOUNCE_PROFILES` or a :class:`BounceProfile`.
    ``history`` bounds the kept :attr:`events` (soak tests); counters are never truncated.
    """

    def __init__(
        self,
        engine: Engine,
        name: str = "button",
        line: Line | None = None,
        profile: str | BounceProfile = "typical",
        rng: random.Random | None = None,
        history: int | None = 10_000,
    ) -> None:
        self.engine = engine
        self.name = name
        self.line = line if line is not None else Line(name, active_high=False)
        self.profile = self._profile(profile)
        self.rng = rng if rng is not None else engine.stream(f"button:{name}")
        #: Whether the user holds the button down (the intent, not the bouncing contacts).
        self.pressed = False
        #: Whether the contacts are closed right now.
        self.closed = False
        #: Recent presses and releases, oldest first.
        self.events: deque[ButtonEvent] = deque(maxlen=history)
        self.press_count = 0
        self.release_count = 0
        #: Contact transitions driven on the line so far (first contacts and bounces).
        self.transition_count = 0
        self._pending: list[list[Any]] = []
        self._random: dict[str, Any] | None = None
        self.line.deassert(self)

    @staticmethod
    def _profile(profile: str | BounceProfile) -> BounceProfile:
        if isinstance(profile, BounceProfile):
            return profile
        try:
            return BOUNCE_PROFILES[profile]
        except KeyError:
            raise ValueError(
                f"unknown bounce profile {profile!r}: use one of {sorted(BOUNCE_PROFILES)} or a BounceProfile"
            ) from None

    # -- scheduling --------------------------------------------------------------
    def press(self, at: TimeLike | None = None, hold: TimeLike | None = None) -> None:
        """Press at absolute time ``at`` (None = now); release ``hold`` later if given. Scenario side."""
        t = resolve_time(self.engine, at)
        self.engine.at(t, PRIO_HW, self._act, True)
        if hold is not None:
            self.engine.at(t + to_ns(hold), PRIO_HW, self._act, False)

    def release(self, at: TimeLike | None = None) -> None:
        """Release at absolute time ``at`` (None = now). Scenario side."""
        self.engine.at(resolve_time(self.engine, at), PRIO_HW, self._act, False)

    def click(self, at: TimeLike | None = None, hold: TimeLike = "120ms") -> None:
        """Press at ``at`` and release ``hold`` later (a human click lasts ~100-200 ms)."""
        self.press(at, hold=hold)

    def random_presses(
        self,
        start: TimeLike | None = None,
        until: TimeLike | None = None,
        count: int | None = None,
        mean_gap: TimeLike = "500ms",
        hold: tuple[TimeLike, TimeLike] = ("50ms", "300ms"),
    ) -> None:
        """Soak mode: presses as a Poisson process (exponential gaps between a release and the
        next press, mean ``mean_gap``), each held uniformly in ``hold``; stops after ``count``
        presses or at ``until`` (the last press is still released). Call :meth:`stop_random` to stop."""
        if until is None and count is None:
            raise ValueError("random_presses needs until= or count= (or both), or it would never stop")
        t0 = resolve_time(self.engine, start, "start")
        h0, h1 = to_ns(hold[0]), to_ns(hold[1])
        if h1 < h0:
            raise ValueError(f"hold=({hold[0]!r}, {hold[1]!r}): the minimum is above the maximum")
        self._random = {
            "until": None if until is None else to_ns(until),
            "left": count,
            "gap": max(1, to_ns(mean_gap)),
            "hold": (h0, h1),
        }
        self.engine.at(t0, PRIO_HW, self._random_press, self._random)

    def stop_random(self) -> None:
        """Stop the random-presses mode (a press in progress is still released)."""
        self._random = None

    def _random_press(self, cfg: dict[str, Any]) -> None:
        if cfg is not self._random:
            return
        now = self.engine.now
        if (cfg["until"] is not None and now > cfg["until"]) or cfg["left"] == 0:
            self._random = None
            return
        if cfg["left"] is not None:
            cfg["left"] -= 1
        rng = self.rng
        hold = rng.randint(*cfg["hold"])
        self._act(True)
        t_rel = now + hold
        self.engine.at(t_rel, PRIO_HW, self._act, False)
        if cfg["left"] == 0:
            self._random = None
            return
        gap = max(1, int(rng.expovariate(1.0 / cfg["gap"])))
        self.engine.at(t_rel + gap, PRIO_HW, self._random_press, cfg)

    # -- the contacts ------------------------------------------------------------
    def _act(self, press: bool) -> None:
        if press == self.pressed:
            return
        self.pressed = press
        for h in self._pending:
            self.engine.cancel(h)
        self._pending.clear()
        now = self.engine.now
        ev = ButtonEvent("press" if press else "release", now)
        self.events.append(ev)
        if press:
            self.press_count += 1
        else:
            self.release_count += 1
        self._contact(press, ev)
        # Bounce: alternate open/closed at the drawn offsets, ending in the new state.
        state = press
        for off in self.profile.draw(self.rng):
            state = not state
            self._pending.append(self.engine.at(now + off, PRIO_HW, self._contact, state, ev))

    def _contact(self, closed: bool, ev: ButtonEvent) -> None:
        if closed == self.closed:
            return
        self.closed = closed
        self.transition_count += 1
        ev.transitions.append((self.engine.now, closed))
        if closed:
            self.line.assert_(self)
        else:
            self.line.deassert(self)

    def __repr__(self) -> str:
        state = "pressed" if self.pressed else "released"
        return f"<Button {self.name} {state} profile={self.profile.name} line={self.line!r}>"
