"""trace-cmd 3.1.6 (Debian bookworm's) on the board: record, report, start, stop, show, extract, reset,
list and stat, through the tracefs files of /sys/kernel/tracing as tracecmd/trace-record.c does.

``record`` disables all tracing, enables the events named with ``-e``, clears the buffers and turns
tracing on; its recorder threads splice each CPU's trace_pipe_raw into the output file as pages fill
(here every recorded event is streamed to the file's per-CPU pages); it stops when its COMMAND exits or
at Ctrl-C, then writes trace.dat and reports each CPU's data as lib/trace-cmd/trace-output.c does.
``report`` reads the file back and prints it as trace-cmd with libtraceevent's plugins does.
"""

from __future__ import annotations

import fnmatch
import os
import re
import tempfile
from typing import cast

from irqlab.kernel.core import kernel
from irqlab.trace.dat_read import DatError, Report, read_dat
from irqlab.trace.save import open_writer
from irqlab.trace.trace_dat import DatWriter
from irqlab.trace.tracepoint import TraceEvent
from irqlab.userspace.shell.process import STATUS_SIGINT, Io, Killed, Proc

T = "/sys/kernel/tracing"
DEFAULT_OUTPUT = "trace.dat"
#: trace_clock values that, in the simulation, all read the one clock (ns since boot, the same on every CPU).
# SIMPLIFICATION: "counter", "uptime" (jiffies), "tai" and "x86-tsc" count other units; they are refused.
SAME_CLOCKS = ("local", "global", "perf", "mono", "mono_raw", "boot")

#: Shell builtins that are also programs in /bin (what execvp() finds for them).
EXEC_BUILTINS = ("echo", "true", "false", "test", "[", "kill", "pwd")

#: What trace-cmd prints (to stdout, exiting 255) with no command, an unknown one, -h or --version.
_USAGE = """
trace-cmd version 3.1.6 (not-a-git-repo)

usage:
  trace-cmd [COMMAND] ...

  commands:
     record - record a trace into a trace.dat file
     set - set a ftrace configuration parameter
     start - start tracing without recording into a file
     extract - extract a trace from the kernel
     stop - stop the kernel from recording trace data
     restart - restart the kernel trace data recording
     show - show the contents of the kernel tracing buffer
     reset - disable all kernel tracing and clear the trace buffers
     clear - clear the trace buffers
     report - read out the trace stored in a trace.dat file
     stream - Start tracing and read the output directly
     profile - Start profiling and read the output directly
     hist - show a histogram of the trace.dat information
     stat - show the status of the running tracing (ftrace) system
     split - parse a trace.dat file into smaller file(s)
     options - list the plugin options available for trace-cmd report
     listen - listen on a network socket for trace clients
     agent - listen on a vsocket for trace clients
     setup-guest - create FIFOs for tracing guest VMs
     list - list the available events, plugins or options
     restore - restore a crashed record
     snapshot - take snapshot of running trace
     stack - output, enable or disable kernel stack tracing
     check-events - parse trace event formats
     dump - read out the meta data from a trace file
     convert - convert trace file to different version

"""


class TraceCmdError(Exception):
    """trace-cmd's die(): "  message" on stderr (after perror's line when errno is set)."""

    def __init__(self, msg: str, errno: int = 0) -> None:
        super().__init__(msg)
        self.msg = msg
        self.errno = errno


def _read(p: Proc, name: str) -> str:
    return p.shell.vfs.read_text(f"{T}/{name}")


def _write(p: Proc, name: str, text: str) -> None:
    p.shell.vfs.open_write(f"{T}/{name}").write(text)


def _events(p: Proc) -> list[tuple[str, str]]:
    """available_events as (system, event) pairs."""
    out = []
    for line in _read(p, "available_events").splitlines():
        system, _, name = line.partition(":")
        out.append((system, name))
    return out


def _expand_event(p: Proc, spec: str) -> list[str]:
    """expand_event(): the events/<...>/enable files ``-e spec`` writes; "all" is every system."""
    evs = _events(p)
    if spec == "all":
        return ["events/enable"]
    if ":" in spec:
        system, _, name = spec.partition(":")
        name = name or "*"
        files = [f"events/{s}/{e}/enable" for s, e in evs if fnmatch.fnmatchcase(s, system) and fnmatch.fnmatchcase(e, name)]
    else:
        systems = list(dict.fromkeys(s for s, _ in evs if fnmatch.fnmatchcase(s, spec)))
        files = [f"events/{s}/enable" for s in systems]
        files += [f"events/{s}/{e}/enable" for s, e in evs if fnmatch.fnmatchcase(e, spec) and s not in systems]
    if not files:
        raise TraceCmdError(f"No events enabled with {spec}", 2)
    return files


def _die(p: Proc, e: TraceCmdError) -> int:
    if e.errno:
        p.err(f"trace-cmd: {os.strerror(e.errno)}\n")
    p.err(f"  {e.msg}\n")
    return e.errno or 255


def _reset_events(p: Proc) -> None:
    """reset_events(): every event off and its filter cleared."""
    _write(p, "events/enable", "0")
    for system, name in _events(p):
        path = f"events/{system}/{name}/filter"
        if _read(p, path) != "none\n":
            _write(p, path, "0")


def _disable_all(p: Proc) -> None:
    """tracecmd_disable_all_tracing(): tracing_on 0, events reset, buffers cleared."""
    _write(p, "tracing_on", "0")
    _reset_events(p)
    _write(p, "trace", "")


class _Options:
    def __init__(self) -> None:
        self.events: list[tuple[str, str | None]] = []
        self.plugin: str | None = None
        self.output = DEFAULT_OUTPUT
        self.buffer_kb: int | None = None
        self.cpumask: int | None = None
        self.clock: str | None = None
        self.quiet = False
        self.command: list[str] = []
        self.negate = False
        #: Events named with -e after -v: disabled after the others are enabled.
        self.disabled: list[str] = []


def _parse_record(args: list[str], ncpus: int, *, command: bool) -> _Options:
    """parse_record_options() for the options modelled here."""
    o = _Options()
    i = 0
    takes = {"-e", "-p", "-o", "-b", "-M", "-C", "-f"}
    while i < len(args):
        a = args[i]
        if not a.startswith("-") or a == "-":
            if not command:
                raise TraceCmdError(f"unexpected argument '{a}' (this subcommand runs no command)")
            o.command = args[i:]
            break
        if a in ("-q", "--quiet"):
            o.quiet = True
            i += 1
            continue
        if a == "-v":
            # "-v will negate all -e (disable those events) that follow it".
            o.negate = True
            i += 1
            continue
        if a == "-F":
            raise TraceCmdError("-F (trace only the command's process) is not modelled: record without it")
        if a not in takes:
            raise TraceCmdError(f"unrecognized option '{a}' (modelled: -e -f -v -p -o -b -M -C -q)")
        if i + 1 >= len(args):
            raise TraceCmdError(f"option requires an argument -- '{a[1]}'")
        val = args[i + 1]
        i += 2
        if a == "-e":
            if o.negate:
                o.disabled.append(val)
            else:
                o.events.append((val, None))
        elif a == "-f":
            if not o.events:
                raise TraceCmdError("filter must come after event")
            o.events[-1] = (o.events[-1][0], val)
        elif a == "-p":
            o.plugin = val
        elif a == "-o":
            o.output = val
        elif a == "-b":
            o.buffer_kb = max(1, int(val) if val.isdigit() else 0)
        elif a == "-M":
            try:
                mask = int(val, 16)
            except ValueError:
                raise TraceCmdError(f"invalid cpumask '{val}' (a hex mask such as 3)") from None
            if not mask & ((1 << ncpus) - 1):
                raise TraceCmdError(f"cpumask '{val}' names no CPU of this board (0-{ncpus - 1})")
            o.cpumask = mask
        elif a == "-C":
            o.clock = val
    return o


def _check_plugin(p: Proc, o: _Options) -> None:
    if o.plugin is not None and o.plugin != "nop" and o.plugin not in _read(p, "available_tracers").split():
        raise TraceCmdError(f"Plugin '{o.plugin}' does not exist")
    if o.clock is not None:
        clocks = _read(p, "trace_clock").replace("[", "").replace("]", "").split()
        if o.clock not in clocks:
            raise TraceCmdError(f"Clock '{o.clock}' is not available (the board has: {' '.join(clocks)})")
        if o.clock not in SAME_CLOCKS:
            raise TraceCmdError(f"clock '{o.clock}' is not modelled: use one of {', '.join(SAME_CLOCKS)}")


def _arm(p: Proc, o: _Options) -> None:
    """Disable everything, then set the buffers and enable the events asked for, buffers cleared."""
    files = [(f, flt, spec) for spec, flt in o.events for f in _expand_event(p, spec)]
    off = [f for spec in o.disabled for f in _expand_event(p, spec)]
    _disable_all(p)
    if o.clock is not None:
        _write(p, "trace_clock", o.clock)
    if o.buffer_kb is not None:
        _write(p, "buffer_size_kb", str(o.buffer_kb))
    for f, flt, spec in files:
        _write(p, f, "1")
        if flt is not None:
            for path in _filter_files(p, f):
                try:
                    _write(p, path, flt)
                except OSError:
                    raise TraceCmdError(f"Failed to write event filter '{flt}' for {spec}", 22) from None
    for f in off:
        _write(p, f, "0")
    _write(p, "trace", "")


def _filter_files(p: Proc, enable: str) -> list[str]:
    parts = enable.split("/")
    evs = _events(p)
    if len(parts) == 2:
        return [f"events/{s}/{e}/filter" for s, e in evs]
    if len(parts) == 3:
        return [f"events/{parts[1]}/{e}/filter" for s, e in evs if s == parts[1]]
    return [f"events/{parts[1]}/{parts[2]}/filter"]


def _store(p: Proc, path: str, data: bytes) -> None:
    """The finished file into the board's file system (bytes kept one char per byte)."""
    p.shell.vfs.open_write(path).write(data.decode("latin-1"))


def load_dat(p: Proc, path: str) -> bytes:
    """A file of the board's file system as bytes (what ``_store`` kept)."""
    return p.shell.vfs.read_bytes(path)


def _finish(p: Proc, writer: DatWriter, path: str, quiet: bool) -> None:
    """tracecmd_append_cpu_data(): write the file, then per CPU "CPU%d data recorded at offset=0x%llx"
    and "    %llu bytes in size" on stderr."""
    writer.close()
    with open(writer.path, "rb") as f:
        data = f.read()
    os.unlink(writer.path)
    _store(p, path, data)
    if not quiet:
        for cpu, (off, size) in enumerate(read_dat(data).cpu_data):
            p.err(f"CPU{cpu} data recorded at offset=0x{off:x}\n    {size} bytes in size\n")


def _writer() -> DatWriter:
    """trace.dat's writer over a temporary file (the recorder threads' per-CPU files)."""
    k = kernel()
    fd, tmp = tempfile.mkstemp(suffix=".dat", prefix="irqlab-trace-cmd-")
    os.close(fd)
    return cast(DatWriter, open_writer(k.tp, tmp, "dat"))


def record(p: Proc, args: list[str]) -> int:
    """trace-cmd record [-e EVENT [-f FILTER]]... [-v -e EVENT]... [-p PLUGIN] [-o FILE] [-b KB] [-M MASK] [-C CLOCK] [-q]
    [COMMAND...]."""
    k = kernel()
    ncpus = len(k.cpus)
    try:
        o = _parse_record(args, ncpus, command=True)
        _check_plugin(p, o)
        if not o.events and o.plugin in (None, "nop"):
            raise TraceCmdError("no event or plugin was specified... aborting")
        # SIMPLIFICATION: the output file is created before recording, so a bad path fails at once
        # (trace-cmd finds out when it writes the file at the end).
        p.shell.vfs.open_write(o.output)
        _arm(p, o)
    except TraceCmdError as e:
        return _die(p, e)
    except OSError as e:
        return _die(p, TraceCmdError("Error creating output file", e.errno or 2))
    w = _writer()
    mask = o.cpumask

    # The recorder threads: each CPU's trace_pipe_raw spliced into the file's pages as they fill.
    def sink(ev: TraceEvent) -> None:
        if mask is None or mask >> ev.cpu & 1:
            w.add(ev)

    k.tp.add_sink(sink)
    _write(p, "tracing_on", "1")
    status = 0
    try:
        if o.command:
            name = o.command[0].rsplit("/", 1)[-1]
            if name in p.shell.commands or name in EXEC_BUILTINS:
                status = p.shell.call(p, o.command, Io(p.stdin, p.stdout, p.stderr))
            else:
                # run_cmd(): the forked child's execvp() fails; trace-cmd still writes what it recorded.
                p.err(f"\n********************\n Unable to exec {o.command[0]}\n********************\n"
                      f"trace-cmd: No such file or directory\n  Failed to exec {o.command[0]}\n")  # fmt: skip
                status = 2
        else:
            p.out("Hit Ctrl^C to stop recording\n")
            while True:
                p.sleep(1_000_000_000)
    except Killed as e:
        if e.status != STATUS_SIGINT:
            # do_sig() handles SIGINT only: any other signal ends trace-cmd with tracing left as it was.
            os.unlink(w.path)
            raise
        status = 0  # trace-cmd catches SIGINT and finishes the file
    finally:
        k.tp.remove_sink(sink)
    _write(p, "tracing_on", "0")
    _finish(p, w, o.output, o.quiet)
    _reset_events(p)
    _write(p, "trace", "")
    return 0 if not o.command else status


def start(p: Proc, args: list[str]) -> int:
    """trace-cmd start: arm the events and turn tracing on, then exit (the buffers keep recording)."""
    try:
        o = _parse_record(args, len(kernel().cpus), command=False)
        _check_plugin(p, o)
        if not o.events and o.plugin in (None, "nop"):
            raise TraceCmdError("no event or plugin was specified... aborting")
        _arm(p, o)
    except TraceCmdError as e:
        return _die(p, e)
    _write(p, "tracing_on", "1")
    return 0


def extract(p: Proc, args: list[str]) -> int:
    """trace-cmd extract [-o FILE]: the buffers' content into a trace.dat (reading trace_pipe_raw empties them)."""
    output = DEFAULT_OUTPUT
    if args[:1] == ["-o"] and len(args) > 1:
        output = args[1]
    elif args:
        return _die(p, TraceCmdError(f"unrecognized option '{args[0]}' (modelled: -o FILE)"))
    k = kernel()
    try:
        p.shell.vfs.open_write(output)
    except OSError as e:
        return _die(p, TraceCmdError("Error creating output file", e.errno or 2))
    w = _writer()
    for ev in k.tp:
        w.add(ev)
    _finish(p, w, output, False)
    _read(p, "trace_pipe")
    return 0


def report(p: Proc, args: list[str]) -> int:
    """trace-cmd report [-i FILE] [FILE] [-N] [-t] [-l] [-F EVENTS[:FILTER]]... [--cpu N[,M]] [-q]."""
    path = DEFAULT_OUTPUT
    plugins, ns, latency = True, False, False
    cpus: set[int] | None = None
    filters: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "-i" and i + 1 < len(args):
            path = args[i + 1]
            i += 2
            continue
        if a == "-F" and i + 1 < len(args):
            filters.append(args[i + 1])
            i += 2
            continue
        if a == "--cpu" and i + 1 < len(args):
            cpus = {int(c) for c in args[i + 1].split(",") if c.isdigit()}
            i += 2
            continue
        if a == "-N":
            plugins = False
        elif a == "-l":
            latency = True
        elif a == "-t":
            ns = True
        elif a == "-q":
            pass
        elif not a.startswith("-"):
            path = a
        else:
            return _die(p, TraceCmdError(f"unrecognized option '{a}' (modelled: -i FILE, -N, -t, -l, -F, --cpu)"))
        i += 1
    try:
        raw = load_dat(p, path)
    except OSError as e:
        return _die(p, TraceCmdError(f"opening '{path}'\n", e.errno or 2))
    try:
        dat = read_dat(raw)
    except DatError:
        return _die(p, TraceCmdError(f"error reading header for {path}"))
    rep = Report(dat, kernel().board.arch, plugins=plugins, ns=ns, latency=latency)
    try:
        rep.set_filters(filters)
    except DatError as e:
        return _die(p, TraceCmdError(str(e)))
    p.out(rep.text(cpus))
    return 0


def stop(p: Proc, args: list[str]) -> int:
    """trace-cmd stop: tracing_on 0 (the buffers keep what they hold)."""
    _write(p, "tracing_on", "0")
    return 0


def show(p: Proc, args: list[str]) -> int:
    """trace-cmd show [-p] [--cpu N]: the trace file (or trace_pipe with -p)."""
    name = "trace"
    if "-p" in args:
        name = "trace_pipe"
    if "--cpu" in args:
        idx = args.index("--cpu")
        if idx + 1 < len(args) and args[idx + 1].isdigit():
            name = f"per_cpu/cpu{args[idx + 1]}/{name}"
    try:
        p.out(_read(p, name))
    except OSError as e:
        return _die(p, TraceCmdError(f"Can not read {name}", e.errno or 2))
    return 0


def reset(p: Proc, args: list[str]) -> int:
    """trace-cmd reset [-b KB]: everything off and cleared, the clock back to local, then tracing_on back to 1."""
    _disable_all(p)
    _write(p, "trace_clock", "local")
    if args[:1] == ["-b"] and len(args) > 1:
        _write(p, "buffer_size_kb", str(max(1, int(args[1]) if args[1].isdigit() else 1)))
    _write(p, "tracing_on", "1")
    return 0


def _list_events(p: Proc, regex: str | None) -> list[tuple[str, str]]:
    """process_events(): with no REGEX every event; "SYS:EV" both as case-blind regexes; "SYS:" the systems
    only; a bare REGEX names whole systems, and the other systems' events it matches."""
    evs = _events(p)
    if not regex:
        return evs
    sysre, colon, evre = regex.partition(":")
    try:
        sys_reg = re.compile(sysre, re.I)
        ev_reg = re.compile(evre, re.I) if evre else None
    except re.error:
        raise TraceCmdError(f"invalid regex '{regex}'") from None
    out = []
    for system, name in evs:
        if sys_reg.search(system):
            if ev_reg is None or ev_reg.search(name):
                out.append((system, name))
        elif not colon and sys_reg.search(name):
            out.append((system, name))
    return out


def list_(p: Proc, args: list[str]) -> int:
    """trace-cmd list [-e [REGEX]] [-F [--full]] [-l] [-t] [-C] [-s]: events, their formats or filters, tracers,
    clocks, systems."""
    what: list[str] = []
    regex: str | None = None
    fmt = full = filters = False
    i = 0
    while i < len(args):
        a = args[i]
        if a == "-e":
            what.append("e")
            if i + 1 < len(args) and not args[i + 1].startswith("-"):
                regex = args[i + 1]
                i += 1
        elif a == "-F":
            fmt = True
        elif a == "--full":
            full = True
        elif a == "-l":
            filters = True
        elif a in ("-t", "-p"):
            what.append("t")
        elif a == "-C":
            what.append("C")
        elif a == "-s":
            what.append("s")
        else:
            return _die(p, TraceCmdError(f"list: invalid option -- '{a.lstrip('-')}' (modelled: -e [REGEX] -F --full "
                                         "-l -t -C -s)"))  # fmt: skip
        i += 1
    if not what:
        what = ["e"]
    try:
        for w in what:
            if w == "e":
                for system, name in _list_events(p, regex):
                    if fmt:
                        # event_format_write(): "system: SYS", then the format up to its print fmt (all with --full).
                        text = _read(p, f"events/{system}/{name}/format")
                        if not full:
                            text = text[:text.index("print fmt")] if "print fmt" in text else text
                        p.out(f"system: {system}\n{text}")
                    elif filters:
                        p.out(f"{system}:{name}\n{_read(p, f'events/{system}/{name}/filter')}\n")
                    else:
                        p.out(f"{system}:{name}\n")
            elif w == "t":
                p.out(_read(p, "available_tracers"))
            elif w == "C":
                p.out(_read(p, "trace_clock"))
            else:
                p.out("".join(f"{s}\n" for s in dict.fromkeys(s for s, _ in _events(p))))
    except TraceCmdError as e:
        return _die(p, e)
    return 0


def stat(p: Proc, args: list[str]) -> int:
    """trace-cmd stat: stat_instance() of the top instance."""
    tracer = _read(p, "current_tracer").strip()
    if tracer != "nop":
        p.out(f"\nTracer: {tracer}\n")
    p.out("\nEvents:\n")
    state = _read(p, "events/enable").strip()
    if state in ("0", "1"):
        p.out(" All enabled\n" if state == "1" else " All disabled\n")
    else:
        evs = _events(p)
        systems = list(dict.fromkeys(s for s, _ in evs))
        full = [s for s in systems if _read(p, f"events/{s}/enable").strip() == "1"]
        if full:
            p.out(" Individual systems:\n" + "".join(f"   {s}\n" for s in full))
        first = True
        for s in systems:
            if _read(p, f"events/{s}/enable").strip() != "X":
                continue
            on = [e for sy, e in evs if sy == s and _read(p, f"events/{s}/{e}/enable").strip() == "1"]
            if on:
                if first:
                    p.out(" Individual events:\n")
                    first = False
                p.out(f"    {s}\n" + "".join(f"        {e}\n" for e in on))
        if not full and first:
            p.out("  (none enabled)\n")
    filters = [(s, e, _read(p, f"events/{s}/{e}/filter").strip()) for s, e in _events(p)]
    filters = [f for f in filters if f[2] != "none"]
    if filters:
        p.out("\nFilters:\n" + "".join(f'  {s}:{e} "{t}"\n' for s, e, t in filters))
    size = _read(p, "buffer_size_kb").strip()
    clock = next((w.strip("[]") for w in _read(p, "trace_clock").split() if w.startswith("[")), "local")
    if "expanded" not in size:
        p.out(f"\nBuffer size in kilobytes (per cpu):\n   {size}\n")
        p.out(f"\nBuffer total size in kilobytes:\n   {_read(p, 'buffer_total_size_kb').strip()}\n")
    if clock != "local":
        p.out(f"\nClock: {clock}\n")
    p.out("\nTracing is disabled\n\n" if _read(p, "tracing_on").strip() == "0" else "\nTracing is enabled\n\n")
    return 0


def clear(p: Proc, args: list[str]) -> int:
    """trace-cmd clear: empty the buffers."""
    _write(p, "trace", "")
    return 0


def restart(p: Proc, args: list[str]) -> int:
    """trace-cmd restart: tracing_on 1 again after a stop."""
    _write(p, "tracing_on", "1")
    return 0


_SUBCOMMANDS = {"record": record, "start": start, "extract": extract, "report": report, "stop": stop,
                "restart": restart, "show": show, "reset": reset, "clear": clear, "list": list_,
                "stat": stat}  # fmt: skip


def trace_cmd(p: Proc) -> int:
    """trace-cmd COMMAND [OPTIONS]."""
    args = p.argv[1:]
    sub = _SUBCOMMANDS.get(args[0]) if args else None
    if sub is None:
        known = [ln.split(" - ")[0].strip() for ln in _USAGE.splitlines() if " - " in ln]
        if args and args[0] in known:
            p.err(f"trace-cmd {args[0]}: not modelled on this board (it runs: {', '.join(_SUBCOMMANDS)})\n")
            return 1
        p.out(_USAGE)
        return 255
    return sub(p, args[1:])


COMMANDS = {"trace-cmd": trace_cmd}
