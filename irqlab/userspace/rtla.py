"""rtla timerlat top|hist (tools/tracing/rtla/src/timerlat_top.c, timerlat_hist.c) as a simulated user program.

It starts the timerlat tracer on the monitored CPUs, wakes once a second (``top`` refreshes its table
then), stops at ``-d`` or when a ``-a``/``-i``/``-T`` threshold stops the trace, and prints the layouts
rtla prints. The auto-analysis text is produced by :mod:`irqlab.latency.timerlat_aa` and handed in.
"""

from __future__ import annotations

import dataclasses
from array import array
from collections.abc import Callable
from typing import Any

from irqlab.userspace import syscalls as sc

NSEC_PER_SEC = 1_000_000_000


class RtlaUsageError(ValueError):
    """An option rtla would reject, or one irqlab does not model."""


@dataclasses.dataclass
class RtlaParams:
    mode: str = "top"
    auto: int = 0
    stop_us: int = 0
    stop_total_us: int = 0
    period_us: int = 1000
    cpus: list[int] | None = None
    duration: int = 0
    quiet: bool = False
    divisor: int = 1000
    bucket_size: int = 1
    entries: int = 256
    no_irq: bool = False
    no_thread: bool = False
    no_header: bool = False
    no_summary: bool = False
    no_index: bool = False
    with_zeros: bool = False
    no_aa: bool = False


def _int(opt: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise RtlaUsageError(f"rtla timerlat: {opt} needs a number, not {text!r}") from None


def parse_duration(text: str) -> int:
    """parse_seconds_duration(): seconds, or with an s/m/h/d suffix."""
    mult = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    if text and text[-1] in mult:
        return _int("-d", text[:-1]) * mult[text[-1]]
    return _int("-d", text)


def parse_cpu_list(text: str, ncpus: int) -> list[int]:
    out: list[int] = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        a = _int("-c", lo)
        b = _int("-c", hi) if hi else a
        if not 0 <= a <= b < ncpus:
            raise RtlaUsageError(f"rtla timerlat: Invalid -c cpu list {text!r} (CPUs 0-{ncpus - 1})")
        out.extend(range(a, b + 1))
    return sorted(set(out))


_WITH_ARG = {"-a": "auto", "--auto": "auto", "-p": "period", "--period": "period", "-i": "irq", "--irq": "irq",
             "-T": "thread", "--thread": "thread", "-c": "cpus", "--cpus": "cpus", "-d": "duration",
             "--duration": "duration", "-b": "bucket", "--bucket-size": "bucket", "-E": "entries",
             "--entries": "entries"}  # fmt: skip
_FLAGS = {"-q": "quiet", "--quiet": "quiet", "-n": "nano", "--nano": "nano", "--no-irq": "no_irq",
          "--no-thread": "no_thread", "--no-header": "no_header", "--no-summary": "no_summary",
          "--no-index": "no_index", "--with-zeros": "with_zeros", "--no-aa": "no_aa"}  # fmt: skip
_HIST_ONLY = {"bucket", "entries", "no_irq", "no_thread", "no_header", "no_summary", "no_index", "with_zeros"}


def parse_args(mode: str, argv: list[str], ncpus: int) -> RtlaParams:
    """timerlat_top_parse_args() / timerlat_hist_parse_args() for the options irqlab models."""
    if mode not in ("top", "hist"):
        raise RtlaUsageError(f"rtla timerlat: the mode is top or hist, not {mode!r}")
    p = RtlaParams(mode=mode)
    i = 0
    while i < len(argv):
        word = argv[i]
        i += 1
        opt, eq, val = word.partition("=") if word.startswith("--") else (word, "", "")
        if not eq and len(opt) > 2 and opt[0] == "-" and opt[1] != "-" and opt[:2] in _WITH_ARG:
            opt, val, eq = opt[:2], opt[2:], "="
        if opt in _WITH_ARG:
            name = _WITH_ARG[opt]
            if not eq:
                if i >= len(argv):
                    raise RtlaUsageError(f"rtla timerlat: option '{opt}' requires an argument")
                val = argv[i]
                i += 1
        elif opt in _FLAGS:
            name = _FLAGS[opt]
        else:
            raise RtlaUsageError(f"rtla timerlat {mode}: option {word!r} is not modelled by irqlab's rtla")
        if name in _HIST_ONLY and mode != "hist":
            raise RtlaUsageError(f"rtla timerlat top: {opt} is a timerlat hist option")
        if name == "auto":
            p.auto = p.stop_us = p.stop_total_us = _int(opt, val)
        elif name == "period":
            p.period_us = _int(opt, val)
            if not 0 < p.period_us <= 1_000_000:
                raise RtlaUsageError("rtla timerlat: Period longer than 1 s")
        elif name == "irq":
            p.stop_us = _int(opt, val)
        elif name == "thread":
            p.stop_total_us = _int(opt, val)
        elif name == "cpus":
            p.cpus = parse_cpu_list(val, ncpus)
        elif name == "duration":
            p.duration = parse_duration(val)
            if not p.duration:
                raise RtlaUsageError("rtla timerlat: Invalid -D duration")
        elif name == "bucket":
            p.bucket_size = _int(opt, val)
            if not 0 < p.bucket_size < 1_000_000:
                raise RtlaUsageError("rtla timerlat hist: Bucket size needs to be > 0 and <= 1000000")
        elif name == "entries":
            p.entries = _int(opt, val)
            if not 10 <= p.entries <= 9999999:
                raise RtlaUsageError("rtla timerlat hist: Entries must be > 10 and < 9999999")
        elif name == "nano":
            p.divisor = 1
        else:
            setattr(p, name, True)
    if not p.stop_us and not p.stop_total_us:
        p.no_aa = True
    return p


@dataclasses.dataclass
class CpuData:
    """Per-CPU counters of timerlat_top_cpu / timerlat_hist_cpu."""

    irq_count: int = 0
    thread_count: int = 0
    cur_irq: int = 0
    min_irq: int = 1 << 62
    sum_irq: int = 0
    max_irq: int = 0
    cur_thread: int = 0
    min_thread: int = 1 << 62
    sum_thread: int = 0
    max_thread: int = 0
    irq_hist: array = dataclasses.field(default_factory=lambda: array("q"))
    thread_hist: array = dataclasses.field(default_factory=lambda: array("q"))
    #: Every latency in ns: (context, ns) pairs kept as two arrays, for histograms and plots.
    irq_ns: array = dataclasses.field(default_factory=lambda: array("q"))
    thread_ns: array = dataclasses.field(default_factory=lambda: array("q"))


def get_duration(seconds: int) -> str:
    """get_duration(): "%3d %02d:%02d:%02d" of days, hours, minutes, seconds."""
    d, rem = divmod(seconds, 86400)
    h, rem = divmod(rem, 3600)
    m, s = divmod(rem, 60)
    return f"{d:3d} {h:02d}:{m:02d}:{s:02d}"


class Rtla:
    """One ``rtla timerlat top|hist`` run; ``stdout`` collects what it prints."""

    def __init__(self, mode: str, argv: list[str], ncpus: int) -> None:
        self.params = parse_args(mode, list(argv), ncpus)
        self.ncpus = ncpus
        self.cpus = self.params.cpus if self.params.cpus is not None else list(range(ncpus))
        self.data = {c: CpuData() for c in range(ncpus)}
        p = self.params
        if p.mode == "hist":
            for d in self.data.values():
                d.irq_hist = array("q", bytes(8 * (p.entries + 1)))
                d.thread_hist = array("q", bytes(8 * (p.entries + 1)))
        self.stdout: list[str] = []
        self.done = False
        self.hit_stop = False
        self.stop_cpus: list[int] = []
        self.start = 0
        self.end = 0
        self.tracer: Any = None
        #: Called with each sample and whether it stopped the trace (the auto-analysis listens here).
        self.sample_hooks: list[Callable[[Any, bool], None]] = []
        #: Produces the auto-analysis text when the trace stopped (set by the front end).
        self.analysis: Callable[[list[int]], str] | None = None

    # -- samples ---------------------------------------------------------------------------
    def on_sample(self, s: Any) -> None:
        """timerlat_top_handler()/timerlat_hist_handler(): account one timerlat event."""
        d = self.data[s.cpu]
        lat = s.timer_latency
        p = self.params
        if s.context == 0:
            d.irq_count += 1
            d.cur_irq = lat
            d.min_irq = min(d.min_irq, lat)
            d.sum_irq += lat
            d.max_irq = max(d.max_irq, lat)
            d.irq_ns.append(lat)
        else:
            d.thread_count += 1
            d.cur_thread = lat
            d.min_thread = min(d.min_thread, lat)
            d.sum_thread += lat
            d.max_thread = max(d.max_thread, lat)
            d.thread_ns.append(lat)
        if p.mode == "hist":
            v = lat // p.divisor
            b = v // p.bucket_size
            hist = d.irq_hist if s.context == 0 else d.thread_hist
            hist[b if b < p.entries else p.entries] += 1
        tr = self.tracer
        stopped = tr is not None and tr.stopped_on is s
        for hook in self.sample_hooks:
            hook(s, stopped)

    def _sample(self, s: Any) -> None:
        self.on_sample(s)

    # -- output ----------------------------------------------------------------------------
    def _elapsed(self) -> int:
        return (sc.clock_gettime(sc.CLOCK_MONOTONIC) - self.start) // NSEC_PER_SEC

    def top_text(self, elapsed: int) -> str:
        p = self.params
        unit = "ns" if p.divisor == 1 else "us"
        out = [] if p.quiet else ["\033c"]
        out.append("\033[2;37;40m" + " " * 37 + "Timer Latency" + " " * 46 + "\033[0;0;0m\n")
        out.append(f"{get_duration(elapsed):<6s}   |          IRQ Timer Latency ({unit})        |         "
                   f"Thread Timer Latency ({unit})\n")  # fmt: skip
        out.append("\033[2;30;47mCPU COUNT      |      cur       min       avg       max |      cur       min       avg"
                   "       max\033[0;0;0m\n")  # fmt: skip
        dv = p.divisor
        for c in range(self.ncpus):
            if c not in self.cpus:
                continue
            d = self.data[c]
            if not d.irq_count and not d.thread_count:
                continue
            row = f"{c:3d} #{d.irq_count:<9d} |"
            if not d.irq_count:
                row += "        -         -         -         - |"
            else:
                row += (f"{d.cur_irq // dv:9d} {d.min_irq // dv:9d} {d.sum_irq // d.irq_count // dv:9d} "
                        f"{d.max_irq // dv:9d} |")  # fmt: skip
            if not d.thread_count:
                row += "        -         -         -         -"
            else:
                row += (f"{d.cur_thread // dv:9d} {d.min_thread // dv:9d} "
                        f"{d.sum_thread // d.thread_count // dv:9d} {d.max_thread // dv:9d}")  # fmt: skip
            out.append(row + "\n")
        return "".join(out)

    def _active(self) -> list[int]:
        return [c for c in range(self.ncpus) if c in self.cpus and (self.data[c].irq_count or self.data[c].thread_count)]

    def hist_text(self, elapsed: int) -> str:
        p = self.params
        cpus = self._active()
        out: list[str] = []
        if not p.no_header:
            out.append("# RTLA timerlat histogram\n")
            out.append(f"# Time unit is {'nanoseconds' if p.divisor == 1 else 'microseconds'} "
                       f"({'ns' if p.divisor == 1 else 'us'})\n")  # fmt: skip
            out.append(f"# Duration: {get_duration(elapsed)}\n")
            head = "" if p.no_index else "Index"
            for c in cpus:
                head += ("" if p.no_irq else f"   IRQ-{c:03d}") + ("" if p.no_thread else f"   Thr-{c:03d}")
            out.append(head + "\n")

        def cols(fn: Callable[[CpuData, str], str]) -> str:
            s = ""
            for c in cpus:
                d = self.data[c]
                if not p.no_irq:
                    s += fn(d, "irq")
                if not p.no_thread:
                    s += fn(d, "thread")
            return s

        for b in range(p.entries):
            total = 0
            row = "" if p.no_index else f"{b * p.bucket_size:<6d}"
            for c in cpus:
                d = self.data[c]
                if not p.no_irq:
                    total += d.irq_hist[b]
                    row += f"{d.irq_hist[b]:9d} "
                if not p.no_thread:
                    total += d.thread_hist[b]
                    row += f"{d.thread_hist[b]:9d} "
            if total == 0 and not p.with_zeros:
                continue
            out.append(row + "\n")
        over = "" if p.no_index else "over: "
        out.append(over + cols(lambda d, k: f"{(d.irq_hist if k == 'irq' else d.thread_hist)[p.entries]:9d} ") + "\n")
        if not p.no_summary:
            dv = p.divisor

            def count(d: CpuData, k: str) -> str:
                return f"{d.irq_count if k == 'irq' else d.thread_count:9d} "

            def stat(which: str) -> Callable[[CpuData, str], str]:
                def f(d: CpuData, k: str) -> str:
                    n = d.irq_count if k == "irq" else d.thread_count
                    if not n:
                        return "        - "
                    lo, tot, hi = ((d.min_irq, d.sum_irq, d.max_irq) if k == "irq" else
                                   (d.min_thread, d.sum_thread, d.max_thread))  # fmt: skip
                    # rtla hist accumulates latencies already divided by the output divisor.
                    samples = d.irq_ns if k == "irq" else d.thread_ns
                    v = {"min": lo // dv, "avg": sum(x // dv for x in samples) // n, "max": hi // dv}[which]
                    del tot
                    return f"{v:9d} "

                return f

            out.append(("" if p.no_index else "count:") + cols(count) + "\n")
            out.append(("" if p.no_index else "min:  ") + cols(stat("min")) + "\n")
            out.append(("" if p.no_index else "avg:  ") + cols(stat("avg")) + "\n")
            out.append(("" if p.no_index else "max:  ") + cols(stat("max")) + "\n")
        return "".join(out)

    # -- the program -----------------------------------------------------------------------
    # SIMPLIFICATION: -t (saving the trace), -e, --trigger/--filter, -P, -u, -H, -C and --dump-tasks are not
    # modelled; the auto-analysis prints no kernel stack (irqlab has no kernel stacks to unwind).
    def main(self) -> int:
        p = self.params
        self.start = sc.clock_gettime(sc.CLOCK_MONOTONIC)
        self.tracer = sc.timerlat_start(self.cpus, p.period_us, self._sample, p.stop_us, p.stop_total_us)
        elapsed = 0
        while True:
            sc.usleep(1_000_000)  # sleep(params->sleep_time)
            elapsed = self._elapsed()
            if p.mode == "top" and not p.quiet:
                self.stdout.append(self.top_text(elapsed))
            if not self.tracer.tracing_on or (p.duration and elapsed >= p.duration):
                break
        self.hit_stop = self.tracer.stopped_on is not None
        self.tracer.stop()
        self.end = sc.clock_gettime(sc.CLOCK_MONOTONIC)
        if p.mode == "top":
            self.stdout.append(self.top_text(elapsed))
        else:
            self.stdout.append(self.hist_text(elapsed))
        if self.hit_stop:
            self.stdout.append("rtla timerlat hit stop tracing\n")
            if not p.no_aa and self.analysis is not None:
                self.stdout.append(self.analysis([self.tracer.stopped_on.cpu]))
        self.done = True
        return 0

    @property
    def output(self) -> str:
        return "".join(self.stdout)


def run_program(prog: Rtla) -> int:
    return prog.main()
