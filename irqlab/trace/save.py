"""Trace files by suffix: .dat (trace-cmd), .perfetto-trace (Perfetto protobuf), .json (Chrome), .txt (trace text)."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any

from irqlab.trace.output import trace_header

if TYPE_CHECKING:
    from irqlab.trace.tracepoint import TraceBus

FORMATS = {".dat": "dat", ".perfetto-trace": "perfetto", ".pftrace": "perfetto", ".json": "json", ".txt": "txt"}


def format_for(path: str, format: str | None) -> str:
    """The writer format for ``path``: ``format`` if given, else from the suffix."""
    if format is not None:
        if format not in FORMATS.values():
            raise ValueError(f"unknown trace format {format!r}; use one of {', '.join(sorted(set(FORMATS.values())))}")
        return format
    for suffix, fmt in FORMATS.items():
        if path.endswith(suffix):
            return fmt
    raise ValueError(f"cannot tell the trace format of {path!r} from its suffix; name it .dat (trace-cmd), "
                     ".perfetto-trace (Perfetto), .json (Chrome JSON) or .txt (trace text), or pass format=")  # fmt: skip


class TextWriter:
    """The trace file text, streamed: the header counts what was recorded when the writer opened."""

    def __init__(self, path: str, bus: TraceBus) -> None:
        self.f: IO[str] = open(path, "w")  # noqa: SIM115 - closed by close()
        self.bus = bus
        self.count = 0
        self.started: set[int] = set()
        n, total = bus.entries()
        self.annotate = total > n
        self.f.write("\n".join(trace_header(n, total, len(bus.cpus))) + "\n")

    def add(self, ev: Any) -> None:
        self.count += 1
        if self.annotate and ev.cpu not in self.started:
            self.started.add(ev.cpu)
            if self.count > 1:
                self.f.write(f"##### CPU {ev.cpu} buffer started ####\n")
        self.f.write(ev.text() + "\n")

    def close(self) -> None:
        self.f.close()


def open_writer(bus: TraceBus, path: str, format: str | None) -> Any:
    """A writer with ``add(event)``, ``close()`` and ``count`` for ``path``."""
    fmt = format_for(path, format)
    if fmt == "dat":
        from irqlab.trace.trace_dat import DatWriter
        from irqlab.trace.tracepoint import MARKER_EVENT

        return DatWriter(path, bus.table, len(bus.cpus), bus.arch, bus.uname, extra=[MARKER_EVENT])
    if fmt == "perfetto":
        from irqlab.trace.perfetto import PerfettoWriter

        return PerfettoWriter(path, bus)
    if fmt == "json":
        from irqlab.trace.chrome_json import ChromeJsonWriter

        return ChromeJsonWriter(path, bus)
    return TextWriter(path, bus)
