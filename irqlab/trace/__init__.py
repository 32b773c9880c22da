"""Tracepoints named as the kernel's trace events, the trace ring and its exporters."""

from irqlab.trace.tracepoint import EVENT_FORMATS, TraceBus, TraceEvent, Tracepoint

__all__ = ["EVENT_FORMATS", "TraceBus", "TraceEvent", "Tracepoint"]
