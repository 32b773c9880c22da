"""An electrical signal between a device and an interrupt controller (or GPIO block).

A line has a level (True = electrically high). Devices drive it with :meth:`Line.set`,
:meth:`Line.assert_`/:meth:`Line.deassert` (honouring the line's active polarity) or
:meth:`Line.pulse` (an edge for controllers that latch edges). Whoever receives the
signal subscribes with :meth:`Line.connect`; listeners are called synchronously, in
the order they connected, with ``(line, level)`` on every change. Several devices may
share one line as wired-OR (level sense): the line is active while any driver asserts.
"""

from __future__ import annotations

from collections.abc import Callable

Listener = Callable[["Line", bool], None]


class Line:
    """A wire with a level, optional sharing among drivers, and listeners."""

    __slots__ = ("name", "active_high", "_drivers", "_level", "_listeners", "edges")

    def __init__(self, name: str, active_high: bool = True, idle_level: bool | None = None) -> None:
        self.name = name
        self.active_high = active_high
        self._drivers: dict[object, bool] = {}
        self._level = (not active_high) if idle_level is None else idle_level
        self._listeners: list[Listener] = []
        #: Number of level changes seen (for tests and statistics).
        self.edges = 0

    @property
    def level(self) -> bool:
        """The electrical level (True = high)."""
        return self._level

    @property
    def active(self) -> bool:
        """True while the line is in its active state (per polarity)."""
        return self._level == self.active_high

    def connect(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def disconnect(self, listener: Listener) -> None:
        self._listeners.remove(listener)

    def set(self, level: bool) -> None:
        """Drive the electrical level directly (a single driver, e.g. a GPIO input pin)."""
        level = bool(level)
        if level == self._level:
            return
        self._level = level
        self.edges += 1
        for fn in self._listeners:
            fn(self, level)

    def assert_(self, driver: object = None) -> None:
        """``driver`` asserts the line (wired-OR with the other drivers)."""
        self._drivers[driver] = True
        self.set(self.active_high)

    def deassert(self, driver: object = None) -> None:
        """``driver`` releases the line; it goes inactive once no driver asserts it."""
        self._drivers[driver] = False
        if not any(self._drivers.values()):
            self.set(not self.active_high)

    def pulse(self, driver: object = None) -> None:
        """An edge: assert then release at the same instant."""
        self.assert_(driver)  # noqa: UP005 (Line.assert_, not unittest)
        self.deassert(driver)

    def __repr__(self) -> str:
        return f"<Line {self.name} {'high' if self._level else 'low'}{' active' if self.active else ''}>"
