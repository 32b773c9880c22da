"""``irqlab compare``: one device workload through six bottom halves, under chosen loads, over seeds.

    irqlab compare --load idle --load hog:4 --seeds 3
    irqlab compare --source periodic:2000 --mechanisms threaded,tasklet --board generic

From Python: :func:`irqlab.scenarios.compare.compare` and :func:`irqlab.scenarios.compare.table`.
"""

from __future__ import annotations

import argparse
import sys

from irqlab.cli_common import add_common_args, duration_ns, fail
from irqlab.latency.plot import plot_compare
from irqlab.scenarios.compare import MECHANISMS, Row, run_one, table
from irqlab.scenarios.loads import Load, parse_load


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("compare", help="compare bottom halves (threaded IRQ, tasklet, workqueues, kthread)",
                       allow_abbrev=False)  # fmt: skip
    p.add_argument("--mechanisms", default=",".join(MECHANISMS), help=f"comma list of {', '.join(MECHANISMS)}")
    p.add_argument("--source", default="button", help="button (GPIO17 on rpi5, seed 001), nic:PPS or periodic:RATE")
    p.add_argument("--seeds", type=int, default=1, help="number of seeds, from --seed on (histograms merge)")
    add_common_args(p, duration=True)
    p.set_defaults(tool_run=run, duration="2s")


def run(args: argparse.Namespace) -> int:
    mechs = [x.strip() for x in args.mechanisms.split(",") if x.strip()]
    bad = [x for x in mechs if x not in MECHANISMS]
    try:
        if bad:
            raise ValueError(f"unknown mechanism(s) {', '.join(bad)}: choose from {', '.join(MECHANISMS)}")
        if args.seeds < 1:
            raise ValueError("--seeds must be at least 1")
        if args.source == "button" and args.board != "rpi5":
            raise ValueError("--source button needs the rpi5 board's GPIO17: use --board rpi5 or --source periodic:RATE")
        loads: list[Load | None] = [None if s == "idle" else parse_load(s) for s in (args.load or ["idle"])]
        span = duration_ns(args.duration)
    except ValueError as e:
        return fail(str(e))
    seeds = list(range(args.seed, args.seed + args.seeds))
    jobs = [(ld, mech, s) for ld in loads for mech in mechs for s in seeds]
    kw = dict(board=args.board, source=args.source, duration_ns=span, preempt=args.preempt, cpus=args.cpus,
              hz=args.hz, cmdline=args.cmdline)  # fmt: skip
    results = []
    if sys.stderr.isatty():
        from rich.progress import Progress

        with Progress(transient=True) as bar:
            t = bar.add_task("compare", total=len(jobs))
            for ld, mech, s in jobs:
                results.append(run_one(mech, ld, s, **kw))  # type: ignore[arg-type]
                bar.advance(t)
    else:
        results = [run_one(mech, ld, s, **kw) for ld, mech, s in jobs]  # type: ignore[arg-type]
    rows: list[Row] = []
    for i in range(0, len(results), len(seeds)):
        group = results[i : i + len(seeds)]
        hist = group[0].hist
        for r in group[1:]:
            hist = hist + r.hist
        n = len(group)
        rows.append(Row(group[0].mechanism, group[0].load, hist, sum(r.events for r in group),
                        sum(r.hardirq_ns for r in group) // n, sum(r.softirq_ns for r in group) // n,
                        sum(r.thread_ns for r in group) // n, sum(r.ksoftirqd_wakeups for r in group),
                        sum(r.time_squeeze for r in group), sum(r.rt_throttled for r in group)))  # fmt: skip
    sys.stdout.write(table(rows))
    if args.plot:

        plot_compare(rows, args.plot)
    return 0
