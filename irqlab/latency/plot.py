"""Latency plots (the optional ``plot`` extra: matplotlib, drawn with the Agg backend into PNG files).

* :func:`latency_histogram`: counts per 1 µs bucket on a log scale, one line per thread/CPU (the OSADL style);
* :func:`cdf`: cumulative distribution of the latencies;
* :func:`timeline`: per-CPU bands (task / softirq / hardirq / idle) with the IRQ arrivals marked, over a
  window around the worst case, recorded by a :class:`TimelineRecorder` attached before the run.

``plot_cyclictest``, ``plot_rtla`` and ``plot_compare`` compose them for the tools' ``--plot out.png``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from irqlab.latency import events as ev

#: Band colours: what a CPU is doing.
COLOURS = {"idle": "#e6e6e6", "task": "#4c72b0", "softirq": "#dd8452", "hardirq": "#c44e52"}


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise RuntimeError("plots need matplotlib: pip install 'irqlab[plot]'") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


class TimelineRecorder:
    """Keeps the last ``window_ns`` of scheduling and interrupt events, and snapshots them on demand
    (``capture(t)``, e.g. when a new worst latency is seen) so that a timeline can be drawn after the run."""

    def __init__(self, m: Any, window_ns: int = 2_000_000, after_ns: int = 200_000) -> None:
        self.window_ns = window_ns
        self.after_ns = after_ns
        self.ncpus = len(m.kernel.cpus)
        self.events: deque[tuple[int, int, str, str]] = deque()
        self.running: dict[int, str] = {c: "<idle>" for c in range(self.ncpus)}
        self.snapshot: tuple[int, int, dict[int, str], list[tuple[int, int, str, str]]] | None = None
        self.mark: tuple[int, int] | None = None
        self._pending_until: int | None = None
        self._worst = -1
        self.sub = ev.Subscription(m)
        for name in ("irq_entry", "irq_exit", "softirq_entry", "softirq_exit", "sched_switch"):
            self.sub.on(name, self._on)

    def _on(self, e: Any) -> None:
        t = ev.ts(e)
        c = ev.cpu(e)
        data = str(ev.field(e, "next_comm", "")) if e.name == "sched_switch" else ""
        if e.name == "sched_switch":
            data = "<idle>" if data.startswith("swapper") else data
        self.events.append((t, c, e.name, data))
        if self._pending_until is not None and t >= self._pending_until:
            self._freeze()
        while self.events and self.events[0][0] < t - self.window_ns - self.after_ns:
            t0, c0, name0, data0 = self.events.popleft()
            if name0 == "sched_switch":
                self.running[c0] = data0

    def capture(self, expected: int, woke: int) -> None:
        """A latency from ``expected`` to ``woke``: if it is the worst so far, keep the window around it."""
        if woke - expected <= self._worst:
            return
        self._worst = woke - expected
        self.mark = (expected, woke)
        self._pending_until = woke + self.after_ns

    def _freeze(self) -> None:
        assert self.mark is not None
        expected, woke = self.mark
        lo = expected - self.window_ns // 2
        hi = woke + self.after_ns
        running = dict(self.running)
        kept = []
        for t, c, name, data in list(self.events):
            if t < lo:
                if name == "sched_switch":
                    running[c] = data
                continue
            if t <= hi:
                kept.append((t, c, name, data))
        self.snapshot = (lo, hi, running, kept)
        self._pending_until = None

    def close(self) -> None:
        if self._pending_until is not None:
            self._freeze()
        self.sub.close()


def _series_us(series: Mapping[str, Sequence[int]]) -> dict[str, list[float]]:
    return {k: [v / 1000 for v in vals] for k, vals in series.items() if len(vals)}


def latency_histogram(ax: Any, series: Mapping[str, Sequence[int]], title: str = "Latency histogram") -> None:
    """Counts per 1 µs bucket, log scale, one step line per series (values in ns)."""
    for label, vals in _series_us(series).items():
        top = int(max(vals)) + 1
        counts = [0] * (top + 1)
        for v in vals:
            counts[int(v)] += 1
        # Every 1 µs bucket up to the maximum; empty ones are gaps on the log scale.
        ys = [c if c else float("nan") for c in counts]
        ax.step(range(top + 1), ys, where="mid", label=label, linewidth=1)
    ax.set_yscale("log")
    ax.set_xlabel("latency (µs)")
    ax.set_ylabel("samples")
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    if len(series) <= 12:
        ax.legend(fontsize="small")


def cdf(ax: Any, series: Mapping[str, Sequence[int]], title: str = "Cumulative distribution") -> None:
    """Fraction of samples at or below each latency, one line per series (values in ns)."""
    for label, vals in _series_us(series).items():
        xs = sorted(vals)
        n = len(xs)
        ax.plot(xs, [(i + 1) / n for i in range(n)], label=label, linewidth=1)
    ax.set_xscale("log")
    ax.set_xlabel("latency (µs)")
    ax.set_ylabel("fraction of samples")
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    if len(series) <= 12:
        ax.legend(fontsize="small")


def _bands(rec: TimelineRecorder) -> tuple[int, int, dict[int, list[tuple[int, int, str]]], list[tuple[int, int]]]:
    assert rec.snapshot is not None
    lo, hi, running, kept = rec.snapshot
    bands: dict[int, list[tuple[int, int, str]]] = {c: [] for c in range(rec.ncpus)}
    arrivals: list[tuple[int, int]] = []
    state = {c: ("idle" if running.get(c, "<idle>") == "<idle>" else "task") for c in range(rec.ncpus)}
    stack: dict[int, list[str]] = {c: [] for c in range(rec.ncpus)}
    since = {c: lo for c in range(rec.ncpus)}

    def cur(c: int) -> str:
        return stack[c][-1] if stack[c] else state[c]

    for t, c, name, data in kept:
        if c not in bands:
            continue
        bands[c].append((since[c], t, cur(c)))
        since[c] = t
        if name == "irq_entry":
            stack[c].append("hardirq")
            arrivals.append((t, c))
        elif name == "softirq_entry":
            stack[c].append("softirq")
        elif name in ("irq_exit", "softirq_exit"):
            if stack[c]:
                stack[c].pop()
        elif name == "sched_switch":
            state[c] = "idle" if data == "<idle>" else "task"
    for c in bands:
        bands[c].append((since[c], hi, cur(c)))
    return lo, hi, bands, arrivals


def timeline(ax: Any, rec: TimelineRecorder, title: str = "Per-CPU timeline around the worst case") -> None:
    """Bands per CPU over the recorded window; IRQ arrivals as ticks; the worst case's expiry and wakeup as lines."""
    if rec.snapshot is None:
        ax.set_title(title + " (nothing recorded)")
        return
    lo, hi, bands, arrivals = _bands(rec)
    for c, spans in bands.items():
        for kind in COLOURS:
            segs = [((a - lo) / 1000, (b - a) / 1000) for a, b, k in spans if k == kind and b > a]
            if segs:
                ax.broken_barh(segs, (c - 0.4, 0.8), facecolors=COLOURS[kind], label=kind)
    if arrivals:
        ax.plot([(t - lo) / 1000 for t, _ in arrivals], [c + 0.45 for _, c in arrivals], "v", color="black",
                markersize=3, label="IRQ arrival")  # fmt: skip
    if rec.mark is not None:
        e, w = rec.mark
        ax.axvline((e - lo) / 1000, color="green", linestyle="--", linewidth=1, label="timer expiry")
        ax.axvline((w - lo) / 1000, color="purple", linestyle="--", linewidth=1, label="thread runs")
    handles, labels = ax.get_legend_handles_labels()
    uniq = dict(zip(labels, handles))
    ax.legend(uniq.values(), uniq.keys(), fontsize="small", loc="upper right", ncol=3)
    ax.set_yticks(range(rec.ncpus))
    ax.set_yticklabels([f"CPU{c}" for c in range(rec.ncpus)])
    ax.set_xlabel(f"µs from {lo / 1e6:.3f} ms")
    ax.set_title(title)
    ax.set_xlim(0, (hi - lo) / 1000)


def save(path: str, series: Mapping[str, Sequence[int]], rec: TimelineRecorder | None, title: str) -> None:
    """Histogram and CDF (and the timeline when recorded) into one PNG."""
    plt = _pyplot()
    rows = 3 if rec is not None else 2
    fig, axes = plt.subplots(rows, 1, figsize=(10, 4 * rows))
    latency_histogram(axes[0], series, f"{title}: latency histogram")
    cdf(axes[1], series, f"{title}: cumulative distribution")
    if rec is not None:
        timeline(axes[2], rec)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_cyclictest(prog: Any, m: Any, path: str, rec: TimelineRecorder | None = None) -> None:
    """A cyclictest run's latencies, one series per measuring thread."""
    series = {f"T{st.index} (CPU{st.cpu})" if st.cpu >= 0 else f"T{st.index}": st.samples_ns for st in prog.stats}
    save(path, series, rec, "cyclictest")


def plot_rtla(prog: Any, m: Any, path: str, rec: TimelineRecorder | None = None) -> None:
    """An rtla timerlat run's thread latencies per CPU."""
    series = {f"Thr-{c:03d}": d.thread_ns for c, d in prog.data.items() if len(d.thread_ns)}
    save(path, series, rec, "rtla timerlat")


def plot_compare(rows: Iterable[Any], path: str) -> None:
    """The comparison: one series per mechanism and load, from the merged histograms."""
    series: dict[str, list[int]] = {}
    for r in rows:
        vals: list[int] = []
        for start, count in r.hist.buckets(100):
            vals.extend([start] * count)
        series[f"{r.mechanism} {r.load}"] = vals
    save(path, series, None, "event -> bottom half")
