"""``irqlab compare``: one device workload through six bottom halves, under chosen loads, over seeds.

    irqlab compare --load idle --load hog:4 --seeds 1-3
    irqlab compare --source periodic:2000 --mechanisms threaded,tasklet --board generic
    irqlab compare --load hog:4 --seeds 1-100 --workers 2

With ``--seeds`` the runs go through irqlab.sweep (a Dask cluster or this process) and each row merges its
mechanism's histograms over the seeds, with the per-seed spread of the maxima on stderr.

From Python: :func:`irqlab.scenarios.compare.compare` and :func:`irqlab.scenarios.compare.table`.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from irqlab.cli_common import add_common_args, add_seeds_args, duration_ns, fail, failed_runs, run_seeds, seeds_from
from irqlab.latency.histogram import LatencyHistogram
from irqlab.latency.plot import plot_compare
from irqlab.scenarios.compare import MECHANISMS, Row, run_one, table
from irqlab.scenarios.loads import Load, parse_load


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("compare", help="compare bottom halves (threaded IRQ, tasklet, workqueues, kthread)",
                       allow_abbrev=False)  # fmt: skip
    p.add_argument("--mechanisms", default=",".join(MECHANISMS), help=f"comma list of {', '.join(MECHANISMS)}")
    p.add_argument("--source", default="button", help="button (GPIO17 on rpi5, seed 001), nic:PPS or periodic:RATE")
    add_common_args(p, duration=True)
    add_seeds_args(p, "the table")
    p.set_defaults(tool_run=run, duration="2s")


def run(args: argparse.Namespace) -> int:
    mechs = [x.strip() for x in args.mechanisms.split(",") if x.strip()]
    bad = [x for x in mechs if x not in MECHANISMS]
    try:
        if bad:
            raise ValueError(f"unknown mechanism(s) {', '.join(bad)}: choose from {', '.join(MECHANISMS)}")
        if args.source == "button" and args.board != "rpi5":
            raise ValueError("--source button needs the rpi5 board's GPIO17: use --board rpi5 or --source periodic:RATE")
        loads: list[Load | None] = [None if s == "idle" else parse_load(s) for s in (args.load or ["idle"])]
        span = duration_ns(args.duration)
        seeds = seeds_from(args)
        if seeds is not None and (getattr(args, "trace", None) or getattr(args, "vcd", None)):
            raise ValueError("--trace and --vcd record one run: drop them, or --seeds (and give --seed N)")
    except ValueError as e:
        return fail(str(e))
    if seeds is not None:
        try:
            rows, spread = compare_seeds(mechs, loads, seeds, board=args.board, source=args.source, duration_ns=span,
                                         preempt=args.preempt, cpus=args.cpus, hz=args.hz, cmdline=args.cmdline,
                                         workers=args.workers, scheduler=args.scheduler)  # fmt: skip
        except ValueError as e:
            return fail(str(e))
        except RuntimeError as e:
            fail(str(e))
            return 1
        sys.stdout.write(table(rows))
        sys.stderr.write(spread)
    else:
        rows = _compare_here(mechs, loads, args.seed, span, args)
        sys.stdout.write(table(rows))
    if args.plot:
        plot_compare(rows, args.plot)
    return 0


def _compare_here(mechs: list[str], loads: list[Load | None], seed: int, span: int, args: argparse.Namespace) -> list[Row]:
    """One seed, every run in this process (with a progress bar on a terminal)."""
    jobs = [(ld, mech) for ld in loads for mech in mechs]
    kw = dict(board=args.board, source=args.source, duration_ns=span, preempt=args.preempt, cpus=args.cpus,
              hz=args.hz, cmdline=args.cmdline)  # fmt: skip
    results = []
    if sys.stderr.isatty():
        from rich.progress import Progress

        with Progress(transient=True) as bar:
            t = bar.add_task("compare", total=len(jobs))
            for ld, mech in jobs:
                results.append(run_one(mech, ld, seed, **kw))  # type: ignore[arg-type]
                bar.advance(t)
    else:
        results = [run_one(mech, ld, seed, **kw) for ld, mech in jobs]  # type: ignore[arg-type]
    return [Row(r.mechanism, r.load, r.hist, r.events, r.hardirq_ns, r.softirq_ns, r.thread_ns, r.ksoftirqd_wakeups,
                r.time_squeeze, r.rt_throttled) for r in results]  # fmt: skip


def compare_seeds(mechanisms: list[str], loads: list[Load | None], seeds: list[int], *, board: str = "rpi5",
                  source: str = "button", duration_ns: int = 2_000_000_000, preempt: str | None = None,
                  cpus: int | None = None, hz: int | None = None, cmdline: str = "", workers: int | None = None,
                  scheduler: str | None = None) -> tuple[list[Row], str]:  # fmt: skip
    """Every mechanism under every load over ``seeds``, through irqlab.sweep (``workers``/``scheduler`` as
    ``irqlab compare --seeds``): the rows of :func:`irqlab.scenarios.compare.compare` (histograms merged, CPU times
    averaged over the seeds' per-event figures, counters summed) and the per-seed spread of each row's maximum.
    A failed run raises RuntimeError naming its seed."""
    names = ["idle" if ld is None else str(ld) for ld in loads]
    params: dict[str, list[Any]] = {"tool": ["compare"], "load": names, "mechanism": list(mechanisms),
                                    "board": [board], "source": [source], "duration_ns": [duration_ns],
                                    "preempt": [preempt or ""], "cpus": [cpus or 0], "hz": [hz or 0],
                                    "cmdline": [cmdline]}  # fmt: skip
    groups = run_seeds(params, seeds, workers, scheduler)
    bad = failed_runs(groups)
    if bad:
        raise RuntimeError(bad)
    rows: list[Row] = []
    spread = [f"per-seed maximum over {len(seeds)} seeds, us (min / median / max, worst seed):"]
    for group in groups:
        hist = LatencyHistogram(group[0]["mechanism"])
        for r in group:
            hist.merge(LatencyHistogram.from_hdr(r["latency"]))
        n = len(group)
        rows.append(Row(group[0]["mechanism"], group[0]["load"], hist, sum(r["events"] for r in group),
                        sum(r["hardirq_ns"] for r in group) // n, sum(r["softirq_ns"] for r in group) // n,
                        sum(r["thread_ns"] for r in group) // n, sum(r["ksoftirqd_wakeups"] for r in group),
                        sum(r["time_squeeze"] for r in group), sum(r["rt_throttled"] for r in group)))  # fmt: skip
        maxima = sorted((int(r["latency"].get_max_value()) if r["events"] else 0, r["seed"]) for r in group)
        worst = max(maxima, key=lambda v: (v[0], -v[1]))
        spread.append(f"{group[0]['mechanism']:<11} {group[0]['load']:<14} {maxima[0][0] / 1000:.1f} / "
                      f"{maxima[(len(maxima) - 1) // 2][0] / 1000:.1f} / {worst[0] / 1000:.1f} (seed {worst[1]})")  # fmt: skip
    return rows, "\n".join(spread) + "\n"
