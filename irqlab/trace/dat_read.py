"""Reading a trace.dat (file format version 6, as :mod:`irqlab.trace.trace_dat` writes it) back, and
printing it as Debian's ``trace-cmd report`` (trace-cmd 3.1.6 with libtraceevent 1.7) does.

The reader follows lib/trace-cmd/trace-input.c: the header sections, the events' format files, kallsyms,
printk_formats, saved_cmdlines, the options and the flyrecord per-CPU page tables; each page is decoded
as lib/traceevent/kbuffer-parse.c does (compressed headers, TIME_EXTEND, padding). Record payloads are
decoded with the field layout of the file's own format files, then printed with the event's print
format as libtraceevent evaluates it, and with the default plugins (plugin_sched_switch.c,
plugin_hrtimer.c) where they replace it.
"""

from __future__ import annotations

import heapq
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from irqlab.trace.events import (
    MARKER_EVENT,
    TIMER_DEFERRABLE,
    TIMER_IRQSAFE,
    TIMER_MIGRATING,
    TIMER_PINNED,
    EventDef,
    event_table,
    prev_state_text,
)
from irqlab.trace.filter import compile_filter
from irqlab.trace.output import lat_fmt
from irqlab.trace.trace_dat import MAGIC

RINGBUF_TYPE_PADDING = 29
RINGBUF_TYPE_TIME_EXTEND = 30
RINGBUF_TYPE_TIME_STAMP = 31


class DatError(ValueError):
    """A file that is not a trace.dat this reader understands (trace-cmd's own wording where it has one)."""


@dataclass(slots=True)
class DatField:
    """One field line of a format file in the .dat."""

    name: str
    offset: int
    size: int
    signed: bool
    data_loc: bool


@dataclass
class DatEvent:
    """An event format from the .dat: system, name, id and its fields."""

    system: str
    name: str
    id: int
    fields: dict[str, DatField]


@dataclass(slots=True)
class Record:
    """One event record: time (ns), CPU, the common header and the raw payload (after the 8-byte header)."""

    ts: int
    cpu: int
    id: int
    flags: int
    preempt_count: int
    pid: int
    data: bytes


@dataclass
class DatFile:
    """A parsed trace.dat."""

    version: int
    page_size: int
    events: dict[int, DatEvent]
    kallsyms: dict[int, str]
    printk: dict[int, str]
    cmdlines: dict[int, str]
    cpus: int
    #: (offset, size) of each CPU's data in the file, as the flyrecord section lists them.
    cpu_data: list[tuple[int, int]] = field(default_factory=list)
    uname: str = ""
    raw: bytes = b""
    #: The trace_clock the file names (TRACECMD_OPTION_TRACECLOCK).
    clock: str = "local"

    def records(self, cpu: int) -> Iterator[Record]:
        """CPU ``cpu``'s records in time order (kbuffer_read_event() over each page)."""
        off, size = self.cpu_data[cpu]
        raw = self.raw
        for page in range(off, off + size, self.page_size):
            ts, commit = struct.unpack_from("<QQ", raw, page)
            commit &= 0xFFFFF  # the high bits of commit are flags (RB_MISSED_EVENTS, ...)
            pos, end = page + 16, page + 16 + commit
            while pos < end:
                (head,) = struct.unpack_from("<I", raw, pos)
                type_len, delta = head & 0x1F, head >> 5
                pos += 4
                if type_len == RINGBUF_TYPE_PADDING:
                    if delta == 0:
                        break
                    (length,) = struct.unpack_from("<I", raw, pos)
                    pos += length
                    ts += delta
                    continue
                if type_len == RINGBUF_TYPE_TIME_EXTEND:
                    (hi,) = struct.unpack_from("<I", raw, pos)
                    ts += delta + (hi << 27)
                    pos += 4
                    continue
                if type_len == RINGBUF_TYPE_TIME_STAMP:
                    (hi,) = struct.unpack_from("<I", raw, pos)
                    ts = (delta | hi << 27) & ((1 << 59) - 1)
                    pos += 4
                    continue
                if type_len == 0:
                    (length,) = struct.unpack_from("<I", raw, pos)
                    pos += 4
                    length -= 4
                else:
                    length = type_len * 4
                ts += delta
                eid, flags, pc, pid = struct.unpack_from("<HBBi", raw, pos)
                yield Record(ts, cpu, eid, flags, pc, pid, raw[pos + 8:pos + length])
                pos += length

    def merged(self) -> Iterator[Record]:
        """Every CPU's records merged by time; on a tie the lowest CPU first (tracecmd_read_next_data())."""
        return heapq.merge(*(self.records(c) for c in range(self.cpus)), key=lambda r: r.ts)


_FIELD = re.compile(r"\tfield:(?P<decl>[^;]*);\toffset:(?P<off>\d+);\tsize:(?P<size>\d+);\tsigned:(?P<signed>\d);")


def _parse_format(text: str, system: str) -> DatEvent:
    name = re.search(r"^name: (\S+)", text, re.M)
    eid = re.search(r"^ID: (\d+)", text, re.M)
    if name is None or eid is None:
        raise DatError("trace-cmd: failed to read event formats: an event format without name or ID")
    fields: dict[str, DatField] = {}
    for m in _FIELD.finditer(text):
        decl = m["decl"]
        fname = re.sub(r"\[.*\]$", "", decl.split()[-1])
        fields[fname] = DatField(fname, int(m["off"]), int(m["size"]), m["signed"] == "1", "__data_loc" in decl)
    return DatEvent(system, name.group(1), int(eid.group(1)), fields)


def read_dat(raw: bytes) -> DatFile:
    """Parse a version 6 trace.dat; raises DatError naming what is wrong."""
    if not raw.startswith(MAGIC):
        raise DatError("trace-cmd: bad magic: not a trace.dat file (record one with trace-cmd record)")
    pos = len(MAGIC)
    end = raw.index(b"\0", pos)
    version = int(raw[pos:end] or b"0")
    if version != 6:
        raise DatError(f"trace-cmd: file version {version} is not supported here (only version 6)")
    pos = end + 1
    if raw[pos] != 0 or raw[pos + 1] != 8:
        raise DatError("trace-cmd: only little-endian 64-bit trace files are supported")
    (page_size,) = struct.unpack_from("<I", raw, pos + 2)
    pos += 6

    def section(tag: bytes, width: int) -> bytes:
        nonlocal pos
        if tag:
            if raw[pos:pos + len(tag)] != tag:
                raise DatError(f"trace-cmd: failed to read {tag[:-1].decode()} section")
            pos += len(tag)
        (n,) = struct.unpack_from("<Q" if width == 8 else "<I", raw, pos)
        pos += width
        data = raw[pos:pos + n]
        pos += n
        return data

    section(b"header_page\0", 8)
    section(b"header_event\0", 8)
    events: dict[int, DatEvent] = {}
    (n,) = struct.unpack_from("<I", raw, pos)
    pos += 4
    for _ in range(n):
        ev = _parse_format(section(b"", 8).decode(), "ftrace")
        events[ev.id] = ev
    (nsys,) = struct.unpack_from("<I", raw, pos)
    pos += 4
    for _ in range(nsys):
        end = raw.index(b"\0", pos)
        system = raw[pos:end].decode()
        pos = end + 1
        (n,) = struct.unpack_from("<I", raw, pos)
        pos += 4
        for _ in range(n):
            ev = _parse_format(section(b"", 8).decode(), system)
            events[ev.id] = ev
    kallsyms: dict[int, str] = {}
    for line in section(b"", 4).decode().splitlines():
        addr, _, rest = line.partition(" ")
        kallsyms[int(addr, 16)] = rest.split(" ", 1)[1].split("\t")[0]
    printk: dict[int, str] = {}
    for line in section(b"", 4).decode().splitlines():
        addr, _, s = line.partition(" : ")
        printk[int(addr, 16)] = s[1:-1] if s.startswith('"') else s
    cmdlines: dict[int, str] = {}
    for line in section(b"", 8).decode().splitlines():
        pid, _, comm = line.partition(" ")
        cmdlines[int(pid)] = comm
    (cpus,) = struct.unpack_from("<I", raw, pos)
    pos += 4
    uname = ""
    clock = "local"
    if raw[pos:pos + 10] == b"options  \0":
        pos += 10
        while True:
            (opt,) = struct.unpack_from("<H", raw, pos)
            pos += 2
            if opt == 0:
                break
            (size,) = struct.unpack_from("<I", raw, pos)
            data = raw[pos + 4:pos + 4 + size]
            pos += 4 + size
            if opt == 5:
                uname = data.rstrip(b"\0").decode()
            elif opt == 4:
                # tracecmd_parse_trace_clock(): the current clock is the one shown as "[name]".
                for word in data.decode().split():
                    if word.startswith("["):
                        clock = word.strip("[]")
    if raw[pos:pos + 10] != b"flyrecord\0":
        raise DatError("trace-cmd: failed to read the flyrecord section (a latency trace or a damaged file)")
    pos += 10
    cpu_data = [struct.unpack_from("<QQ", raw, pos + 16 * c) for c in range(cpus)]
    return DatFile(version, page_size, events, kallsyms, printk, cmdlines, cpus, cpu_data, uname, raw, clock)


# -- printing, as trace-cmd report does ------------------------------------------------------

class Report:
    """``trace-cmd report`` of one parsed file: :meth:`line` of each record, libtraceevent's way."""

    def __init__(self, dat: DatFile, arch: str = "arm64", *, plugins: bool = True, ns: bool = False,
                 latency: bool = False) -> None:  # fmt: skip
        self.dat = dat
        self.plugins = plugins
        self.ns = ns
        self.latency = latency
        defs = {e.full_name: e for e in event_table(arch)}
        defs[MARKER_EVENT.full_name] = MARKER_EVENT
        self.defs: dict[int, EventDef | None] = {i: defs.get(f"{e.system}:{e.name}") for i, e in dat.events.items()}
        # tep_register_comm(): the sched_switch plugin learns comms as it prints them.
        self.comms = dict(dat.cmdlines)
        #: -F filters: (event id, predicate or None for every record of the event).
        self.filters: list[tuple[int, Any]] = []

    def comm(self, pid: int) -> str:
        if pid == 0:
            return "<idle>"
        return self.comms.get(pid, "<...>")

    def _value(self, rec: Record, f: DatField) -> int:
        return int.from_bytes(rec.data[f.offset - 8:f.offset - 8 + f.size], "little", signed=f.signed)

    def _str(self, rec: Record, f: DatField) -> str:
        if f.data_loc:
            loc = self._value(rec, f)
            off, n = (loc & 0xFFFF) - 8, loc >> 16
            raw = rec.data[off:off + n]
        else:
            raw = rec.data[f.offset - 8:] if f.size == 0 else rec.data[f.offset - 8:f.offset - 8 + f.size]
        return raw.split(b"\0", 1)[0].decode(errors="replace")

    def _func(self, addr: int) -> str | None:
        return self.dat.kallsyms.get(addr)

    def values(self, rec: Record) -> dict[str, Any]:
        """The record's fields as irqlab's event renderers take them, with libtraceevent's %p and %ps."""
        ev = self.dat.events[rec.id]
        d = self.defs[rec.id]
        out: dict[str, Any] = {}
        if d is None:
            return out
        for fd in d.fields:
            f = ev.fields[fd.name]
            k = fd.kind
            if k in ("int", "ret", "state"):
                v: Any = self._value(rec, f)
                if k == "ret":
                    v = "handled" if v else "unhandled"
                elif k == "state":
                    v = prev_state_text(v)
            elif k == "ptr":
                v = f"0x{self._value(rec, f):x}"
            elif k == "sym":
                a = self._value(rec, f)
                v = self._func(a) or f"0x{a:x}"
            elif k == "cstr":
                a = self._value(rec, f)
                v = self.dat.printk.get(a, f"0x{a:x}")
            elif k == "bitmask":
                loc = self._value(rec, f)
                off, n = (loc & 0xFFFF) - 8, loc >> 16
                v = (int.from_bytes(rec.data[off:off + n], "little"), n * 8)
            elif k == "cstring":
                v = self._str(rec, f).removesuffix("\n")
            else:
                v = self._str(rec, f)
            out[fd.k] = v
        return out

    def info(self, rec: Record) -> str:
        """The event's text: a plugin's, else its print format's."""
        ev = self.dat.events[rec.id]
        d = self.defs[rec.id]
        if d is None:
            if ev.system == "irqlab" and "body" in ev.fields:
                return self._str(rec, ev.fields["body"])  # instrumentation added by name: its key=value text
            return "[UNKNOWN EVENT]"
        v = self.values(rec)
        name = ev.name
        if self.plugins:
            if name == "sched_switch":
                return (f"{v['prev_comm']}:{v['prev_pid']} [{v['prev_prio']}] "
                        f"{_write_state(self._value(rec, ev.fields['prev_state']))} ==> "
                        f"{v['next_comm']}:{v['next_pid']} [{v['next_prio']}]")  # fmt: skip
            if name in ("sched_wakeup", "sched_wakeup_new"):
                return f"{v['comm']}:{v['pid']} [{v['prio']}] CPU:{v['target_cpu']:03d}"
            if name == "hrtimer_start":
                return (f"hrtimer={v['hrtimer']} function={v['function']}/0x0 expires={v['expires']} "
                        f"softexpires={v['softexpires']}")  # fmt: skip
            if name == "hrtimer_expire_entry":
                return f"hrtimer={v['hrtimer']} now={v['now']} function={v['function']}/0x0"
        if d.free_form:
            return str(v["body"])
        if name == "timer_start":
            # libtraceevent evaluates `REC->flags & (M | D | P | I)` as `(REC->flags & M) | D | P | I`.
            flags = self._value(rec, ev.fields["flags"])
            text = d.render(v)
            head, _, _ = text.rpartition(" flags=")
            mask = (flags & TIMER_MIGRATING) | TIMER_DEFERRABLE | TIMER_PINNED | TIMER_IRQSAFE
            return f"{head} flags={'M|' if mask & TIMER_MIGRATING else ''}D|P|I"
        if d.system == "ftrace":
            return f"{v['ip']}: {v['buf']}"
        return d.render(v)

    def time(self, ts: int) -> str:
        """TEP_PRINT_TIME with " %6.1000d:" (µs, rounded) or " %9.1d:" with -t (ns): the seconds in 5 columns;
        "%12d:" raw for a clock that does not count ns (extract_trace_clock(): not local, global, uptime, perf,
        mono*, tai)."""
        c = self.dat.clock
        if c not in ("local", "global", "uptime", "perf", "tai") and not c.startswith("mono"):
            return f"{ts:12d}:"
        if self.ns:
            secs, rem = divmod(ts, 1_000_000_000)
            return f" {secs:5d}.{rem:09d}:"
        usecs = (ts + 500) // 1000
        secs, rem = divmod(usecs, 1_000_000)
        return f" {secs:5d}.{rem:06d}:"

    def line(self, rec: Record) -> str:
        """``%16s-%-5d [%03d]`` + time + `` name: `` padded to 20 + the event text."""
        name = self.dat.events[rec.id].name if rec.id in self.dat.events else "(NULL)"
        pad = " " * max(0, 20 - len(name))
        info = self.info(rec)
        if rec.id in self.dat.events and self.dat.events[rec.id].name == "sched_switch" and self.plugins:
            v = self.values(rec)
            self.comms[v["prev_pid"]] = v["prev_comm"]
            self.comms[v["next_pid"]] = v["next_comm"]
        if self.latency:
            # "%8.8s-%-5d %3d" then TEP_PRINT_LATENCY: libtraceevent's columns know no BH-off ('D' is 'd',
            # 'b' is '.') and print 'N' for any need-resched.
            lat = lat_fmt(rec.flags, rec.preempt_count)
            lat = {"D": "d", "b": "."}.get(lat[0], lat[0]) + ("N" if lat[1] in "Nn" else ".") + lat[2:]
            head = f"{self.comm(rec.pid)[:8]:>8}-{rec.pid:<5d} {rec.cpu:3d}{lat}"
        else:
            head = f"{self.comm(rec.pid):>16}-{rec.pid:<5d} [{rec.cpu:03d}]"
        return f"{head}{self.time(rec.ts)} {name}: {pad}{info}"

    def set_filters(self, specs: list[str]) -> None:
        """trace-cmd report -F: ``EVENTS[:FILTER]`` each, EVENTS a comma-separated list of ``system/event`` or
        ``event``/``system`` regular expressions (anchored, as libtraceevent's filter parser anchors them);
        a record is printed when one spec names its event and the spec's filter (if any) accepts it.
        Raises DatError naming a filter that does not parse or a field the event lacks."""
        # SIMPLIFICATION: the filter is read with the kernel's filter grammar (trace_events_filter.c), which
        # libtraceevent's shares for == != < <= > >= & && || and ~ globs; its =~ regular expressions and
        # arithmetic on fields are not taken.
        self.filters = []
        for spec in specs:
            names, _, cond = spec.partition(":")
            for name in (n.strip() for n in names.split(",") if n.strip()):
                sysre, _, evre = name.rpartition("/")
                for eid, ev in self.dat.events.items():
                    d = self.defs.get(eid)
                    hit = (re.fullmatch(sysre, ev.system) and re.fullmatch(evre, ev.name)) if sysre else (
                        re.fullmatch(evre, ev.name) or re.fullmatch(evre, ev.system))  # fmt: skip
                    if not hit:
                        continue
                    pred = None
                    if cond.strip() and d is not None:
                        try:
                            pred = compile_filter(d, cond)
                        except ValueError as e:
                            raise DatError(f"Error filtering: {ev.system}/{ev.name}: {e}") from None
                    self.filters.append((eid, pred))

    def _passes(self, rec: Record) -> bool:
        ok = False
        for eid, pred in self.filters:
            if eid != rec.id:
                continue
            if pred is None:
                return True
            view = TraceFilterView(rec.pid, rec.flags, rec.preempt_count, self.values(rec))
            ok = ok or pred(view)
        return ok

    def text(self, cpus: set[int] | None = None) -> str:
        """The whole report: ``cpus=N`` then a line per record (only ``cpus`` and what the -F filters pass)."""
        out = [f"cpus={self.dat.cpus}"]
        for rec in self.dat.merged():
            if cpus is not None and rec.cpu not in cpus:
                continue
            if self.filters and not self._passes(rec):
                continue
            out.append(self.line(rec))
        return "".join(line + "\n" for line in out)


@dataclass(slots=True)
class TraceFilterView:
    """What an event filter reads of a record: the common fields and the decoded event fields."""

    pid: int
    trace_flags: int
    preempt_count: int
    fields: dict[str, Any]


def _write_state(val: int) -> str:
    """plugin_sched_switch.c write_state(): the bits of "SDTtZXxW", "|"-separated, or R."""
    states = "SDTtZXxW"
    found = [c for i, c in enumerate(states) if val & (1 << i)]
    return "|".join(found) if found else "R"
