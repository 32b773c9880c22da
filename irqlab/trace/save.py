"""Trace files by suffix: .dat (trace-cmd), .perfetto-trace (Perfetto protobuf), .json (Chrome), .txt (trace text)."""

from __future__ import annotations

import shutil
import tempfile
from typing import IO, TYPE_CHECKING, Any

from irqlab.trace.chrome_json import ChromeJsonWriter
from irqlab.trace.events import MARKER_EVENT
from irqlab.trace.output import trace_header
from irqlab.trace.perfetto import PerfettoWriter
from irqlab.trace.trace_dat import DatWriter

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
                     ".perfetto-trace (Perfetto), .json (Chrome JSON) or .txt (the trace text)")  # fmt: skip


class TextWriter:
    """The trace file text, streamed through a temporary file so memory stays flat.

    Saved from the rings (``from_ring``) the header counts what the rings hold and lost, and each
    CPU's first line after an overrun is annotated, exactly as ``m.trace.text()``; streamed during a
    run the header counts the events written."""

    def __init__(self, path: str, bus: TraceBus, from_ring: bool = False) -> None:
        self.path = path
        self.bus = bus
        self.body: IO[str] = tempfile.TemporaryFile("w+")
        self.count = 0
        self.started: set[int] = set()
        self.from_ring = from_ring
        self.entries = bus.entries() if from_ring else (0, 0)
        self.annotate = from_ring and self.entries[1] > self.entries[0]

    def add(self, ev: Any) -> None:
        self.count += 1
        if self.annotate and ev.cpu not in self.started:
            self.started.add(ev.cpu)
            if self.count > 1:
                self.body.write(f"##### CPU {ev.cpu} buffer started ####\n")
        self.body.write(ev.text() + "\n")

    def close(self) -> None:
        n, total = self.entries if self.from_ring else (self.count, self.count)
        with open(self.path, "w") as f:
            f.write("\n".join(trace_header(n, total, len(self.bus.cpus))) + "\n")
            self.body.seek(0)
            shutil.copyfileobj(self.body, f)
        self.body.close()


def open_writer(bus: TraceBus, path: str, format: str | None, from_ring: bool = False) -> Any:
    """A writer with ``add(event)``, ``close()`` and ``count`` for ``path``."""
    fmt = format_for(path, format)
    if fmt == "dat":

        return DatWriter(path, bus.table, len(bus.cpus), bus.arch, bus.uname, extra=[MARKER_EVENT], clock=bus.trace_clock)
    if fmt == "perfetto":

        return PerfettoWriter(path, bus)
    if fmt == "json":

        return ChromeJsonWriter(path, bus)
    return TextWriter(path, bus, from_ring)
