"""``irqlab cyclictest``: rt-tests' cyclictest on a simulated board, printing what cyclictest prints.

    irqlab cyclictest [--board rpi5 --preempt rt --load hog:4 ...] -- -S -p99 -i1000 -D 60 -h 400 -q

Everything irqlab does not recognise is passed to cyclictest (``--`` is optional when unambiguous).
From Python: :func:`cyclictest`.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Sequence

from irqlab.cli_common import add_common_args, boot_from, fail, loads_from, run_with_progress, unfinished
from irqlab.latency.plot import TimelineRecorder, plot_cyclictest
from irqlab.machine import Machine, boot
from irqlab.scenarios.loads import Load, parse_load, start_loads
from irqlab.userspace.cyclictest import Cyclictest, CyclictestUsageError, run_program

#: Simulated time allowed beyond -D for the threads to start and the program to print and exit.
GRACE_NS = 1_000_000_000


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
    o = prog.opts
    if not o.duration and not o.max_cycles:
        raise CyclictestUsageError("cyclictest: give -D TIME or -l LOOPS: a simulated run needs an end")
    span = o.duration * 1_000_000_000 if o.duration else 0
    if o.max_cycles:
        longest = o.interval + (0 if o.histogram else o.distance * (o.num_threads - 1))
        loops = o.max_cycles * longest * 1000
        span = min(span, loops) if span else loops
    return m.now + span + GRACE_NS


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("cyclictest", add_help=False, help="rt-tests cyclictest on a simulated board",
                       description="rt-tests cyclictest on a simulated board; other options go to cyclictest.",
                       allow_abbrev=False)  # fmt: skip
    p.add_argument("--help", action="help", help="show this help (cyclictest's own -h is its histogram)")
    add_common_args(p, duration=False)
    p.set_defaults(tool_run=run, tool_rest=True)


def run(args: argparse.Namespace) -> int:
    rest: list[str] = [a for a in getattr(args, "rest", []) if a != "--"]
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
