"""LatencyHistogram: HDR histograms in ns that merge across runs and keep their percentiles."""

import pytest
from hdrh.histogram import HdrHistogram

from irqlab.latency import LatencyHistogram


def test_percentiles_min_max_and_mean_of_recorded_latencies():
    """100 samples of 1..100 µs: p50 is 50 µs and p99 99 µs within HDR's 3 significant digits."""
    h = LatencyHistogram("t")
    h.record_all(us * 1000 for us in range(1, 101))
    assert (h.count, h.min) == (100, 1000)
    assert h.percentile(50) == 50015
    assert h.percentile(99) == 99007
    assert h.max == 100031
    assert h.mean == pytest.approx(50500, rel=1e-3)


def test_histograms_merge_across_runs_and_round_trip_through_hdrhistogram():
    """a + b holds both runs; to_hdr() is an hdrh HdrHistogram and from_hdr()/decode() restore the samples."""
    a, b = LatencyHistogram("a"), LatencyHistogram("b")
    a.record(5_000, count=3)
    b.record(2_000_000_000)
    c = a + b
    assert (c.count, a.count, b.count) == (4, 3, 1)
    assert isinstance(c.to_hdr(), HdrHistogram)
    assert LatencyHistogram.from_hdr(c.to_hdr()).percentiles((50, 100)) == c.percentiles((50, 100))
    assert LatencyHistogram.decode(c.encode()).count == 4
    a += b
    assert a.count == 4


def test_buckets_and_bad_arguments():
    """buckets() groups samples by width; a percentile outside 0..100 or a zero width is refused."""
    h = LatencyHistogram()
    h.record_all([1200, 1800, 3500])
    assert h.buckets(1000) == [(1000, 2), (3000, 1)]
    with pytest.raises(ValueError, match="within 0..100"):
        h.percentile(101)
    with pytest.raises(ValueError, match="positive"):
        h.buckets(0)
