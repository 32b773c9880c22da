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


@pytest.mark.parametrize("board", ["pc", "generic", "rpi5"])
def test_tools_run_from_the_cli_on_every_board(board, capsys):
    """irqlab cyclictest, rtla timerlat, hardirqs, softirqs and compare exit 0 on the board and print their layouts."""
    from irqlab.cli import main

    assert main(["cyclictest", "--board", board, "--load", "storm:2000", "--", "-t", "1", "-p", "90", "-l", "5",
                 "-q"]) == 0  # fmt: skip
    assert capsys.readouterr().out.startswith("T: 0 (")
    assert main(["rtla", "timerlat", "hist", "--board", board, "--", "-d", "1", "-c", "0"]) == 0
    assert capsys.readouterr().out.startswith("# RTLA timerlat histogram\n")
    assert main(["hardirqs", "--board", board, "--load", "storm:2000", "--duration", "20ms"]) == 0
    assert "storm                               80\n" in capsys.readouterr().out
    assert main(["softirqs", "--board", board, "--duration", "20ms"]) == 0
    assert capsys.readouterr().out.endswith("\nSOFTIRQ          TOTAL_usecs\n")  # "%-16s %11s", nothing ran
    assert main(["compare", "--board", board, "--source", "periodic:1000", "--mechanisms", "tasklet",
                 "--duration", "20ms"]) == 0  # fmt: skip
    assert capsys.readouterr().out.splitlines()[2].split()[:3] == ["tasklet", "idle", "19"]
