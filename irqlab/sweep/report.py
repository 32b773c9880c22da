"""The sweep's summary table (rich or plain text), its failure list, and the metric-vs-parameter plot."""

from __future__ import annotations

import math
import shlex
from collections.abc import Sequence
from typing import Any

import pandas as pd

from irqlab.sweep.results import HIST_PREFIX, PointSummary, Stat, param_columns, summarize


def fmt(v: float) -> str:
    """A figure with 4 significant digits, integers as integers."""
    if math.isnan(v):
        return "-"
    if float(v).is_integer() and abs(v) < 1e15:
        return str(int(v))
    return f"{v:.4g}"


def _with_ci(v: float, ci: tuple[float, float]) -> str:
    return f"{fmt(v)} [{fmt(ci[0])}-{fmt(ci[1])}]"


def _point(params: dict[str, Any]) -> str:
    return " ".join(f"{k}={v}" for k, v in params.items()) or "(no parameters)"


def rerun_command(scenario: str, params: dict[str, Any], seed: int) -> str:
    """The command that re-runs one run alone and shows its dmesg: ``irqlab sweep FILE --seeds S --param k=v --dmesg``."""
    args = ["irqlab", "sweep", scenario, "--seeds", str(seed)]
    for k, v in params.items():
        args += ["--param", f"{k}={v}"]
    return " ".join(shlex.quote(a) for a in [*args, "--dmesg"])


def seed_ranges(seeds: Sequence[int]) -> str:
    """Seeds written compactly: [1, 2, 3, 7] -> "1-3, 7"."""
    parts: list[str] = []
    ordered = sorted(seeds)
    start = prev = ordered[0] if ordered else 0
    for s in ordered[1:] + [None]:  # type: ignore[list-item]
        if s is not None and s == prev + 1:
            prev = s
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if s is not None:
            start = prev = s
    return ", ".join(parts)


def table_rows(summaries: Sequence[PointSummary], metrics: Sequence[str]) -> list[list[str]]:
    """The summary as rows: point, runs, failed, metric, p50 [CI], p99 [CI], max (seed)."""
    rows: list[list[str]] = []
    for ps in summaries:
        first = True
        for m in metrics:
            st: Stat | None = ps.stats.get(m)
            cells = ["-", "-", "-"] if st is None else [
                _with_ci(st.p50, st.p50_ci), _with_ci(st.p99, st.p99_ci),
                fmt(st.max) + (f" (seed {st.max_seed})" if st.max_seed is not None else " (merged)"),
            ]  # fmt: skip
            lead = [_point(ps.params), str(ps.runs), str(len(ps.failed))] if first else ["", "", ""]
            rows.append([*lead, m, *cells])
            first = False
    return rows


HEADERS = ["point", "runs", "failed", "metric", "p50 [95% CI]", "p99 [95% CI]", "max"]


def failure_lines(summaries: Sequence[PointSummary], scenario: str, limit: int = 20) -> list[str]:
    """Failed runs per point (seed and error) and seeds whose kernel reported a BUG or an Oops, each with
    the command that re-runs one of them alone."""
    out: list[str] = []
    for ps in summaries:
        if ps.failed:
            out.append(f"{_point(ps.params)}: {len(ps.failed)} of {ps.runs} runs failed")
            by_error: dict[str, list[int]] = {}
            for seed, err in ps.failed.items():
                by_error.setdefault(err, []).append(seed)
            for err, seeds in list(by_error.items())[:limit]:
                out.append(f"  seed{'s' if len(seeds) > 1 else ''} {seed_ranges(seeds)}: {err}")
            if len(by_error) > limit:
                out.append(f"  ... and {len(by_error) - limit} other errors (the rows with status != ok)")
            out.append(f"  re-run one alone: {rerun_command(scenario, ps.params, next(iter(ps.failed)))}")
        if ps.buggy:
            out.append(f"{_point(ps.params)}: the kernel reported a BUG or an Oops with seed(s) {seed_ranges(ps.buggy)}")
            out.append(f"  re-run one alone: {rerun_command(scenario, ps.params, ps.buggy[0])}")
    return out


def plain_summary(frame: pd.DataFrame, metrics: Sequence[str], scenario: str) -> str:
    """The summary table and failure list as plain text."""
    summaries = summarize(frame, metrics)
    rows = [HEADERS, *table_rows(summaries, metrics)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADERS))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    fails = failure_lines(summaries, scenario)
    return "\n".join(lines + ([""] + fails if fails else [])) + "\n"


def print_summary(frame: pd.DataFrame, metrics: Sequence[str], scenario: str, title: str) -> None:
    """Print the summary table and failure list with rich."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    con = Console(soft_wrap=True)
    summaries = summarize(frame, metrics)
    t = Table(title=title, box=box.SIMPLE_HEAD)
    t.add_column("point", overflow="fold", min_width=15)
    t.add_column("metric", no_wrap=True)
    for h in HEADERS[4:]:
        t.add_column(h, no_wrap=True)
    for row in table_rows(summaries, metrics):
        if row[0] and t.row_count:
            t.add_section()
        point = ""
        if row[0]:  # one parameter per line, then the run counts: keeps the table narrow
            point = row[0].replace(" ", "\n") + f"\n{row[1]} runs" + (f"\n[red]{row[2]} failed[/]" if row[2] != "0" else "")
        t.add_row(point, *row[3:])
    con.print(t)
    for line in failure_lines(summaries, scenario):
        con.print(line, style="red" if not line.startswith("  re-run") else "dim", highlight=False)


def plot(frame: pd.DataFrame, metrics: Sequence[str], path: str, x: str | None = None) -> str:
    """Draw each metric against parameter ``x`` (default: the first parameter with several values), one line
    per combination of the other parameters: the p50 over seeds, a band from p10 to p90 and the max as
    markers (for a histogram metric: the merged p50, band to p99, max). Writes ``path``; returns the x used."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = param_columns(frame)
    if x is None:
        multi = [n for n in names if frame[n].nunique() > 1]
        x = multi[0] if multi else (names[0] if names else "seed")
    if x != "seed" and x not in names:
        raise ValueError(f"cannot plot against {x!r}: the parameters are {', '.join(names) or '(none)'}")
    others = [n for n in names if n != x]
    ok = frame[frame["status"] == "ok"]
    fig, axes = plt.subplots(len(metrics), 1, figsize=(7.5, 3.2 * len(metrics)), squeeze=False)
    xs_all = list(dict.fromkeys(frame[x])) if x != "seed" else []
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in xs_all)
    for ax, m in zip(axes[:, 0], metrics):
        groups = ok.groupby(others, sort=False) if others else [((), ok)]
        for key, rows in groups:
            key_t = key if isinstance(key, tuple) else (key,)
            label = " ".join(f"{k}={v}" for k, v in zip(others, key_t)) or None
            if x == "seed":
                col = rows[m] if m in rows else None
                if col is not None:
                    ax.plot(rows["seed"], col, ".", label=label)
                continue
            pts = summarize(rows, [m])
            xv, p50, lo, hi, mx = [], [], [], [], []
            for ps in pts:
                st = ps.stats.get(m)
                if st is None:
                    continue
                xpos = ps.params[x] if numeric else xs_all.index(ps.params[x])
                xv.append(xpos)
                p50.append(st.p50)
                mx.append(st.max)
                if HIST_PREFIX + m in rows:
                    lo.append(st.p50)
                    hi.append(st.p99)
                else:
                    vals = rows[rows[x] == ps.params[x]][m].astype(float)
                    lo.append(float(vals.quantile(0.1)))
                    hi.append(float(vals.quantile(0.9)))
            line = ax.plot(xv, p50, "o-", label=label)[0]
            ax.fill_between(xv, lo, hi, alpha=0.2, color=line.get_color())
            ax.plot(xv, mx, "v", color=line.get_color(), alpha=0.6)
        ax.set_ylabel(f"{m}\n(merged: p50, band to p99)" if HIST_PREFIX + m in ok else m, fontsize="small")
        ax.grid(alpha=0.3)
        if not numeric and x != "seed":
            ax.set_xticks(range(len(xs_all)), [str(v) for v in xs_all])
        if others:
            ax.legend(fontsize="small")
    axes[-1, 0].set_xlabel(x)
    band = "p10-p90 band, max as triangles" if x != "seed" else "one dot per run"
    fig.suptitle(f"p50 over seeds ({band})", fontsize="medium")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return x
