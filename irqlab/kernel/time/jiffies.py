"""jiffies and their conversions. Mirrors include/linux/jiffies.h and kernel/time/time.c.

jiffies start at INITIAL_JIFFIES (five minutes before the 32-bit wrap, as the
kernel does to catch wrap bugs early) and advance once per tick of 1/HZ.
"""

from __future__ import annotations

from irqlab.kernel.core import kernel

MSEC_PER_SEC = 1000
USEC_PER_SEC = 1_000_000
NSEC_PER_SEC = 1_000_000_000
NSEC_PER_MSEC = 1_000_000
NSEC_PER_USEC = 1000
MAX_JIFFY_OFFSET = ((1 << 63) - 1) >> 1

_MASK64 = (1 << 64) - 1
_SIGN64 = 1 << 63


def initial_jiffies(hz: int) -> int:
    """INITIAL_JIFFIES = (unsigned long)(unsigned int)(-300*HZ)."""
    return (-300 * hz) & 0xFFFFFFFF


def _signed(x: int) -> int:
    x &= _MASK64
    return x - (1 << 64) if x & _SIGN64 else x


def time_after(a: int, b: int) -> bool:
    """True if jiffies value ``a`` is after ``b`` (wrap-safe)."""
    return _signed(b - a) < 0


def time_before(a: int, b: int) -> bool:
    return time_after(b, a)


def time_after_eq(a: int, b: int) -> bool:
    return _signed(a - b) >= 0


def time_before_eq(a: int, b: int) -> bool:
    return time_after_eq(b, a)


def time_in_range(a: int, b: int, c: int) -> bool:
    return time_after_eq(a, b) and time_before_eq(a, c)


def get_jiffies() -> int:
    """The current jiffies value."""
    return kernel().jiffies


def get_jiffies_64() -> int:
    return kernel().jiffies


def msecs_to_jiffies(m: int) -> int:
    """Round up, as the kernel's _msecs_to_jiffies() does."""
    hz = kernel().hz
    if int(m) < 0:
        return MAX_JIFFY_OFFSET
    if hz <= MSEC_PER_SEC and not MSEC_PER_SEC % hz:
        return (int(m) + (MSEC_PER_SEC // hz) - 1) // (MSEC_PER_SEC // hz)
    return (int(m) * hz + MSEC_PER_SEC - 1) // MSEC_PER_SEC


def usecs_to_jiffies(u: int) -> int:
    hz = kernel().hz
    if int(u) < 0:
        return MAX_JIFFY_OFFSET
    return (int(u) * hz + USEC_PER_SEC - 1) // USEC_PER_SEC


def nsecs_to_jiffies(n: int) -> int:
    hz = kernel().hz
    return int(n) * hz // NSEC_PER_SEC


def jiffies_to_msecs(j: int) -> int:
    hz = kernel().hz
    return (int(j) * MSEC_PER_SEC // hz) & 0xFFFFFFFF


def jiffies_to_usecs(j: int) -> int:
    hz = kernel().hz
    return (int(j) * USEC_PER_SEC // hz) & 0xFFFFFFFF


def jiffies_to_nsecs(j: int) -> int:
    hz = kernel().hz
    return int(j) * (NSEC_PER_SEC // hz)


def round_jiffies_relative(j: int) -> int:
    """Round a relative timeout to a whole second (per-CPU skew ignored)."""
    k = kernel()
    now = k.jiffies
    hz = k.hz
    target = now + j
    rem = target % hz
    target = target - rem + (hz if rem >= hz // 4 else 0)
    return max(target - now, 1) if target > now else j


__all__ = [
    "time_after",
    "time_before",
    "time_after_eq",
    "time_before_eq",
    "time_in_range",
    "get_jiffies",
    "get_jiffies_64",
    "msecs_to_jiffies",
    "usecs_to_jiffies",
    "nsecs_to_jiffies",
    "jiffies_to_msecs",
    "jiffies_to_usecs",
    "jiffies_to_nsecs",
    "round_jiffies_relative",
    "MAX_JIFFY_OFFSET",
]
