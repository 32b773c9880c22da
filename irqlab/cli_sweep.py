"""``irqlab sweep``: one scenario over many seeds and parameters, on a Dask cluster or in this process."""

from __future__ import annotations

import argparse
import sys
from typing import Any

_EXTRA_MODULES = ("dask", "distributed", "pandas", "pyarrow", "matplotlib", "hdrh", "numpy")


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``irqlab sweep``."""
    sp = sub.add_parser(
        "sweep",
        help="run a scenario over many seeds and parameters (Dask) and summarise the metrics",
        description="Run SCENARIO for every seed and every combination of --param values, on a Dask "
        "LocalCluster sized to this machine (or --scheduler), and print p50/p99/max per parameter point.",
    )
    sp.add_argument("scenario", help="a scenario script (main(seed, **params)) or a driver module (module_init)")
    sp.add_argument("--seeds", default="1-10", help="seeds: 1-1000, 7 or 1,2,10-20 (default 1-10)")
    sp.add_argument("--param", action="append", default=[], metavar="NAME=VALUES",
                    help="a swept parameter: hz=100,250,1000 or debounce_ms=5..50:5 (repeat for a product)")
    sp.add_argument("--metric", action="append", default=[], metavar="NAME",
                    help="a metric to summarise and plot (repeatable; default: the scenario's METRICS, "
                    "else every default metric)")
    where = sp.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, default=None, metavar="N",
                       help="LocalCluster worker processes (default: one per CPU; 0 runs in this process without Dask)")
    where.add_argument("--scheduler", metavar="tcp://HOST:8786", help="attach to a running Dask scheduler")
    sp.add_argument("--wall-limit", type=float, default=300.0, metavar="SECONDS",
                    help="stop a run after this many wall seconds and record it as a timeout (default 300)")
    sp.add_argument("--out", metavar="FILE", help="results, one row per run: .parquet or .csv; "
                    "finished runs already in it are skipped")
    sp.add_argument("--plot", metavar="PNG", help="draw the metrics against a parameter into this image")
    sp.add_argument("--x", metavar="PARAM", help="the parameter on the plot's x axis (default: the first with several values)")
    sp.add_argument("--plain", action="store_true", help="plain text: no colours, tables or progress bar")
    sp.add_argument("--dmesg", action="store_true",
                    help="run one point and seed in this process and print its dmesg, report and metrics "
                    "(or the full traceback): how to look at one run of a sweep")


def _missing_extra() -> str | None:
    import importlib.util

    missing = [m for m in _EXTRA_MODULES if importlib.util.find_spec(m) is None]
    if not missing:
        return None
    # Deferred for start-up cost: the sweeps need pandas and Dask (the sweep extra).
    from irqlab.sweep import INSTALL_HINT

    return f"irqlab sweep needs {', '.join(missing)}: {INSTALL_HINT}"


def _default_metrics(frame: Any, declared: tuple[str, ...]) -> list[str]:
    # Deferred for start-up cost: the sweeps need pandas and Dask (the sweep extra).
    from irqlab.sweep.results import metric_columns

    if declared:
        return list(declared)
    return [m for m in metric_columns(frame) if m != "ipis"]


def run(args: argparse.Namespace) -> int:
    """Run the sweep; 0 when every run ended ok, 1 when some failed, 2 for bad input, 130 on Ctrl-C."""
    problem = _missing_extra()
    if problem:
        print(f"irqlab: {problem}", file=sys.stderr)
        return 2
    # Deferred for start-up cost: the sweeps need pandas and Dask (the sweep extra).
    from irqlab.sweep import DEFAULT_METRICS, load_scenario, make_plan, parse_param, parse_seeds, run_sweep
    from irqlab.sweep.report import plain_summary, plot, print_summary

    try:
        seeds = parse_seeds(args.seeds)
        params: dict[str, list[Any]] = {}
        for text in args.param:
            name, values = parse_param(text)
            if name in params:
                raise ValueError(f"--param {name} is given twice; list all its values in one --param")
            params[name] = values
        if args.workers is not None and args.workers < 0:
            raise ValueError(f"--workers {args.workers}: give a number of worker processes (0 = this process)")
        if args.wall_limit <= 0:
            raise ValueError(f"--wall-limit {args.wall_limit:g}: give a positive number of seconds")
        if args.plot and not args.plot.endswith((".png", ".svg", ".pdf")):
            raise ValueError(f"--plot {args.plot!r}: name a .png, .svg or .pdf file")
        sc = load_scenario(args.scenario)
        plan = make_plan(sc, seeds, params)
        known = (*DEFAULT_METRICS, *sc.metrics)
        unknown = [m for m in args.metric if m not in known]
        if unknown and (sc.metrics or not sc.has_metrics):  # else metrics() may return names not declared
            raise ValueError(f"--metric {', '.join(unknown)}: {sc.name} has the metrics {', '.join(known)}")
    except (FileNotFoundError, ValueError, TypeError) as e:
        print(f"irqlab: {e}", file=sys.stderr)
        return 2
    if args.x is not None and args.x not in plan.names:
        print(f"irqlab: --x {args.x}: not a swept parameter ({', '.join(plan.names) or 'none'})", file=sys.stderr)
        return 2
    if args.dmesg:
        if len(plan) != 1:
            print(f"irqlab: --dmesg shows one run, and these options make {len(plan)}: give one seed (--seeds N) "
                  "and one value per parameter", file=sys.stderr)
            return 2
        [(_, point, seed)] = list(plan.runs())
        return _show_one(sc, point, seed)
    what = f"{sc.name}: {_n(len(plan.points), 'point')} x {_n(len(plan.seeds), 'seed')}"
    try:
        if args.plain:
            res = run_sweep(sc, seeds, params, workers=args.workers, scheduler=args.scheduler,
                            wall_limit=args.wall_limit, out=args.out, on_progress=_plain_progress(what))  # fmt: skip
        else:
            res = _run_with_bar(sc, seeds, params, args, what)
    except (ValueError, OSError) as e:
        print(f"irqlab: {e}", file=sys.stderr)
        return 2
    frame = res.frame
    metrics = args.metric or _default_metrics(frame, sc.metrics)
    try:
        if args.plain:
            sys.stdout.write(plain_summary(frame, metrics, args.scenario))
        else:
            print_summary(frame, metrics, args.scenario, f"{what} ({len(frame)} rows)")
    except ValueError as e:
        print(f"irqlab: {e}", file=sys.stderr)
        return 2
    print(f"{res.executed} runs in {res.wall_s:.1f} s on {res.where}"
          + (f", {len(plan) - res.executed} already in {args.out}" if args.out and len(plan) > res.executed
             and not res.cancelled else ""))  # fmt: skip
    if args.out:
        print(f"results: {args.out} ({len(frame)} rows)")
    if args.plot and len(frame):
        x = plot(frame, metrics, args.plot, args.x)
        print(f"plot: {args.plot} ({', '.join(metrics)} against {x})")
    if res.cancelled:
        print("interrupted: the finished runs are kept" + (f" in {args.out}; run again to continue" if args.out else ""))
        return 130
    return 1 if (frame["status"] != "ok").any() else 0


def _show_one(sc: Any, point: dict[str, Any], seed: int) -> int:
    """Run one point in this process: dmesg, the scenario's report(m), the metrics; the traceback if it raises."""
    import traceback

    # Deferred for start-up cost: the sweeps need pandas and Dask (the sweep extra).
    from irqlab.sweep.scenario import execute, measure

    where = " ".join(f"{k}={v}" for k, v in point.items())
    print(f"{sc.name} seed {seed}{' ' + where if where else ''}")
    try:
        m, ns = execute(sc, point, seed)
    except Exception:  # noqa: BLE001 - showing the failure is the point
        traceback.print_exc(file=sys.stdout)
        return 1
    sys.stdout.write(m.dmesg())
    report = ns.get("report")
    text = report(m) if callable(report) else ""
    if text:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    try:
        numbers, histograms = measure(sc, m, ns)
    except Exception:  # noqa: BLE001 - a metrics() that breaks the protocol is shown the same way
        traceback.print_exc(file=sys.stdout)
        return 1
    print("metrics: " + ", ".join(f"{k}={v:g}" for k, v in numbers.items())
          + "".join(f", {k}=<histogram>" for k in histograms))
    return 0


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def _plain_progress(what: str) -> Any:
    """Where the runs go on stdout, then a line on stderr at each tenth of the runs (for logs and CI)."""
    state = {"announced": False, "tenths": 0}

    def report(p: Any) -> None:
        if not state["announced"] and p.where:
            state["announced"] = True
            extra = f", {p.skipped} already done" if p.skipped else ""
            print(f"sweep {what} = {_n(p.total, 'run')} on {p.where}{extra}", flush=True)
            if p.dashboard:
                print(f"Dask dashboard: {p.dashboard}", flush=True)
        todo = p.total - p.skipped
        tenths = p.done * 10 // todo if todo else 10
        if p.done and tenths > state["tenths"]:
            state["tenths"] = tenths
            failed = f", {p.failed} failed" if p.failed else ""
            print(f"{p.done}/{todo} runs done{failed}", file=sys.stderr, flush=True)

    return report


def _run_with_bar(sc: Any, seeds: list[int], params: dict[str, list[Any]], args: argparse.Namespace, what: str) -> Any:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    # Deferred for start-up cost: the sweeps need pandas and Dask (the sweep extra).
    from irqlab.sweep import run_sweep

    con = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[failed]}"),
                  TimeRemainingColumn(), console=con, transient=False) as bar:  # fmt: skip
        task = bar.add_task(what, total=None, failed="")
        shown = {"where": False}

        def update(p: Any) -> None:
            if not shown["where"] and p.where:
                shown["where"] = True
                skipped = f" ({p.skipped} already in {args.out})" if p.skipped else ""
                bar.console.print(f"{p.total} runs on {p.where}{skipped}")
                if p.dashboard:
                    bar.console.print(f"Dask dashboard: {p.dashboard}")
                bar.update(task, total=p.total - p.skipped)
            bar.update(task, completed=p.done, failed=f"[red]{p.failed} failed[/]" if p.failed else "")

        return run_sweep(sc, seeds, params, workers=args.workers, scheduler=args.scheduler,
                         wall_limit=args.wall_limit, out=args.out, on_progress=update)  # fmt: skip
