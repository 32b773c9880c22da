"""`irqlab run FILE --trace OUT --events LIST` and `irqlab demo --trace OUT --vcd OUT`."""

import importlib.util
import pathlib
import re
import shutil
import subprocess

import pytest

from irqlab import machine
from irqlab.cli import main

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_run_trace_txt_equals_the_scenarios_own_trace_text(tmp_path, capsys):
    """--trace out.txt --events irq,sched records from boot: the file is what m.trace.text() shows for that run."""
    out = tmp_path / "wq.txt"
    assert main(["run", str(ROOT / "examples" / "seed001_workqueue.py"), "--plain", "--trace", str(out),
                 "--events", "irq,sched"]) == 0  # fmt: skip
    assert capsys.readouterr().err == f"irqlab: wrote 66 trace events to {out}\n"
    spec = importlib.util.spec_from_file_location("wq", ROOT / "examples" / "seed001_workqueue.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    # The same run traced from boot through the rings instead of a stream.
    hook = lambda m: m.trace.enable("irq,sched")  # noqa: E731
    machine.boot_hooks.append(hook)
    try:
        m = mod.main(1)
    finally:
        machine.boot_hooks.remove(hook)
    assert out.read_text() == m.trace.text()


def test_demo_writes_a_trace_dat_and_a_vcd_and_keeps_its_output(tmp_path, capsys):
    """irqlab demo --trace demo.dat --vcd demo.vcd: the same stdout, a trace.dat trace-cmd reads, four signals."""
    assert main(["demo", "--plain"]) == 0
    plain = capsys.readouterr().out
    dat, vcd = tmp_path / "demo.dat", tmp_path / "demo.vcd"
    assert main(["demo", "--plain", "--trace", str(dat), "--vcd", str(vcd)]) == 0
    cap = capsys.readouterr()
    assert cap.out == plain
    wrote = re.fullmatch(rf"irqlab: wrote (\d+) trace events to {re.escape(str(dat))}", cap.err.splitlines()[0])
    assert wrote and cap.err.splitlines()[1:] == [f"irqlab: wrote 4 signals to {vcd}"]
    assert "$var wire 1 ! GPIO4 $end" in vcd.read_text()
    if shutil.which("trace-cmd"):
        rep = subprocess.run(["trace-cmd", "report", str(dat)], capture_output=True, text=True, check=True).stdout
        assert len(rep.splitlines()) == 1 + int(wrote[1])


@pytest.mark.parametrize(
    "argv,err",
    [
        (["--trace", "x.bin"], "irqlab: --trace: cannot tell the trace format of 'x.bin' from its suffix; name it .dat "
         "(trace-cmd), .perfetto-trace (Perfetto), .json (Chrome JSON) or .txt (the trace text)\n"),
        (["--events", "irq"], "irqlab: --events chooses what --trace OUT records; add --trace OUT\n"),
        (["--vcd", "x.txt"], "irqlab: --vcd 'x.txt': name the file .vcd\n"),
    ],
)
def test_bad_recording_options_are_refused_with_the_fix(argv, err, capsys):
    """A trace file without a known suffix, --events without --trace, a VCD not named .vcd: exit 2 and say why."""
    with pytest.raises(SystemExit) as e:
        main(["demo", "--plain", *argv])
    assert e.value.code == 2 and capsys.readouterr().err == err


def test_unknown_event_names_the_systems(tmp_path, capsys):
    """--events nosuch: exit 2 naming the systems there are."""
    with pytest.raises(SystemExit):
        main(["demo", "--plain", "--trace", str(tmp_path / "t.dat"), "--events", "nosuch"])
    assert capsys.readouterr().err.startswith("irqlab: --events: no trace event or system 'nosuch'; systems: irq, "
                                              "sched, timer, workqueue, napi, printk, ipi, irqlab")  # fmt: skip
