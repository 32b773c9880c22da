"""Mirrors kernel/time/timekeeping.c: CLOCK_REALTIME, the wall clock, as the monotonic clock plus the
offset of boot.

The realtime clock at boot is what the board's RTC (or the NTP-set clock of its last run) read: board data
``btime`` in seconds since the epoch, else 2026-01-05 09:00:00 UTC, so that every stamp is the same at every
run. settimeofday()/clock_settime() move it (``offs_real``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel

NSEC_PER_SEC = 1_000_000_000
#: The wall-clock second of boot of a board whose data names none: 2026-01-05 09:00:00 UTC.
DEFAULT_BTIME = 1_767_603_600


def boot_time(k: Kernel) -> int:
    """getboottime64(): the wall-clock second the machine booted (board data ``btime``)."""
    return int(k.board.data.get("btime", DEFAULT_BTIME))


def ktime_get_real_ns(k: Kernel) -> int:
    """ktime_get_real_ns(): CLOCK_REALTIME in ns, the boot time plus the time since boot.
    # SIMPLIFICATION: nothing steps or slews the wall clock (no settimeofday(), no NTP)."""
    return boot_time(k) * NSEC_PER_SEC + k.engine.now


__all__ = ["boot_time", "ktime_get_real_ns", "DEFAULT_BTIME", "NSEC_PER_SEC"]
