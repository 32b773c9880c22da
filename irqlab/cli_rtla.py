"""``irqlab rtla timerlat top|hist``: the kernel's timerlat tracer and rtla's reports on a simulated board.

    irqlab rtla timerlat top --preempt rt --load hog:4 -- -a 30 -d 20
    irqlab rtla timerlat hist -d 10 -c 0-1

From Python: :func:`timerlat`.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Sequence

from irqlab.cli_common import add_common_args, boot_from, fail, loads_from, run_with_progress, unfinished
from irqlab.latency.plot import TimelineRecorder, plot_rtla
from irqlab.latency.timerlat_aa import TimerlatAnalysis
from irqlab.machine import Machine, boot
from irqlab.scenarios.loads import Load, parse_load, start_loads
from irqlab.userspace.rtla import Rtla, RtlaUsageError, run_program

#: rtla's default when no -d is given would be "until ^C": a simulated run needs an end.
DEFAULT_DURATION_S = 10


def _prepare(mode: str, args: list[str], m: Machine, loads: list[Load]) -> tuple[Rtla, TimerlatAnalysis | None, int]:
    if not any(a in ("-d", "--duration") or a.startswith(("-d", "--duration=")) for a in args):
        args = [*args, "-d", str(DEFAULT_DURATION_S)]
    prog = Rtla(mode, args, len(m.kernel.cpus))
    aa = None
    if not prog.params.no_aa:
        aa = TimerlatAnalysis(m, prog.cpus)
        prog.sample_hooks.append(aa.sample)
        prog.analysis = aa.report
    end = m.now + (prog.params.duration + 2) * 1_000_000_000
    start_loads(m, loads, end)
    m.spawn(run_program, prog, user=True, name="rtla")
    return prog, aa, end


def timerlat(mode: str, argv: str | list[str] = "", m: Machine | None = None, *, loads: Sequence[Load | str] | None = None,
             board: str = "rpi5", **boot_kw: object) -> Rtla:  # fmt: skip
    """Run ``rtla timerlat <mode> <argv>`` (mode "top" or "hist") on ``m`` or a freshly booted ``board``; returns
    the finished program (``.output``, ``.data`` per CPU). Without -d the run lasts 10 s."""
    args = shlex.split(argv) if isinstance(argv, str) else list(argv)
    if m is None:

        m = boot(board, **boot_kw)  # type: ignore[arg-type]
    prog, aa, end = _prepare(mode, args, m, [parse_load(x) if isinstance(x, str) else x for x in loads or []])
    m.run_until(lambda: prog.done, limit=end - m.now)
    if aa is not None:
        aa.close()
    if not prog.done:
        raise RuntimeError(unfinished(m, "rtla"))
    return prog


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("rtla", help="rtla timerlat top|hist on a simulated board", allow_abbrev=False,
                       description="rtla timerlat top|hist; other options go to rtla.")  # fmt: skip
    p.add_argument("tracer", choices=("timerlat",), help="the rtla tracer (timerlat)")
    p.add_argument("mode", choices=("top", "hist"), help="top: per-CPU summary; hist: per-CPU histogram")
    add_common_args(p, duration=False)
    p.set_defaults(tool_run=run, tool_rest=True)


def run(args: argparse.Namespace) -> int:
    rest = [a for a in getattr(args, "rest", []) if a != "--"]
    try:
        m = boot_from(args)
        prog, aa, end = _prepare(args.mode, rest, m, loads_from(args))
    except (RtlaUsageError, ValueError) as e:
        return fail(str(e))
    rec = None
    if args.plot:

        recorder = rec = TimelineRecorder(m)

        def on_sample(s: object, stopped: bool) -> None:
            if s.context == 1:  # type: ignore[attr-defined]
                recorder.capture(s.ts - s.timer_latency, s.ts)  # type: ignore[attr-defined]

        prog.sample_hooks.append(on_sample)
    run_with_progress(m, end, lambda: prog.done, f"rtla timerlat {args.mode}")
    if aa is not None:
        aa.close()
    if rec is not None:
        rec.close()
    sys.stdout.write(prog.output)
    if not prog.done:
        return fail(unfinished(m, "rtla"))
    if args.plot:

        plot_rtla(prog, m, args.plot, rec)
    return 0
