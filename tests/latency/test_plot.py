"""Plots render with the Agg backend: histogram, CDF and the per-CPU timeline around the worst case."""

import pytest

pytest.importorskip("matplotlib", reason="the plot extra (matplotlib) is not installed")

from irqlab.cli import main  # noqa: E402


def _png(path) -> bytes:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return data


def test_cyclictest_plot_has_histogram_cdf_and_timeline(tmp_path, capsys):
    """--plot writes a three-panel PNG for cyclictest; the timeline recorder saw the worst wakeup."""
    out = tmp_path / "ct.png"
    assert main(["cyclictest", "--board", "generic", "--cpus", "2", "--load", "hog:2", "--plot", str(out),
                 "-t", "2", "-p", "90", "-l", "50", "-q"]) == 0
    assert len(_png(out)) > 20_000


def test_rtla_and_compare_plots(tmp_path, capsys):
    """rtla timerlat, compare and hardirqs draw their plots too."""
    a, b = tmp_path / "rtla.png", tmp_path / "cmp.png"
    assert main(["rtla", "timerlat", "hist", "--board", "generic", "--cpus", "1", "--plot", str(a), "-d", "1"]) == 0
    assert main(["compare", "--board", "generic", "--source", "periodic:500", "--mechanisms", "tasklet",
                 "--duration", "50ms", "--plot", str(b)]) == 0
    c = tmp_path / "hard.png"
    assert main(["hardirqs", "--board", "generic", "--load", "storm:5000", "--duration", "20ms", "--plot", str(c)]) == 0
    _png(a)
    _png(b)
    _png(c)
