"""tracefs, mounted at /sys/kernel/tracing. Mirrors kernel/trace/trace.c and trace_events.c.

The control files a trace-cmd or shell user touches: trace, tracing_on, buffer_size_kb,
buffer_total_size_kb, trace_marker, set_event, available_events, saved_cmdlines, current_tracer,
trace_clock, trace_pipe, per_cpu/cpuN/{trace,buffer_size_kb,stats} and events/[<system>/[<event>/]]{enable,format,id,filter}. A write is ``echo X > file``: set_event is
truncated first, as the kernel does for an O_TRUNC open (ftrace_event_set_open()).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from irqlab.errno import EINVAL
from irqlab.trace.output import print_time
from irqlab.trace.ring_buffer import TRACE_BUF_SIZE_DEFAULT
from irqlab.trace.trace_dat import header_event, header_page

if TYPE_CHECKING:
    from irqlab.fs.procfs import ProcFS
    from irqlab.kernel.kernel import Kernel
    from irqlab.trace.tracepoint import TraceBus, Tracepoint

TRACEFS_ROOT = "/sys/kernel/tracing"


def _bool(text: str) -> int | None:
    """kstrtoul_from_user() of a 0/1 file: the number, or None when it is not one."""
    try:
        return int(text.strip(), 0)
    except ValueError:
        return None


def _enable_state(tps: list[Tracepoint]) -> str:
    """system_enable_read(): 0, 1, or X when the events disagree."""
    on = {tp.recording for tp in tps}
    return "X\n" if len(on) > 1 else "1\n" if on == {True} else "0\n"


def _set_enable(bus: TraceBus, tps: list[Tracepoint], text: str) -> int:
    v = _bool(text)
    if v not in (0, 1):
        return -EINVAL
    for tp in tps:
        if v:
            bus.enable(tp.event.full_name)
        else:
            bus.disable(tp.event.full_name)
    return len(text)


def register(fs: ProcFS, k: Kernel) -> None:
    """Create the tracefs files for kernel ``k``'s trace events."""
    bus = k.tp
    root = TRACEFS_ROOT

    def reg(path: str, read: Callable[[], str] | None, write: Callable[[str], int] | None = None) -> None:
        fs.register(f"{root}/{path}", read, write)

    def write_trace(text: str) -> int:
        # tracing_open() with O_TRUNC resets the buffers.
        bus.clear()
        return len(text)

    def write_on(text: str) -> int:
        v = _bool(text)
        if v is None:
            return -EINVAL
        bus.tracing_on = bool(v)
        return len(text)

    def read_size() -> str:
        # tracing_entries_read(): before the ring is first expanded it reports its boot size.
        if not bus.expanded:
            return f"7 (expanded: {bus.buffer_size_kb})\n"
        return f"{bus.buffer_size_kb}\n"

    def write_size(text: str) -> int:
        v = _bool(text)
        if v is None or v <= 0:
            return -EINVAL
        bus.resize(v)
        return len(text)

    def write_marker(text: str) -> int:
        # SIMPLIFICATION: written from outside every task, the line carries the context CPU 0 is in.
        cpu = k.cpu.id if k.cpu is not None else 0
        bus.write_marker(cpu, text[:-1] if text.endswith("\n") else text)
        return len(text)

    def read_set_event() -> str:
        return "".join(f"{tp.event.full_name}\n" for tp in bus._by_full.values() if tp.recording)

    def write_set_event(text: str) -> int:
        # ftrace_event_write(): one name per word; "!name" disables; the O_TRUNC open cleared the set first.
        words = text.split()
        try:
            for w in words:
                if not w.startswith("!"):
                    bus.resolve(w)
                else:
                    bus.resolve(w[1:])
        except ValueError:
            return -EINVAL
        bus.disable()
        for w in words:
            if w.startswith("!"):
                bus.disable(w[1:])
            else:
                bus.enable(w)
        return len(text)

    reg("trace", bus.text, write_trace)
    # SIMPLIFICATION: a read of trace_pipe returns what is recorded now instead of blocking for more.
    reg("trace_pipe", bus.consume)
    reg("tracing_on", lambda: "1\n" if bus.tracing_on else "0\n", write_on)
    reg("buffer_size_kb", read_size, write_size)
    reg("buffer_total_size_kb",
        lambda: f"{bus.buffer_size_kb * len(bus.cpus)}\n" if bus.expanded
        else f"{7 * len(bus.cpus)} (expanded: {TRACE_BUF_SIZE_DEFAULT // 1024 * len(bus.cpus)})\n")  # fmt: skip
    reg("trace_marker", None, write_marker)
    reg("set_event", read_set_event, write_set_event)
    reg("available_events", lambda: "".join(f"{n}\n" for n in bus.names))
    reg("current_tracer", lambda: "nop\n")
    reg("available_tracers", lambda: "nop\n")
    clocks = ["local", "global", "counter", "uptime", "perf", "mono", "mono_raw", "boot", "tai"]
    if k.board.arch == "x86":
        clocks.append("x86-tsc")

    def read_clock() -> str:
        return " ".join(f"[{c}]" if c == bus.trace_clock else c for c in clocks) + "\n"

    def write_clock(text: str) -> int:
        # tracing_clock_write(): one of trace_clocks[], else EINVAL.
        # SIMPLIFICATION: every clock reads the one simulated clock (ns since boot).
        name = text.strip()
        if name not in clocks:
            return -EINVAL
        bus.trace_clock = name
        return len(text)

    reg("trace_clock", read_clock, write_clock)
    reg("saved_cmdlines", lambda: "".join(f"{pid} {comm}\n" for pid, comm in bus.cmdlines()))
    for cpu in range(len(bus.cpus)):
        reg(f"per_cpu/cpu{cpu}/trace", partial(bus.text, cpu))
        reg(f"per_cpu/cpu{cpu}/buffer_size_kb", read_size)
        reg(f"per_cpu/cpu{cpu}/stats", partial(_stats, bus, cpu))

    all_tps = list(bus._by_full.values())
    reg("events/enable", partial(_enable_state, all_tps), partial(_set_enable, bus, all_tps))
    reg("events/header_page", header_page)
    reg("events/header_event", header_event)
    for sysname in bus.systems():
        tps = [tp for tp in all_tps if tp.event.system == sysname]
        reg(f"events/{sysname}/enable", partial(_enable_state, tps), partial(_set_enable, bus, tps))
        for tp in tps:
            base = f"events/{sysname}/{tp.name}"
            reg(f"{base}/enable", partial(_enable_state, [tp]), partial(_set_enable, bus, [tp]))
            reg(f"{base}/format", tp.event.format_file)
            reg(f"{base}/filter", partial(_read_filter, tp), partial(_write_filter, bus, tp))
            reg(f"{base}/id", partial(str.format, "{}\n", tp.event.id))

def _read_filter(tp: Tracepoint) -> str:
    return f"{tp.filter_text}\n" if tp.filter is not None else "none\n"


def _write_filter(bus: TraceBus, tp: Tracepoint, text: str) -> int:
    """filter_write(): a filter that does not parse is refused with EINVAL and the old one stays."""
    try:
        bus.set_filter(tp.event.full_name, text)
    except ValueError:
        return -EINVAL
    return len(text)


def _stats(bus: TraceBus, cpu: int) -> str:
    """tracing_stats_read(), the counts irqlab keeps."""
    c = bus.cpus[cpu]
    return (f"entries: {c.entries}\noverrun: {c.overrun}\ncommit overrun: 0\nbytes: 0\n"
            f"oldest event ts: {_ts(c)}\nnow ts: {_ts(c, last=True)}\ndropped events: 0\nread events: 0\n")  # fmt: skip


def _ts(c: object, last: bool = False) -> str:
    evs = [e for p in c.pages for e in p]  # type: ignore[attr-defined]
    if not evs:
        return "0.000000"
    return print_time(evs[-1 if last else 0].ts).strip()
