"""Per-CPU trace ring buffers in overwrite mode. Mirrors kernel/trace/ring_buffer.c.

Each CPU has ``nr_pages`` sub-buffer pages of BUF_PAGE_SIZE data bytes. An event takes its
record header plus its payload rounded up to 4 bytes (rb_calculate_event_length()), and a
TIME_EXTEND record first when its delta to the previous event on that CPU does not fit 27 bits.
When the writer needs a page and all are full, the oldest page is dropped whole and its events
count as overruns (rb_handle_head_page() in overwrite mode), so a long run keeps the newest
events of every CPU.
"""

from __future__ import annotations

from collections import deque
from typing import Any

PAGE_SIZE = 4096
BUF_PAGE_HDR_SIZE = 16  # u64 time_stamp + local_t commit
BUF_PAGE_SIZE = PAGE_SIZE - BUF_PAGE_HDR_SIZE
RB_MAX_SMALL_DATA = 4 * 28
TS_DELTA_MAX = (1 << 27) - 1
RB_LEN_TIME_EXTEND = 8
TRACE_BUF_SIZE_DEFAULT = 1441792  # kernel/trace/trace.c: 1.4 MB per CPU, buffer_size_kb 1408


def event_length(payload: int) -> int:
    """rb_calculate_event_length(): bytes a record of ``payload`` bytes takes on a page."""
    length = payload or 1
    if length > RB_MAX_SMALL_DATA:
        length += 4
    length += 4
    length = (length + 3) & ~3
    if length == RB_LEN_TIME_EXTEND + 4:
        length += 4
    return length


def nr_pages_for(size_bytes: int) -> int:
    """ring_buffer_resize(): pages for a requested per-CPU size (at least 2)."""
    return max(2, -(-size_bytes // BUF_PAGE_SIZE))


# SIMPLIFICATION: the reader page, commit overruns and the 29-type padding records are not modelled; a CPU's
# ring holds nr_pages sub-buffers of whole events.
class CpuBuffer:
    """One CPU's ring: pages of events, the overrun count and the last timestamp written."""

    __slots__ = ("pages", "nr_pages", "overrun", "entries", "last_ts", "tail_used", "reported_lost")

    def __init__(self, nr_pages: int) -> None:
        self.nr_pages = nr_pages
        self.pages: deque[list[Any]] = deque()
        self.overrun = 0
        self.entries = 0
        self.last_ts = -1
        self.tail_used = BUF_PAGE_SIZE  # forces a fresh page for the first event
        self.reported_lost = 0  # overruns a consuming reader has already been told about

    def write(self, ev: Any, size: int, ts: int) -> None:
        """Append ``ev`` whose record (with any time extend) takes ``size`` bytes."""
        if self.last_ts >= 0 and ts - self.last_ts > TS_DELTA_MAX:
            # rb_reserve_next_event() sizes the TIME_EXTEND in before it knows whether the record
            # starts a new page (where the extend then carries a zero delta).
            size += RB_LEN_TIME_EXTEND
        if self.tail_used + size > BUF_PAGE_SIZE:
            self.pages.append([])
            self.tail_used = 0
            if len(self.pages) > self.nr_pages:
                lost = self.pages.popleft()
                self.overrun += len(lost)
                self.entries -= len(lost)
        self.pages[-1].append(ev)
        self.tail_used += size
        self.entries += 1
        self.last_ts = ts

    def events(self) -> list[Any]:
        return [e for page in self.pages for e in page]

    def consume(self) -> tuple[list[Any], int]:
        """A consuming read (trace_pipe): the events, and how many were lost since the last such read."""
        evs = self.events()
        lost = self.overrun - self.reported_lost
        self.reported_lost = self.overrun
        self.pages.clear()
        self.entries = 0
        self.tail_used = BUF_PAGE_SIZE
        return evs, lost

    def reset(self) -> None:
        self.pages.clear()
        self.overrun = 0
        self.reported_lost = 0
        self.entries = 0
        self.last_ts = -1
        self.tail_used = BUF_PAGE_SIZE
