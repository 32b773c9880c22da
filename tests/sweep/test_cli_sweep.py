"""``irqlab sweep``: the 200-run acceptance sweep on a LocalCluster, its summary, plot and failure report."""

import importlib.util
import pathlib
import re

import pandas as pd

from irqlab.cli import main
from irqlab.sweep import load_scenario, make_plan, parse_param, parse_seeds, run_point
from irqlab.sweep.results import rows_frame

EXAMPLE = str(pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed001_debounce_sweep.py")

# 4 HZ values x 50 seeds = 200 runs of the seed 001 debounce driver with 100 ms of presses each.
# HZ=500 is not a CONFIG_HZ choice: that point fails in every seed, the others must not.
ARGS = ["--seeds", "1-50", "--param", "hz=1000,250,100,500", "--param", "debounce_ms=5", "--param", "profile=worn",
        "--param", "press_ms=100"]


def test_200_run_sweep_on_two_workers_matches_a_sequential_run(tmp_path, capsys):
    """On a LocalCluster of 2 workers: rows identical to a sequential loop, a summary per point, a plot, and the
    failing point reported with its error and the command that re-runs one of its seeds alone."""
    out, png = tmp_path / "r.parquet", tmp_path / "r.png"
    rc = main(["sweep", EXAMPLE, *ARGS, "--workers", "2", "--out", str(out), "--plot", str(png), "--plain"])
    text = capsys.readouterr().out
    assert rc == 1  # some runs failed
    lines = [ln for ln in text.splitlines() if not ln.startswith("Dask dashboard: http")]  # with bokeh installed
    assert lines[0] == "sweep seed001_debounce_sweep: 4 points x 50 seeds = 200 runs on Dask LocalCluster (2 worker processes)"
    assert lines[1].split() == ["point", "runs", "failed", "metric", "p50", "[95%", "CI]", "p99", "[95%", "CI]", "max"]
    cells = [re.split(r"\s{2,}", ln.strip()) for ln in lines[2:14]]
    points = [(c[0], c[1], c[2]) for c in cells if len(c) == 7]
    assert points == [("hz=1000 debounce_ms=5 profile=worn press_ms=100", "50", "0"),
                      ("hz=250 debounce_ms=5 profile=worn press_ms=100", "50", "0"),
                      ("hz=100 debounce_ms=5 profile=worn press_ms=100", "50", "0"),
                      ("hz=500 debounce_ms=5 profile=worn press_ms=100", "50", "50")]
    assert [c[-4] for c in cells] == ["lost", "phantom", "latency_us"] * 4
    assert all(re.fullmatch(r"\d+ \[\d+-\d+\]", c[-3]) for c in cells[:9])  # p50 [CI] of the points that ran
    assert [c[-3:] for c in cells[9:]] == [["-", "-", "-"]] * 3
    failing = lines.index("hz=500 debounce_ms=5 profile=worn press_ms=100: 50 of 50 runs failed")
    assert lines[failing + 1].startswith("  seeds 1-50: failed: ValueError: hz= must be one of 100, 250, 300 or 1000 "
                                         "(the kernel's CONFIG_HZ choices), not 500 (")
    assert lines[failing + 2] == (f"  re-run one alone: irqlab sweep {EXAMPLE} --seeds 1 --param hz=500 --param debounce_ms=5 "
                                  "--param profile=worn --param press_ms=100 --dmesg")
    assert sum("runs failed" in ln for ln in lines) == 1
    assert f"results: {out} (200 rows)" in lines
    assert f"plot: {png} (lost, phantom, latency_us against hz)" in lines
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    sc = load_scenario(EXAMPLE)
    params = dict(parse_param(a) for a in ARGS[3::2])
    plan = make_plan(sc, parse_seeds("1-50"), params)
    sequential = rows_frame((run_point(sc, p, s) for _, p, s in plan.runs()), plan.names, sc.tag)
    pd.testing.assert_frame_equal(pd.read_parquet(out).drop(columns="wall_s"), sequential.drop(columns="wall_s"))


def test_rerunning_one_failed_seed_alone(capsys):
    """The re-run command the report prints runs that one seed in this process and shows its error again."""
    rc = main(["sweep", EXAMPLE, "--seeds", "7", "--param", "hz=500", "--param", "profile=worn", "--param",
               "debounce_ms=5", "--workers", "0", "--plain"])
    lines = capsys.readouterr().out.splitlines()
    assert rc == 1
    assert lines[0] == "sweep seed001_debounce_sweep: 1 point x 1 seed = 1 run on this process (sequential)"
    assert "hz=500 profile=worn debounce_ms=5: 1 of 1 runs failed" in lines


def test_without_the_sweep_extra_it_says_how_to_install(monkeypatch, capsys):
    """Missing Dask: exit status 2 and the pip command, before anything runs."""
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name in ("dask", "distributed") else real(name, *a))
    assert main(["sweep", EXAMPLE]) == 2
    assert capsys.readouterr().err == (
        "irqlab: irqlab sweep needs dask, distributed: pip install 'irqlab[sweep]' "
        "(dask.distributed, pandas, pyarrow, matplotlib, hdrhistogram)\n")


def test_bad_input_is_named_with_its_fix(capsys):
    """A parameter the scenario's main() does not take, and a malformed --param, stop before any run."""
    assert main(["sweep", EXAMPLE, "--param", "preempt=rt", "--workers", "0"]) == 2
    assert capsys.readouterr().err == (
        f"irqlab: {EXAMPLE}: main() takes no parameter 'preempt'; add it as a keyword argument (def main(seed, "
        "preempt=...)) or sweep one of: debounce_ms, profile, hz, press_ms\n")
    assert main(["sweep", EXAMPLE, "--param", "debounce_ms:5", "--workers", "0"]) == 2
    assert "write name=v1,v2,... (hz=100,250,1000) or name=lo..hi:step (debounce_ms=5..50:5)" in capsys.readouterr().err


def test_the_rich_summary_names_the_point_and_its_failures(capsys):
    """Without --plain: a table titled with the sweep's size, each point's parameters and run counts, and the
    failure report below it."""
    rc = main(["sweep", EXAMPLE, "--seeds", "1-3", "--param", "hz=1000,500", "--param", "debounce_ms=5",
               "--param", "profile=worn", "--param", "press_ms=100", "--workers", "0"])
    out = capsys.readouterr().out
    assert rc == 1
    assert "seed001_debounce_sweep: 2 points x 3 seeds (6 rows)" in out
    assert "3 runs" in out and "3 failed" in out and "latency_us" in out
    assert "hz=500 debounce_ms=5 profile=worn press_ms=100: 3 of 3 runs failed" in out
    assert "6 runs in " in out and " on this process (sequential)" in out


def test_runs_whose_kernel_oopsed_are_listed_with_their_seeds(write_scenario, capsys):
    """A run that ended but left an Oops in dmesg is not a failure; the report names its point and seeds."""
    path = write_scenario("oops.py", """
        import irqlab
        def fault():
            return 1 // 0
        def main(seed, buggy=0):
            m = irqlab.boot("generic", cpus=1, seed=seed)
            if buggy and seed % 2:
                m.spawn(fault)
            m.run(until="5ms")
            return m
    """)
    assert main(["sweep", path, "--seeds", "1-5", "--param", "buggy=0,1", "--workers", "0", "--plain"]) == 0
    lines = capsys.readouterr().out.splitlines()
    i = lines.index("buggy=1: the kernel reported a BUG or an Oops with seed(s) 1, 3, 5")
    assert lines[i + 1] == f"  re-run one alone: irqlab sweep {path} --seeds 1 --param buggy=1 --dmesg"
    assert not any(ln.startswith("buggy=0:") for ln in lines)


def test_an_unknown_metric_is_refused_before_running(capsys):
    """--metric must name a default metric or one the scenario declares; the message lists them."""
    assert main(["sweep", EXAMPLE, "--metric", "latency", "--workers", "0"]) == 2
    assert capsys.readouterr().err == (
        "irqlab: --metric latency: seed001_debounce_sweep has the metrics sim_time_ms, irqs, ipis, softirqs, warnings, "
        "bugs, oopses, lost, phantom, latency_us\n")


def test_dmesg_shows_one_run_of_the_sweep(capsys):
    """--dmesg runs one point and seed here: the kernel log, the scenario's report and the metrics; a failing
    one shows its traceback; more than one run is refused."""
    args = ["sweep", EXAMPLE, "--seeds", "3", "--param", "debounce_ms=5", "--param", "profile=worn",
            "--param", "press_ms=200", "--dmesg"]
    assert main(args) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "seed001_debounce_sweep seed 3 debounce_ms=5 profile=worn press_ms=200"
    assert any(ln.endswith("] debounce_init: 5 ms") for ln in lines)
    assert lines[-1].startswith("metrics: sim_time_ms=700, irqs=") and lines[-1].endswith(", latency_us=<histogram>")
    assert "--- /proc/interrupts (gpiomod) ---" in lines
    assert main([*args, "--param", "hz=500"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Traceback (most recent call last):" or out[1] == "Traceback (most recent call last):"
    assert out[-1] == "ValueError: hz= must be one of 100, 250, 300 or 1000 (the kernel's CONFIG_HZ choices), not 500"
    assert main(["sweep", EXAMPLE, "--seeds", "1-2", "--dmesg"]) == 2
    assert capsys.readouterr().err.startswith("irqlab: --dmesg shows one run, and these options make 24: give one seed")


def test_an_example_that_declares_nothing_is_swept_with_the_default_metrics(capsys):
    """Seed 001's threaded-IRQ port has no PARAMS or METRICS: its seeds are summarised by the default metrics."""
    path = str(pathlib.Path(EXAMPLE).with_name("seed001_threaded_irq.py"))
    assert main(["sweep", path, "--seeds", "1-3", "--workers", "0", "--plain"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "sweep seed001_threaded_irq: 1 point x 3 seeds = 3 runs on this process (sequential)"
    cells = [re.split(r"\s{2,}", ln.strip()) for ln in lines[2:8]]
    assert cells[0][:4] == ["(no parameters)", "3", "0", "sim_time_ms"]
    assert [c[-4] for c in cells] == ["sim_time_ms", "irqs", "softirqs", "warnings", "bugs", "oopses"]
    assert [c[-3] for c in cells[3:]] == ["0 [0-0]"] * 3  # a clean driver: no WARNING, BUG or Oops
