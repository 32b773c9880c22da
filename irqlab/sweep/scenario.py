"""The sweep's scenario protocol: load a scenario file, run it at one parameter point and seed, measure it.

A scenario is a Python file in one of two shapes (the ones ``irqlab run`` accepts):

- a **scenario script** defining ``main(seed, **params) -> Machine`` (or ``scenario(...)``): every swept
  parameter is passed to it as a keyword argument, so it must accept the names swept (or ``**params``);
- a **driver module** defining ``module_init()``: it is loaded on a board booted with the swept board
  parameters (``hz``, ``preempt``, ``cpus``; the board is ``BOARD``, default "generic"), run for ``RUN_FOR``
  (default "1s") and unloaded.

Optional declarations, read by the sweep:

- ``PARAMS = {"debounce_ms": [2, 5, 10], "profile": ["typical", "worn"]}``: the parameters and the values
  swept when the command line does not name them (``--param`` overrides one);
- ``METRICS = ("lost", "latency_us")``: the names ``metrics()`` returns, in the order tables show them;
- ``metrics(m: Machine) -> dict``: name -> number (int, float, bool) or name -> histogram (an
  ``hdrh.histogram.HdrHistogram`` or any object with ``to_hdr()`` returning one); it runs after ``main``
  returned, in the same module namespace, so it may read what ``main`` left there.

Every run also gets the default metrics (:data:`DEFAULT_METRICS`), read from what the kernel shows:
simulated time, the device-interrupt, IPI and softirq totals of /proc/interrupts and /proc/softirqs, and
the number of kernel reports by kind (WARNING, BUG, Oops).

Each run executes the file afresh in a new namespace, so module-level driver state never leaks from
one run to the next, and a run depends only on (source, parameters, seed): the same point gives the
same metrics in any process, on any machine.
"""

from __future__ import annotations

import hashlib
import inspect
import math
import os
import time
import traceback
import types
from dataclasses import dataclass, field
from typing import Any

from irqlab import Machine, boot
from irqlab.sweep.watchdog import WallLimitExceeded, wall_limit

#: Parameters a driver module (no ``main``) can sweep: they go to :func:`irqlab.boot`.
BOARD_PARAMS = ("hz", "preempt", "cpus")

#: The metrics every run reports, whatever the scenario declares.
DEFAULT_METRICS = ("sim_time_ms", "irqs", "ipis", "softirqs", "warnings", "bugs", "oopses")

#: Names a parameter or a metric may not take: they are columns of every result row.
RESERVED = ("seed", "status", "error", "scenario", "wall_s")

#: Statuses of a run: it returned, it raised (inside irqlab or the scenario), it ran past its wall limit.
STATUS_OK, STATUS_FAILED, STATUS_TIMEOUT = "ok", "failed", "timeout"


@dataclass(frozen=True)
class Scenario:
    """A scenario file, loaded and checked once; picklable, so it travels to Dask workers as is.

    ``source`` is the file's text (workers need irqlab installed, not the file); ``params`` the declared
    parameters with their default sweep values; ``metrics`` the declared metric names.
    """

    path: str
    source: str
    kind: str  # "main" or "module"
    params: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    metrics: tuple[str, ...] = ()
    #: Keyword parameters ``main`` accepts; None when it takes ``**params``.
    accepts: tuple[str, ...] | None = ()
    #: The file's ``BOARD`` (driver modules only).
    board: str = "generic"
    #: Whether the file defines ``metrics(m)``.
    has_metrics: bool = False

    @property
    def digest(self) -> str:
        """A short hash of the source: Dask task keys and result files name the version that ran."""
        return hashlib.sha256(self.source.encode()).hexdigest()[:12]

    @property
    def name(self) -> str:
        return os.path.splitext(os.path.basename(self.path))[0]

    @property
    def tag(self) -> str:
        """``name@digest``: the ``scenario`` column of every result row, naming the version that ran."""
        return f"{self.name}@{self.digest}"

    def check_param(self, name: str) -> None:
        """Raise ValueError if this scenario cannot take parameter ``name``."""
        if name in RESERVED:
            raise ValueError(f"{name!r} cannot be a parameter: it is a column of every result row (rename it)")
        if self.kind == "module":
            if name not in BOARD_PARAMS:
                raise ValueError(
                    f"{self.path} is a driver module (module_init, no main): it sweeps the seed and the board's "
                    f"boot parameters {', '.join(BOARD_PARAMS)}, not {name!r}; write a main(seed, {name}=...) "
                    "scenario to sweep it"
                )
            return
        if self.accepts is not None and name not in self.accepts:
            raise ValueError(
                f"{self.path}: main() takes no parameter {name!r}; add it as a keyword argument "
                f"(def main(seed, {name}=...)) or sweep one of: {', '.join(self.accepts) or '(none)'}"
            )


def _namespace(path: str, source: str) -> dict[str, Any]:
    """Execute the scenario source in a fresh module namespace (what runpy.run_path does)."""
    code = compile(source, path, "exec")
    ns: dict[str, Any] = {"__name__": "__irqlab_scenario__", "__file__": path, "__builtins__": __builtins__}
    exec(code, ns)
    return ns


def _entry(ns: dict[str, Any]) -> Any:
    entry = ns.get("main") or ns.get("scenario")
    return entry if callable(entry) else None


def load_scenario(path: str) -> Scenario:
    """Read and check the scenario file at ``path``.

    Raises FileNotFoundError for a missing file and ValueError/TypeError, naming the fix, for a file that
    follows neither shape or declares PARAMS/METRICS that do not fit the protocol.
    """
    if not os.path.isfile(path):
        raise FileNotFoundError(f"no scenario file {path!r}")
    with open(path, encoding="utf-8") as f:
        source = f.read()
    ns = _namespace(path, source)
    entry = _entry(ns)
    if entry is not None:
        kind = "main"
        sig = inspect.signature(entry)
        ps = list(sig.parameters.values())
        if not ps or ps[0].kind not in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD):
            raise TypeError(f"{path}: main() must take the seed as its first argument: def main(seed, ...)")
        if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in ps):
            accepts: tuple[str, ...] | None = None
        else:
            accepts = tuple(p.name for p in ps[1:] if p.kind is not inspect.Parameter.VAR_POSITIONAL)
    elif callable(ns.get("module_init")):
        kind, accepts = "module", tuple(BOARD_PARAMS)
    else:
        raise ValueError(f"{path} defines neither main(seed, ...) returning a Machine nor a module_init() driver")
    declared = ns.get("PARAMS", {})
    if not isinstance(declared, dict):
        raise TypeError(f"{path}: PARAMS must be a dict of name -> list of values, not {type(declared).__name__}")
    params: dict[str, tuple[Any, ...]] = {}
    for name, values in declared.items():
        vals = tuple(values) if isinstance(values, list | tuple | range) else (values,)
        if not vals:
            raise ValueError(f"{path}: PARAMS[{name!r}] is empty; give at least one value")
        params[str(name)] = vals
    metrics = ns.get("METRICS", ())
    if isinstance(metrics, str) or not all(isinstance(n, str) for n in metrics):
        raise TypeError(f"{path}: METRICS must be a tuple of metric names, e.g. METRICS = ('lost', 'latency_us')")
    if metrics and not callable(ns.get("metrics")):
        raise ValueError(f"{path} declares METRICS but no metrics(m) function returning them")
    for n in metrics:
        if n in RESERVED or n in DEFAULT_METRICS:
            raise ValueError(f"{path}: metric name {n!r} is taken (by a result column or a default metric); rename it")
    board = str(ns.get("BOARD", "generic"))
    sc = Scenario(path, source, kind, params, tuple(metrics), accepts, board, callable(ns.get("metrics")))
    for name in params:
        sc.check_param(name)
    return sc


# -- the default metrics ---------------------------------------------------------------------------


def _proc_totals(text: str, ncpus: int) -> tuple[int, int]:
    """(device IRQs, IPIs) summed over the per-CPU columns of /proc/interrupts text."""
    irqs = ipis = 0
    for line in text.splitlines()[1:]:
        label, _, rest = line.partition(":")
        counts = rest.split()[:ncpus]
        if not counts or not all(c.isdigit() for c in counts):
            continue  # "Err:" and "MIS:" carry one number, not a column per CPU
        total = sum(int(c) for c in counts)
        if label.strip().isdigit():
            irqs += total
        else:
            ipis += total
    return irqs, ipis


def _softirq_total(text: str) -> int:
    total = 0
    for line in text.splitlines()[1:]:
        _, _, rest = line.partition(":")
        total += sum(int(c) for c in rest.split() if c.isdigit())
    return total


def default_metrics(m: Machine) -> dict[str, float | int]:
    """The metrics of any run, from what the kernel shows: simulated time (ms), /proc/interrupts device-IRQ
    and IPI totals, the /proc/softirqs total, and the count of WARNING, BUG and Oops reports."""
    ncpus = len(m.read("/proc/softirqs").splitlines()[0].split())
    irqs, ipis = _proc_totals(m.read("/proc/interrupts"), ncpus)
    kinds = [kind for kind, _ in m.reports]
    return {
        "sim_time_ms": m.now / 1e6,
        "irqs": irqs,
        "ipis": ipis,
        "softirqs": _softirq_total(m.read("/proc/softirqs")),
        "warnings": sum(1 for k in kinds if k.startswith("WARNING")),
        "bugs": sum(1 for k in kinds if k.startswith("BUG")),
        "oopses": sum(1 for k in kinds if k.startswith("Oops")),
    }


# -- one run ---------------------------------------------------------------------------------------


def is_histogram(value: Any) -> bool:
    """Whether ``value`` is a histogram metric: an HdrHistogram, or an object with ``to_hdr()``."""
    return callable(getattr(value, "to_hdr", None)) or callable(getattr(value, "get_value_at_percentile", None))


def encode_histogram(value: Any) -> str:
    """The hdrh encoded form (base64 text) of a histogram metric: how it travels and is stored."""
    h = value.to_hdr() if callable(getattr(value, "to_hdr", None)) else value
    if not callable(getattr(h, "encode", None)):
        raise TypeError(f"to_hdr() returned {type(h).__name__}, not an hdrh.histogram.HdrHistogram")
    enc = h.encode()
    return enc.decode("ascii") if isinstance(enc, bytes) else str(enc)


def _number(name: str, value: Any) -> float | int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            raise ValueError(f"metric {name!r} is NaN; return a number (or leave the metric out)")
        return value
    raise TypeError(
        f"metric {name!r} is a {type(value).__name__}: a metric must be a number or a histogram "
        "(hdrh.histogram.HdrHistogram, or an object with to_hdr())"
    )


@dataclass
class RunResult:
    """What one run produced: its point, its seed, how it ended and what it measured.

    ``numbers`` and ``histograms`` (encoded) are empty unless ``status`` is "ok"; ``error`` is the last
    line of the exception for a failed run, or names the wall limit for a timed-out one.
    """

    params: dict[str, Any]
    seed: int
    status: str
    error: str = ""
    numbers: dict[str, float | int] = field(default_factory=dict)
    histograms: dict[str, str] = field(default_factory=dict)
    wall_s: float = 0.0


def execute(sc: Scenario, params: dict[str, Any], seed: int) -> tuple[Machine, dict[str, Any]]:
    """Run ``sc`` once at ``params`` with ``seed`` as a sweep does, without catching anything; returns the
    Machine and the scenario's namespace (its ``report(m)``, ``metrics(m)``...). For looking at one run."""
    ns = _namespace(sc.path, sc.source)
    if sc.kind == "main":
        m = _entry(ns)(seed, **params)
        if not isinstance(m, Machine):
            raise TypeError(f"{sc.path}: main(seed, ...) must return the Machine it ran, not {type(m).__name__}")
        return m, ns
    mod = types.SimpleNamespace(**ns)
    mod.__name__ = ns.get("MODULE_NAME") or sc.name
    mod.__file__ = os.path.abspath(sc.path)
    m = boot(sc.board, seed=seed, **params)
    m.insmod(mod)
    m.run(for_=ns.get("RUN_FOR", "1s"))
    m.rmmod(mod.__name__)
    return m, ns


def measure(sc: Scenario, m: Machine, ns: dict[str, Any]) -> tuple[dict[str, float | int], dict[str, str]]:
    """The default metrics and the scenario's metrics(m) of a run: (numbers, encoded histograms). Raises for
    metrics that break the protocol."""
    numbers: dict[str, float | int] = dict(default_metrics(m))
    histograms: dict[str, str] = {}
    fn = ns.get("metrics")
    if callable(fn):
        got = fn(m)
        if not isinstance(got, dict):
            raise TypeError(f"{sc.path}: metrics(m) must return a dict of name -> number or histogram")
        missing = [n for n in sc.metrics if n not in got]
        if missing:
            raise ValueError(f"{sc.path}: metrics(m) did not return the declared METRICS {missing}")
        for name, value in got.items():
            if name in RESERVED or name in DEFAULT_METRICS:
                raise ValueError(f"{sc.path}: metric name {name!r} is taken (by a result column or a default metric)")
            if is_histogram(value):
                histograms[name] = encode_histogram(value)
            else:
                numbers[name] = _number(name, value)
    return numbers, histograms


def _error_line(exc: BaseException) -> str:
    last = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    where = f" ({os.path.basename(last[0].filename)}:{last[0].lineno})" if last else ""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}{where}".strip()


def run_point(sc: Scenario, params: dict[str, Any], seed: int, limit_s: float | None = None) -> RunResult:
    """Run scenario ``sc`` once at ``params`` with ``seed`` and measure it; never raises for the run's sake.

    A run that raises (inside irqlab, the scenario or its metrics) is returned with status "failed" and
    the error; one still running after ``limit_s`` wall seconds is stopped and returned as "timeout". Only
    KeyboardInterrupt and SystemExit propagate. Called by Dask workers and by the sequential loop alike.
    """
    t0 = time.perf_counter()
    try:
        with wall_limit(limit_s):
            m, ns = execute(sc, params, seed)
            numbers, histograms = measure(sc, m, ns)
    except WallLimitExceeded:
        return RunResult(dict(params), seed, STATUS_TIMEOUT, f"exceeded the wall limit of {limit_s:g} s",
                         wall_s=time.perf_counter() - t0)  # fmt: skip
    except Exception as exc:  # noqa: BLE001 - any failure of the run is its result
        return RunResult(dict(params), seed, STATUS_FAILED, _error_line(exc), wall_s=time.perf_counter() - t0)
    return RunResult(dict(params), seed, STATUS_OK, "", numbers, histograms, time.perf_counter() - t0)


def run_batch(sc: Scenario, batch: list[tuple[int, dict[str, Any], int]],
              limit_s: float | None) -> list[tuple[int, RunResult]]:  # fmt: skip
    """One Dask task: run_point() for each (index, params, seed) of ``batch``, in order. Lives here, not with
    the Dask code, so that a worker imports only irqlab and this module to run it."""
    return [(i, run_point(sc, p, s, limit_s)) for i, p, s in batch]
