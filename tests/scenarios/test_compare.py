"""irqlab compare: the seed-001 button through six bottom halves under idle and hog:4."""

from irqlab.cli import main
from irqlab.scenarios.compare import MECHANISMS, run_one
from irqlab.scenarios.loads import parse_load


def test_table_for_the_button_workload_under_idle_and_hog4(capsys):
    """One row per mechanism and load; softirq time only for tasklet and BH workqueue, thread time for the others."""
    assert main(["compare", "--duration", "150ms", "--load", "idle", "--load", "hog:4"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["mechanism", "load", "events", "p50", "p99", "p99.9", "max", "jitter", "hardirq",
                              "softirq", "thread", "ksoftirqd", "squeeze", "rt-thr"]
    rows = [line.split() for line in out[2:14]]
    assert [(r[0], r[1]) for r in rows] == [(m, ld) for ld in ("idle", "hog:4") for m in MECHANISMS]
    for r in rows:
        soft, thread = float(r[9]), float(r[10])
        assert (soft > 0) == (r[0] in ("tasklet", "bh-wq")) and (thread > 0) == (r[0] not in ("tasklet", "bh-wq"))


def test_every_mechanism_sees_the_same_presses():
    """The button draws from its own stream: every press at the same instant whatever the bottom half and load."""
    a = run_one("threaded", None, 5, duration_ns=300_000_000)
    b = run_one("system-wq", parse_load("hog:2"), 5, duration_ns=300_000_000)
    assert a.presses and a.presses == b.presses
    assert a.hist.percentiles() != b.hist.percentiles()


def test_nic_source_measures_each_packet_from_its_arrival():
    """--source nic:PPS: one latency per packet; a tasklet takes each packet ~3 µs after it arrived."""
    r = run_one("tasklet", None, 1, source="nic:4000", duration_ns=150_000_000)
    assert r.events == 401  # 100 ms of packets at 4000/s, the first at the start and the last at the end
    assert 2_000 < r.hist.percentile(50) < 4_000 and r.softirq_ns > r.thread_ns == 0
