"""What every latency tool's command line shares: the machine, the loads, the run with its progress bar."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from irqlab.machine import Machine, boot
from irqlab.scenarios.loads import LOAD_HELP, Load, parse_load, start_loads
from irqlab.sim import to_ns


def add_common_args(p: argparse.ArgumentParser, duration: bool = True) -> None:
    """--board --cpus --hz --preempt --cmdline --seed [--duration] --load --plot."""
    g = p.add_argument_group("machine")
    g.add_argument("--board", default="rpi5", help="rpi5 (default), pc or generic")
    g.add_argument("--cpus", type=int, default=None, help="number of CPUs (the board's by default)")
    g.add_argument("--hz", type=int, default=None, help="CONFIG_HZ: 100, 250, 300 or 1000")
    g.add_argument("--preempt", default=None, choices=("none", "voluntary", "full", "rt"), help="preemption model")
    g.add_argument("--cmdline", default="", help="kernel command line (e.g. threadirqs)")
    g.add_argument("--seed", type=int, default=1, help="RNG seed (same seed, same output)")
    if duration:
        g.add_argument("--duration", default="10s", help="simulated run time (e.g. 500ms, 10s)")
    g.add_argument("--load", action="append", default=[], metavar="SPEC", help=LOAD_HELP)
    g.add_argument("--plot", metavar="PNG", help="also draw the latency plots into this file (needs the plot extra)")


def loads_from(args: argparse.Namespace) -> list[Load]:
    return [parse_load(s) for s in args.load]


def boot_from(args: argparse.Namespace, trace: bool = False) -> Machine:
    """Boot the machine the common flags describe."""
    return boot(args.board, cpus=args.cpus, seed=args.seed, hz=args.hz, preempt=args.preempt,
                cmdline=args.cmdline, trace=trace)  # fmt: skip


def run_with_progress(m: Machine, end_ns: int, done: Callable[[], bool], label: str) -> None:
    """Run ``m`` until ``done()`` or simulated time ``end_ns``; a rich progress bar on a terminal only."""
    step = max(1, (end_ns - m.now) // 100)
    if not sys.stderr.isatty():
        m.run_until(lambda: done() or m.now >= end_ns, limit=max(0, end_ns - m.now))
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                  TimeRemainingColumn(), transient=True) as bar:  # fmt: skip
        task = bar.add_task(label, total=end_ns - m.now)
        start = m.now
        while not done() and m.now < end_ns:
            m.run_until(done, limit=min(step, end_ns - m.now))
            bar.update(task, completed=m.now - start)


def unfinished(m: Machine, comm: str) -> str:
    """Why a tool did not finish: its tasks that are still alive, with their state and CPU."""
    alive = [t for t in m.tasks if t.comm == comm and t.state.value != "dead"]
    who = ", ".join(f"{t.comm}/{t.pid} {t.state.value} on CPU{t.cpu}" for t in alive)
    return (f"{comm} did not finish by {m.now / 1e9:.3f} s of simulated time ({who}); the measuring threads were "
            "starved (a real-time load above them?) or the run is too short for them")


def duration_ns(text: str) -> int:
    """A --duration value in ns; a bad one raises ValueError."""
    ns = to_ns(text)
    if ns <= 0:
        raise ValueError(f"--duration {text!r} must be positive")
    return int(ns)


def fail(msg: str) -> int:
    print(f"irqlab: {msg}", file=sys.stderr)
    return 2


__all__ = ["add_common_args", "loads_from", "boot_from", "run_with_progress", "duration_ns", "start_loads", "fail"]
