"""An LED on a GPIO output, recording a timeline of its state.

Wiring (seed 001): GPIO -> resistor -> LED -> GND, so the LED is lit while the pin is high
(``active_high=True``); an LED wired from 3V3 to the pin is lit while the pin is low
(``active_high=False``). The GPIO output either drives a :class:`Line` the LED follows
(``Led(engine, line=pin)`` or :meth:`Led.attach`) or calls :meth:`Led.drive` with the pin
level (a plain callback). The LED records ``timeline``: ``[(ns, on), ...]`` starting with
its state when created, then one entry per change.
"""

from __future__ import annotations

from collections import deque

from irqlab.hw.line import Line
from irqlab.sim import Engine

__all__ = ["Led"]


class Led:
    """An LED whose on/off history scenarios and tests can read.

    ``history`` bounds the kept timeline (soak runs); :attr:`toggles` and :meth:`on_time`
    use running totals and stay exact when old entries are dropped.
    """

    def __init__(
        self,
        engine: Engine,
        name: str = "led",
        line: Line | None = None,
        active_high: bool = True,
        history: int | None = None,
    ) -> None:
        self.engine = engine
        self.name = name
        self.active_high = active_high
        self.line: Line | None = None
        self.on = False
        self._since = engine.now
        self._on_ns = 0
        #: Number of state changes since creation.
        self.toggles = 0
        #: (ns, on) at creation, then at every change; oldest first.
        self.timeline: deque[tuple[int, bool]] = deque([(engine.now, False)], maxlen=history)
        if line is not None:
            self.attach(line)

    def attach(self, line: Line) -> None:
        """Follow ``line`` (a GPIO output pin); takes its current level now. Any context."""
        if self.line is not None:
            self.line.disconnect(self._on_line)
        self.line = line
        line.connect(self._on_line)
        self.drive(line.level)

    def detach(self) -> None:
        """Stop following the line (the LED keeps its state)."""
        if self.line is not None:
            self.line.disconnect(self._on_line)
            self.line = None

    def _on_line(self, line: Line, level: bool) -> None:
        self.drive(level)

    def drive(self, level: bool) -> None:
        """The GPIO drives the pin to ``level`` (True = high). Usable as a callback. Any context."""
        self.set(bool(level) == self.active_high)

    def set(self, on: bool) -> None:
        """Light (True) or darken the LED, recording a change in the timeline. Any context."""
        on = bool(on)
        if on == self.on:
            return
        now = self.engine.now
        if self.on:
            self._on_ns += now - self._since
        self._since = now
        self.on = on
        self.toggles += 1
        self.timeline.append((now, on))

    def on_time(self, until: int | None = None) -> int:
        """Total ns lit from creation up to ``until`` (default now, must be >= the last change)."""
        end = self.engine.now if until is None else until
        if end < self._since:
            raise ValueError(f"on_time(until={end}) is before the last change at {self._since} ns; use state_at()")
        return self._on_ns + (end - self._since if self.on else 0)

    def state_at(self, t: int) -> bool:
        """Whether the LED was lit at time ``t`` (a change at exactly ``t`` counts). Needs the timeline."""
        if t < self.timeline[0][0]:
            raise ValueError(f"state_at({t}): the kept timeline starts at {self.timeline[0][0]} ns")
        state = self.timeline[0][1]
        for ts, on in self.timeline:
            if ts > t:
                break
            state = on
        return state

    def on_intervals(self) -> list[tuple[int, int | None]]:
        """[(start, end)] of lit intervals in the kept timeline; end is None while still lit."""
        out: list[tuple[int, int | None]] = []
        start: int | None = None
        for ts, on in self.timeline:
            if on and start is None:
                start = ts
            elif not on and start is not None:
                out.append((start, ts))
                start = None
        if start is not None:
            out.append((start, None))
        return out

    def __repr__(self) -> str:
        return f"<Led {self.name} {'on' if self.on else 'off'} toggles={self.toggles}>"
