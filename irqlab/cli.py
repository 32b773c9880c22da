"""The ``irqlab`` command: ``irqlab demo``, ``irqlab run FILE`` and ``irqlab examples``."""

from __future__ import annotations

import argparse
import os
import runpy
import sys
from typing import Any

from irqlab import cli_shell, cli_sweep
from irqlab.machine import Machine


def _print_machine(m: Machine, plain: bool, title: str) -> None:
    if plain:
        sys.stdout.write(m.dmesg())
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    con = Console(soft_wrap=True)
    k = m.kernel
    head = Table.grid(padding=(0, 2))
    head.add_row("[bold]scenario[/]", title)
    head.add_row("[bold]board[/]", f"{k.board.name} ({len(k.cpus)} CPUs, HZ={k.hz}, preempt={k.preempt_model})")
    head.add_row("[bold]seed[/]", str(m.seed))
    head.add_row("[bold]simulated time[/]", f"{m.now / 1e6:.3f} ms")
    head.add_row("[bold]taint[/]", m.tainted or "none")
    con.print(head)
    con.rule("dmesg")
    colours = {0: "bold red", 1: "bold red", 2: "bold red", 3: "red", 4: "yellow", 5: "cyan", 6: "", 7: "dim"}
    for rec in k.log.records:
        con.print(Text(rec.line(), style=colours.get(rec.level, "")))
    con.rule("/proc/softirqs")
    con.print(Text(m.read("/proc/softirqs").rstrip("\n")))


def cmd_demo(args: argparse.Namespace) -> int:
    if args.core:
        from irqlab.scenarios import core_demo

        m = core_demo.run(seed=args.seed)
        _print_machine(m, args.plain, "core demo: kthreads, a timer, a softirq, a sleeping-in-atomic bug")
        return 0
    from irqlab.scenarios import rpi5_demo

    r = rpi5_demo.run(seed=args.seed)
    if args.plain:
        out = [r.machine.dmesg(), "--- /proc/interrupts (before rmmod) ---\n", r.interrupts,
               "--- LED timeline and latency ---\n", "\n".join(rpi5_demo.summary_lines(r)) + "\n"]  # fmt: skip
        sys.stdout.write("".join(out))
        return 0
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    _print_machine(r.machine, False, "Raspberry Pi 5: seed 001 two-button LED driver, threaded bottom half")
    con = Console(soft_wrap=True)
    con.rule("/proc/interrupts (while loaded)")
    con.print(Text(r.interrupts.rstrip("\n")))
    t = Table(title="LED on GPIO4")
    t.add_column("time (ms)", justify="right")
    t.add_column("LED")
    for ts, on in r.led.timeline:  # type: ignore[attr-defined]
        t.add_row(f"{ts / 1e6:.3f}", "[bold green]on[/]" if on else "off")
    con.print(t)
    con.print(Text(rpi5_demo.latency_line(r.latencies), style="bold"))
    return 0


def run_file(path: str, seed: int) -> Machine:
    """Run a scenario script and return its machine.

    The script either defines ``main(seed)`` (or ``scenario(seed)``) returning a booted,
    run Machine, or is a driver module with ``module_init``: then it is loaded on a
    booted board (``BOARD``, default "generic"), run for ``RUN_FOR`` (default "1s"),
    and unloaded.
    """
    return _run_path(path, seed)[0]


def _run_path(path: str, seed: int) -> tuple[Machine, dict[str, Any]]:
    """run_file(), also returning the script's namespace (for its optional ``report(m) -> str``)."""
    import irqlab

    if not os.path.exists(path):
        raise FileNotFoundError(f"no scenario file {path!r}")
    ns: dict[str, Any] = runpy.run_path(path, run_name="__irqlab_scenario__")
    entry = ns.get("main") or ns.get("scenario")
    if callable(entry):
        m = entry(seed)
        if not isinstance(m, Machine):
            raise TypeError(f"{path}: main(seed) must return the Machine it ran, not {type(m).__name__}")
        return m, ns
    if callable(ns.get("module_init")):
        import types

        mod = types.SimpleNamespace(**ns)
        mod.__name__ = ns.get("MODULE_NAME") or os.path.splitext(os.path.basename(path))[0]
        mod.__file__ = os.path.abspath(path)
        m = irqlab.boot(ns.get("BOARD", "generic"), seed=seed)
        m.insmod(mod)
        m.run(for_=ns.get("RUN_FOR", "1s"))
        m.rmmod(mod.__name__)
        return m, ns
    raise ValueError(f"{path} defines neither main(seed) returning a Machine nor a module_init() driver")


def cmd_run(args: argparse.Namespace) -> int:
    try:
        m, ns = _run_path(args.file, args.seed)
    except (FileNotFoundError, ValueError, TypeError) as e:
        print(f"irqlab: {e}", file=sys.stderr)
        return 2
    _print_machine(m, args.plain, args.file)
    # A script may add what else its reader would look at (/proc rows, a timeline): report(m) -> str.
    report = ns.get("report")
    text = report(m) if callable(report) else ""
    if text:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="irqlab", description="A deterministic laboratory for Linux interrupt handling.")
    sub = p.add_subparsers(dest="cmd", required=True)
    ex = sub.add_parser("examples", help="list the seed ports in examples/ (description and seed section)")
    ex.add_argument("--plain", action="store_true", help="plain lines: no colours or tables")
    ex.add_argument("--dir", help="the examples directory (default ./examples, else the repository's)")
    for name, helptext in (("demo", "run the built-in demo and print what the kernel shows"),
                           ("run", "run a scenario script (or a driver module) and print its output")):  # fmt: skip
        sp = sub.add_parser(name, help=helptext)
        if name == "run":
            sp.add_argument("file", help="a Python scenario script or driver module")
        sp.add_argument("--seed", type=int, default=1, help="the RNG seed (same seed, same output)")
        sp.add_argument("--plain", action="store_true", help="raw kernel text only: no colours or tables")
        if name == "demo":
            sp.add_argument("--core", action="store_true",
                            help="the core demo (kthreads, a timer, a softirq, a caught bug) on the generic board")
    cli_shell.add_parser(sub)
    cli_sweep.add_parser(sub)
    from irqlab import cli_bcc, cli_compare, cli_cyclictest, cli_rtla
    from irqlab.cli_trace import add_arguments, recording

    for tool in (cli_cyclictest, cli_rtla, cli_bcc, cli_compare):
        tool.add_parser(sub)
    for name in ("demo", "run"):
        add_arguments(sub.choices[name])
    args, rest = p.parse_known_args(argv)
    if rest and not getattr(args, "tool_rest", False):
        p.error(f"unrecognized arguments: {' '.join(rest)}")
    if getattr(args, "tool_run", None) is not None:
        args.rest = rest
        return int(args.tool_run(args))
    if args.cmd == "shell":
        return cli_shell.run(args)
    if args.cmd == "sweep":
        return cli_sweep.run(args)
    if args.cmd in ("demo", "run") and (args.trace or args.vcd or args.events):
        with recording(args):
            return cmd_demo(args) if args.cmd == "demo" else cmd_run(args)
    if args.cmd == "examples":
        from irqlab.cli_examples import cmd_examples

        return cmd_examples(args.plain, args.dir)
    if args.cmd == "demo":
        return cmd_demo(args)
    return cmd_run(args)


if __name__ == "__main__":
    sys.exit(main())
