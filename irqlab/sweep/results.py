"""Sweep results: one row per run as a pandas DataFrame, Parquet/CSV files, per-point statistics.

Row columns: the parameters (in plan order), ``seed``, ``status`` ("ok", "failed", "timeout"),
``error``, every number metric, every histogram metric as hdrh's encoded text (``hist:<name>``),
``scenario`` (``name@digest`` of the file's text that ran) and ``wall_s``. Statistics are over a point's runs that ended "ok": p50 and p99 with 95 %
bootstrap confidence intervals over seeds (seeded, so the same rows give the same table), and the
max with the seed that produced it. Histogram metrics are merged across a point's runs with hdrh;
their p50/p99/max are the merged histogram's, the intervals come from resampling runs.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from irqlab.sweep.scenario import DEFAULT_METRICS, RESERVED, STATUS_OK, RunResult

HIST_PREFIX = "hist:"
BOOTSTRAP_RESAMPLES = 1000
CONFIDENCE = 0.95


def rows_frame(results: Iterable[RunResult], names: Sequence[str], scenario: str | None = None) -> pd.DataFrame:
    """A DataFrame of ``results`` with the parameter columns ``names`` first; ``scenario`` (a Scenario.tag)
    fills a ``scenario`` column when given."""
    records = []
    for r in results:
        rec: dict[str, Any] = {n: r.params.get(n) for n in names}
        rec.update(seed=r.seed, status=r.status, error=r.error)
        rec.update(r.numbers)
        rec.update({HIST_PREFIX + k: v for k, v in r.histograms.items()})
        if scenario is not None:
            rec["scenario"] = scenario
        rec["wall_s"] = r.wall_s
        records.append(rec)
    frame = pd.DataFrame.from_records(records, columns=_columns(records, names))
    return frame


def _columns(records: list[dict[str, Any]], names: Sequence[str]) -> list[str]:
    cols = [*names, "seed", "status", "error"]
    metric_cols: list[str] = []
    for rec in records:
        for k in rec:
            if k not in cols and k not in ("scenario", "wall_s") and k not in metric_cols:
                metric_cols.append(k)
    defaults = [c for c in DEFAULT_METRICS if c in metric_cols]
    rest = [c for c in metric_cols if c not in DEFAULT_METRICS]
    tail = ["scenario", "wall_s"] if any("scenario" in rec for rec in records) else ["wall_s"]
    return cols + defaults + rest + tail


def param_columns(frame: pd.DataFrame) -> list[str]:
    """The parameter columns of a results frame: those before ``seed``."""
    cols = list(frame.columns)
    return cols[: cols.index("seed")] if "seed" in cols else []


def metric_columns(frame: pd.DataFrame) -> list[str]:
    """Metric names of a results frame (histograms without their ``hist:`` prefix), in column order."""
    skip = set(param_columns(frame)) | set(RESERVED)
    return [c[len(HIST_PREFIX):] if c.startswith(HIST_PREFIX) else c for c in frame.columns if c not in skip]


def save(frame: pd.DataFrame, path: str) -> None:
    """Write ``frame`` to ``path`` (.parquet or .csv), atomically (a temporary file renamed over it)."""
    tmp = f"{path}.tmp-{os.getpid()}"
    if path.endswith(".parquet"):
        frame.to_parquet(tmp, index=False)
    elif path.endswith(".csv"):
        frame.to_csv(tmp, index=False)
    else:
        raise ValueError(f"--out {path!r}: name a .parquet or .csv file")
    os.replace(tmp, path)


def load(path: str) -> pd.DataFrame:
    """Read a results file written by :func:`save`."""
    if path.endswith(".parquet"):
        frame = pd.read_parquet(path)
    elif path.endswith(".csv"):
        frame = pd.read_csv(path, keep_default_na=False, na_values=[""])
        frame["error"] = ["" if isinstance(e, float) else str(e) for e in frame["error"]]
    else:
        raise ValueError(f"{path!r}: name a .parquet or .csv file")
    if not {"seed", "status"} <= set(frame.columns):
        raise ValueError(f"{path} is not an irqlab sweep results file (no seed/status columns); choose another --out")
    return frame


def run_key(params: dict[str, Any], seed: int) -> tuple[Any, ...]:
    """The identity of a run, comparable between a plan and rows read back from a file."""
    return (*(f"{k}={_norm(v)}" for k, v in sorted(params.items())), int(seed))


def _norm(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, np.generic):
        return _norm(v.item())
    return str(v)


def frame_keys(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    """run_key() of every row of a results frame."""
    names = param_columns(frame)
    return [run_key({n: row[n] for n in names}, row["seed"]) for _, row in frame.iterrows()]


# -- statistics -------------------------------------------------------------------------------------


@dataclass
class Stat:
    """p50, p99 (each with a confidence interval) and max of one metric at one point."""

    n: int
    p50: float
    p50_ci: tuple[float, float]
    p99: float
    p99_ci: tuple[float, float]
    max: float
    #: Seed of the run that produced the max (numbers only; None for merged histograms).
    max_seed: int | None = None


def _q(sorted_values: np.ndarray, q: float) -> float:
    """Nearest-rank quantile (the smallest value with at least q of the mass at or below it), as hdrh."""
    n = len(sorted_values)
    return float(sorted_values[max(0, math.ceil(q * n) - 1)])


def number_stat(values: Sequence[float], seeds: Sequence[int]) -> Stat | None:
    """Stat of one number metric over a point's runs (None without runs)."""
    v = np.asarray(values, dtype=float)
    if len(v) == 0:
        return None
    sv = np.sort(v)
    ranks = {q: max(0, math.ceil(q * len(v)) - 1) for q in (0.5, 0.99)}
    rng = np.random.default_rng(0)
    # Only the two order statistics are needed from each resample: partition, not sort.
    samples = np.partition(v[rng.integers(0, len(v), (BOOTSTRAP_RESAMPLES, len(v)))], sorted(set(ranks.values())), axis=1)
    lo, hi = (1 - CONFIDENCE) / 2, 1 - (1 - CONFIDENCE) / 2

    def ci(q: float) -> tuple[float, float]:
        col = samples[:, ranks[q]]
        return float(np.quantile(col, lo, method="inverted_cdf")), float(np.quantile(col, hi, method="inverted_cdf"))

    return Stat(len(v), _q(sv, 0.5), ci(0.5), _q(sv, 0.99), ci(0.99), float(sv[-1]), int(seeds[int(np.argmax(v))]))


def decode(encoded: str) -> Any:
    """An hdrh HdrHistogram from its encoded text."""
    from hdrh.histogram import HdrHistogram

    return HdrHistogram.decode(encoded.encode("ascii"))


def merge(encoded: Iterable[str]) -> Any:
    """One HdrHistogram holding every histogram in ``encoded`` (None for none)."""
    merged = None
    for e in encoded:
        h = decode(e)
        if merged is None:
            merged = h
        else:
            merged.add(h)
    return merged


def histogram_stat(encoded: Sequence[str]) -> Stat | None:
    """Stat of one histogram metric over a point's runs: the merged histogram's p50/p99/max, and
    intervals from resampling the runs (each resample merged again)."""
    hists = [decode(e) for e in encoded]
    per_run: list[dict[int, int]] = []
    for h in hists:
        # The counts array directly (hdrh's recorded iterator walks every bucket in Python): each
        # non-empty bucket stands for its highest equivalent value, as get_value_at_percentile() says.
        counts_arr = np.ctypeslib.as_array(h.counts)[: h.counts_len]
        counts: dict[int, int] = {}
        for idx in np.nonzero(counts_arr)[0]:
            v = int(h.get_highest_equivalent_value(h.get_value_from_index(int(idx))))
            counts[v] = counts.get(v, 0) + int(counts_arr[idx])
        per_run.append(counts)
    values = sorted({v for c in per_run for v in c})
    if not values:
        return None
    col = {v: i for i, v in enumerate(values)}
    mat = np.zeros((len(per_run), len(values)))
    for r, c in enumerate(per_run):
        for v, n in c.items():
            mat[r, col[v]] = n
    vals = np.asarray(values, dtype=float)
    rng = np.random.default_rng(0)
    n = len(per_run)
    weights = np.zeros((BOOTSTRAP_RESAMPLES, n))
    picks = rng.integers(0, n, (BOOTSTRAP_RESAMPLES, n))
    np.add.at(weights, (np.repeat(np.arange(BOOTSTRAP_RESAMPLES), n), picks.ravel()), 1)
    resampled = weights @ mat  # each row: one merged histogram
    full = mat.sum(axis=0)

    def quantile(counts: np.ndarray, q: float) -> np.ndarray:
        counts = np.atleast_2d(counts)
        cum = counts.cumsum(axis=1)
        target = np.ceil(q * cum[:, -1:])
        target = np.maximum(target, 1)
        idx = np.argmax(cum >= target, axis=1)
        out = vals[idx]
        out[cum[:, -1] == 0] = np.nan
        return out

    lo, hi = (1 - CONFIDENCE) / 2, 1 - (1 - CONFIDENCE) / 2

    def ci(q: float) -> tuple[float, float]:
        col_ = quantile(resampled, q)
        col_ = col_[~np.isnan(col_)]
        return float(np.quantile(col_, lo, method="inverted_cdf")), float(np.quantile(col_, hi, method="inverted_cdf"))

    return Stat(int(full.sum()), float(quantile(full, 0.5)[0]), ci(0.5), float(quantile(full, 0.99)[0]), ci(0.99),
                float(vals[np.nonzero(full)[0][-1]]))  # fmt: skip


@dataclass
class PointSummary:
    """One parameter point: its runs, the failed ones (seed -> error) and a Stat per metric."""

    params: dict[str, Any]
    runs: int
    failed: dict[int, str] = field(default_factory=dict)
    #: Seeds whose kernel reported a BUG or an Oops (the run itself ended "ok").
    buggy: list[int] = field(default_factory=list)
    stats: dict[str, Stat | None] = field(default_factory=dict)


def summarize(frame: pd.DataFrame, metrics: Sequence[str] | None = None) -> list[PointSummary]:
    """Per-point statistics of ``metrics`` (default: every metric) over the rows of ``frame``, in row order."""
    names = param_columns(frame)
    available = metric_columns(frame)
    wanted = list(metrics) if metrics else available
    unknown = [m for m in wanted if m not in available]
    if unknown and (frame["status"] == STATUS_OK).any():  # with no ok run, no metric was measured
        raise ValueError(f"no metric {', '.join(unknown)} in these results; the metrics are: {', '.join(available)}")
    out: list[PointSummary] = []
    groups = frame.groupby(names, sort=False, dropna=False) if names else [((), frame)]
    for key, rows in groups:
        key_t = key if isinstance(key, tuple) else (key,)
        ps = PointSummary(dict(zip(names, (_py(k) for k in key_t))), len(rows))
        bad = rows[rows["status"] != STATUS_OK]
        ps.failed = {int(s): f"{st}: {e}" for s, st, e in zip(bad["seed"], bad["status"], bad["error"])}
        ok = rows[rows["status"] == STATUS_OK]
        if "bugs" in ok and "oopses" in ok:
            ps.buggy = [int(s) for s, b, o in zip(ok["seed"], ok["bugs"], ok["oopses"]) if b > 0 or o > 0]
        for mname in wanted:
            hcol = HIST_PREFIX + mname
            if mname in unknown:
                ps.stats[mname] = None
            elif hcol in ok:
                enc = [e for e in ok[hcol] if isinstance(e, str) and e]
                ps.stats[mname] = histogram_stat(enc) if enc else None
            else:
                sel = ok[mname].notna()
                ps.stats[mname] = number_stat(list(ok[mname][sel]), list(ok["seed"][sel]))
        out.append(ps)
    return out


def _py(v: Any) -> Any:
    return v.item() if isinstance(v, np.generic) else v
