"""rtla timerlat top|hist layouts (tools/tracing/rtla/src/timerlat_{top,hist,aa}.c) and the exact auto-analysis."""

import re

import pytest

from irqlab.cli import main
from irqlab.cli_rtla import timerlat
from irqlab.scenarios.loads import parse_load
from irqlab.userspace.rtla import RtlaUsageError, get_duration, parse_args

ROW = re.compile(r"[ \d]{3} #[\d ]{9} \|[ \d]{9} [ \d]{9} [ \d]{9} [ \d]{9} \|[ \d]{9} [ \d]{9} [ \d]{9} [ \d]{9}\n")


def test_top_quiet_prints_header_and_one_row_per_cpu():
    """timerlat top -q: the coloured header, the duration, then "%3d #%-9d |" rows of cur/min/avg/max."""
    p = timerlat("top", "-q -d 1", board="generic", cpus=2)
    lines = p.output.splitlines(keepends=True)
    assert lines[0] == "\033[2;37;40m" + " " * 37 + "Timer Latency" + " " * 46 + "\033[0;0;0m\n"
    assert lines[1] == "  0 00:00:01   |          IRQ Timer Latency (us)        |         Thread Timer Latency (us)\n"
    assert lines[2].startswith("\033[2;30;47mCPU COUNT      |      cur       min       avg       max |")
    assert len(lines) == 5 and all(ROW.fullmatch(x) for x in lines[3:])
    assert lines[3].startswith("  0 #1000      |")


def test_hist_rows_skip_empty_buckets_and_end_with_the_summary():
    """timerlat hist: "# RTLA timerlat histogram", per-CPU IRQ/Thr columns, "%-6d" index rows, over/count/min/avg/max."""
    p = timerlat("hist", "-d 1 -c 1 -E 10", board="generic", cpus=2)
    out = p.output.splitlines()
    assert out[:4] == ["# RTLA timerlat histogram", "# Time unit is microseconds (us)", "# Duration:   0 00:00:01",
                       "Index   IRQ-001   Thr-001"]
    assert out[-5].startswith("over: ") and out[-4] == "count:     1000      1000 "
    rows = out[4:-5]
    assert rows and all(re.fullmatch(r"\d[\d ]{5}[ \d]{9} [ \d]{9} ", r) for r in rows)


def test_auto_analysis_names_the_blocking_syscall_exactly():
    """-a 20 on PREEMPT_NONE under syscall-heavy load: the trace stops and the analysis blames the task in the kernel."""
    p = timerlat("top", "-q -a 20 -d 5", board="rpi5", preempt="none", loads=[parse_load("stress:4")], seed=1)
    out = p.output
    assert "rtla timerlat hit stop tracing\n## CPU 1 hit stop tracing, analyzing it ##\n" in out
    assert "  IRQ handler delay:                                         3.03 us (3.11 %)\n" in out
    assert "  Blocking thread:                                          87.80 us (90.04 %)\n" in out
    assert "                       stress-ng:15                         87.80 us\n" \
           "                -> system call (kernel code)\n" in out
    assert out.endswith("  Thread latency:                                           97.52 us (100%)\n")


def test_options_and_duration_format():
    """Unknown options are refused by name; -b is a hist option; get_duration() is "%3d %02d:%02d:%02d"."""
    with pytest.raises(RtlaUsageError, match="not modelled"):
        parse_args("top", ["--dump-tasks"], 4)
    with pytest.raises(RtlaUsageError, match="hist option"):
        parse_args("top", ["-b", "2"], 4)
    assert parse_args("hist", ["-a40", "-c", "0-1,3"], 4).cpus == [0, 1, 3]
    assert get_duration(90061) == "  1 01:01:01"


def test_cli_runs_timerlat_hist(capsys):
    """irqlab rtla timerlat hist prints the histogram on stdout."""
    assert main(["rtla", "timerlat", "hist", "--board", "generic", "--cpus", "1", "-d", "1", "-E", "10"]) == 0
    assert capsys.readouterr().out.startswith("# RTLA timerlat histogram\n")
