"""Tracepoints named as the kernel's trace events, the per-CPU trace rings and their exporters."""

from irqlab.trace.events import EventDef, Field, event_table
from irqlab.trace.tracepoint import TraceBus, TraceEvent, Tracepoint

__all__ = ["EventDef", "Field", "TraceBus", "TraceEvent", "Tracepoint", "event_table"]
