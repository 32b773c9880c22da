"""What every latency tool's command line shares: the machine, the loads, the run with its progress bar."""

from __future__ import annotations

import argparse
import itertools
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from hdrh.histogram import HdrHistogram

from irqlab.cli_trace import add_arguments as add_recording_args
from irqlab.machine import Machine, boot
from irqlab.scenarios.loads import LOAD_HELP, Load, parse_load, start_loads
from irqlab.sim import to_ns
from irqlab.sweep import INSTALL_HINT
from irqlab.sweep.plan import parse_seeds
from irqlab.sweep.scenario import load_scenario, run_point


def add_common_args(p: argparse.ArgumentParser, duration: bool = True, recording: bool = True) -> None:
    """--board --cpus --hz --preempt --cmdline --seed [--duration] --load --plot, and --trace/--events/--vcd."""
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
    if recording:
        add_recording_args(p)


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


#: Runs (seeds x points) from which ``--seeds`` goes to a Dask LocalCluster by itself (when dask is installed and the machine has
#: more than one CPU): below, starting the cluster (2-9 s) costs more than it saves.
DASK_MIN_RUNS = 8

#: The scenario file a latency tool's seeds run (irqlab/scenarios/latency_sweep.py).
LATENCY_SCENARIO = os.path.join(os.path.dirname(__file__), "scenarios", "latency_sweep.py")


def add_seeds_args(p: argparse.ArgumentParser, what: str) -> None:
    """--seeds SPEC, --workers N, --scheduler ADDR: run many seeds through irqlab.sweep and merge them."""
    g = p.add_argument_group("seeds")
    g.add_argument("--seeds", metavar="SPEC", help=f"run these seeds (7, 1-100, 1,5,10-20) and print {what} merged "
                   "over them (instead of --seed)")  # fmt: skip
    g.add_argument("--workers", type=int, default=None, metavar="N",
                   help=f"Dask LocalCluster worker processes for --seeds (0 or 1: in this process; default: a "
                        f"cluster of one worker per CPU from {DASK_MIN_RUNS} runs on when dask is installed)")  # fmt: skip
    g.add_argument("--scheduler", metavar="ADDR", help="run --seeds on this Dask scheduler (tcp://HOST:8786)")


def seeds_from(args: argparse.Namespace) -> list[int] | None:
    """The seeds of --seeds (None without it); a bad spec or a stray --workers/--scheduler raises ValueError."""
    if args.seeds is None:
        if args.workers is not None or args.scheduler:
            raise ValueError("--workers and --scheduler run many seeds: give --seeds too (e.g. --seeds 1-100)")
        return None
    if args.workers is not None and args.workers < 0:
        raise ValueError(f"--workers {args.workers}: give 0 (this process) or a number of worker processes")
    if args.workers is not None and args.scheduler:
        raise ValueError("give --workers (a LocalCluster) or --scheduler (an existing cluster), not both")
    seeds = parse_seeds(args.seeds)
    if not seeds:
        raise ValueError(f"--seeds {args.seeds!r} names no seed")
    return seeds


def _use_dask(n: int, workers: int | None, scheduler: str | None) -> bool:
    if scheduler:
        return True
    if workers is not None:
        return workers > 1
    if n < DASK_MIN_RUNS or (os.cpu_count() or 1) < 2:
        return False
    try:  # the sweep extra is optional: present or not, the tools run
        import dask.distributed  # noqa: F401
        import pandas  # noqa: F401
    except ImportError:
        return False
    return True


def run_seeds(params: dict[str, list[Any]], seeds: list[int], workers: int | None = None,
              scheduler: str | None = None) -> list[list[dict[str, Any]]]:  # fmt: skip
    """Run the latency scenario (irqlab/scenarios/latency_sweep.py) at every point of the cartesian product of
    ``params`` (in itertools.product order of the dict) with every seed, through :func:`irqlab.sweep.run_sweep`:
    on Dask (``scheduler``, or a LocalCluster of ``workers`` processes, see :data:`DASK_MIN_RUNS`) or one run
    after the other in this process. Returns, per point, one row per seed in seed order: the point's
    parameters, ``seed``, ``status``, ``error``, every number metric and every histogram metric decoded (an hdrh
    HdrHistogram). The rows do not depend on where the runs went."""
    sc = load_scenario(LATENCY_SCENARIO)
    names = list(params)
    points = [dict(zip(names, combo)) for combo in itertools.product(*(params[k] for k in names))]
    dask = _use_dask(len(seeds) * len(points), workers, scheduler)
    try:  # run_sweep needs pandas (the sweep extra); without it the same sequential loop runs here
        from irqlab.sweep import run_sweep
    except ImportError:
        if dask:
            raise ValueError(f"--workers/--scheduler run seeds on Dask: {INSTALL_HINT}") from None
        run_sweep = None  # type: ignore[assignment]
    found: dict[tuple[Any, ...], dict[str, Any]] = {}
    if run_sweep is None:
        # Without the sweep extra (pandas): run_sweep's own sequential loop, run_point() after run_point().
        for p in points:
            for s in seeds:
                r = run_point(sc, p, s, None)
                rec = {**p, "seed": s, "status": r.status, "error": r.error, **r.numbers}
                rec.update({f"hist:{k}": v for k, v in r.histograms.items()})
                found[(*p.values(), s)] = rec
    else:
        with _progress_bar(len(points) * len(seeds)) as on_progress:
            res = run_sweep(sc, seeds, params, workers=workers if dask else 0, scheduler=scheduler, wall_limit=None,
                            on_progress=on_progress)  # fmt: skip
        if res.cancelled:
            raise KeyboardInterrupt
        for rec in res.frame.to_dict("records"):
            rec = {k: v.item() if hasattr(v, "item") else v for k, v in rec.items()}
            found[(*(rec[k] for k in names), int(rec["seed"]))] = rec
    out: list[list[dict[str, Any]]] = []
    for p in points:
        group = []
        for s in seeds:
            row: dict[str, Any] = {}
            for k, v in found[(*p.values(), s)].items():
                if k.startswith("hist:"):
                    if isinstance(v, str) and v:
                        row[k[5:]] = HdrHistogram.decode(v.encode("ascii"))
                elif isinstance(v, float) and v == v and v == int(v):
                    row[k] = int(v)  # an int column that holds NaN for a failed run reads back as floats
                else:
                    row[k] = v
            group.append(row)
        out.append(group)
    return out


@contextmanager
def _progress_bar(total: int) -> Iterator[Callable[[Any], None] | None]:
    """A rich progress bar of the runs (with where they run) for run_sweep's ``on_progress``, on a terminal only."""
    if not sys.stderr.isatty():
        yield None
        return
    # Deferred: rich's progress bar only on a terminal.
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  transient=True) as bar:  # fmt: skip
        task = bar.add_task("runs", total=total)

        def show(p: Any) -> None:
            bar.update(task, completed=p.done, description=f"runs on {p.where}" if p.where else "runs")

        yield show


def failed_runs(groups: list[list[dict[str, Any]]]) -> str:
    """An error message for the runs of ``groups`` that did not end ok, or "" when every run did."""
    bad = [r for g in groups for r in g if r["status"] != "ok"]
    if not bad:
        return ""
    lines = [f"seed {r['seed']}: {r['status']}: {r['error']}" for r in bad[:10]]
    more = f" (and {len(bad) - 10} more)" if len(bad) > 10 else ""
    return f"{len(bad)} run(s) failed{more}; re-run one alone with --seed N:\n  " + "\n  ".join(lines)


def fail(msg: str) -> int:
    print(f"irqlab: {msg}", file=sys.stderr)
    return 2


__all__ = ["add_common_args", "add_seeds_args", "loads_from", "boot_from", "run_with_progress", "duration_ns",
           "start_loads", "fail", "seeds_from", "run_seeds", "failed_runs"]
