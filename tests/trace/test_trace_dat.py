"""trace.dat: Debian's real `trace-cmd report` reads irqlab's file and agrees with the trace text event by event."""

import re
import shutil
import subprocess

import pytest

TRACE_CMD = shutil.which("trace-cmd")
needs_trace_cmd = pytest.mark.skipif(TRACE_CMD is None, reason="trace-cmd is not installed (apt-get install trace-cmd)")

# `trace-cmd report -N [-t]`: "%16s-%-5d [%03d] %s.%06d: %-20s %s" without plugins (-t: nanoseconds).
REPORT = re.compile(r"^\s*(?P<comm>.*)-(?P<pid>\d+)\s+\[(?P<cpu>\d{3})\]\s+(?P<ts>\d+\.\d+): (?P<name>\w+):(?P<rest>.*)$")
# `trace-cmd report -N -l`: "%8.8s-%-5d %3d" then the latency columns.
LATENCY = re.compile(r"^.{8}-\d+\s+(?P<cpu>\d+)(?P<flags>\S{5})\s")
# A line of the kernel's trace file: "%16s-%-7d [%03d] %s %5lu.%06lu: %s: %s".
TEXT = re.compile(r"^(?P<comm>.{16})-(?P<pid>\d+) +\[(?P<cpu>\d{3})\] (?P<flags>\S{5}) +(?P<ts>\d+\.\d{6}): "
                  r"(?:(?P<name>\w+): )?(?P<body>.*)$")  # fmt: skip


def _report(path, *opts):
    out = subprocess.run([TRACE_CMD, "report", "-N", *opts, str(path)], capture_output=True, text=True, check=True)
    return [line for line in out.stdout.splitlines() if not line.startswith("cpus=")]


# How libtraceevent prints what the kernel prints, for a real kernel's file as for irqlab's:
def _libtraceevent_flags(flags: str) -> str:
    """It knows no BH-off ('D' shows as 'd', 'b' as '.') and prints 'N' for any need-resched."""
    irqs = {"D": "d", "b": "."}.get(flags[0], flags[0])
    return irqs + ("N" if flags[1] in "Nn" else ".") + flags[2:]


def _libtraceevent_body(name: str, body: str) -> str:
    """%p as 0x<value>, %ps without " [module]", and timer_start's flags misread."""
    if name in ("console", "print"):
        return body  # message text, printed as the kernel stored it
    body = re.sub(r"\b0*([0-9a-f]{1,16})\b(?<=\b[0-9a-f]{16})", lambda m: f"0x{int(m[0], 16):x}", body)
    body = re.sub(r"(\w) \[[\w-]+\]", r"\1", body)
    if name == "timer_start":
        # libtraceevent evaluates `REC->flags & (M | D | P | I)` as `(REC->flags & M) | D | P | I`.
        head, _, flags = body.rpartition(" flags=")
        body = f"{head} flags={'M|' if 'M' in flags.split('|') else ''}D|P|I"
    return body


def _check(m, tmp_path):
    """Every line of m.trace.text() against `trace-cmd report` of the saved .dat, field by field."""
    evs = list(m.trace)
    text = [t for t in m.trace.text().splitlines() if not t.startswith("#")]
    path = tmp_path / "trace.dat"
    assert m.trace.save(str(path)) == len(evs) == len(text)
    lines, lat, ns = _report(path), _report(path, "-l"), _report(path, "-t")
    assert len(lines) == len(lat) == len(ns) == len(evs)
    got, want = [], []
    for line, lline, nline in zip(lines, lat, ns):
        r, q, t = REPORT.match(line), LATENCY.match(lline), REPORT.match(nline)
        assert r and q and t, (line, lline, nline)
        # print_event_name(): "name:" left-justified in 21 columns, then one space.
        pad = max(21 - len(r["name"]), 1)
        assert r["rest"][:pad] == " " * pad
        got.append((r["comm"].strip(), int(r["pid"]), int(r["cpu"]), q["flags"], r["ts"], r["name"], r["rest"][pad:],
                    int(t["ts"].replace(".", ""))))  # fmt: skip
    for line, ev in zip(text, evs):
        k = TEXT.match(line)
        assert k, line
        # ftrace's print entry (trace_marker) has no "name: " in the kernel's text; trace-cmd calls it print.
        name, body = (k["name"], k["body"]) if ev.system != "ftrace" else ("print", line[k.start("name"):])
        want.append((k["comm"].strip(), int(k["pid"]), int(k["cpu"]), _libtraceevent_flags(k["flags"]), k["ts"].strip(),
                     name, _libtraceevent_body(name, body), ev.ts))  # fmt: skip
    # trace-cmd and the kernel merge the CPUs by time; equal stamps may interleave differently.
    assert sorted(got, key=lambda g: (g[7], g[2])) == sorted(want, key=lambda g: (g[7], g[2]))
    return evs


@needs_trace_cmd
def test_trace_cmd_report_agrees_on_rpi5_workqueue_example(traced, tmp_path):
    """Every event of seed 001 workqueue (sched, irq, timer, workqueue, ipi, printk, a marker) matches."""
    m = traced("seed001_workqueue")
    m.write("/sys/kernel/tracing/trace_marker", "from user space")
    evs = _check(m, tmp_path)
    assert {e.system for e in evs} == {"irq", "sched", "timer", "workqueue", "ipi", "printk", "ftrace"}


@needs_trace_cmd
def test_trace_cmd_report_agrees_on_tasklets_with_bh_disabled(traced, tmp_path):
    """seed000_tasklet_device on the generic board: tasklet symbols and raw addresses, BH-disabled IRQs."""
    _check(traced("seed000_tasklet_device"), tmp_path)


@needs_trace_cmd
def test_trace_cmd_report_agrees_on_the_pc_napi_example_across_pages(traced, tmp_path):
    """seed004_ixgb_shared_napi on pc: thousands of events over many sub-buffer pages and time extends."""
    m = traced("seed004_ixgb_shared_napi")
    evs = _check(m, tmp_path)
    assert len(evs) > 3000 and any(e.name == "napi_poll" for e in evs)


@needs_trace_cmd
def test_trace_cmd_report_shows_the_kernel_plugins_view(traced, tmp_path):
    """With its sched plugin trace-cmd prints sched_switch its own way, from the same fields."""
    m = traced("seed001_workqueue", trace="sched")
    path = tmp_path / "sched.dat"
    m.trace.save(str(path))
    out = subprocess.run([TRACE_CMD, "report", str(path)], capture_output=True, text=True, check=True).stdout
    assert "sched_switch:         swapper/0:0 [120] R ==> ksoftirqd/0:1 [120]" in out


@needs_trace_cmd
def test_instrumentation_added_by_name_is_an_irqlab_event_in_every_file(tmp_path):
    """m.trace.tracepoint("my_probe") is irqlab:my_probe, off until named; its key=value text survives trace.dat."""
    import irqlab

    m = irqlab.boot("generic", cpus=1, seed=0)
    seen = []
    m.trace.attach("my_probe", seen.append)
    tp = m.trace.tracepoint("my_probe")
    tp.emit(0, irq=5, delay_ns=1200)
    assert [e.text() for e in seen] == ["          <idle>-0       [000] .N.1.     0.000000: my_probe: irq=5 delay_ns=1200"]
    assert m.trace.events() == [] and "irqlab:my_probe" in m.trace.names
    m.trace.enable("irqlab:my_probe")
    m.run(until="1ms")
    tp.emit(0, irq=6, delay_ns=800)
    _check(m, tmp_path)
