"""``irqlab run FILE``: load a driver module or run a scenario file on a simulated board.

Two file conventions:

- a **driver module** defines ``module_init()`` (and usually ``module_exit()``): it is loaded with
  insmod on a freshly booted board (``--board``, else the file's ``BOARD``, else rpi5) with the
  ``--param`` values, the machine runs for ``--for`` (else the file's ``RUN_FOR``, else 1s), and the
  module is unloaded;
- a **scenario** defines ``main(seed)`` returning the Machine it booted and ran (a file with both is a
  scenario, as the ports in examples/ are): it runs as written, with the flags that shape a machine
  (``--board --cpus --hz --preempt --cmdline``) applied to each ``irqlab.boot()`` it makes and
  ``--param`` to its insmod of this file's module.

Either may define ``report(m) -> str``, printed after the kernel log. The exit status is a bit mask:
1 the file raised outside the simulation, 2 bad usage, 4 module_init failed, then one bit per
``--fail-on`` class that occurred: 8 oops (or panic), 16 bug, 32 warn (lockdep's WARNINGs included),
64 lockdep.
"""

from __future__ import annotations

import argparse
import inspect
import pathlib
import re
import sys
import threading
import time
import types
from collections.abc import Callable
from typing import Any, cast

import irqlab
from irqlab.boards import BOARDS
from irqlab.cli_userfile import UserCodeError, format_user_exception, load, resolve, unload
from irqlab.errno import errorname, strerror
from irqlab.kernel.module import module_name_of
from irqlab.machine import REPORT_CLASSES, Machine, report_class, report_title, run_session
from irqlab.sim import to_ns

EXIT_USER_ERROR = 1
EXIT_USAGE = 2
EXIT_INIT_FAILED = 4
FAIL_BITS = {"oops": 8, "bug": 16, "warn": 32, "lockdep": 64}
PREEMPT_MODELS = ("none", "voluntary", "full", "rt")

#: A run shows progress on a terminal once it has taken this long in wall time (seconds).
PROGRESS_AFTER = 0.5
#: How often the progress line is redrawn (seconds).
PROGRESS_INTERVAL = 0.1


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``irqlab run``."""
    sp = sub.add_parser(
        "run",
        help="load a driver module (module_init) or run a scenario (main) and print what the kernel shows",
        description=re.sub(r"\*\*|``", "", __doc__.split("\n", 2)[2]) if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sp.add_argument("file", help="a driver or scenario .py file, or the name of an example (see `irqlab examples`)")
    sp.add_argument("--board", choices=sorted(BOARDS), help="the board to boot (default: the file's BOARD, else rpi5)")
    sp.add_argument("--cpus", type=int, metavar="N", help="number of CPUs (default: the board's)")
    sp.add_argument("--hz", type=int, metavar="HZ", help="the tick rate, CONFIG_HZ (default: the board's)")
    sp.add_argument("--preempt", choices=PREEMPT_MODELS, help="the preemption model (default: the board's)")
    sp.add_argument("--cmdline", metavar='"..."', help="kernel command line parameters (threadirqs, irqaffinity=, ...)")
    sp.add_argument("--seed", type=int, default=1, help="the RNG seed (same seed, same output; default 1)")
    sp.add_argument("--for", dest="duration", metavar="TIME",
                    help="how long a driver module runs before rmmod: 2s, 500ms (default: the file's RUN_FOR, else 1s)")
    sp.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                    help="a module parameter, as insmod takes it (repeatable)")
    sp.add_argument("--show", action="append", default=[], metavar="PATH",
                    help="print a /proc, /sys or debugfs file at the end of the run (repeatable)")
    sp.add_argument("--fail-on", default="", metavar="KINDS",
                    help=f"exit non-zero if any of these reports occurred: {','.join(REPORT_CLASSES)}")
    sp.add_argument("--plain", action="store_true", help="raw kernel text only: no colours or tables")


class _Usage(Exception):
    pass


def _parse(args: argparse.Namespace) -> tuple[dict[str, str], set[str], int | None]:
    params: dict[str, str] = {}
    for p in args.param:
        name, eq, value = p.partition("=")
        if not name or not name.isidentifier():
            raise _Usage(f"--param {p!r}: write NAME=VALUE, e.g. --param debounce_ms=20")
        params[name] = value if eq else ""
    kinds = {k.strip() for k in args.fail_on.split(",") if k.strip()}
    bad = sorted(kinds - set(REPORT_CLASSES))
    if bad:
        raise _Usage(f"--fail-on {','.join(bad)}: the report classes are {','.join(REPORT_CLASSES)}")
    duration = None
    if args.duration is not None:
        try:
            duration = to_ns(args.duration)
        except (ValueError, TypeError) as e:
            raise _Usage(f"--for {args.duration}: {e}") from None
    if args.cpus is not None and args.cpus < 1:
        raise _Usage(f"--cpus {args.cpus}: a machine needs at least one CPU")
    if args.hz is not None and args.hz not in (100, 250, 300, 1000):
        raise _Usage(f"--hz {args.hz}: CONFIG_HZ is one of 100, 250, 300, 1000")
    for path in args.show:
        if not path.startswith("/"):
            raise _Usage(f"--show {path}: give an absolute path such as /proc/interrupts")
    return params, kinds, duration


class _Progress:
    """A rich progress line on stderr for long runs: simulated time and events per wall second.

    A background thread samples the running engine's clock and event count every PROGRESS_INTERVAL; the
    simulation itself is not touched (no per-event hook), so a run costs the same with or without it."""

    def __init__(self) -> None:
        self.run: tuple[Any, int, int, int, float] | None = None  # engine, start, end, events at start, t0
        self.bar: Any = None
        self.task: Any = None
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="irqlab-progress", daemon=True)
        self.thread.start()

    def started(self, m: Machine, end: int) -> None:
        engine = m.kernel.engine
        self.run = (engine, engine.now, end, engine.events_run, time.monotonic())

    def finished(self) -> None:
        self.run = None

    def _loop(self) -> None:
        while not self.stop.wait(PROGRESS_INTERVAL):
            run = self.run
            if run is None:
                continue
            engine, start, end, ev0, t0 = run
            now = time.monotonic()
            if now - t0 < PROGRESS_AFTER:
                continue
            if self.bar is None:
                from rich.console import Console
                from rich.progress import BarColumn, Progress, TextColumn

                self.bar = Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[rate]}"),
                                    console=Console(stderr=True), transient=True, auto_refresh=False)  # fmt: skip
                self.bar.start()
                self.task = self.bar.add_task("simulated", total=1, rate="")
            rate = (engine.events_run - ev0) / max(now - t0, 1e-9)
            self.bar.update(self.task, completed=engine.now - start, total=max(1, end - start),
                            description=f"simulated {engine.now / 1e9:.3f} s of {end / 1e9:.3f} s",
                            rate=f"{rate:,.0f} events/s")  # fmt: skip
            self.bar.refresh()

    def close(self) -> None:
        if self.stop.is_set():
            return
        self.stop.set()
        self.thread.join()
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


class _Session:
    """The run session: applies the command line to each boot and to the file's own insmod."""

    def __init__(self, args: argparse.Namespace, module: types.ModuleType, params: dict[str, str],
                 progress: _Progress | None) -> None:  # fmt: skip
        self.args = args
        self.module = module
        self.params = params
        self.progress = progress
        self.machines: list[Machine] = []

    def boot_args(self, board: str, kw: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        a = self.args
        for key in ("cpus", "hz", "preempt"):
            if getattr(a, key) is not None:
                kw[key] = getattr(a, key)
        if a.cmdline:
            kw["cmdline"] = f"{kw['cmdline']} {a.cmdline}".strip()
        return a.board or board, kw

    def booted(self, m: Machine) -> None:
        self.machines.append(m)

    def insmod_args(self, m: Machine, module: Any, params: dict[str, Any]) -> dict[str, Any]:
        if module is self.module or getattr(module, "__file__", None) == self.module.__file__:
            return {**params, **self.params}
        return params

    def watch(self, m: Machine, end: int | None) -> Callable[[], bool] | None:
        if self.progress is not None and end is not None:
            self.progress.started(m, end)
        return None

    def ran(self, m: Machine) -> None:
        if self.progress is not None:
            self.progress.finished()


def run(args: argparse.Namespace) -> int:
    """``irqlab run``: returns the exit status (see the module docstring)."""
    try:
        params, kinds, duration = _parse(args)
        path = resolve(args.file)
    except (_Usage, FileNotFoundError) as e:
        print(f"irqlab: {e}", file=sys.stderr)
        return EXIT_USAGE
    try:
        mod = load(path)
    except UserCodeError as e:
        sys.stderr.write(e.text)
        print(f"irqlab: {path} could not be loaded (the error above is in your file)", file=sys.stderr)
        return EXIT_USER_ERROR
    progress = _Progress() if sys.stderr.isatty() else None
    try:
        return _run_loaded(args, path, mod, params, kinds, duration, progress)
    finally:
        if progress is not None:
            progress.close()
        unload(mod)


def _run_loaded(args: argparse.Namespace, path: pathlib.Path, mod: types.ModuleType, params: dict[str, str],
                kinds: set[str], duration: int | None, progress: _Progress | None) -> int:  # fmt: skip
    session = _Session(args, mod, params, progress)
    status = 0
    shows: list[tuple[str, Any]] = []
    try:
        with run_session(session):
            entry = getattr(mod, "main", None) or getattr(mod, "scenario", None)
            if callable(entry):
                if duration is not None:
                    raise _Usage(f"--for applies to a driver module; {path.name} is a scenario (it defines main), "
                                 "whose main(seed) decides how long the machine runs")  # fmt: skip
                m = _run_scenario(entry, args.seed, session, path)
                shows = _read_shows(m, args.show)
            elif callable(getattr(mod, "module_init", None)):
                m, ret, shows = _run_driver(mod, args, duration)
                if ret < 0:
                    # What insmod(8) prints: "insmod: ERROR: could not insert module x.ko: No such device".
                    print(f"irqlab: module_init() of {path.name} returned {errorname(ret)} ({strerror(ret)}): "
                          "the module was not loaded", file=sys.stderr)  # fmt: skip
                    status |= EXIT_INIT_FAILED
            else:
                raise _Usage(f"{path} defines neither main(seed) (a scenario) nor module_init() (a driver module)")
    except _Usage as e:
        print(f"irqlab: {e}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as e:  # the user's code raised out of the simulation (or bugs="raise" re-raised)
        sys.stderr.write(format_user_exception(e))
        print(f"irqlab: {path.name} raised {type(e).__name__} (traceback above)", file=sys.stderr)
        return EXIT_USER_ERROR
    if progress is not None:
        progress.close()  # before printing: the progress line is gone from the terminal
    _print(m, args, path, mod, shows)
    for p, text in shows:
        if text is None:
            print(f"irqlab: --show {p}: no such file in the simulated /proc, /sys or debugfs", file=sys.stderr)
            status |= EXIT_USAGE
    for cls in REPORT_CLASSES:
        if cls not in kinds:
            continue
        # --fail-on warn counts lockdep's reports too: the kernel prints them as WARNINGs.
        hits = [(k, t) for k, t in m.reports if report_class(k) == cls or (cls == "warn" and report_class(k) == "lockdep")]
        if hits:
            print(f"irqlab: --fail-on {cls}: {len(hits)} report(s), the first: {report_title(*hits[0])}", file=sys.stderr)
            status |= FAIL_BITS[cls]
    return status


def run_file(path: str, seed: int = 1) -> Machine:
    """What ``irqlab run FILE --seed N`` runs, as a Python call: the scenario's ``main(seed)`` (its Machine),
    or a driver module loaded, run for its RUN_FOR (else 1s) on its BOARD (else rpi5) and unloaded.
    FileNotFoundError for a missing file; the file's own errors propagate."""
    p = resolve(path)
    try:
        mod = load(p)
    except UserCodeError as e:
        raise ValueError(e.text) from None
    try:
        entry = getattr(mod, "main", None) or getattr(mod, "scenario", None)
        if callable(entry):
            session = _Session(argparse.Namespace(board=None, cpus=None, hz=None, preempt=None, cmdline=None),
                               mod, {}, None)  # fmt: skip
            return _run_scenario(entry, seed, session, p)
        args = argparse.Namespace(board=None, cpus=None, hz=None, preempt=None, cmdline=None, seed=seed, show=[])
        return _run_driver(mod, args, None)[0]
    finally:
        unload(mod)


def _run_scenario(entry: Callable[..., Any], seed: int, session: _Session, path: pathlib.Path) -> Machine:
    try:
        takes_seed = bool(inspect.signature(entry).parameters)
    except (TypeError, ValueError):
        takes_seed = True
    m = entry(seed) if takes_seed else entry()
    if m is None and len(session.machines) == 1:
        m = session.machines[0]
    if not isinstance(m, Machine):
        raise _Usage(f"{path.name}: main(seed) must return the Machine it ran, not {type(m).__name__}")
    return m


def _run_driver(mod: types.ModuleType, args: argparse.Namespace,
                duration: int | None) -> tuple[Machine, int, list[tuple[str, Any]]]:  # fmt: skip
    """Boot, insmod (with --param, through the session), run for the duration, read --show, rmmod."""

    board = args.board or getattr(mod, "BOARD", None) or "rpi5"
    m = irqlab.boot(board, seed=args.seed, cpus=args.cpus, hz=args.hz, preempt=args.preempt,
                    cmdline=args.cmdline or "")  # fmt: skip
    ret = cast(int, m.insmod(mod))  # from a script insmod returns init's value; the session adds --param
    if ret < 0:
        return m, ret, _read_shows(m, args.show)
    run_for = duration if duration is not None else to_ns(getattr(mod, "RUN_FOR", "1s"))
    m.run(for_=run_for)
    shows = _read_shows(m, args.show)  # while the module is still loaded
    m.rmmod(module_name_of(mod))
    return m, 0, shows


def _read_shows(m: Machine, paths: list[str]) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for p in paths:
        try:
            out.append((p, m.read(p)))
        except (FileNotFoundError, PermissionError):
            out.append((p, None))
    return out


def dmesg_with_sites(m: Machine) -> list[tuple[str, int]]:
    """The dmesg lines (text, level) with irqlab's "raised at" line after each report from user code."""
    return m.dmesg_records(sites=True)


def _print(m: Machine, args: argparse.Namespace, path: pathlib.Path, mod: types.ModuleType,
           shows: list[tuple[str, Any]]) -> None:  # fmt: skip
    report = getattr(mod, "report", None)
    text = report(m) if callable(report) else ""
    if args.plain:
        out = [line + "\n" for line, _ in dmesg_with_sites(m)]
        for p, body in shows:
            if body is not None:
                out.append(f"--- {p} ---\n{body}")
                if body and not body.endswith("\n"):
                    out.append("\n")
        sys.stdout.write("".join(out))
        if text:
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    con = Console(soft_wrap=True)
    k = m.kernel
    head = Table.grid(padding=(0, 2))
    head.add_row("[bold]file[/]", str(path))
    head.add_row("[bold]board[/]", f"{k.board.name} ({len(k.cpus)} CPUs, HZ={k.hz}, preempt={k.preempt_model})")
    if m.boot_args:
        head.add_row("[bold]command line[/]", m.boot_args)
    head.add_row("[bold]seed[/]", str(m.seed))
    head.add_row("[bold]simulated time[/]", f"{m.now / 1e6:.3f} ms")
    head.add_row("[bold]taint[/]", m.tainted or "none")
    con.print(head)
    con.rule("dmesg")
    colours = {-1: "bold magenta", 0: "bold red", 1: "bold red", 2: "bold red", 3: "red", 4: "yellow", 5: "cyan",
               6: "", 7: "dim"}  # fmt: skip
    for line, level in dmesg_with_sites(m):
        con.print(Text(line, style=colours.get(level, "")))
    for p, body in shows:
        if body is not None:
            con.rule(p)
            con.print(Text(body.rstrip("\n")))
    if text:
        con.rule("report")
        con.print(Text(text.rstrip("\n")))
