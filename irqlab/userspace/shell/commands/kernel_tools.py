"""The tools that read the kernel: util-linux's dmesg, procps-ng's watch, kmod's insmod and rmmod."""

from __future__ import annotations

import os
import runpy
import time
import types

from irqlab.kernel.core import kernel
from irqlab.kernel.module import do_delete_module, do_init_module
from irqlab.kernel.printk import LOGLEVEL_NAMES, LogRecord
from irqlab.kernel.sched.core import TASK_INTERRUPTIBLE
from irqlab.kernel.sched.current import schedule
from irqlab.userspace import syscalls as sc
from irqlab.userspace.shell.clock import ctime
from irqlab.userspace.shell.parse import parse
from irqlab.userspace.shell.process import Capture, Io, NullStream, Proc

#: util-linux dmesg's level names (-l), in syslog order.
DMESG_LEVELS = ("emerg", "alert", "crit", "err", "warn", "notice", "info", "debug")


def _format(rec: LogRecord, decode: bool, ctime_of: str | None) -> str:
    if ctime_of is not None:
        head = f"[{ctime_of}] "
        text = "\n".join(head + part for part in rec.text.split("\n"))
    else:
        text = rec.line()
    if decode:
        text = f"kern  :{DMESG_LEVELS[rec.level]:<6}: " + text
    return text + "\n"


def dmesg(p: Proc) -> int:
    """dmesg [-c|-C] [-l LEVELS] [-w] [-x] [-T] [-n LEVEL] (util-linux 2.38)."""
    args = p.argv[1:]
    opts: set[str] = set()
    levels: set[int] | None = None
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-l", "--level"):
            if i + 1 >= len(args):
                p.err("dmesg: option requires an argument -- 'l'\nTry 'dmesg --help' for more information.\n")
                return 1
            levels = set()
            for name in args[i + 1].split(","):
                if name not in DMESG_LEVELS:
                    p.err(f"dmesg: unknown level '{name}'\n")
                    return 1
                levels.add(DMESG_LEVELS.index(name))
            i += 2
            continue
        if a in ("-n", "--console-level"):
            val = args[i + 1] if i + 1 < len(args) else ""
            lvl = int(val) if val.isdigit() else (LOGLEVEL_NAMES.index(val) + 1 if val in LOGLEVEL_NAMES else -1)
            if not 1 <= lvl <= 8:
                p.err(f"dmesg: unknown level '{val}'\n")
                return 1
            kernel().log.console_loglevel = lvl
            return 0
        long = {"--follow": "w", "--clear": "C", "--read-clear": "c", "--decode": "x", "--ctime": "T"}
        if a in long:
            opts.add(long[a])
        elif a.startswith("-") and len(a) > 1 and set(a[1:]) <= set("cCwxTk"):
            opts.update(a[1:])
        else:
            p.err(f"dmesg: invalid option -- '{a.lstrip('-')[:1]}'\nTry 'dmesg --help' for more information.\n")
            return 1
        i += 1
    log = kernel().log
    if "C" in opts:
        log.clear()
        return 0
    # -T: the boot time is the wall clock minus the time since boot (util-linux get_boot_time()).
    boot = (sc.clock_gettime(sc.CLOCK_REALTIME) - sc.clock_gettime(sc.CLOCK_BOOTTIME)) // 10**9

    def show(recs: list[LogRecord]) -> None:
        for r in recs:
            if levels is None or r.level in levels:
                stamp = None
                if "T" in opts:
                    stamp = time.strftime("%a %b %e %H:%M:%S %Y", time.gmtime(boot + r.ts // 10**9))
                p.out(_format(r, "x" in opts, stamp))

    show(list(log.records))
    if "c" in opts:
        log.clear()
    if "w" not in opts:
        return 0
    seen = log.next_seq
    me = p.task

    def wake() -> None:
        if me is not None:
            kernel().sched.try_to_wake_up(me, TASK_INTERRUPTIBLE)

    log.log_wait.append(wake)
    try:
        while True:
            p.check_killed()
            if log.next_seq == seen:
                me.raw_state = TASK_INTERRUPTIBLE  # type: ignore[union-attr]
                me.wait_desc = "devkmsg_read"  # type: ignore[union-attr]
                schedule()
                continue
            new = min(log.next_seq - seen, len(log.records))
            show(list(log.records)[len(log.records) - new:])
            seen = log.next_seq
    finally:
        log.log_wait.remove(wake)


#: terminfo's standout mode (smso, rmso) of the terminals TERM may name; curses draws nothing else there.
STANDOUT = {"xterm": ("\x1b[7m", "\x1b[27m"), "linux": ("\x1b[7m", "\x1b[27m"), "tmux": ("\x1b[7m", "\x1b[27m"),
            "rxvt": ("\x1b[7m", "\x1b[27m"), "vt100": ("\x1b[7m", "\x1b[m"), "screen": ("\x1b[3m", "\x1b[23m")}  # fmt: skip


def standout_of(term: str) -> tuple[str, str] | None:
    """(smso, rmso) of terminal type ``term`` (``xterm-256color`` is an ``xterm``), None without standout."""
    return STANDOUT.get(term) or STANDOUT.get(term.split("-")[0])


def screen_cells(text: str, width: int = 80) -> list[str]:
    """The rows watch's run_command() draws from the output: tabs to 8-column stops, long lines wrapped
    at ``width``, non-printable characters left out."""
    rows = []
    for line in text.split("\n")[: -1 if text.endswith("\n") else None]:
        row = ""
        for ch in line:
            if ch == "\t":
                row += " " * (8 - len(row) % 8)
            elif ch.isprintable():
                row += ch
        while len(row) > width:
            rows.append(row[:width])
            row = row[width:]
        rows.append(row)
    return rows


def highlight(new: list[str], old: list[str], marked: set[tuple[int, int]], cumulative: bool,
              smso: str, rmso: str) -> str:  # fmt: skip
    """watch -d: each cell whose character differs from the previous screen's is drawn in standout (with
    --differences=permanent, also each cell that ever changed). ``marked`` collects the highlighted cells."""
    out = []
    for y in range(max(len(new), len(old))):
        row = new[y] if y < len(new) else ""
        prev = old[y] if y < len(old) else ""
        cells = []
        for x in range(max(len(row), len(prev))):
            c = row[x] if x < len(row) else " "
            o = prev[x] if x < len(prev) else " "
            if c != o or (cumulative and (y, x) in marked):
                marked.add((y, x))
                cells.append((c, True))
            else:
                cells.append((c, False))
        while cells and cells[-1] == (" ", False):
            cells.pop()
        text, on = "", False
        for c, attr in cells:
            if attr != on:
                text += smso if attr else rmso
                on = attr
            text += c
        if y < len(new) or text:
            out.append(text + (rmso if on else "") + "\n")
    return "".join(out)


def watch(p: Proc) -> int:
    """watch [-n SECS] [-d|--differences[=permanent]] [-t] COMMAND: run COMMAND every SECS (default 2)
    until interrupted.

    Each screen is printed as an 80-column terminal shows it: the title line (procps-ng 4.0
    output_header(): "Every %.1fs: CMD" on the left, "HOST: ctime" on the right), a blank line,
    then the command's output. With -d on a terminal, the characters that changed since the previous
    screen stand out (the terminal type's smso/rmso); written to a file or a pipe, screens are plain
    text. May sleep; runs until its job is killed."""
    args = p.argv[1:]
    interval = 2.0
    title = True
    diff = cumulative = False
    while args and args[0].startswith("-"):
        a = args.pop(0)
        if a in ("-n", "--interval"):
            try:
                interval = float(args.pop(0))
            except (IndexError, ValueError):
                p.err("watch: failed to parse argument\n")
                return 1
        elif a.startswith("-n"):
            interval = float(a[2:])
        elif a in ("-d", "--differences") or a.startswith("--differences="):
            diff = True
            cumulative = a.partition("=")[2].startswith(("p", "c"))
        elif a in ("-t", "--no-title", "-p", "--precise"):
            title = title and a not in ("-t", "--no-title")
        else:
            p.err(f"watch: invalid option -- '{a.lstrip('-')[:1]}'\n")
            return 1
    if not args:
        p.err("\nUsage:\n watch [options] command\n")
        return 1
    interval = max(interval, 0.1)
    command = " ".join(args)
    sh = p.shell
    standout = standout_of(p.state.environ().get("TERM", "")) if diff and p.stdout.isatty() else None
    previous: list[str] | None = None
    marked: set[tuple[int, int]] = set()
    while True:
        p.check_killed()
        cap = Capture()
        for node in parse(command):
            sh._exec(p, node, command, Io(NullStream(), cap, cap))
        screen = [title_line(f"Every {interval:.1f}s: ", command, f"{sc.uname()['nodename']}: {ctime(p)}") + "\n\n"] if title else []
        if standout is not None:
            rows = screen_cells(cap.value())
            screen.append(highlight(rows, previous if previous is not None else rows, marked, cumulative, *standout))
            previous = rows
        else:
            screen.append(cap.value())
            screen.append("" if cap.value().endswith("\n") or not cap.value() else "\n")
        p.out("".join(screen))
        p.sleep(int(interval * 1e9))


def title_line(header: str, command: str, stamp: str, width: int = 80) -> str:
    """watch's title as procps-ng 4.0 output_header() lays it out in a ``width``-column terminal: the
    interval and command on the left, hostname and time on the right, the command clipped with
    "..." when the three do not fit."""
    if width < len(stamp):
        return ""
    if width < len(stamp) + len(header) + 1:
        return " " * (width - len(stamp)) + stamp
    if width < len(stamp) + len(header) + len(command):
        room = width - len(stamp) - len(header) - 4
        left = header + (command[: max(0, room)] + "..." if room > 0 else "")
    else:
        left = header + command
    return left + " " * max(0, width - len(stamp) - len(left)) + stamp


def _module_file(p: Proc, name: str) -> tuple[str, str] | None:
    """(module name, host path) of a driver file given to the shell; ``X.ko`` finds ``X.py``."""
    sh = p.shell
    base = os.path.basename(name)
    stem = base[:-3] if base.endswith((".ko", ".py")) else base
    for cand in (base, stem + ".py"):
        path = sh.host_files.get(cand)
        if path is not None:
            return stem, path
    return None


def load_module_file(stem: str, path: str) -> types.SimpleNamespace:
    """The driver file's module object: its top level run (module_param() and MODULE_*() record their
    data), module_init() not called."""
    ns = runpy.run_path(path, run_name=f"irqlab_module_{stem}")
    mod = types.SimpleNamespace(**ns)
    mod.__name__ = ns.get("MODULE_NAME") or stem
    mod.__file__ = os.path.abspath(path)
    return mod


def insmod(p: Proc) -> int:
    """insmod FILE [param=value ...] (kmod 30): load a driver file given on irqlab shell's command line."""
    if len(p.argv) < 2:
        p.err("insmod: ERROR: missing filename.\n")
        return 1
    filename = p.argv[1]
    found = _module_file(p, filename)
    if found is None:
        p.err(f"insmod: ERROR: could not load module {filename}: No such file or directory\n")
        return 1
    stem, path = found
    mod = load_module_file(stem, path)
    if not callable(getattr(mod, "module_init", None)):
        # A file that is not a driver module (a scenario script): the kernel refuses it as ENOEXEC does an
        # ELF file without a .gnu.linkonce.this_module section.
        p.err(f"insmod: ERROR: could not insert module {filename}: Invalid module format\n"
              f"insmod: {os.path.basename(path)} defines no module_init(): it is not a driver module\n")  # fmt: skip
        return 1
    k = kernel()
    # name=value arguments set module_param() variables (kernel/params.c parse_args()); unknown ones are
    # warned about and ignored, bad values fail the load, with the kernel's messages.
    args = {a.partition("=")[0]: a.partition("=")[2] for a in p.argv[2:]}
    m, err = k.modules.prepare(mod, args)
    if m is None:
        p.err(f"insmod: ERROR: could not insert module {filename}: {_mod_strerror(-err)}\n")
        return 1
    ret = do_init_module(k, m)
    if ret < 0:
        p.err(f"insmod: ERROR: could not insert module {filename}: {_mod_strerror(-ret)}\n")
        return 1
    return 0


def _mod_strerror(err: int) -> str:
    """kmod's mod_strerror()."""
    return {8: "Invalid module format", 2: "Unknown symbol in module, or unknown parameter (see dmesg)",
            3: "Unknown symbol in module, or unknown parameter (see dmesg)", 17: "File exists",
            }.get(err, os.strerror(err))  # fmt: skip


def rmmod(p: Proc) -> int:
    """rmmod NAME... (kmod 30)."""
    if len(p.argv) < 2:
        p.err("rmmod: ERROR: missing module name.\n")
        return 1
    k = kernel()
    rc = 0
    for arg in p.argv[1:]:
        name = os.path.basename(arg).removesuffix(".ko").removesuffix(".py")
        m = k.modules.find(name)
        if m is None:
            p.err(f"rmmod: ERROR: Module {name} is not currently loaded\n")
            rc = 1
            continue
        do_delete_module(k, m)
    return rc


COMMANDS = {"dmesg": dmesg, "watch": watch, "insmod": insmod, "rmmod": rmmod}
