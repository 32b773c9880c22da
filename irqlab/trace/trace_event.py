"""One recorded trace event (kept interpreted: a plain dataclass that tools copy, compare and pickle)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from irqlab.trace.events import EventDef
from irqlab.trace.output import lat_fmt, print_line


@dataclass(slots=True)
class TraceEvent:
    """One recorded event: simulated time (ns), CPU, the task that was current, name and fields.

    ``trace_flags`` and ``preempt_count`` are the common_flags and common_preempt_count bytes.
    Read-only by convention (not frozen: a frozen dataclass costs 2.5x as much to create, on
    the path of every recorded event)."""

    ts: int
    cpu: int
    comm: str
    pid: int
    trace_flags: int
    preempt_count: int
    event: EventDef
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.event.name

    @property
    def system(self) -> str:
        return self.event.system

    @property
    def flags(self) -> str:
        """The five latency columns (trace_print_lat_fmt())."""
        return lat_fmt(self.trace_flags, self.preempt_count)

    def __getitem__(self, key: str) -> Any:
        return self.fields[key]

    def body(self) -> str:
        """The event's TP_printk text."""
        return self.event.render(self.fields)

    def text(self) -> str:
        """One line as /sys/kernel/tracing/trace prints it (without the newline)."""
        ev = self.event
        return print_line(self.comm, self.pid, self.cpu, self.trace_flags, self.preempt_count, self.ts,
                          ev.name if ev.system != "ftrace" else "", ev.render(self.fields))  # fmt: skip
