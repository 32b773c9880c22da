"""``irqlab cyclictest``: rt-tests' cyclictest on a simulated board, printing what cyclictest prints.

    irqlab cyclictest [--board rpi5 --preempt rt --load hog:4 ...] -- -S -p99 -i1000 -D 60 -h 400 -q
    irqlab cyclictest --seeds 1-100 [--workers N | --scheduler ADDR] -- -S -p99 -i1000 -D 10 -h 400 -q

Everything irqlab does not recognise is passed to cyclictest (``--`` is optional when unambiguous).
With ``--seeds`` the seeds run through irqlab.sweep (Dask or this process) and cyclictest's output is printed
once for their runs merged, with each thread's per-seed spread on stderr.
From Python: :func:`cyclictest`, :func:`cyclictest_seeds`.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Sequence
from typing import Any

from irqlab.cli_common import (
    add_common_args,
    add_seeds_args,
    boot_from,
    fail,
    failed_runs,
    loads_from,
    run_seeds,
    run_with_progress,
    seeds_from,
    unfinished,
)
from irqlab.kernel.time.timekeeping import NSEC_PER_SEC, boot_time
from irqlab.latency.plot import TimelineRecorder, plot_cyclictest
from irqlab.machine import Machine, boot
from irqlab.scenarios.latency_sweep import buckets_of
from irqlab.scenarios.loads import Load, parse_load, start_loads
from irqlab.userspace import syscalls as sc
from irqlab.userspace.cyclictest import Cyclictest, CyclictestUsageError, Histogram, ThreadStat, run_program

#: Simulated time allowed beyond -D for the threads to start and the program to print and exit.
GRACE_NS = Cyclictest.GRACE_NS


def cyclictest(argv: str | list[str], m: Machine | None = None, *, loads: Sequence[Load | str] | None = None,
               board: str = "rpi5", **boot_kw: object) -> Cyclictest:  # fmt: skip
    """Run cyclictest with ``argv`` (a string or a list) on ``m`` (or a freshly booted ``board``) and return
    the finished program: ``.output`` is its stdout, ``.files`` what it wrote, ``.stats`` its threads.

    A bound is needed: give -D or -l. Bad options raise CyclictestUsageError."""
    args = shlex.split(argv) if isinstance(argv, str) else list(argv)
    if m is None:
        m = boot(board, **boot_kw)  # type: ignore[arg-type]
    prog = Cyclictest(args, len(m.kernel.cpus))
    end = _end_ns(prog, m)
    start_loads(m, [parse_load(x) if isinstance(x, str) else x for x in loads or []], end)
    m.spawn(run_program, prog, user=True, name="cyclictest")
    m.run_until(lambda: prog.done, limit=end - m.now)
    if not prog.done:
        raise RuntimeError(unfinished(m, "cyclictest"))
    return prog


def _end_ns(prog: Cyclictest, m: Machine) -> int:
    return m.now + prog.span_ns() + GRACE_NS


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("cyclictest", add_help=False, help="rt-tests cyclictest on a simulated board",
                       description="rt-tests cyclictest on a simulated board; other options go to cyclictest.",
                       allow_abbrev=False)  # fmt: skip
    p.add_argument("--help", action="help", help="show this help (cyclictest's own -h is its histogram)")
    add_common_args(p, duration=False)
    add_seeds_args(p, "cyclictest's output")
    p.set_defaults(tool_run=run, tool_rest=True)


def cyclictest_seeds(argv: str | list[str], seeds: Sequence[int], *, loads: Sequence[Load | str] | None = None,
                     board: str = "rpi5", preempt: str | None = None, cpus: int | None = None, hz: int | None = None,
                     cmdline: str = "", workers: int | None = None,
                     scheduler: str | None = None) -> tuple[Cyclictest, list[dict[str, Any]]]:  # fmt: skip
    """Run cyclictest with ``argv`` once per seed of ``seeds`` through irqlab.sweep (``workers``/``scheduler`` as
    ``irqlab cyclictest --seeds``) and merge the runs. Returns (a Cyclictest holding the merged threads, whose
    ``.output`` is what cyclictest prints for them and ``.files`` its --json/--histfile, and the per-seed rows).

    Merged: cycles, latency sums (so averages), minima, maxima and histogram buckets; ``Act`` and the pids are the
    last seed's. -v (every sample of one run) cannot merge and raises CyclictestUsageError; a failed run raises
    RuntimeError naming its seed."""
    args = shlex.split(argv) if isinstance(argv, str) else list(argv)
    m = boot(board, cpus=cpus, preempt=preempt, hz=hz, cmdline=cmdline)
    merged = Cyclictest(args, len(m.kernel.cpus))
    if merged.opts.verbose:
        raise CyclictestUsageError("cyclictest: -v prints every sample of one run, which does not merge over seeds: "
                                   "drop -v or --seeds")  # fmt: skip
    _end_ns(merged, m)
    specs = ",".join(str(x if isinstance(x, Load) else parse_load(x)) for x in loads or [])
    params: dict[str, list[Any]] = {"tool": ["cyclictest"], "argv": [shlex.join(args)], "board": [board], "loads": [specs],
              "preempt": [preempt or ""], "cpus": [cpus or 0], "hz": [hz or 0], "cmdline": [cmdline]}  # fmt: skip
    [rows] = run_seeds(params, list(seeds), workers, scheduler)
    bad = failed_runs([rows])
    if bad:
        raise RuntimeError(bad)
    _merge_into(merged, rows, uts_realtime(m), boot_time(m.kernel) * NSEC_PER_SEC)
    return merged, rows


def uts_realtime(m: Machine) -> tuple[dict[str, str], bool]:
    """What cyclictest's --json reads of ``m``: uname() and /sys/kernel/realtime."""
    got: list[Any] = []

    def probe() -> int:
        got.extend((sc.uname(), sc.read_file("/sys/kernel/realtime") == "1\n"))
        return 0

    t = m.spawn(probe, user=True, name="uname")
    m.run_until(lambda: t.result is not None, limit="10ms")
    return got[0], bool(got[1])


def _merge_into(prog: Cyclictest, rows: list[dict[str, Any]], sysinfo: tuple[dict[str, str], bool],
                boot_ns: int) -> None:  # fmt: skip
    """Fill ``prog`` (not run) with the threads of ``rows`` merged and produce its final output, as main() would;
    ``boot_ns`` is CLOCK_REALTIME at the boot of the runs' board."""
    o = prog.opts
    for i in range(o.num_threads):
        last = rows[-1]
        st = ThreadStat(index=i, prio=last[f"t{i}_prio"], policy=o.policy, interval=last[f"t{i}_interval"],
                        cpu=last[f"t{i}_cpu"], tid=last[f"t{i}_tid"], act=last[f"t{i}_act"])  # fmt: skip
        st.cycles = sum(r[f"t{i}_cycles"] for r in rows)
        st.min = min(r[f"t{i}_min"] for r in rows)
        st.max = max(r[f"t{i}_max"] for r in rows)
        st.avg = float(sum(r[f"t{i}_sum"] for r in rows))
        if o.histogram:
            st.hist = Histogram(o.histogram)
            for r in rows:
                for b, n in enumerate(buckets_of(r[f"t{i}_hist"], o.histogram)):
                    st.hist.buckets[b] += n
            # SIMPLIFICATION: the overflow count merges; the cycle numbers of the overflows belong to one run each
            # and are not listed (run that seed alone to see them).
            st.hist.oflow_count = sum(r[f"t{i}_oflow"] for r in rows)
            st.hist.events = st.cycles
        prog.stats.append(st)
    prog.return_code = max(r["return_code"] for r in rows)
    prog.start_time = boot_ns + min(r["start_ns"] for r in rows)
    prog.end_time = boot_ns + max(r["end_ns"] for r in rows)
    if o.jsonfile:
        prog.write_json(*sysinfo)
    if o.histogram:
        prog.write_hist()
    else:
        for st in prog.stats:
            prog.stdout.append(prog.stat_line(st))
    prog.done = True


def spread_text(prog: Cyclictest, rows: list[dict[str, Any]]) -> str:
    """Each thread's per-seed spread of its Min/Avg/Max (cyclictest's unit): min, median and max over the seeds,
    with the seed of the worst run."""
    out = [f"# per-seed spread over {len(rows)} seeds (min / median / max, worst seed):\n"]
    for st in prog.stats:
        i = st.index
        parts = []
        for label, key in (("Min", "min"), ("Avg", "avg"), ("Max", "max")):
            if key == "avg":
                vals = [(r[f"t{i}_sum"] // r[f"t{i}_cycles"] if r[f"t{i}_cycles"] else 0, r["seed"]) for r in rows]
            else:
                vals = [(r[f"t{i}_{key}"], r["seed"]) for r in rows]
            ordered = sorted(vals)
            worst = max(vals, key=lambda v: (v[0], -v[1]))
            parts.append(f"{label} {ordered[0][0]} / {ordered[(len(ordered) - 1) // 2][0]} / {worst[0]} "
                         f"(seed {worst[1]})")  # fmt: skip
        out.append(f"# T:{i:2d} " + "  ".join(parts) + "\n")
    return "".join(out)


def _run_seeds(args: argparse.Namespace, rest: list[str], seeds: list[int]) -> int:
    if args.plot or getattr(args, "trace", None) or getattr(args, "vcd", None):
        return fail("--plot, --trace and --vcd show one run: drop them, or --seeds (and give --seed N)")
    try:
        prog, rows = cyclictest_seeds(rest, seeds, loads=loads_from(args), board=args.board, preempt=args.preempt,
                                      cpus=args.cpus, hz=args.hz, cmdline=args.cmdline, workers=args.workers,
                                      scheduler=args.scheduler)  # fmt: skip
    except (CyclictestUsageError, ValueError) as e:
        return fail(str(e))
    except RuntimeError as e:
        fail(str(e))
        return 1
    sys.stderr.write("".join(prog.stderr))
    sys.stdout.write(prog.output)
    sys.stderr.write(spread_text(prog, rows))
    for path, text in prog.files.items():
        with open(path, "w") as f:
            f.write(text)
    return prog.return_code


def run(args: argparse.Namespace) -> int:
    rest: list[str] = [a for a in getattr(args, "rest", []) if a != "--"]
    try:
        seeds = seeds_from(args)
    except ValueError as e:
        return fail(str(e))
    if seeds is not None:
        return _run_seeds(args, rest, seeds)
    try:
        m = boot_from(args)
        prog = Cyclictest(rest, len(m.kernel.cpus))
        end = _end_ns(prog, m)
        loaded = start_loads(m, loads_from(args), end)
    except (CyclictestUsageError, ValueError) as e:
        return fail(str(e))
    del loaded
    rec = None
    if args.plot:
        rec = TimelineRecorder(m)
        prog.sample_hooks.append(rec.capture)
    m.spawn(run_program, prog, user=True, name="cyclictest")
    run_with_progress(m, end, lambda: prog.done, "cyclictest")
    if rec is not None:
        rec.close()
    sys.stderr.write("".join(prog.stderr))
    sys.stdout.write(prog.output)
    if not prog.done:
        return fail(unfinished(m, "cyclictest"))
    for path, text in prog.files.items():
        with open(path, "w") as f:
            f.write(text)
    if args.plot:
        plot_cyclictest(prog, m, args.plot, rec)
    return prog.return_code
