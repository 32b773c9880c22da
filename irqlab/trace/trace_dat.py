"""trace-cmd's trace.dat, file format version 6 (trace-cmd.dat.v6(5); lib/trace-cmd/trace-output.c).

The header carries the events' format files, a kallsyms table for every ``%ps`` symbol the trace
uses, printk_formats for ``const char *`` fields, and saved_cmdlines; then one flyrecord section
per CPU made of ring-buffer sub-buffer pages as kernel/trace/ring_buffer.c lays them out (page
time stamp, commit, then compressed event headers with 27-bit time deltas and TIME_EXTEND records).

``DatWriter`` streams: each CPU's pages go to a temporary file as events arrive, so memory stays
flat whatever the run length; ``close()`` assembles the file.
"""

from __future__ import annotations

import shutil
import struct
import tempfile
from collections.abc import Iterable
from typing import IO, Any

from irqlab.trace.events import EventDef
from irqlab.trace.ring_buffer import BUF_PAGE_SIZE, PAGE_SIZE, RB_MAX_SMALL_DATA, TS_DELTA_MAX

MAGIC = b"\x17\x08\x44tracing"
TRACECMD_OPTION_TRACECLOCK = 4
TRACECMD_OPTION_UNAME = 5
RINGBUF_TYPE_TIME_EXTEND = 30
#: The trace_clock list of the TRACECLOCK option.
_CLOCKS = ("local", "global", "counter", "uptime", "perf", "mono", "mono_raw", "boot")

# SIMPLIFICATION: kallsyms lists only the symbols the trace names, at addresses irqlab hands out in order of use.
_SYM_BASE = {"arm64": (0xFFFF800080010000, 0xFFFF80007A000000), "x86": (0xFFFFFFFF81000000, 0xFFFFFFFFC0000000)}
_RODATA_BASE = {"arm64": 0xFFFF800081800000, "x86": 0xFFFFFFFF82000000}


class Symbols:
    """kallsyms and printk_formats for the symbols and strings a trace references."""

    def __init__(self, arch: str) -> None:
        self.arch = arch
        self.core, self.mod = _SYM_BASE.get(arch, _SYM_BASE["arm64"])
        self.syms: dict[str, int] = {}
        self.strings: dict[str, int] = {}

    def sym(self, name: str) -> int:
        a = self.syms.get(name)
        if a is None:
            if name.endswith("]") and " [" in name:
                a = self.mod + 0x40 * sum(1 for n in self.syms if n.endswith("]"))
            else:
                a = self.core + 0x40 * sum(1 for n in self.syms if not n.endswith("]"))
            self.syms[name] = a
        return a

    def cstr(self, s: str) -> int:
        a = self.strings.get(s)
        if a is None:
            a = self.strings[s] = _RODATA_BASE.get(self.arch, _RODATA_BASE["arm64"]) + 0x40 * len(self.strings)
        return a

    def kallsyms(self) -> str:
        """/proc/kallsyms lines: ``%016lx T name`` and ``%016lx t name\\t[module]``."""
        out = []
        for name, a in sorted(self.syms.items(), key=lambda kv: kv[1]):
            if name.endswith("]") and " [" in name:
                sym, _, mod = name[:-1].partition(" [")
                out.append(f"{a:016x} t {sym}\t[{mod}]")
            else:
                out.append(f"{a:016x} T {name}")
        return "".join(line + "\n" for line in out)

    def printk_formats(self) -> str:
        """printk_formats lines: ``0x%lx : "%s"``."""
        return "".join(f'0x{a:x} : "{s}"\n' for s, a in self.strings.items())


class _CpuPages:
    """One CPU's flyrecord data, written page by page to a temporary file."""

    def __init__(self) -> None:
        self.file: IO[bytes] = tempfile.TemporaryFile()
        self.buf = bytearray()
        self.page_ts = 0
        self.last_ts = 0
        self.pages = 0

    def add(self, ts: int, record: bytes) -> None:
        delta = ts - self.last_ts
        ext = b""
        if self.buf and delta > TS_DELTA_MAX:
            ext = struct.pack("<II", RINGBUF_TYPE_TIME_EXTEND | (delta & TS_DELTA_MAX) << 5, delta >> 27)
            delta = 0
        if not self.buf or len(self.buf) + len(ext) + len(record) + 4 > BUF_PAGE_SIZE:
            self.flush()
            self.page_ts = ts
            ext, delta = b"", 0
        n = len(record)
        if n <= RB_MAX_SMALL_DATA:
            head = struct.pack("<I", ((n + 3) // 4) | delta << 5)
        else:
            head = struct.pack("<II", delta << 5, ((n + 3) & ~3) + 4)
        self.buf += ext + head + record + b"\0" * (-n % 4)
        self.last_ts = ts

    def flush(self) -> None:
        if self.buf:
            page = struct.pack("<QQ", self.page_ts, len(self.buf)) + self.buf
            self.file.write(page + b"\0" * (PAGE_SIZE - len(page)))
            self.pages += 1
            self.buf = bytearray()


class DatWriter:
    """Write events to a trace.dat as they come (``add``), then ``close()``."""

    def __init__(self, path: str, table: list[EventDef], nr_cpus: int, arch: str, uname: str = "",
                 extra: Iterable[EventDef] = (), clock: str = "local") -> None:  # fmt: skip
        self.path = path
        #: The trace_clock the events were stamped with (the file's TRACECLOCK option).
        self.clock = clock
        self.table = table  # the bus's own list: instrumentation added while streaming is described too
        self.extra = list(extra)
        self.arch = arch
        self.uname = uname
        self.symbols = Symbols(arch)
        self.cpus = [_CpuPages() for _ in range(nr_cpus)]
        self.cmdlines: dict[int, str] = {}
        self.used: set[int] = set()
        self.count = 0

    def add(self, ev: Any) -> None:
        """Append one TraceEvent to its CPU's pages."""
        e: EventDef = ev.event
        head = struct.pack("<HBBi", e.id, ev.trace_flags, ev.preempt_count, ev.pid)
        self.cpus[ev.cpu].add(ev.ts, head + e.pack(ev.fields, self.symbols.sym, self.symbols.cstr))
        if ev.pid not in self.cmdlines and ev.pid:
            self.cmdlines[ev.pid] = ev.comm
        self.used.add(e.id)
        self.count += 1

    def close(self) -> None:
        """Write the header and every CPU's pages to ``path``."""
        for c in self.cpus:
            c.flush()
        with open(self.path, "wb") as f:
            f.write(MAGIC + b"6\0" + b"\0" + bytes([8]) + struct.pack("<I", PAGE_SIZE))
            _section(f, b"header_page\0", _HEADER_PAGE.encode(), 8)
            _section(f, b"header_event\0", _HEADER_EVENT.encode(), 8)
            ftrace = [e for e in self.extra if e.system == "ftrace"]
            f.write(struct.pack("<I", len(ftrace)))
            for e in ftrace:
                data = e.format_file().encode()
                f.write(struct.pack("<Q", len(data)) + data)
            systems: dict[str, list[EventDef]] = {}
            for e in self.table:
                systems.setdefault(e.system, []).append(e)
            f.write(struct.pack("<I", len(systems)))
            for name, evs in systems.items():
                f.write(name.encode() + b"\0" + struct.pack("<I", len(evs)))
                for e in evs:
                    data = e.format_file().encode()
                    f.write(struct.pack("<Q", len(data)) + data)
            _section(f, b"", self.symbols.kallsyms().encode(), 4)
            _section(f, b"", self.symbols.printk_formats().encode(), 4)
            cmd = "".join(f"{pid} {comm}\n" for pid, comm in sorted(self.cmdlines.items())).encode()
            _section(f, b"", cmd, 8)
            f.write(struct.pack("<I", len(self.cpus)))
            f.write(b"options  \0")
            names = _CLOCKS if self.clock in _CLOCKS else (*_CLOCKS, self.clock)
            clocks = " ".join(f"[{c}]" if c == self.clock else c for c in names)
            _option(f, TRACECMD_OPTION_TRACECLOCK, clocks.encode() + b"\n")
            if self.uname:
                _option(f, TRACECMD_OPTION_UNAME, self.uname.encode() + b"\0")
            f.write(struct.pack("<H", 0))
            f.write(b"flyrecord\0")
            table_at = f.tell()
            f.write(b"\0" * 16 * len(self.cpus))
            offsets = []
            for c in self.cpus:
                pos = f.tell()
                pos += -pos % PAGE_SIZE
                f.seek(pos)
                c.file.seek(0)
                shutil.copyfileobj(c.file, f)
                offsets.append((pos, c.pages * PAGE_SIZE))
                c.file.close()
            f.seek(table_at)
            for off, size in offsets:
                f.write(struct.pack("<QQ", off, size))


def _section(f: IO[bytes], tag: bytes, data: bytes, width: int) -> None:
    f.write(tag + struct.pack("<Q" if width == 8 else "<I", len(data)) + data)


def _option(f: IO[bytes], opt: int, data: bytes) -> None:
    f.write(struct.pack("<HI", opt, len(data)) + data)


# events/header_page and events/header_event of a 64-bit kernel (ring_buffer_print_page_header(),
# ring_buffer_print_entry_header()).
_HEADER_PAGE = ("\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n"
                "\tfield: local_t commit;\toffset:8;\tsize:8;\tsigned:1;\n"
                "\tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;\n"
                "\tfield: char data;\toffset:16;\tsize:4080;\tsigned:1;\n")  # fmt: skip
_HEADER_EVENT = ("# compressed entry header\n"
                 "\ttype_len    :    5 bits\n"
                 "\ttime_delta  :   27 bits\n"
                 "\tarray       :   32 bits\n"
                 "\n"
                 "\tpadding     : type == 29\n"
                 "\ttime_extend : type == 30\n"
                 "\ttime_stamp : type == 31\n"
                 "\tdata max type_len  == 28\n")  # fmt: skip


def header_page() -> str:
    return _HEADER_PAGE


def header_event() -> str:
    return _HEADER_EVENT
