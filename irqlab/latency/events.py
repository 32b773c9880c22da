"""The one place irqlab.latency reads the kernel's event stream.

Everything here goes through ``m.trace.attach(name, probe)`` / ``m.trace.detach(name, probe)`` with the
kernel's bare event names, and reads only a TraceEvent's ``ts`` (ns), ``cpu``, ``comm``, ``pid``, ``name``
and ``fields``; hardware edges come from the hardware model's Line listeners.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Listener = Callable[[Any], None]


class Subscription:
    """Probes attached to a machine's tracepoints (and hardware lines); :meth:`close` detaches them all."""

    def __init__(self, m: Any) -> None:
        self.m = m
        self._events: list[tuple[str, Listener]] = []
        self._lines: list[tuple[Any, Callable[..., None]]] = []

    def on(self, name: str, fn: Listener) -> None:
        """Call ``fn(event)`` for each ``name`` event."""
        self.m.trace.attach(name, fn)
        self._events.append((name, fn))

    def on_edge(self, line: Any, fn: Callable[[int], None], active: bool = True) -> None:
        """Call ``fn(time_ns)`` each time ``line`` becomes active (or inactive with ``active=False``)."""
        eng = self.m.kernel.engine

        def listener(ln: Any, level: bool) -> None:
            if ln.active == active:
                fn(eng.now)

        line.connect(listener)
        self._lines.append((line, listener))

    def close(self) -> None:
        for name, fn in self._events:
            self.m.trace.detach(name, fn)
        for line, listener in self._lines:
            line.disconnect(listener)
        self._events.clear()
        self._lines.clear()


def ts(ev: Any) -> int:
    return int(ev.ts)


def cpu(ev: Any) -> int:
    return int(ev.cpu)


def comm(ev: Any) -> str:
    return str(ev.comm)


def pid(ev: Any) -> int:
    return int(ev.pid)


def field(ev: Any, key: str, default: Any = None) -> Any:
    return ev.fields.get(key, default)
