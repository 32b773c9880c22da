"""Simulated-time units: parse "5ms", "20us", "1.5s", "100ns" or int ns."""

from __future__ import annotations

import re

NSEC_PER_USEC = 1_000
NSEC_PER_MSEC = 1_000_000
NSEC_PER_SEC = 1_000_000_000

_UNITS = {"ns": 1, "us": NSEC_PER_USEC, "µs": NSEC_PER_USEC, "ms": NSEC_PER_MSEC, "s": NSEC_PER_SEC}
_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s)\s*$")

TimeLike = int | str


def to_ns(value: TimeLike) -> int:
    """Convert ``value`` to integer nanoseconds; raises ValueError naming the accepted forms."""
    if isinstance(value, bool):
        raise TypeError("a time must be an int (ns) or a string such as '5ms', not a bool")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"a time cannot be negative: {value}")
        return value
    if isinstance(value, str):
        m = _RE.match(value)
        if not m:
            raise ValueError(
                f"cannot read the time {value!r}: write an int of nanoseconds or a number "
                "with a unit, e.g. '250ns', '20us', '5ms', '1.5s'"
            )
        num, unit = m.groups()
        scale = _UNITS[unit]
        if "." in num:
            whole, frac = num.split(".")
            ns = int(whole) * scale + (int(frac) * scale) // (10 ** len(frac))
        else:
            ns = int(num) * scale
        return ns
    raise TypeError(f"a time must be an int (ns) or a string such as '5ms', not {type(value).__name__}")


def fmt_ns(ns: int) -> str:
    """A human-readable duration, e.g. 1500 -> '1.500us'."""
    if ns >= NSEC_PER_SEC:
        return f"{ns / NSEC_PER_SEC:.3f}s"
    if ns >= NSEC_PER_MSEC:
        return f"{ns / NSEC_PER_MSEC:.3f}ms"
    if ns >= NSEC_PER_USEC:
        return f"{ns / NSEC_PER_USEC:.3f}us"
    return f"{ns}ns"
