"""irqlab cyclictest --seeds: many seeds through irqlab.sweep, printed as one cyclictest run merged."""

import pytest

from irqlab.cli import main
from irqlab.cli_cyclictest import cyclictest, cyclictest_seeds

ARGV = "-S -p99 -i1000 -l 60 -h 30 -q"


def _rows(output: str) -> dict[str, list[int]]:
    return {line[:6]: [int(x) for x in line[7:].split("\t")] for line in output.splitlines() if line[:1].isdigit()}


def test_seeds_merge_like_a_loop_over_the_same_seeds(capsys):
    """--seeds 1-3 --workers 0: buckets summed, minima and maxima over the runs, the average of every sample."""
    runs = [cyclictest(ARGV, board="rpi5", preempt="rt", loads=["hog:4"], seed=s) for s in (1, 2, 3)]
    assert main(["cyclictest", "--preempt", "rt", "--load", "hog:4", "--seeds", "1-3", "--workers", "0", "--",
                 *ARGV.split()]) == 0  # fmt: skip
    out, err = capsys.readouterr()
    want: dict[str, list[int]] = {}
    for r in runs:
        for bucket, counts in _rows(r.output).items():
            want[bucket] = [a + b for a, b in zip(want.get(bucket, [0] * 4), counts)]
    assert _rows(out) == dict(sorted(want.items()))
    footer = out.splitlines()[len(want) + 1 : len(want) + 4]
    assert footer == [
        "# Min Latencies:" + "".join(f" {min(r.stats[t].min for r in runs):05d}" for t in range(4)),
        "# Avg Latencies:" + "".join(f" {int(sum(r.stats[t].avg for r in runs) / 180):05d}" for t in range(4)),
        "# Max Latencies:" + "".join(f" {max(r.stats[t].max for r in runs):05d}" for t in range(4)),
    ]
    assert err.startswith("# per-seed spread over 3 seeds (min / median / max, worst seed):\n# T: 0 Min ")


def test_seeds_on_a_local_cluster_print_what_the_loop_prints():
    """Two Dask worker processes give the very output of the sequential loop."""
    pytest.importorskip("dask.distributed")
    kw = dict(board="generic", cpus=2, loads=["stress:2"], preempt="full")
    local, _ = cyclictest_seeds("-S -p99 -l 40 -h 50 -q", [4, 5, 6], workers=0, **kw)  # type: ignore[arg-type]
    dask, rows = cyclictest_seeds("-S -p99 -l 40 -h 50 -q", [4, 5, 6], workers=2, **kw)  # type: ignore[arg-type]
    assert dask.output == local.output and [r["seed"] for r in rows] == [4, 5, 6]


def test_seeds_refuse_what_does_not_merge(capsys):
    """-v prints every sample of one run, --plot draws one run: both are refused with --seeds, by name."""
    assert main(["cyclictest", "--seeds", "1-2", "--", "-v", "-l", "5"]) == 2
    assert "-v prints every sample of one run" in capsys.readouterr().err
    assert main(["cyclictest", "--seeds", "1-2", "--plot", "x.png", "--", "-l", "5"]) == 2
    assert "--plot, --trace and --vcd show one run" in capsys.readouterr().err
    assert main(["cyclictest", "--workers", "2", "--", "-l", "5"]) == 2
    assert "give --seeds too" in capsys.readouterr().err


def test_seeds_write_one_merged_json_document():
    """--json with --seeds: rt_write_json()'s document for the merged threads, cycles and extremes over the runs."""
    prog, rows = cyclictest_seeds("-t1 -p99 -l 20 -q --json=out.json", [1, 2], board="generic", cpus=1, workers=0)
    doc = prog.files["out.json"]
    assert '"cmdline:": "cyclictest -t1 -p99 -l 20 -q --json=out.json",\n' in doc
    assert '      "cycles": 40,\n      "min": 2,\n      "max": 2,\n      "avg": 2.00,\n' in doc
    assert [r["t0_cycles"] for r in rows] == [20, 20]
