"""cyclictest's output, pinned to rt-tests 2.x's printf formats (src/cyclictest/cyclictest.c, src/lib/histogram.c)."""

import json
import re

import pytest

from irqlab.cli import main
from irqlab.cli_cyclictest import cyclictest
from irqlab.userspace.cyclictest import CyclictestUsageError, Histogram, process_options

# print_stat(): "T:%2d (%5d) P:%2d I:%ld C:%7lu Min:%7ld Act:%5ld Avg:%5ld Max:%8ld" (Act/Avg %8ld with -N)
STAT_US = re.compile(r"T:[ \d]{2} \([ \d]{5}\) P:[ \d]{2} I:\d+ C:[ \d]{7} Min:[ \d]{7} Act:[ \d]{5} Avg:[ \d]{5} Max:[ \d]{8}\n")
STAT_NS = re.compile(r"T:[ \d]{2} \([ \d]{5}\) P:[ \d]{2} I:\d+ C:[ \d]{7} Min:[ \d]{7} Act:[ \d]{8} Avg:[ \d]{8} Max:[ \d]{8}\n")


def test_quiet_smp_run_prints_one_stat_line_per_cpu():
    """-S -p99 -q: one thread per CPU, intervals spread by the 500 µs distance, lines in print_stat's format."""
    p = cyclictest("-S -p99 -i1000 -l 20 -q", board="generic", cpus=2)
    lines = p.output.splitlines(keepends=True)
    assert [bool(STAT_US.fullmatch(x)) for x in lines] == [True, True]
    assert lines[0] == "T: 0 (    9) P:99 I:1000 C:     20 Min:      2 Act:    2 Avg:    2 Max:       2\n"
    assert lines[1].startswith("T: 1 (   10) P:99 I:1500 C:")
    assert [s.cpu for s in p.stats] == [0, 1]


def test_nsecs_widens_act_and_avg():
    """-N reports ns with Act and Avg printed %8ld."""
    p = cyclictest("-q -N -l 5 -p 99", board="generic", cpus=2)
    assert p.output == "T: 0 (    9) P:99 I:1000 C:      5 Min:   2600 Act:    2600 Avg:    2600 Max:    2600\n"
    assert STAT_NS.fullmatch(p.output)


def test_histogram_with_summary_column_and_footer():
    """-H: "%06d " bucket rows of tab-separated "%06lu" counts plus the sum, empty buckets skipped, then the footer."""
    p = cyclictest("-t 2 -p 80 -l 5 -H 10 -q", board="generic", cpus=2)
    assert p.output == (
        "# Histogram\n"
        "000003 000005\t000005\t000010\n"
        "# Min Latencies: 00003 00003\n"
        "# Avg Latencies: 00003 00003\n"
        "# Max Latencies: 00003 00003 00003\n"
        "# Histogram Overflows: 00000 00000 00000\n"
        "# Histogram Overflow at cycle number:\n"
        "# Thread 0: \n"
        "# Thread 1: \n"
        "\n"
    )


def test_overflows_are_logged_by_cycle_number():
    """Samples beyond the histogram are counted and their cycle numbers listed, " # %05lu others" past the buffer."""
    h = Histogram(2)
    for v in (0, 5, 1, 7, 9):
        h.sample(v)
    assert (list(h.buckets), h.oflow_count, h.oflows_text()) == ([1, 1], 3, "00001 00003 # 00001 others")


def test_json_document_has_rt_tests_keys_including_the_trailing_colons():
    """--json: file_version, "cmdline:", "rt_test_version:", sysinfo with realtime, per-thread histogram and stats."""
    p = cyclictest("-S -p95 -l 10 -h 50 -q --json=out.json", board="rpi5", preempt="rt")
    doc = json.loads(p.files["out.json"])
    assert list(doc) == ["file_version", "cmdline:", "rt_test_version:", "start_time", "end_time", "return_code",
                         "sysinfo", "num_threads", "resolution_in_ns", "thread"]
    assert doc["cmdline:"] == "cyclictest -S -p95 -l 10 -h 50 -q --json=out.json"
    assert doc["rt_test_version:"] == "2.80"
    assert doc["start_time"] == "Mon, 05 Jan 2026 09:00:00 +0000"
    assert doc["sysinfo"]["realtime"] == 1 and "PREEMPT_RT" in doc["sysinfo"]["version"]
    assert doc["sysinfo"]["nodename"] == "raspberrypi"
    t0 = doc["thread"]["0"]
    assert list(t0) == ["histogram", "cycles", "min", "max", "avg", "cpu", "node"]
    assert sum(t0["histogram"].values()) == t0["cycles"] == 10
    assert '      "histogram": {\n        "' in p.files["out.json"]


def test_options_as_cyclictest_resolves_them():
    """-p without a policy means FIFO; --policy=fifo without -p defaults the priority to threads+1; -h zeroes the distance."""
    o = process_options(["--policy=fifo", "-t", "3"], 4)
    assert (o.priority, o.num_threads, o.stderr) == (4, 3, ["defaulting realtime priority to 4\n"])
    o = process_options(["-a", "1-2", "-t", "-d", "100", "-h", "20"], 4)
    assert (o.affinity_mask, o.num_threads, o.distance) == (0b110, 2, 100)
    assert o.stderr == ["WARN: distance is ignored and set to 0, if histogram enabled\n"]
    with pytest.raises(CyclictestUsageError, match="-x is not modelled"):
        process_options(["-x"], 4)
    with pytest.raises(CyclictestUsageError, match="-D TIME or -l LOOPS"):
        cyclictest("-p 90", board="generic", cpus=1)


def test_cli_prints_the_live_status_block_and_writes_the_histfile(capsys, tmp_path):
    """Without -q the 10 ms status block starts with the policy and /proc/loadavg line; --histfile gets the histogram."""
    hist = tmp_path / "h.txt"
    assert main(["cyclictest", "--board", "generic", "--cpus", "1", "-p", "90", "-l", "15", "-h", "30",
                 f"--histfile={hist}"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("policy: fifo: loadavg: 0.00 0.00 0.00 2/")
    assert "\033[3A" in out
    assert hist.read_text().startswith("# Histogram\n000002 000015\n")


def test_same_seed_same_output_under_load():
    """Determinism: the same options, load and seed print byte-identical results; another seed differs."""
    from irqlab.scenarios.loads import parse_load

    def run(seed):
        return cyclictest("-S -p99 -l 200 -h 100 -q", board="rpi5", preempt="full", seed=seed,
                          loads=[parse_load("stress:2"), parse_load("storm:5000")]).output

    a = run(3)
    assert a == run(3)
    assert a != run(4)


def test_verbose_prints_every_sample_as_index_cycle_value():
    """-v: "Max CPUs"/"Online CPUs", the thread's interval, then "%8d:%8lu:%8ld" per sample."""
    p = cyclictest("-v -l 3 -p 99", board="generic", cpus=2)
    lines = p.output.splitlines()
    assert lines[:3] == ["Max CPUs = 2", "Online CPUs = 2", "Thread 0 Interval: 1500"]
    assert lines[3:] == ["       0:       0:       2", "       0:       1:       2", "       0:       2:       2"]


def test_rt_throttling_lets_a_starved_thread_run_at_last(capsys):
    """An RT hog that never sleeps holds CPU1 for 950 ms of each second; then RT throttling lets the others run."""
    assert main(["cyclictest", "--board", "generic", "--cpus", "2", "--load", "rt-hog:1:80", "-S", "-p50", "-l", "5",
                 "-q"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1] == "T: 1 (   11) P:50 I:1500 C:      0 Min:1000000 Act:    0 Avg:    0 Max:       0"


def test_trace_records_the_run_for_trace_cmd(capsys, tmp_path):
    """--trace OUT on a latency tool records the machine it measures: every wakeup's hrtimer is in the file."""
    out = tmp_path / "ct.json"
    assert main(["cyclictest", "--board", "generic", "--cpus", "1", "--trace", str(out), "--events", "timer",
                 "-p", "90", "-l", "20", "-q"]) == 0  # fmt: skip
    events = json.loads(out.read_text())["traceEvents"]
    # Each cycle's wakeup is an hrtimer expiry running the sleeper's callback, a slice in the JSON.
    assert sum(1 for e in events if e.get("name") == "hrtimer_wakeup") >= 20
    assert re.search(rf"irqlab: wrote \d+ trace events to {re.escape(str(out))}", capsys.readouterr().err)
