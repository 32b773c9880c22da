"""The board's wall clock, for the tools that print one (watch's title, ls -l, ps, top, date): the
kernel's CLOCK_REALTIME through clock_gettime(2), shown in UTC (the board has no time zone set)."""

from __future__ import annotations

import time

from irqlab.userspace import syscalls as sc
from irqlab.userspace.shell.process import Proc


def realtime(p: Proc) -> int:
    """Seconds since the epoch, now, on the board."""
    return sc.clock_gettime(sc.CLOCK_REALTIME) // 1_000_000_000


def ctime(p: Proc) -> str:
    """ctime(3) without its newline: ``Mon Jan  5 09:00:03 2026``."""
    return time.strftime("%a %b %e %H:%M:%S %Y", time.gmtime(realtime(p)))


def ls_time(p: Proc) -> str:
    """ls -l's recent-file time: ``Jan  5 09:00``."""
    return time.strftime("%b %e %H:%M", time.gmtime(realtime(p)))
