"""``irqlab hardirqs`` and ``irqlab softirqs``: bcc's tools on a simulated board.

    irqlab hardirqs --load storm:20000 --duration 5s -d
    irqlab softirqs -C 1 3          # three one-second tables

From Python: :func:`irq_times`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from irqlab.cli_common import add_common_args, boot_from, duration_ns, fail, loads_from
from irqlab.kernel.time.timekeeping import ktime_get_real_ns
from irqlab.latency.bcc import IrqTimes
from irqlab.latency.plot import save
from irqlab.machine import Machine
from irqlab.scenarios.loads import Load, parse_load, start_loads

NSEC_PER_SEC = 1_000_000_000


def irq_times(kind: str, m: Machine, *, duration: str | int = "1s", interval: int | None = None, outputs: int | None = None,
              count: bool = False, nanoseconds: bool = False, dist: bool = False, cpu: int | None = None,
              timestamp: bool = False, loads: Sequence[Load | str] | None = None, plot: str | None = None) -> str:  # fmt: skip
    """Run bcc's ``kind`` ("hardirqs"/"softirqs") on ``m`` and return what it prints: one table per ``interval``
    seconds (``outputs`` times), or one table after ``duration``; ``plot`` draws the durations into a PNG."""
    tool = IrqTimes(m, kind, count=count, nanoseconds=nanoseconds, dist=dist, cpu=cpu)
    span = duration_ns(str(duration)) if not isinstance(duration, int) else duration
    if interval is not None:
        if interval <= 0:
            raise ValueError(f"interval must be a positive number of seconds, not {interval}")
        n = outputs if outputs is not None else max(1, span // (interval * NSEC_PER_SEC))
        steps = [interval * NSEC_PER_SEC] * n
    else:
        steps = [span]
    start_loads(m, [parse_load(x) if isinstance(x, str) else x for x in loads or []], m.now + sum(steps))
    out = [tool.banner()]
    for step in steps:
        m.run(for_=step)
        out.append("\n")
        if timestamp:
            secs = ktime_get_real_ns(m.kernel) // NSEC_PER_SEC % 86400
            out.append(f"{secs // 3600:02d}:{secs // 60 % 60:02d}:{secs % 60:02d}\n")
        out.append(tool.table())
    tool.close()
    if plot:

        save(plot, tool.samples, None, f"{kind}: handler durations")
    return "".join(out)


def add_parser(sub: argparse._SubParsersAction) -> None:
    for kind, what in (("hardirqs", "hard IRQ handler time (bcc)"), ("softirqs", "softirq time by vector (bcc)")):
        p = sub.add_parser(kind, help=f"{what} on a simulated board", allow_abbrev=False)
        p.add_argument("-T", "--timestamp", action="store_true", help="include timestamp on output")
        p.add_argument("-N", "--nanoseconds", action="store_true", help="output in nanoseconds")
        p.add_argument("-C", "--count" if kind == "hardirqs" else "--events", dest="count", action="store_true",
                       help="show the event counts instead of timing")
        p.add_argument("-d", "--dist", action="store_true", help="show distributions as histograms")
        p.add_argument("-c", "--cpu", type=int, help="trace this CPU only")
        p.add_argument("interval", nargs="?", type=int, help="output interval, in seconds")
        p.add_argument("outputs", nargs="?", type=int, help="number of outputs")
        add_common_args(p, duration=True, recording=False)  # bcc's own -e/--events
        p.set_defaults(tool_run=run, tool_kind=kind)


def run(args: argparse.Namespace) -> int:
    try:
        m = boot_from(args)
        if args.cpu is not None and not 0 <= args.cpu < len(m.kernel.cpus):
            raise ValueError(f"-c {args.cpu}: no such CPU (0-{len(m.kernel.cpus) - 1})")
        text = irq_times(args.tool_kind, m, duration=args.duration, interval=args.interval, outputs=args.outputs,
                         count=args.count, nanoseconds=args.nanoseconds, dist=args.dist, cpu=args.cpu,
                         timestamp=args.timestamp, loads=loads_from(args), plot=args.plot)  # fmt: skip
    except ValueError as e:
        return fail(str(e))
    sys.stdout.write(text)
    return 0
