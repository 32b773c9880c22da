"""The latency tools' loads: stress-ng's --vm workers hold the CPU in munmap() where the kernel cannot be preempted."""

import pytest

from irqlab.cli_cyclictest import cyclictest
from irqlab.scenarios.loads import parse_load

RUN = "-S -p99 -i1000 -l 300 -h 400 -q"


def _footer(preempt: str) -> list[str]:
    out = cyclictest(RUN, board="rpi5", preempt=preempt, loads=["vm:4"], seed=1).output.splitlines()
    return [line for line in out if line.startswith(("# Avg", "# Max"))]


def test_memory_hogs_cost_every_kernel_and_munmap_more_without_preemption():
    """vm:4 on a Pi 5: cold caches on every kernel; PREEMPT_NONE adds munmap()'s page-table sections to the tail."""
    assert _footer("rt") == ["# Avg Latencies: 00022 00029 00031 00031", "# Max Latencies: 00074 00067 00075 00080"]
    assert _footer("none") == ["# Avg Latencies: 00024 00030 00031 00031", "# Max Latencies: 00078 00093 00085 00076"]


def test_load_specs_name_their_forms():
    """vm:N is a load like hog:N; a malformed spec names every accepted form."""
    assert str(parse_load("vm:2")) == "vm:2"
    with pytest.raises(ValueError, match=r"use idle, hog:N \| vm:N \| stress:N"):
        parse_load("vm")
