"""Reading trace.dat back: irqlab's `trace-cmd report` prints what Debian's trace-cmd 3.1.6 prints, byte for byte."""

import shutil
import subprocess

import pytest

from irqlab.trace.dat_read import Report, read_dat

TRACE_CMD = shutil.which("trace-cmd")
needs_trace_cmd = pytest.mark.skipif(TRACE_CMD is None, reason="trace-cmd is not installed (apt-get install trace-cmd)")


def _both(m, tmp_path, *opts):
    path = tmp_path / "trace.dat"
    m.trace.save(str(path))
    real = subprocess.run([TRACE_CMD, "report", *opts, str(path)], capture_output=True, text=True, check=True).stdout
    mine = Report(read_dat(path.read_bytes()), m.kernel.board.arch, plugins="-N" not in opts, ns="-t" in opts,
                  latency="-l" in opts).text()  # fmt: skip
    return mine, real


@needs_trace_cmd
@pytest.mark.parametrize("opts", [(), ("-N",), ("-t",), ("-l",), ("-N", "-l", "-t")])
def test_report_of_the_workqueue_example_is_trace_cmds(traced, tmp_path, opts):
    """seed001 workqueue (sched plugin, hrtimer plugin, %p, %ps, printk strings, a marker) with and without plugins."""
    m = traced("seed001_workqueue")
    m.write("/sys/kernel/tracing/trace_marker", "from user space")
    mine, real = _both(m, tmp_path, *opts)
    assert mine == real


@needs_trace_cmd
def test_report_of_the_pc_napi_example_is_trace_cmds(traced, tmp_path):
    """seed004 on pc: thousands of events over many pages, time extends, x86 vectors, napi_poll."""
    mine, real = _both(traced("seed004_ixgb_shared_napi"), tmp_path)
    assert mine == real and mine.count("\n") > 3000


@needs_trace_cmd
def test_report_of_instrumentation_added_by_name(tmp_path):
    """An irqlab:my_probe event prints its key=value text, as trace-cmd prints it from the format file."""
    import irqlab

    m = irqlab.boot("generic", cpus=1, seed=0)
    tp = m.trace.tracepoint("my_probe")
    m.trace.enable("irqlab:my_probe")
    m.run(until="1ms")
    tp.emit(0, irq=6, delay_ns=800)
    mine, real = _both(m, tmp_path)
    assert mine == real and "my_probe:             irq=6 delay_ns=800\n" in mine


def test_report_lines_are_laid_out_as_trace_cmd_lays_them_out(tmp_path):
    """cpus=N, then "%16s-%-5d [%03d] %5lu.%06lu: name: " padded to 20, then the plugin's sched_switch text."""
    import irqlab

    m = irqlab.boot("rpi5", seed=1, trace="irq,sched")
    m.run(until="1ms")
    path = tmp_path / "t.dat"
    m.trace.save(str(path))
    lines = Report(read_dat(path.read_bytes())).text().splitlines()
    assert lines[:2] == ["cpus=4", "          <idle>-0     [000]     0.000003: irq_handler_entry:    irq=1 name=IPI"]
    assert "          <idle>-0     [000]     0.000004: sched_switch:         swapper/0:0 [120] R ==> ksoftirqd/0:1 [120]" in lines


def test_a_file_that_is_not_a_trace_dat_is_refused():
    """The error names the problem and how to get a proper file."""
    from irqlab.trace.dat_read import DatError

    with pytest.raises(DatError, match="not a trace.dat file"):
        read_dat(b"hello")


@needs_trace_cmd
def test_latency_columns_of_the_tasklet_example_are_trace_cmds(traced, tmp_path):
    """seed000 tasklets on generic (BH-disabled IRQs, tasklet symbols): -l prints libtraceevent's columns."""
    mine, real = _both(traced("seed000_tasklet_device"), tmp_path, "-l")
    assert mine == real
