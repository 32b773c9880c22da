"""Latency measuring tools on the board: rt-tests' cyclictest, rtla timerlat top|hist, and bcc's hardirqs and
softirqs (Debian's bpfcc-tools: ``hardirqs-bpfcc``, or ``/usr/share/bcc/tools/hardirqs``).

Each is the same program as ``irqlab cyclictest``/``irqlab rtla``/``irqlab hardirqs`` run, here as a command
of the shell: it prints to the terminal as it goes, runs beside the background jobs, ends at its own
``-D``/``-l``/``-d``/COUNT or at Ctrl-C (whose SIGINT it handles, as the real tools do, by printing its
summary), and writes ``--json``/``--histfile`` into the board's file system.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from irqlab.kernel.core import kernel
from irqlab.latency.bcc import IrqTimes
from irqlab.latency.timerlat_aa import TimerlatAnalysis
from irqlab.userspace import syscalls as sc
from irqlab.userspace.cyclictest import Cyclictest, CyclictestUsageError
from irqlab.userspace.rtla import Rtla, RtlaUsageError
from irqlab.userspace.shell.process import STATUS_SIGINT, Proc

NSEC_PER_SEC = 1_000_000_000
STATUS_SIGKILL = 137


class _Live(list[str]):
    """A program's output list whose every append also reaches the terminal (or pipe) at once."""

    def __init__(self, p: Proc, write: Callable[[str], None], initial: list[str] | None = None) -> None:
        super().__init__()
        self._p = p
        self._write = write
        for text in initial or []:
            self.append(text)

    def append(self, text: str) -> None:
        # A signal the program does not handle has killed it: it unwinds at its next write.
        self._p.check_killed()
        super().append(text)
        self._write(text)


def _save(p: Proc, tool: str, files: dict[str, str]) -> int:
    """Write the program's files into the board's file system; 1 after the tool's message if one fails."""
    for path, text in files.items():
        try:
            p.shell.vfs.open_write(path).write(text)
        except OSError as e:
            p.err(f"{tool}: Error opening {path}: {e.strerror}\n")
            return 1
    return 0


def cyclictest(p: Proc) -> int:
    """cyclictest [rt-tests 2.x options]: its threads measure until -D/-l or Ctrl-C, then the summary. May sleep."""
    k = kernel()
    try:
        prog = Cyclictest(p.argv[1:], len(k.cpus))
    except CyclictestUsageError as e:
        p.err(f"{e}\n")
        return 1
    prog.stdout = _Live(p, p.out)
    prog.stderr = _Live(p, p.err, prog.stderr)

    def sighand(status: int) -> None:
        # cyclictest's sighand() for SIGINT, SIGTERM and SIGUSR1: shutdown, which the threads and main loop see;
        # SIGKILL cannot be caught.
        if status == STATUS_SIGKILL:
            p.sigaction(None)
        prog.shutdown = True

    p.sigaction(sighand)
    status = prog.main()
    return _save(p, "cyclictest", prog.files) or status


def rtla(p: Proc) -> int:
    """rtla timerlat top|hist [options]: until -d or Ctrl-C. May sleep."""
    args = p.argv[1:]
    if len(args) < 2 or args[0] != "timerlat" or args[1] not in ("top", "hist"):
        p.err("rtla: usage: rtla timerlat top|hist [options] (the osnoise and hwnoise tools are not modelled)\n")
        return 1
    k = kernel()
    try:
        prog = Rtla(args[1], args[2:], len(k.cpus))
    except RtlaUsageError as e:
        p.err(f"{e}\n")
        return 1
    prog.stdout = _Live(p, p.out)
    aa = None
    if not prog.params.no_aa:
        aa = TimerlatAnalysis(p.shell.m, prog.cpus)
        prog.sample_hooks.append(aa.sample)
        prog.analysis = aa.report

    def stop_trace(status: int) -> None:
        # timerlat_top.c stop_top(): SIGINT ends the main loop, which prints the final table; any other
        # signal kills rtla (it unwinds at its next write).
        if status != STATUS_SIGINT:
            p.sigaction(None)
        if prog.tracer is not None:
            prog.tracer.stop()

    p.sigaction(stop_trace)
    try:
        return prog.main()
    finally:
        if aa is not None:
            aa.close()


def _irq_times(kind: str, p: Proc) -> int:
    """hardirqs/softirqs [-T] [-N] [-C] [-d] [-c CPU] [interval] [outputs]: bcc's loop as a user task. May sleep."""
    tool = p.argv[0].rsplit("/", 1)[-1]
    opts: dict[str, Any] = {"count": False, "nanoseconds": False, "dist": False, "cpu": None}
    timestamp = False
    pos: list[int] = []
    args: list[str] = []
    for a in p.argv[1:]:
        # argparse takes grouped short flags ("-NT") and an attached CPU ("-c1").
        if a.startswith("-") and not a.startswith("--") and len(a) > 2:
            if set(a[1:]) <= set("TNCd"):
                args.extend(f"-{c}" for c in a[1:])
                continue
            if a[1] == "c":
                args.extend(["-c", a[2:]])
                continue
        args.append(a)
    count_flags = ("-C", "--count") if kind == "hardirqs" else ("-C", "--events")
    i = 0
    while i < len(args):
        a = args[i]
        i += 1
        if a in ("-T", "--timestamp"):
            timestamp = True
        elif a in ("-N", "--nanoseconds"):
            opts["nanoseconds"] = True
        elif a in count_flags:
            opts["count"] = True
        elif a in ("-d", "--dist"):
            opts["dist"] = True
        elif a in ("-c", "--cpu"):
            if i >= len(args) or not args[i].isdigit():
                p.err(f"usage: {tool} [-h] [-T] [-N] [-C] [-d] [-c CPU] [interval] [outputs]\n"
                      f"{tool}: error: argument -c/--cpu: expected one argument\n")  # fmt: skip
                return 2
            opts["cpu"] = int(args[i])
            i += 1
        elif a.isdigit() and len(pos) < 2:
            pos.append(int(a))
        else:
            p.err(f"usage: {tool} [-h] [-T] [-N] [-C] [-d] [-c CPU] [interval] [outputs]\n"
                  f"{tool}: error: unrecognized arguments: {a}\n")  # fmt: skip
            return 2
    ncpus = len(kernel().cpus)
    if opts["cpu"] is not None and not 0 <= opts["cpu"] < ncpus:
        p.err(f"{tool}: -c {opts['cpu']}: no such CPU (0-{ncpus - 1})\n")
        return 1
    try:
        t = IrqTimes(p.shell.m, kind, **opts)
    except ValueError as e:
        p.out(f"{e}\n")
        return 0  # the tool's print() then exit()
    interval = pos[0] if pos else 99999999
    countdown = pos[1] if len(pos) > 1 else 99999999
    exiting = [not pos]

    def sigint(status: int) -> None:
        # Python's KeyboardInterrupt: SIGINT prints the last table; another signal kills the tool.
        exiting[0] = True
        if status != STATUS_SIGINT:
            p.sigaction(None)

    p.sigaction(sigint)
    p.out(t.banner())
    try:
        while True:
            end = p.now() + interval * NSEC_PER_SEC
            while p.now() < end and not p.job.killed:
                p.sleep(end - p.now())
            p.out("\n")
            if timestamp:
                secs = sc.clock_gettime(sc.CLOCK_REALTIME) // NSEC_PER_SEC % 86400
                p.out(f"{secs // 3600:02d}:{secs // 60 % 60:02d}:{secs % 60:02d}\n")
            p.out(t.table())
            countdown -= 1
            if exiting[0] or p.job.killed or countdown == 0:
                return 0
    finally:
        t.close()


def hardirqs(p: Proc) -> int:
    """bcc's hardirqs: hard IRQ handler time (or counts, -C) per handler name."""
    return _irq_times("hardirqs", p)


def softirqs(p: Proc) -> int:
    """bcc's softirqs: softirq time (or counts, -C) per vector."""
    return _irq_times("softirqs", p)


# SIMPLIFICATION: commands are found by their base name, so the bcc tools also answer to the bare
# names (on Debian they are /usr/share/bcc/tools/hardirqs or hardirqs-bpfcc on $PATH).
COMMANDS = {"cyclictest": cyclictest, "rtla": rtla, "hardirqs": hardirqs, "softirqs": softirqs,
            "hardirqs-bpfcc": hardirqs, "softirqs-bpfcc": softirqs}  # fmt: skip
