"""Every latency tool runs on every board, from Python, loads given as strings."""

import pytest

import irqlab
from irqlab.cli_bcc import irq_times
from irqlab.cli_cyclictest import cyclictest
from irqlab.cli_rtla import timerlat
from irqlab.scenarios.compare import run_one


@pytest.mark.parametrize("board", ["pc", "generic", "rpi5"])
def test_tools_run_on_every_board(board):
    """cyclictest, rtla timerlat, hardirqs and one comparison run on the board with a storm load."""
    p = cyclictest("-t 2 -p 90 -l 5 -q", board=board, loads=["storm:2000"])
    assert p.output.count("C:      5") >= 1
    assert timerlat("top", "-q -d 1", board=board).output.count("#1000") >= 1
    out = irq_times("hardirqs", irqlab.boot(board, seed=1), duration="20ms", loads=["storm:2000"])
    assert "storm                               80\n" in out
    assert run_one("tasklet", None, 1, board=board, source="periodic:1000", duration_ns=20_000_000).events == 19  # at 1, 2, ... 19 ms
