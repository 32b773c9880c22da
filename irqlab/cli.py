"""The ``irqlab`` command: its subcommands, registered and dispatched through one table (:data:`MODULES`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from types import ModuleType

from irqlab import (
    cli_bcc,
    cli_board,
    cli_boards,
    cli_compare,
    cli_cyclictest,
    cli_modinfo,
    cli_rtla,
    cli_run,
    cli_shell,
    cli_sweep,
)
from irqlab.cli_examples import cmd_examples
from irqlab.cli_trace import add_arguments, recording
from irqlab.machine import Machine
from irqlab.scenarios import core_demo, rpi5_demo


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

        m = core_demo.run(seed=args.seed)
        _print_machine(m, args.plain, "core demo: kthreads, a timer, a softirq, a sleeping-in-atomic bug")
        return 0

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


def run_file(path: str, seed: int = 1) -> Machine:
    """Run a scenario script or driver module as ``irqlab run`` does and return its machine (see irqlab.cli_run)."""

    return cli_run.run_file(path, seed)


def cmd_run(args: argparse.Namespace) -> int:
    """``irqlab run FILE``: see :mod:`irqlab.cli_run`."""

    return cli_run.run(args)


def _examples(args: argparse.Namespace) -> int:
    """``irqlab examples``: see :mod:`irqlab.cli_examples`."""
    return cmd_examples(args.plain, args.dir)


#: Every subcommand module, in the order of ``irqlab --help``: each registers its parsers with ``add_parser(sub)``
#: and runs them with ``run(args)``.
MODULES: tuple[ModuleType, ...] = (cli_run, cli_boards, cli_modinfo, cli_board, cli_shell, cli_sweep, cli_cyclictest,
                                   cli_rtla, cli_bcc, cli_compare)  # fmt: skip


def _parsers() -> tuple[argparse.ArgumentParser, dict[str, Callable[[argparse.Namespace], int]]]:
    """The parser and the one dispatch table: subcommand name -> the function that runs it."""
    p = argparse.ArgumentParser(prog="irqlab", description="A deterministic laboratory for Linux interrupt handling.")
    sub = p.add_subparsers(dest="cmd", required=True)
    ex = sub.add_parser("examples", help="list the seed ports in examples/ (description and seed section)")
    ex.add_argument("--plain", action="store_true", help="plain lines: no colours or tables")
    ex.add_argument("--dir", help="the examples directory (default ./examples, else the repository's)")
    sp = sub.add_parser("demo", help="run the built-in demo and print what the kernel shows")
    sp.add_argument("--seed", type=int, default=1, help="the RNG seed (same seed, same output)")
    sp.add_argument("--plain", action="store_true", help="raw kernel text only: no colours or tables")
    sp.add_argument("--core", action="store_true",
                    help="the core demo (kthreads, a timer, a softirq, a caught bug) on the generic board")
    table: dict[str, Callable[[argparse.Namespace], int]] = {"examples": _examples, "demo": cmd_demo}
    for mod in MODULES:
        before = set(sub.choices)
        mod.add_parser(sub)
        table.update((cmd, mod.run) for cmd in sub.choices if cmd not in before)  # bcc adds hardirqs and softirqs
    for name in ("demo", "run"):
        add_arguments(sub.choices[name])
    return p, table


def main(argv: list[str] | None = None) -> int:
    p, table = _parsers()
    args, rest = p.parse_known_args(argv)
    if rest and not getattr(args, "tool_rest", False):
        p.error(f"unrecognized arguments: {' '.join(rest)}")
    args.rest = rest
    run = table[args.cmd]
    if getattr(args, "trace", None) or getattr(args, "vcd", None) or getattr(args, "events", None):
        with recording(args):
            return int(run(args))
    return int(run(args))


if __name__ == "__main__":
    sys.exit(main())
