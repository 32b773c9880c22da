"""Tracepoints with the kernel's event names, recorded into per-CPU rings like ftrace's.

A call site tests ``tp.on`` before building the event, so a tracepoint nobody
listens to costs one attribute read. Names: ``system:event`` as in available_events;
a bare event name is accepted wherever a name is taken.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator
from types import FunctionType, TracebackType
from typing import Any

from irqlab.trace.events import MARKER_EVENT, EventDef, event_table, free_form_event
from irqlab.trace.filter import compile_filter
from irqlab.trace.output import trace_header
from irqlab.trace.ring_buffer import TRACE_BUF_SIZE_DEFAULT, CpuBuffer, event_length, nr_pages_for
from irqlab.trace.save import open_writer
from irqlab.trace.trace_event import TraceEvent

#: Context flags (include/linux/trace_events.h enum trace_flag_type, 6.12).
TRACE_FLAG_IRQS_OFF = 0x01
TRACE_FLAG_NEED_RESCHED = 0x04
TRACE_FLAG_HARDIRQ = 0x08
TRACE_FLAG_SOFTIRQ = 0x10
TRACE_FLAG_PREEMPT_RESCHED = 0x20
TRACE_FLAG_NMI = 0x40
TRACE_FLAG_BH_OFF = 0x80

#: Python attribute names of call sites that differ from the event name.
_ALIASES = {"printk": "console"}


class Tracepoint:
    """A named tracepoint; ``on`` is True while the ring or a probe listens."""

    __slots__ = ("name", "on", "bus", "probes", "event", "recording", "filter", "filter_text")

    def __init__(self, bus: TraceBus, event: EventDef) -> None:
        self.name = event.name
        self.event = event
        self.on = False
        self.recording = False
        #: events/<system>/<event>/filter: a predicate on the event, or None.
        self.filter: Callable[[TraceEvent], bool] | None = None
        self.filter_text = ""
        self.bus = bus
        self.probes: list[Callable[[TraceEvent], None]] = []

    # The positional parameters are named so as not to collide with an event field (a field ``cpu`` is common);
    # compiled code does not allow a keyword argument with a positional-only parameter's name.
    def emit(self, _tp_cpu: int, /, **fields: Any) -> None:
        """Record with the CPU's current context."""
        self.bus.record(self, _tp_cpu, fields, 0, False)

    def emit_at(self, _tp_cpu: int, _tp_extra_pc: int, _tp_irqs_off: bool, /, **fields: Any) -> None:
        """Record from a path that holds ``extra_pc`` more preemption (locks taken by the kernel code
        irqlab does not run as such) and, if ``irqs_off``, with interrupts disabled."""
        # SIMPLIFICATION: the locks and preempt_disable() of the kernel path around a tracepoint are a fixed
        # count per call site (the common case), not counted from the code irqlab runs.
        self.bus.record(self, _tp_cpu, fields, _tp_extra_pc, _tp_irqs_off)

    def _update(self) -> None:
        self.on = self.recording or bool(self.probes)


class TraceBus:
    """All tracepoints of one kernel, its per-CPU rings, attached probes and tracing_on.

    Each event of the tables is a declared attribute (``k.tp.sched_switch``), so that compiled call sites read
    it natively; an irqlab instrumentation point made by :meth:`tracepoint` is reached by name too."""

    # The events of every architecture's table (trace/events.py), and the call-site aliases (_ALIASES).
    irq_handler_entry: Tracepoint
    irq_handler_exit: Tracepoint
    softirq_entry: Tracepoint
    softirq_exit: Tracepoint
    softirq_raise: Tracepoint
    tasklet_entry: Tracepoint
    tasklet_exit: Tracepoint
    sched_switch: Tracepoint
    sched_waking: Tracepoint
    sched_wakeup: Tracepoint
    sched_wakeup_new: Tracepoint
    sched_migrate_task: Tracepoint
    timer_start: Tracepoint
    timer_expire_entry: Tracepoint
    timer_expire_exit: Tracepoint
    timer_cancel: Tracepoint
    hrtimer_start: Tracepoint
    hrtimer_expire_entry: Tracepoint
    hrtimer_expire_exit: Tracepoint
    hrtimer_cancel: Tracepoint
    workqueue_queue_work: Tracepoint
    workqueue_activate_work: Tracepoint
    workqueue_execute_start: Tracepoint
    workqueue_execute_end: Tracepoint
    napi_poll: Tracepoint
    console: Tracepoint
    ipi_raise: Tracepoint
    local_timer_entry: Tracepoint
    local_timer_exit: Tracepoint
    reschedule_entry: Tracepoint
    reschedule_exit: Tracepoint
    call_function_single_entry: Tracepoint
    call_function_single_exit: Tracepoint
    irq_entry: Tracepoint
    irq_exit: Tracepoint
    irq_thread_entry: Tracepoint
    irq_thread_exit: Tracepoint
    kernel_bug: Tracepoint
    printk: Tracepoint

    def __init__(self, clock: Callable[[], int], context: Callable[[int], tuple[str, int, int, int]],
                 ring_size: int = TRACE_BUF_SIZE_DEFAULT // 1024, nr_cpus: int = 1,
                 arch: str = "arm64") -> None:  # fmt: skip
        self._clock = clock
        self._context = context
        self.arch = arch
        self.table = list(event_table(arch))
        self.buffer_size_kb = ring_size
        self.expanded = False
        self.tracing_on = True
        self.cpus: list[CpuBuffer] = [CpuBuffer(nr_pages_for(ring_size * 1024)) for _ in range(nr_cpus)]
        self.sinks: list[Callable[[TraceEvent], None]] = []
        #: `uname -a` of the simulated machine, for trace file headers.
        self.uname = ""
        #: The trace_clock selected in tracefs (every clock reads the one simulated clock).
        self.trace_clock = "local"
        self._tps: dict[str, Tracepoint] = {}
        self._by_full: dict[str, Tracepoint] = {}
        for ev in self.table:
            tp = Tracepoint(self, ev)
            self._tps[ev.name] = tp
            self._by_full[ev.full_name] = tp
            # Plain attributes: call sites read k.tp.<name> on the hot path.
            setattr(self, ev.name, tp)
        for alias, name in _ALIASES.items():
            setattr(self, alias, self._tps[name])

    def __getattr__(self, name: str) -> Tracepoint:
        """An irqlab instrumentation point by name (compiled build: a native class takes no new attributes).
        Removed from the interpreted class below, where those points are plain attributes."""
        tp = self._tps.get(name) if not name.startswith("__") else None
        if tp is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        return tp

    # -- names ---------------------------------------------------------------------------
    @property
    def names(self) -> list[str]:
        """Every event as ``system:event``, in available_events order."""
        return list(self._by_full)

    @property
    def enabled(self) -> set[str]:
        """Bare names of the events being recorded."""
        return {n for n, tp in self._tps.items() if tp.recording}

    def systems(self) -> list[str]:
        return list(dict.fromkeys(ev.system for ev in self.table))

    def resolve(self, spec: str) -> list[Tracepoint]:
        """Tracepoints named by ``spec``: ``sys:event``, ``sys:*``, ``sys``, ``event``, ``*:event`` or ``*``.

        A system name selects its events; ``irqlab`` instrumentation is selected only by naming it."""
        spec = spec.strip()
        if spec in ("*", "*:*", "all"):
            return [tp for tp in self._by_full.values() if tp.event.default]
        if ":" in spec:
            sysname, _, ev = spec.partition(":")
            out = [tp for tp in self._by_full.values()
                   if sysname in ("*", "", tp.event.system) and ev in ("*", "", tp.name)]  # fmt: skip
            if sysname in ("*", ""):
                out = [tp for tp in out if tp.event.default or ev not in ("*", "")]
        elif spec in self._tps:
            out = [self._tps[spec]]
        else:
            out = [tp for tp in self._by_full.values() if tp.event.system == spec]
        if not out:
            raise ValueError(f"no trace event or system {spec!r}; systems: {', '.join(self.systems())} "
                             f"(events are listed by m.trace.names or /sys/kernel/tracing/available_events)")  # fmt: skip
        return out

    def _expand(self, names: Iterable[str]) -> list[Tracepoint]:
        out: list[Tracepoint] = []
        for n in names:
            for part in n.split(","):
                if part.strip():
                    out += self.resolve(part)
        return out

    def tracepoint(self, name: str) -> Tracepoint:
        """The tracepoint ``name`` (``sys:event`` or bare). A new bare name or ``irqlab:<name>`` creates an
        irqlab instrumentation point (off until enabled by name) whose text is its ``key=value`` fields."""
        tp = self._by_full.get(name) or self._tps.get(name)
        if tp is None:
            sysname, _, bare = name.rpartition(":")
            if sysname not in ("", "irqlab") or not bare.isidentifier():
                raise ValueError(f"no trace event {name!r}; see m.trace.names (new instrumentation is irqlab:<name>)")
            ev = free_form_event(bare, 300 + len(self.table))
            self.table.append(ev)
            tp = Tracepoint(self, ev)
            self._tps[bare] = tp
            self._by_full[ev.full_name] = tp
            if _INTERPRETED:
                setattr(self, bare, tp)
        return tp

    def find(self, name: str) -> Tracepoint | None:
        """The tracepoint with bare name ``name`` if this kernel's table (or its instrumentation) has one, else None
        (an architecture's own events: ipi_raise on arm64, irq_vectors on x86)."""
        return self._tps.get(name)

    # -- enabling ------------------------------------------------------------------------
    def enable(self, *names: str) -> None:
        """Record the named events or systems (every 6.12 event when none are named).

        Accepts ``"irq,sched"``, ``"irq:irq_handler_entry"``, bare event names and ``"irqlab"``."""
        for tp in self._expand(names) if names else self.resolve("*"):
            tp.recording = True
            tp._update()
        self.expanded = True

    def disable(self, *names: str) -> None:
        """Stop recording the named events (all when none are named)."""
        for tp in self._expand(names) if names else list(self._tps.values()):
            tp.recording = False
            tp._update()

    def set_filter(self, name: str, text: str) -> None:
        """events/<system>/<event>/filter: record only the ``name`` events matching ``text`` ("0" clears it).
        Raises ValueError naming the problem for a filter the kernel would refuse."""

        tp = self.tracepoint(name)
        tp.filter = compile_filter(tp.event, text)
        tp.filter_text = text.strip() if tp.filter is not None else ""

    def attach(self, name: str, probe: Callable[[TraceEvent], None]) -> None:
        """Call ``probe(event)`` for every ``name`` event (without recording it unless enabled)."""
        tp = self.tracepoint(name)
        tp.probes.append(probe)
        tp._update()

    def detach(self, name: str, probe: Callable[[TraceEvent], None]) -> None:
        tp = self.tracepoint(name)
        tp.probes.remove(probe)
        tp._update()

    def add_sink(self, sink: Callable[[TraceEvent], None]) -> None:
        """Stream every recorded event to ``sink`` as well as the ring (a streaming file writer)."""
        self.sinks.append(sink)

    def remove_sink(self, sink: Callable[[TraceEvent], None]) -> None:
        self.sinks.remove(sink)

    # -- recording -----------------------------------------------------------------------
    def record(self, tp: Tracepoint, cpu: int, fields: dict[str, Any], extra_pc: int, irqs_off: bool) -> None:
        comm, pid, tflags, pc = self._context(cpu)
        if extra_pc:
            # tracing_gen_ctx_irq_test(): the low nibble is min(preempt_count & 0xff, 0xf).
            depth = min((pc & 0xF) + extra_pc, 0xF)
            pc = (pc & 0xF0) | depth
        if irqs_off:
            tflags |= TRACE_FLAG_IRQS_OFF
        ev = TraceEvent(self._clock(), cpu, comm, pid, tflags, pc, tp.event, fields)
        if tp.recording and self.tracing_on and (tp.filter is None or tp.filter(ev)):
            self._write(ev)
        for probe in tp.probes:
            probe(ev)

    def _write(self, ev: TraceEvent) -> None:
        e = ev.event
        size = e.fixed_size
        if e.free_form:
            size += len(e.render(ev.fields).encode()) + 1
        for f in () if e.free_form else e.dynamic:
            x = ev.fields[f.k]
            if f.kind == "bitmask":
                size += 8 * max(1, (int(x[1]) + 63) // 64)
            else:
                # __string: the text and its NUL; a trace_marker buffer also gets its newline.
                size += len(str(x).encode()) + (2 if f.kind == "cstring" else 1)
        self.cpus[ev.cpu].write(ev, event_length(size), ev.ts)
        for sink in self.sinks:
            sink(ev)

    def write_marker(self, cpu: int, text: str) -> None:
        """trace_marker: a print event (``tracing_mark_write: <text>``)."""
        if not self.tracing_on:
            return
        comm, pid, tflags, pc = self._context(cpu)
        ev = TraceEvent(self._clock(), cpu, comm, pid, tflags, pc, MARKER_EVENT, {"ip": "tracing_mark_write", "buf": text})
        self._write(ev)

    # -- reading -------------------------------------------------------------------------
    def events(self, *names: str) -> list[TraceEvent]:
        """Recorded events, oldest first (merged across CPUs by time), optionally only those named."""
        merged = list(self)
        if not names:
            return merged
        want = {tp.event for tp in self._expand(names)}
        return [e for e in merged if e.event in want]

    def __iter__(self) -> Iterator[TraceEvent]:
        # The kernel's iterator takes the oldest head across CPUs, the lowest CPU on a tie.
        return heapq.merge(*(c.events() for c in self.cpus), key=lambda e: e.ts)

    @property
    def lost(self) -> int:
        """Events overwritten in the rings."""
        return sum(c.overrun for c in self.cpus)

    def entries(self) -> tuple[int, int]:
        """(entries in buffer, entries written) as the trace header counts them."""
        n = sum(c.entries for c in self.cpus)
        return n, n + self.lost

    def clear(self) -> None:
        """Empty the rings (writing to the trace file with O_TRUNC)."""
        for c in self.cpus:
            c.reset()

    def resize(self, size_kb: int) -> None:
        """buffer_size_kb: resize every CPU's ring (the kernel keeps the newest pages that still fit)."""
        self.buffer_size_kb = size_kb
        self.expanded = True
        for c in self.cpus:
            c.nr_pages = nr_pages_for(size_kb * 1024)
            while len(c.pages) > c.nr_pages:
                lost = c.pages.popleft()
                c.overrun += len(lost)
                c.entries -= len(lost)

    def writer(self, path: str, format: str | None = None) -> Any:
        """A streaming writer for ``path``: format from ``format`` or the suffix (.dat, .perfetto-trace, .json,
        .txt). Feed it with ``add(event)`` (or attach it with ``add_sink(w.add)``) and ``close()`` it."""

        return open_writer(self, path, format)

    def stream(self, path: str, format: str | None = None) -> _Stream:
        """``with m.trace.stream("out.dat"): m.run(...)``: every event recorded meanwhile goes to the file as it
        happens (flat memory for any run length), whatever the rings keep."""
        return _Stream(self, path, format)

    def save(self, path: str, format: str | None = None) -> int:
        """Write the recorded events to ``path`` (trace-cmd .dat, Perfetto protobuf, Chrome JSON or the trace
        text, chosen by ``format`` or the suffix); returns the number of events written."""

        w = open_writer(self, path, format, from_ring=True)
        for ev in self:
            w.add(ev)
        w.close()
        return int(w.count)

    def consume(self) -> str:
        """trace_pipe: the recorded lines without the header, removed from the rings as they are read, with
        ``CPU:N [LOST M EVENTS]`` where a CPU's ring overwrote events since the last read
        (print_trace_line() with iter->lost_events)."""
        per_cpu = [c.consume() for c in self.cpus]
        out: list[str] = []
        told: set[int] = set()
        for e in heapq.merge(*(evs for evs, _ in per_cpu), key=lambda e: e.ts):
            lost = per_cpu[e.cpu][1]
            if lost and e.cpu not in told:
                told.add(e.cpu)
                out.append(f"CPU:{e.cpu} [LOST {lost} EVENTS]")
            out.append(e.text())
        return "".join(line + "\n" for line in out)

    def cmdlines(self) -> list[tuple[int, str]]:
        """saved_cmdlines: (pid, comm) of the tasks the rings name, in order of appearance (not the idle task)."""
        seen: dict[int, str] = {}
        for e in self:
            if e.pid and e.pid not in seen:
                seen[e.pid] = e.comm
        return list(seen.items())

    def text(self, cpu: int | None = None) -> str:
        """The rings as /sys/kernel/tracing/trace shows them (per_cpu/cpuN/trace with ``cpu``)."""
        if cpu is None:
            n, total = self.entries()
            lost = self.lost
            evs: Iterable[TraceEvent] = self
        else:
            c = self.cpus[cpu]
            n, total, lost, evs = c.entries, c.entries + c.overrun, c.overrun, c.events()
        out = trace_header(n, total, len(self.cpus))
        annotate = lost > 0
        started: set[int] = set()
        idx = 0
        for e in evs:
            idx += 1
            if annotate and e.cpu not in started:
                # test_cpu_buff_start(): after an overrun, the first entry of each CPU but the very first.
                started.add(e.cpu)
                if idx > 1:
                    out.append(f"##### CPU {e.cpu} buffer started ####")
            out.append(e.text())
        return "\n".join(out) + "\n"


class _Stream:
    """The context manager of :meth:`TraceBus.stream`: the writer is a sink while the block runs, closed after it."""

    def __init__(self, bus: TraceBus, path: str, format: str | None) -> None:
        self.bus = bus
        self.path = path
        self.format = format
        self.w: Any = None

    def __enter__(self) -> Any:
        self.w = self.bus.writer(self.path, self.format)
        self.bus.add_sink(self.w.add)
        return self.w

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.bus.remove_sink(self.w.add)
        self.w.close()


#: True when this module runs interpreted. There, a class-level __getattr__ would take every read of the bus off
#: CPython's fast attribute path, so it is removed and instrumentation points are plain instance attributes.
_INTERPRETED = isinstance(getattr(TraceBus, "__getattr__", None), FunctionType)
if _INTERPRETED:
    delattr(TraceBus, "__getattr__")
