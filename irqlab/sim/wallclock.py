"""Wall-clock limits: catch Python code that never gives control back to the simulator.

A simulated kernel only advances when driver code calls into it. A pure-Python loop that never does
(``while True: pass``, a ``while not flag`` whose flag only another context could set, with no ``cpu_relax()``)
would hang the process. :class:`Engine` arms a limit while it runs: when neither the clock nor the event count
has moved for ``wall_limit`` seconds of wall time, :class:`WallClockLimitError` is raised *inside the running
Python frame*, naming that frame's function, file and line and the simulated context it runs in.

Mechanism and limits: one ``signal.setitimer(ITIMER_REAL)`` timer shared by every armed limit (the engine's and,
in irqlab's own test suite, a per-test one), a ``SIGALRM`` handler that raises. So it works only in the main
thread of the main interpreter (elsewhere the limit is silently not armed), only between Python bytecodes (a
single long C call, such as a huge ``sum(range(10**12))``, is interrupted when it returns), and not while another
user of ``SIGALRM`` (pytest-timeout's signal method, ``signal.alarm``) owns the timer: then irqlab leaves it alone.
The machine that raised it is left mid-instruction and should not be run further. Wall time is read only to
decide to abort, never to decide simulated behaviour.
"""

from __future__ import annotations

import itertools
import os
import signal
import threading
import time
from collections.abc import Callable
from types import FrameType

__all__ = ["WallClockLimitError", "arm", "disarm", "default_wall_limit"]


class WallClockLimitError(RuntimeError):
    """Python code ran for too long without returning to the simulator."""


#: token -> (deadline on time.monotonic(), callback). A callback returns a delay to re-arm, or None.
_deadlines: dict[int, tuple[float, Callable[[FrameType | None], float | None]]] = {}
_tokens = itertools.count(1)
_installed = False
_previous: object = None


def default_wall_limit() -> float | None:
    """The engine's default limit in seconds: $IRQLAB_WALL_LIMIT (0 or "off" disables it), else 120."""
    raw = os.environ.get("IRQLAB_WALL_LIMIT", "120").strip().lower()
    if raw in ("", "0", "off", "none", "no"):
        return None
    try:
        val = float(raw)
    except ValueError:
        raise ValueError(f"IRQLAB_WALL_LIMIT must be a number of seconds or 'off', not {raw!r}") from None
    return val if val > 0 else None


def _usable() -> bool:
    if threading.current_thread() is not threading.main_thread():
        return False
    if _installed:
        return True
    handler = signal.getsignal(signal.SIGALRM)
    busy = signal.getitimer(signal.ITIMER_REAL)[0] > 0
    return handler in (signal.SIG_DFL, signal.SIG_IGN, None) and not busy


def _program() -> None:
    if not _deadlines:
        signal.setitimer(signal.ITIMER_REAL, 0)
        return
    delay = min(d for d, _ in _deadlines.values()) - time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, max(delay, 0.001))


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    now = time.monotonic()
    for token, (deadline, cb) in sorted(_deadlines.items()):
        if deadline > now or token not in _deadlines:
            continue
        del _deadlines[token]
        try:
            again = cb(frame)
        except BaseException:
            _program()
            raise
        if again is not None:
            _deadlines[token] = (now + again, cb)
    _program()


def arm(seconds: float, callback: Callable[[FrameType | None], float | None]) -> int | None:
    """Call ``callback(frame)`` from SIGALRM after ``seconds``; it may raise, or return a delay to re-arm.
    Returns a token for :func:`disarm`, or None when the limit cannot be armed here (see the module docstring)."""
    global _installed, _previous
    if not _usable():
        return None
    if not _installed:
        _previous = signal.signal(signal.SIGALRM, _on_alarm)
        _installed = True
    token = next(_tokens)
    _deadlines[token] = (time.monotonic() + seconds, callback)
    _program()
    return token


def disarm(token: int | None) -> None:
    """Cancel a limit armed by :func:`arm`; the signal handler is restored when none is left."""
    global _installed
    if token is None:
        return
    _deadlines.pop(token, None)
    if threading.current_thread() is not threading.main_thread():
        return
    _program()
    if not _deadlines and _installed:
        signal.signal(signal.SIGALRM, _previous if _previous is not None else signal.SIG_DFL)  # type: ignore[arg-type]
        _installed = False
