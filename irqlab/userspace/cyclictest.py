"""rt-tests' cyclictest (src/cyclictest/cyclictest.c, rt-tests 2.x) as a simulated user program.

The measuring threads sleep with ``clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME)`` on hrtimers and
record, at each wakeup, the time read with ``clock_gettime`` minus the programmed expiry; the main thread
refreshes the status every 10 ms as the real one does. Output, the ``-h`` histogram and the ``--json``
document are printed with cyclictest's own printf formats.
"""

from __future__ import annotations

import dataclasses
import math
from array import array
from typing import Any

from irqlab.kernel.sched.core import Task
from irqlab.userspace import syscalls as sc

#: The rt-tests release whose output is reproduced ("cyclictest V 2.80").
RT_TESTS_VERSION = 2.80
DEFAULT_INTERVAL = 1000
DEFAULT_DISTANCE = 500
HIST_MAX = 1000000
VALBUF_SIZE = 16384
USEC_PER_SEC = 1_000_000
NSEC_PER_SEC = 1_000_000_000

AFFINITY_UNSPECIFIED, AFFINITY_SPECIFIED, AFFINITY_USEALL = 0, 1, 2

_POLICIES = {"other": sc.SCHED_OTHER, "normal": sc.SCHED_OTHER, "batch": sc.SCHED_BATCH, "idle": sc.SCHED_IDLE,
             "fifo": sc.SCHED_FIFO, "rr": sc.SCHED_RR}  # fmt: skip
_POLICY_NAMES = {sc.SCHED_OTHER: "other", sc.SCHED_FIFO: "fifo", sc.SCHED_RR: "rr", sc.SCHED_BATCH: "batch",
                 sc.SCHED_IDLE: "idle"}  # fmt: skip

# Options modelled, as getopt_long sees them: short letter -> (long name, argument: 0 none, 1 required, 2 optional).
_SHORT = {"a": ("affinity", 2), "d": ("distance", 1), "D": ("duration", 1), "h": ("histogram", 1),
          "H": ("histofall", 1), "i": ("interval", 1), "l": ("loops", 1), "m": ("mlockall", 0),
          "N": ("nsecs", 0), "p": ("priority", 1), "q": ("quiet", 0), "S": ("smp", 0), "t": ("threads", 2),
          "v": ("verbose", 0)}  # fmt: skip
_LONG = {name: arg for name, arg in _SHORT.values()} | {"histfile": 1, "json": 1, "policy": 1, "priospread": 0}
# Options of the real program that irqlab does not model (each would change what is measured).
_UNMODELLED = set("AbcFMorRsux") | {"aligned", "breaktrace", "clock", "default-system", "latency", "fifo",
                                    "laptop", "mainaffinity", "refresh_on_max", "oscope", "relative",
                                    "resolution", "secaligned", "system", "smi", "spike", "spike-nodes",
                                    "tracemark", "unbuffered", "dbg_cyclictest", "posix_timers"}  # fmt: skip


class CyclictestUsageError(ValueError):
    """An option cyclictest would reject, or one irqlab does not model."""


def _atoi(text: str) -> int:
    """C atoi(): leading whitespace, a sign and digits; anything else ends the number (0 if none)."""
    s = text.lstrip()
    i = 0
    if i < len(s) and s[i] in "+-":
        i += 1
    j = i
    while j < len(s) and s[j].isdigit():
        j += 1
    return int(s[:j]) if j > i else 0


def parse_time_string(val: str) -> int:
    """cyclictest's -D: seconds, or with a m/h/d suffix."""
    num = _atoi(val)
    s = val.lstrip().lstrip("+-")
    i = 0
    while i < len(s) and s[i].isdigit():
        i += 1
    suffix = s[i : i + 1].lower()
    return num * {"m": 60, "h": 3600, "d": 86400}.get(suffix, 1)


def parse_cpumask(text: str, ncpus: int) -> int:
    """numa_parse_cpustring_all(): "0-2,5" (and "all"); a bad list raises CyclictestUsageError."""
    if text == "all":
        return (1 << ncpus) - 1
    mask = 0
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        if not lo.isdigit() or (hi and not hi.isdigit()):
            raise CyclictestUsageError(f"cyclictest: invalid CPU list {text!r} (use e.g. 0-2,5)")
        a, b = int(lo), int(hi) if hi else int(lo)
        if b >= ncpus or a > b:
            raise CyclictestUsageError(f"cyclictest: CPU list {text!r} names CPUs this machine lacks (0-{ncpus - 1})")
        for c in range(a, b + 1):
            mask |= 1 << c
    return mask


@dataclasses.dataclass
class Options:
    """cyclictest's settings after process_options()."""

    priority: int = 0
    policy: int = sc.SCHED_OTHER
    num_threads: int = 1
    interval: int = DEFAULT_INTERVAL
    distance: int = -1
    max_cycles: int = 0
    duration: int = 0
    histogram: int = 0
    histofall: bool = False
    histfile: str = ""
    jsonfile: str = ""
    quiet: bool = False
    verbose: bool = False
    use_nsecs: bool = False
    lockall: bool = False
    priospread: bool = False
    smp: bool = False
    setaffinity: int = AFFINITY_UNSPECIFIED
    affinity_mask: int = 0
    stderr: list[str] = dataclasses.field(default_factory=list)


def process_options(argv: list[str], ncpus: int) -> Options:
    """Parse ``argv`` (without the program name) as cyclictest 2.x's process_options() does."""
    o = Options()
    option_affinity = False
    i = 0
    args = list(argv)

    def take(name: str, kind: int, attached: str | None) -> str | None:
        nonlocal i
        if kind == 0:
            return None
        if attached is not None:
            return attached
        if kind == 1:
            if i >= len(args):
                raise CyclictestUsageError(f"cyclictest: option '{name}' requires an argument")
            val = args[i]
            i += 1
            return val
        # optional_argument: getopt gives none; cyclictest peeks at the next word for -a and -t.
        if i < len(args) and (_atoi(args[i]) or args[i][:1] == "0" and name in ("affinity", "a")):
            val = args[i]
            i += 1
            return val
        return None

    opts: list[tuple[str, str | None]] = []
    while i < len(args):
        word = args[i]
        i += 1
        if word == "--":
            break
        if word.startswith("--"):
            name, eq, val = word[2:].partition("=")
            if name in _UNMODELLED:
                raise CyclictestUsageError(f"cyclictest: --{name} is not modelled by irqlab's cyclictest")
            if name not in _LONG:
                raise CyclictestUsageError(f"cyclictest: unrecognized option '--{name}' (see cyclictest --help)")
            kind = _LONG[name]
            if kind == 0 and eq:
                raise CyclictestUsageError(f"cyclictest: option '--{name}' doesn't allow an argument")
            opts.append((name, val if eq else (take(name, kind, None) if kind == 1 else
                                                take(name, kind, None) if name in ("affinity", "threads") else None)))  # fmt: skip
            continue
        if word.startswith("-") and len(word) > 1:
            j = 1
            while j < len(word):
                ch = word[j]
                j += 1
                if ch in _UNMODELLED:
                    raise CyclictestUsageError(f"cyclictest: -{ch} is not modelled by irqlab's cyclictest")
                if ch not in _SHORT:
                    raise CyclictestUsageError(f"cyclictest: invalid option -- '{ch}' (see cyclictest --help)")
                name, kind = _SHORT[ch]
                attached = word[j:] if kind and j < len(word) else None
                if attached is not None:
                    j = len(word)
                opts.append((name, take(ch, kind, attached)))
            continue
        # A non-option word: getopt_long permutes it to the end; cyclictest ignores it.
    for name, arg in opts:
        if name == "affinity":
            option_affinity = True
            if o.smp:
                continue
            if arg is not None:
                o.affinity_mask = parse_cpumask(arg, ncpus)
                o.setaffinity = AFFINITY_SPECIFIED
            else:
                o.setaffinity = AFFINITY_USEALL
        elif name == "distance":
            o.distance = _atoi(arg or "")
        elif name == "duration":
            o.duration = parse_time_string(arg or "")
        elif name in ("histogram", "histofall"):
            if name == "histofall":
                o.histofall = True
            o.histogram = _atoi(arg or "")
            if not o.histogram:
                raise CyclictestUsageError("cyclictest: -h/-H needs a histogram size in microseconds above 0")
        elif name == "histfile":
            o.histfile = arg or ""
        elif name == "interval":
            o.interval = _atoi(arg or "")
        elif name == "interarg":
            o.interarg = _atoi(arg or "")
        elif name == "json":
            o.jsonfile = arg or ""
        elif name == "loops":
            o.max_cycles = _atoi(arg or "")
        elif name == "mlockall":
            o.lockall = True
        elif name == "nsecs":
            o.use_nsecs = True
        elif name == "priority":
            o.priority = _atoi(arg or "")
            if o.policy not in (sc.SCHED_FIFO, sc.SCHED_RR):
                o.policy = sc.SCHED_FIFO
        elif name == "quiet":
            o.quiet = True
        elif name == "smp":
            o.smp = True
            o.num_threads = -1
            o.setaffinity = AFFINITY_USEALL
        elif name == "threads":
            if o.smp:
                o.stderr.append("WARN: -t ignored due to smp mode\n")
                continue
            o.num_threads = _atoi(arg) if arg is not None else -1
        elif name == "verbose":
            o.verbose = True
        elif name == "policy":
            low = (arg or "").lower()
            o.policy = next((p for key, p in _POLICIES.items() if low.startswith(key)), sc.SCHED_OTHER)
        elif name == "priospread":
            o.priospread = True
    if option_affinity and o.smp:
        o.stderr.append("WARN: -a ignored due to smp mode\n")
    error = ""
    if o.histogram < 0:
        error = "the histogram size must be positive"
    o.histogram = min(o.histogram, HIST_MAX)
    if o.histogram and o.distance != -1:
        o.stderr.append("WARN: distance is ignored and set to 0, if histogram enabled\n")
    if o.distance == -1:
        o.distance = DEFAULT_DISTANCE
    if not 0 <= o.priority <= 99:
        error = f"priority {o.priority} is outside 0-99"
    if o.num_threads == -1:
        o.num_threads = bin(o.affinity_mask).count("1") if o.affinity_mask else ncpus
    if o.priospread and o.priority == 0:
        o.stderr.append(f"defaulting realtime priority to {o.num_threads + 1}\n")
        o.priority = o.num_threads + 1
    if o.priority and o.policy not in (sc.SCHED_FIFO, sc.SCHED_RR):
        o.stderr.append("policy and priority don't match: setting policy to SCHED_FIFO\n")
        o.policy = sc.SCHED_FIFO
    if o.policy in (sc.SCHED_FIFO, sc.SCHED_RR) and o.priority == 0:
        o.stderr.append(f"defaulting realtime priority to {o.num_threads + 1}\n")
        o.priority = o.num_threads + 1
    if o.num_threads < 1:
        error = f"{o.num_threads} threads: at least one is needed"
    if o.interval <= 0:
        error = f"interval {o.interval} us: it must be positive"
    if error:
        raise CyclictestUsageError(f"cyclictest: {error}")
    return o


class Histogram:
    """rt-tests' struct histogram (src/lib/histogram.c): 1 µs (or 1 ns with -N) buckets and an overflow log."""

    __slots__ = ("buckets", "num", "events", "oflows", "oflow_count", "oflow_bufsize")

    def __init__(self, num: int) -> None:
        self.buckets = array("Q", bytes(8 * num))
        self.num = num
        self.events = 0
        self.oflows: list[int] = []
        self.oflow_count = 0
        self.oflow_bufsize = num

    def sample(self, value: int) -> None:
        """hist_sample(): count ``value`` in its bucket, or log the overflow's event number."""
        event = self.events
        self.events += 1
        if value < self.num:
            self.buckets[value] += 1
            return
        if self.oflow_count < self.oflow_bufsize:
            self.oflows.append(event)
        self.oflow_count += 1

    def oflows_text(self) -> str:
        """hist_print_oflows()."""
        parts = [f"{v:05d}" for v in self.oflows[: self.oflow_bufsize]]
        text = " ".join(parts)
        if len(parts) >= self.oflow_bufsize:
            text += f" # {self.oflow_count - self.oflow_bufsize:05d} others"
        return text

    def json_text(self) -> str:
        """hist_print_json(): the non-empty buckets."""
        items = [f'\n        "{i}": {v}' for i, v in enumerate(self.buckets) if v]
        return ",".join(items) + "\n"


@dataclasses.dataclass
class ThreadStat:
    """struct thread_stat plus the thread's parameters (struct thread_param)."""

    index: int
    prio: int
    policy: int
    interval: int
    cpu: int
    tid: int = 0
    cycles: int = 0
    min: int = 1000000
    max: int = 0
    act: int = 0
    avg: float = 0.0
    threadstarted: int = 1
    hist: Histogram | None = None
    values: list[int] = dataclasses.field(default_factory=list)
    cyclesread: int = 0
    reduce: int = 0
    redmax: int = 0
    cycleofmax: int = 0
    #: Every latency in ns (for irqlab's histograms and plots), and the wakeup times they belong to.
    samples_ns: array = dataclasses.field(default_factory=lambda: array("q"))
    wakeups_ns: array = dataclasses.field(default_factory=lambda: array("q"))


def _calcdiff(now: int, nxt: int, nsecs: bool) -> int:
    """calcdiff()/calcdiff_ns() on timespecs: whole seconds times the unit plus the truncated ns difference."""
    s1, n1 = divmod(now, NSEC_PER_SEC)
    s2, n2 = divmod(nxt, NSEC_PER_SEC)
    if nsecs:
        return NSEC_PER_SEC * (s1 - s2) + (n1 - n2)
    d = n1 - n2
    return USEC_PER_SEC * (s1 - s2) + (abs(d) // 1000) * (1 if d >= 0 else -1)


class Cyclictest:
    """One cyclictest run: ``Cyclictest(["-S", "-p99", ...])``, started in a user task with :meth:`main`.

    ``stdout``/``stderr`` collect what the program prints; ``files`` what it writes (--json, --histfile).
    """

    def __init__(self, argv: list[str], ncpus: int) -> None:
        self.argv = list(argv)
        self.opts = process_options(self.argv, ncpus)
        self.ncpus = ncpus
        self.stdout: list[str] = []
        self.stderr: list[str] = list(self.opts.stderr)
        self.files: dict[str, str] = {}
        self.stats: list[ThreadStat] = []
        self.shutdown = False
        self.return_code = 0
        self.start_time = 0
        self.end_time = 0
        self.done = False
        self._force_sched_other = False
        #: Called with (expected ns, wakeup ns) for every sample (a plot's timeline recorder listens).
        self.sample_hooks: list[Any] = []

    #: Simulated time a runner allows beyond span_ns() for the threads to start and the program to print and exit.
    GRACE_NS = 1_000_000_000

    def span_ns(self) -> int:
        """How long the run measures (ns): -D, or -l loops of the longest thread interval, whichever ends first.
        A run without either never ends: CyclictestUsageError."""
        o = self.opts
        if not o.duration and not o.max_cycles:
            raise CyclictestUsageError("cyclictest: give -D TIME or -l LOOPS: a simulated run needs an end")
        span = o.duration * NSEC_PER_SEC if o.duration else 0
        if o.max_cycles:
            longest = o.interval + (0 if o.histogram else o.distance * (o.num_threads - 1))
            loops = o.max_cycles * longest * 1000
            span = min(span, loops) if span else loops
        return span

    # -- the measuring thread ---------------------------------------------------------------
    def timerthread(self, st: ThreadStat) -> None:
        """timerthread(): clock_nanosleep(TIMER_ABSTIME) loop; diff = now - next."""
        o = self.opts
        if st.cpu != -1:
            if sc.sched_setaffinity(0, 1 << st.cpu):
                self.stderr.append(f"WARN: Could not set CPU affinity to CPU #{st.cpu}\n")
        interval_ns = st.interval * 1000
        st.tid = sc.gettid()
        if sc.sched_setscheduler(0, st.policy, st.prio if st.policy in (sc.SCHED_FIFO, sc.SCHED_RR) else 0):
            self.stderr.append(f"FATAL: timerthread{st.cpu}: failed to set priority to {st.prio}\n")
            st.threadstarted = -1
            return
        now = sc.clock_gettime(sc.CLOCK_MONOTONIC)
        nxt = now + interval_ns
        stop = now + o.duration * NSEC_PER_SEC if o.duration else 0
        st.threadstarted += 1
        while not self.shutdown:
            if sc.clock_nanosleep(sc.CLOCK_MONOTONIC, sc.TIMER_ABSTIME, nxt) != 0:
                break
            now = sc.clock_gettime(sc.CLOCK_MONOTONIC)
            diff = _calcdiff(now, nxt, o.use_nsecs)
            st.samples_ns.append(now - nxt)
            st.wakeups_ns.append(now)
            for hook in self.sample_hooks:
                hook(nxt, now)
            if diff < st.min:
                st.min = diff
            if diff > st.max:
                st.max = diff
            st.avg += float(diff)
            if o.duration and _calcdiff(now, stop, False) >= 0:
                self.shutdown = True
            st.act = diff
            if o.verbose:
                st.values.append(diff)
            if st.hist is not None:
                st.hist.sample(diff)
            st.cycles += 1
            nxt += interval_ns
            while now > nxt:
                nxt += interval_ns
            if o.max_cycles and o.max_cycles == st.cycles:
                break
        # Back to SCHED_OTHER before exiting, as the real thread does.
        sc.sched_setscheduler(0, sc.SCHED_OTHER, 0)
        st.threadstarted = -1

    # -- output ------------------------------------------------------------------------------
    def stat_line(self, st: ThreadStat) -> str:
        """print_stat()'s line."""
        avg = int(st.avg / st.cycles) if st.cycles else 0
        if self.opts.use_nsecs:
            return (f"T:{st.index:2d} ({st.tid:5d}) P:{st.prio:2d} I:{st.interval} C:{st.cycles:7d} "
                    f"Min:{st.min:7d} Act:{st.act:8d} Avg:{avg:8d} Max:{st.max:8d}\n")  # fmt: skip
        return (f"T:{st.index:2d} ({st.tid:5d}) P:{st.prio:2d} I:{st.interval} C:{st.cycles:7d} "
                f"Min:{st.min:7d} Act:{st.act:5d} Avg:{avg:5d} Max:{st.max:8d}\n")  # fmt: skip

    def print_stat(self, st: ThreadStat, verbose: bool, quiet: bool) -> None:
        if not verbose:
            if not quiet:
                self.stdout.append(self.stat_line(st))
            return
        # The real program reads a ring of VALBUF_SIZE values; here every value not printed yet is kept.
        for diff in st.values:
            if diff > st.redmax:
                st.redmax = diff
                st.cycleofmax = st.cyclesread
            st.reduce += 1
            if st.reduce == 1:  # oscope_reduction is 1 (-o is not modelled)
                self.stdout.append(f"{st.index:8d}:{st.cycleofmax:8d}:{st.redmax:8d}\n")
                st.reduce = 0
                st.redmax = 0
            st.cyclesread += 1
        st.values.clear()

    def hist_text(self) -> str:
        """print_hist()."""
        o = self.opts
        out = ["# Histogram\n"]
        hists = [st.hist for st in self.stats if st.hist is not None]
        for i in range(o.histogram):
            vals = [h.buckets[i] for h in hists]
            total = sum(vals)
            if total == 0:
                continue
            line = f"{i:06d} " + "\t".join(f"{v:06d}" for v in vals)
            if o.histofall:
                line += f"\t{total:06d}"
            out.append(line + "\n")
        n = len(self.stats)
        out.append("# Min Latencies:" + "".join(f" {st.min:05d}" for st in self.stats) + "\n")
        out.append("# Avg Latencies:" + "".join(f" {int(st.avg / st.cycles) if st.cycles else 0:05d}"
                                                for st in self.stats) + "\n")  # fmt: skip
        maxmax = max((st.max for st in self.stats), default=0)
        line = "# Max Latencies:" + "".join(f" {st.max:05d}" for st in self.stats)
        if o.histofall and n > 1:
            line += f" {maxmax:05d}"
        out.append(line + "\n")
        line = "# Histogram Overflows:" + "".join(f" {h.oflow_count:05d}" for h in hists)
        if o.histofall and n > 1:
            line += f" {sum(h.oflow_count for h in hists):05d}"
        out.append(line + "\n")
        out.append("# Histogram Overflow at cycle number:\n")
        for i, h in enumerate(hists):
            out.append(f"# Thread {i}: {h.oflows_text()}\n")
        out.append("\n")
        return "".join(out)

    def json_text(self, uts: dict[str, str], realtime: bool) -> str:
        """rt_write_json() with cyclictest's write_stats()."""
        o = self.opts
        out = ["{\n", '  "file_version": 1,\n', f'  "cmdline:": "{" ".join(["cyclictest", *self.argv])}",\n',
               f'  "rt_test_version:": "{RT_TESTS_VERSION:1.2f}",\n',
               f'  "start_time": "{_timestamp(self.start_time)}",\n', f'  "end_time": "{_timestamp(self.end_time)}",\n',
               f'  "return_code": {self.return_code},\n', '  "sysinfo": {\n',
               f'    "sysname": "{uts["sysname"]}",\n', f'    "nodename": "{uts["nodename"]}",\n',
               f'    "release": "{uts["release"]}",\n', f'    "version": "{uts["version"]}",\n',
               f'    "machine": "{uts["machine"]}",\n', f'    "realtime": {int(realtime)}\n', "  },\n",
               f'  "num_threads": {o.num_threads},\n', f'  "resolution_in_ns": {int(o.use_nsecs)},\n',
               '  "thread": {\n']  # fmt: skip
        for i, st in enumerate(self.stats):
            out.append(f'    "{i}": {{\n')
            if st.hist is not None:
                out.append('      "histogram": {' + st.hist.json_text() + "      },\n")
            avg = st.avg / st.cycles if st.cycles else math.nan
            out.append(f'      "cycles": {st.cycles},\n      "min": {st.min},\n      "max": {st.max},\n')
            out.append(f'      "avg": {"-nan" if math.isnan(avg) else f"{avg:.2f}"},\n')
            # SIMPLIFICATION: no NUMA: "node" is -1, as cyclictest prints it without libnuma nodes.
            out.append(f'      "cpu": {st.cpu},\n      "node": -1\n')
            out.append(f"    }}{'' if i == len(self.stats) - 1 else ','}\n")
        out.append("  }\n}\n")
        return "".join(out)

    # -- the main thread ---------------------------------------------------------------------
    def main(self) -> int:
        """main(): start the threads, refresh the status every 10 ms, then print the summary."""
        o = self.opts
        self.start_time = sc.clock_gettime(sc.CLOCK_REALTIME)
        if o.verbose:
            online = sc.sysconf_nprocessors_onln()
            self.stdout.append(f"Max CPUs = {self.ncpus}\nOnline CPUs = {online}\n")
        if o.lockall and sc.mlockall(sc.MCL_CURRENT | sc.MCL_FUTURE) != 0:
            self.stderr.append("mlockall: Invalid argument\n")
            return 1
        main_mask = sc.sched_getaffinity(0)
        interval = o.interval
        priority = o.priority
        tasks: list[Task] = []
        for i in range(o.num_threads):
            if o.setaffinity == AFFINITY_SPECIFIED:
                cpu = _nth_cpu(o.affinity_mask, i)
                if o.verbose:
                    self.stdout.append(f"Thread {i} using cpu {cpu}.\n")
            elif o.setaffinity == AFFINITY_USEALL:
                cpu = _nth_cpu(main_mask, i)
            else:
                cpu = -1
            if priority and o.policy in (sc.SCHED_FIFO, sc.SCHED_RR):
                policy = o.policy
            else:
                policy = sc.SCHED_OTHER
                self._force_sched_other = True
            st = ThreadStat(index=i, prio=priority, policy=policy, interval=interval, cpu=cpu)
            if o.priospread:
                priority -= 1
            if not o.histogram:
                interval += o.distance
            if o.verbose:
                self.stdout.append(f"Thread {i} Interval: {interval}\n")
            if o.histogram:
                st.hist = Histogram(o.histogram)
            self.stats.append(st)
            tasks.append(sc.thread_create(self.timerthread, (st,), "cyclictest"))
        policystr = _POLICY_NAMES[o.policy]
        slash, policystr2 = ("/", "other") if self._force_sched_other else ("", "")
        while not self.shutdown:
            allstopped = 0
            if not o.verbose and not o.quiet:
                lavg = sc.read_file("/proc/loadavg")
                lavg_text = lavg[:-1] if isinstance(lavg, str) else ""
                self.stdout.append(f"policy: {policystr}{slash}{policystr2}: loadavg: {lavg_text}          \n\n")
            for st in self.stats:
                self.print_stat(st, o.verbose, o.quiet)
                if o.max_cycles and st.cycles >= o.max_cycles:
                    allstopped += 1
            sc.usleep(10000)
            if self.shutdown or allstopped:
                break
            if not o.verbose and not o.quiet:
                self.stdout.append(f"\033[{o.num_threads + 2}A")
        self.shutdown = True
        sc.usleep(50000)
        self.end_time = sc.clock_gettime(sc.CLOCK_REALTIME)
        if o.jsonfile:
            realtime = sc.read_file("/sys/kernel/realtime")
            self.write_json(sc.uname(), realtime == "1\n")
        for st, t in zip(self.stats, tasks):
            if st.threadstarted > 0:
                sc.tgkill(t.pid)
            sc.thread_join(t)
            if o.quiet and not o.histogram:
                self.print_stat(st, False, False)
        if o.histogram:
            self.write_hist()
        self.done = True
        return self.return_code

    def write_json(self, uts: dict[str, str], realtime: bool) -> None:
        """--json=FILE: the document into FILE, or to stdout for ``-``."""
        text = self.json_text(uts, realtime)
        if self.opts.jsonfile == "-":
            self.stdout.append(text)
        else:
            self.files[self.opts.jsonfile] = text

    def write_hist(self) -> None:
        """-h: the histogram into --histfile, or to stdout."""
        text = self.hist_text()
        if self.opts.histfile:
            self.files[self.opts.histfile] = text
        else:
            self.stdout.append(text)

    @property
    def output(self) -> str:
        return "".join(self.stdout)


def _nth_cpu(mask: int, n: int) -> int:
    """cpu_for_thread_sp()/_ua(): the (n mod weight)-th CPU of ``mask``."""
    cpus = [c for c in range(mask.bit_length()) if mask >> c & 1]
    return cpus[n % len(cpus)]


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _timestamp(realtime_ns: int) -> str:
    """get_timestamp(): strftime("%a, %d %b %Y %T %z") of a CLOCK_REALTIME stamp, in UTC (C locale)."""
    import datetime

    d = datetime.datetime.fromtimestamp(realtime_ns // NSEC_PER_SEC, datetime.UTC)
    return f"{_DAYS[d.weekday()]}, {d.day:02d} {_MONTHS[d.month - 1]} {d.year} {d:%H:%M:%S} +0000"


def run_program(prog: Any) -> int:
    """The user task's entry: run ``prog.main()``."""
    return int(prog.main())
