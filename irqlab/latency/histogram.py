"""Latency histograms: HdrHistogram (the ``hdrhistogram`` package) in integer nanoseconds.

Any value from 1 ns to an hour is kept with 3 significant digits; histograms merge across runs and seeds
(``a + b``, ``a.merge(b)``), report percentiles, and convert to and from ``hdrh.histogram.HdrHistogram``
(:meth:`LatencyHistogram.to_hdr`, :meth:`LatencyHistogram.from_hdr`) and its portable base64 encoding.
"""

from __future__ import annotations

from collections.abc import Iterable

from hdrh.histogram import HdrHistogram

LOWEST_NS = 1
HIGHEST_NS = 3600 * 1_000_000_000
SIGNIFICANT_FIGURES = 3


class LatencyHistogram:
    """A mergeable latency histogram in ns. Values below 1 ns are recorded as 1 ns, values above an hour as an hour."""

    __slots__ = ("_h", "name")

    def __init__(self, name: str = "", *, _hdr: HdrHistogram | None = None) -> None:
        self.name = name
        self._h = _hdr if _hdr is not None else HdrHistogram(LOWEST_NS, HIGHEST_NS, SIGNIFICANT_FIGURES)

    # -- recording -----------------------------------------------------------------------------
    def record(self, ns: int, count: int = 1) -> None:
        """Record ``count`` samples of ``ns`` nanoseconds."""
        if count < 1:
            raise ValueError(f"count must be at least 1, not {count}")
        v = min(max(int(ns), LOWEST_NS), HIGHEST_NS)
        self._h.record_value(v, count)

    def record_all(self, values: Iterable[int]) -> None:
        for v in values:
            self.record(v)

    # -- merging and conversion ----------------------------------------------------------------
    def merge(self, other: LatencyHistogram) -> LatencyHistogram:
        """Add ``other``'s samples into this histogram; returns self."""
        self._h.add(other._h)
        return self

    def __add__(self, other: LatencyHistogram) -> LatencyHistogram:
        out = LatencyHistogram(self.name)
        out.merge(self)
        out.merge(other)
        return out

    def __iadd__(self, other: LatencyHistogram) -> LatencyHistogram:
        return self.merge(other)

    def to_hdr(self) -> HdrHistogram:
        """The underlying ``hdrh.histogram.HdrHistogram`` (values in ns)."""
        return self._h

    @classmethod
    def from_hdr(cls, h: HdrHistogram, name: str = "") -> LatencyHistogram:
        """Wrap an HdrHistogram of ns values (its samples are copied into irqlab's range)."""
        out = cls(name)
        out._h.add(h)
        return out

    def encode(self) -> str:
        """HdrHistogram's compressed base64 form (what other HdrHistogram implementations read)."""
        enc = self._h.encode()
        return enc.decode("ascii") if isinstance(enc, bytes) else str(enc)

    @classmethod
    def decode(cls, text: str, name: str = "") -> LatencyHistogram:
        return cls.from_hdr(HdrHistogram.decode(text), name)

    # -- statistics ----------------------------------------------------------------------------
    @property
    def count(self) -> int:
        return int(self._h.get_total_count())

    def __len__(self) -> int:
        return self.count

    @property
    def min(self) -> int:
        return int(self._h.get_min_value()) if self.count else 0

    @property
    def max(self) -> int:
        """The largest sample (to within the histogram's resolution: 3 significant digits)."""
        return int(self._h.get_highest_equivalent_value(self._h.get_max_value())) if self.count else 0

    @property
    def mean(self) -> float:
        return float(self._h.get_mean_value()) if self.count else 0.0

    @property
    def stddev(self) -> float:
        """The standard deviation: irqlab's "jitter"."""
        return float(self._h.get_stddev()) if self.count else 0.0

    def percentile(self, p: float) -> int:
        """The value at percentile ``p`` (0-100)."""
        if not 0 <= p <= 100:
            raise ValueError(f"a percentile is within 0..100, not {p}")
        return int(self._h.get_value_at_percentile(p)) if self.count else 0

    def percentiles(self, ps: Iterable[float] = (50, 90, 99, 99.9, 100)) -> dict[float, int]:
        return {p: self.percentile(p) for p in ps}

    def buckets(self, width_ns: int = 1000) -> list[tuple[int, int]]:
        """(bucket start ns, count) for every non-empty ``width_ns`` bucket, in order (for plots and tables)."""
        if width_ns < 1:
            raise ValueError(f"width_ns must be positive, not {width_ns}")
        out: dict[int, int] = {}
        for item in self._h.get_recorded_iterator():
            v = int(item.value_iterated_to)
            b = v // width_ns * width_ns
            out[b] = out.get(b, 0) + int(item.count_at_value_iterated_to)
        return sorted(out.items())

    def summary(self, unit: str = "us") -> str:
        """One line: count, min, p50, p99, p99.9, max, mean and stddev in ``unit`` ("ns" or "us")."""
        div = {"ns": 1, "us": 1000}[unit]
        f = (lambda v: f"{v / div:.1f}") if div > 1 else str
        return (f"{self.name + ': ' if self.name else ''}n={self.count} min={f(self.min)} p50={f(self.percentile(50))} "
                f"p99={f(self.percentile(99))} p99.9={f(self.percentile(99.9))} max={f(self.max)} "
                f"mean={f(self.mean)} stddev={f(self.stddev)} {unit}")  # fmt: skip

    def __repr__(self) -> str:
        return f"<LatencyHistogram {self.summary('ns')}>"
