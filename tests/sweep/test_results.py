"""Per-point statistics: nearest-rank p50/p99 with bootstrap intervals, merged histograms, failed seeds."""

from hdrh.histogram import HdrHistogram

from irqlab.sweep.results import histogram_stat, number_stat, rows_frame, summarize
from irqlab.sweep.scenario import RunResult, encode_histogram


def test_number_quantiles_are_nearest_rank_with_intervals_around_them():
    """Over 1..100 the p50 is 50 and the p99 99, each inside its interval; the max names its first seed."""
    st = number_stat(list(range(1, 101)), list(range(101, 201)))
    assert (st.n, st.p50, st.p99, st.max, st.max_seed) == (100, 50.0, 99.0, 100.0, 200)
    assert st.p50_ci[0] <= 50 <= st.p50_ci[1] and st.p50_ci[1] - st.p50_ci[0] < 25
    assert st.p99_ci[0] <= 99 <= st.p99_ci[1] <= 100
    assert number_stat([7, 7, 7], [3, 1, 2]).max_seed == 3  # the first seed in row order that reached the max
    assert number_stat([], []) is None


def _hist(values):
    h = HdrHistogram(1, 1_000_000, 3)
    for v in values:
        h.record_value(v)
    return encode_histogram(h)


def test_histogram_figures_are_those_of_the_merged_histogram():
    """Two runs, 10 µs x 60 and 1000 µs x 40: merged p50 10, p99 and max 1000 (hdrh's bucket for 1000)."""
    st = histogram_stat([_hist([10] * 60), _hist([1000] * 40)])
    assert (st.n, st.p50, st.p99, st.max, st.max_seed) == (100, 10.0, 1000.0, 1000.0, None)
    assert st.p99_ci == (10.0, 1000.0)  # a resample may draw only the first run


def test_summary_lists_failed_seeds_per_point_and_skips_them_in_statistics():
    """A point's failed runs are listed by seed with their error; its statistics use only the ok runs."""
    rows = [RunResult({"hz": 100}, 1, "ok", numbers={"irqs": 5}), RunResult({"hz": 100}, 2, "failed", "ValueError: x"),
            RunResult({"hz": 100}, 3, "ok", numbers={"irqs": 9}), RunResult({"hz": 250}, 1, "timeout", "exceeded")]
    [a, b] = summarize(rows_frame(rows, ["hz"]), ["irqs"])
    assert (a.params, a.runs, a.failed) == ({"hz": 100}, 3, {2: "failed: ValueError: x"})
    assert (a.stats["irqs"].p50, a.stats["irqs"].max, a.stats["irqs"].max_seed) == (5.0, 9.0, 3)
    assert (b.params, b.failed, b.stats["irqs"]) == ({"hz": 250}, {1: "timeout: exceeded"}, None)
