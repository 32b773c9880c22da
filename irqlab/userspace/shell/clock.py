"""The board's wall clock, for the tools that print one (watch's title, ls -l, date).

CLOCK_REALTIME is the boot time (``btime`` of /proc/stat when the kernel provides it) plus the
simulated time since boot, so a transcript is the same at every run.
"""

from __future__ import annotations

import time

from irqlab.userspace.shell.process import Proc

#: The wall-clock time of boot when /proc/stat has no btime line: 2026-01-05 09:00:00 UTC.
DEFAULT_BTIME = 1_767_603_600


def realtime(p: Proc) -> int:
    """Seconds since the epoch, now, on the board."""
    try:
        stat = p.shell.vfs.read_text("/proc/stat")
    except OSError:
        stat = ""
    btime = next((int(line.split()[1]) for line in stat.splitlines() if line.startswith("btime ")), DEFAULT_BTIME)
    return btime + p.now() // 1_000_000_000


def ctime(p: Proc) -> str:
    """ctime(3) without its newline: ``Mon Jan  5 09:00:03 2026`` (UTC: the board has no time zone set)."""
    return time.strftime("%a %b %e %H:%M:%S %Y", time.gmtime(realtime(p)))


def ls_time(p: Proc) -> str:
    """ls -l's recent-file time: ``Jan  5 09:00``."""
    return time.strftime("%b %e %H:%M", time.gmtime(realtime(p)))
