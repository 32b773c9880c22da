"""bcc hardirqs/softirqs tables and log2 histograms, in bcc's formats (tools/hardirqs.py, softirqs.py, bcc/table.py)."""

import pytest

import irqlab
from irqlab.cli import main
from irqlab.cli_bcc import irq_times
from irqlab.latency.bcc import bpf_log2l, print_log2_hist
from irqlab.scenarios.loads import parse_load


def test_hardirqs_totals_per_handler_sorted_by_time():
    """A 20 kHz storm whose handler computes 2 µs: 40000 µs in one second under its name, "%-26s %11d"."""
    m = irqlab.boot("generic", cpus=2, seed=1)
    out = irq_times("hardirqs", m, duration="1s", loads=[parse_load("storm:20000")])
    assert out.startswith("Tracing hard irq event time... Hit Ctrl-C to end.\n\nHARDIRQ                    TOTAL_usecs\n")
    assert "storm                            40000\n" in out


def test_softirqs_counts_per_vector_every_interval():
    """-C with an interval and a count prints that many tables, vectors named as softirqs.py names them."""
    m = irqlab.boot("generic", cpus=1, seed=1)
    out = irq_times("softirqs", m, interval=1, outputs=2, count=True, loads=[parse_load("nic:1000")])
    tables = out.split("\n\n")
    assert tables[0] == "Tracing soft irq events... Hit Ctrl-C to end."
    assert len(tables) == 3 and tables[1].startswith("SOFTIRQ          TOTAL_count\nnet_rx                  ")


def test_log2_histogram_layout():
    """print_log2_hist: slot 1 is "0 -> 1", 40-star bars scaled to the largest count."""
    vals = [0] * 65
    vals[bpf_log2l(0)] += 4
    vals[bpf_log2l(5)] += 2
    assert print_log2_hist(vals, "usecs") == (
        "     usecs               : count     distribution\n"
        "         0 -> 1          : 4        |****************************************|\n"
        "         2 -> 3          : 0        |                                        |\n"
        "         4 -> 7          : 2        |********************                    |\n"
    )


def test_count_excludes_time_options(capsys):
    """bcc refuses -C with -d or -N; so does irqlab."""
    assert main(["hardirqs", "-C", "-d", "--board", "generic", "--duration", "10ms"]) == 2
    assert "can't be used with time-based options" in capsys.readouterr().err
    with pytest.raises(ValueError):
        irq_times("hardirqs", irqlab.boot("generic", cpus=1), count=True, nanoseconds=True)
