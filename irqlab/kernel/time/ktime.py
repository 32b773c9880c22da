"""ktime_t: nanoseconds as an int. Mirrors include/linux/ktime.h and kernel/time/timekeeping.c."""

from __future__ import annotations

from irqlab.kernel.core import kernel


def ktime_get() -> int:
    """CLOCK_MONOTONIC now, in ns (simulated time since boot)."""
    return kernel().engine.now


ktime_get_ns = ktime_get
ktime_get_boottime = ktime_get
ktime_get_boottime_ns = ktime_get
local_clock = ktime_get
sched_clock = ktime_get


def ktime_get_raw() -> int:
    return kernel().engine.now


def ktime_set(secs: int, nsecs: int) -> int:
    return secs * 1_000_000_000 + nsecs


def ktime_add(a: int, b: int) -> int:
    return a + b


def ktime_sub(a: int, b: int) -> int:
    return a - b


def ktime_add_ns(kt: int, ns: int) -> int:
    return kt + ns


def ktime_add_us(kt: int, us: int) -> int:
    return kt + us * 1000


def ktime_add_ms(kt: int, ms: int) -> int:
    return kt + ms * 1_000_000


def ktime_to_ns(kt: int) -> int:
    return kt


def ktime_to_us(kt: int) -> int:
    return kt // 1000


def ktime_to_ms(kt: int) -> int:
    return kt // 1_000_000


def ns_to_ktime(ns: int) -> int:
    return ns


def ms_to_ktime(ms: int) -> int:
    return ms * 1_000_000


def us_to_ktime(us: int) -> int:
    return us * 1000


def ktime_us_delta(later: int, earlier: int) -> int:
    return (later - earlier) // 1000


def ktime_ms_delta(later: int, earlier: int) -> int:
    return (later - earlier) // 1_000_000


def ktime_compare(a: int, b: int) -> int:
    return (a > b) - (a < b)


def ktime_after(a: int, b: int) -> bool:
    return a > b


def ktime_before(a: int, b: int) -> bool:
    return a < b


__all__ = [name for name in list(globals()) if name.startswith(("ktime_", "ns_", "ms_", "us_")) or name in
           ("local_clock", "sched_clock")]  # fmt: skip
