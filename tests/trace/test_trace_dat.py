"""trace.dat: Debian's real `trace-cmd report` reads irqlab's file and agrees with the trace text event by event."""

import re
import shutil
import subprocess

import pytest

from irqlab.trace.events import TIMER_DEFERRABLE, TIMER_IRQSAFE, TIMER_MIGRATING, TIMER_PINNED, timer_flags_text

TRACE_CMD = shutil.which("trace-cmd")
needs_trace_cmd = pytest.mark.skipif(TRACE_CMD is None, reason="trace-cmd is not installed (apt-get install trace-cmd)")

# `trace-cmd report -N -t`: "%16s-%-5d [%03d] %s.%09d: %-20s %s" without plugins, timestamps in ns.
REPORT = re.compile(r"^\s*(?P<comm>.*)-(?P<pid>\d+)\s+\[(?P<cpu>\d{3})\]\s+(?P<secs>\d+)\.(?P<ns>\d{9}): "
                    r"(?P<name>\w+):(?P<rest>.*)$")  # fmt: skip
# `trace-cmd report -N -l`: "%8.8s-%-5d %3d" then the latency columns.
LATENCY = re.compile(r"^.{8}-\d+\s+(?P<cpu>\d+)(?P<flags>\S{5})\s")
# The kernel text against the file as libtraceevent prints it: %p is 0x<value>; %ps a bare symbol without
# " [module]"; the latency columns it knows (no 'D'/'b' BH-off, 'N' for any need-resched).
PTR = re.compile(r"\b0*([0-9a-f]{8,16})\b(?=( |:|$))")


def _report(path, *opts):
    out = subprocess.run([TRACE_CMD, "report", "-N", *opts, str(path)], capture_output=True, text=True, check=True)
    return [line for line in out.stdout.splitlines() if not line.startswith("cpus=")]


def _libtraceevent_flags(flags: str) -> str:
    irqs = {"D": "d", "b": "."}.get(flags[0], flags[0])
    return irqs + ("N" if flags[1] in "Nn" else ".") + flags[2:]


def _libtraceevent_body(ev) -> str:
    body = ev.body()
    if ev.name == "timer_start":
        # libtraceevent evaluates `REC->flags & (M | D | P | I)` as `(REC->flags & M) | D | P | I`.
        real = f"flags={timer_flags_text(ev['flags'] & (TIMER_MIGRATING | TIMER_DEFERRABLE | TIMER_PINNED | TIMER_IRQSAFE))}"
        seen = f"flags={timer_flags_text((ev['flags'] & TIMER_MIGRATING) | TIMER_DEFERRABLE | TIMER_PINNED | TIMER_IRQSAFE)}"
        assert body.endswith(real)
        body = body[: -len(real)] + seen
    for key in ("function", "tasklet"):
        v = ev.fields.get(key)
        if isinstance(v, str) and v.endswith("]") and " [" in v:
            body = body.replace(v, v.split(" [")[0])
    for key in ("work", "timer", "hrtimer", "napi", "tasklet"):
        v = ev.fields.get(key)
        if isinstance(v, str) and re.fullmatch(r"[0-9a-f]{16}", v):
            body = body.replace(v, f"0x{int(v, 16):x}")
    return body


def _check(m, tmp_path):
    evs = list(m.trace)
    path = tmp_path / "trace.dat"
    assert m.trace.save(str(path)) == len(evs)
    lines = _report(path, "-t")
    lat = _report(path, "-l")
    assert len(lines) == len(lat) == len(evs)
    got = []
    for line, lline in zip(lines, lat):
        r, q = REPORT.match(line), LATENCY.match(lline)
        assert r and q, (line, lline)
        # print_event_name(): "name:" left-justified in 21 columns, then one space.
        pad = max(21 - len(r["name"]), 1)
        assert r["rest"][:pad] == " " * pad
        got.append((int(r["secs"]) * 1_000_000_000 + int(r["ns"]), int(r["cpu"]), r["comm"].strip(), int(r["pid"]),
                    q["flags"], r["name"], r["rest"][pad:]))  # fmt: skip
    want = [(e.ts, e.cpu, e.comm, e.pid, _libtraceevent_flags(e.flags), e.name if e.system != "ftrace" else "print",
             _libtraceevent_body(e)) for e in evs]  # fmt: skip
    # trace-cmd and the kernel merge the CPUs by time; equal stamps may interleave differently.
    assert sorted(got, key=lambda t: (t[0], t[1])) == sorted(want, key=lambda t: (t[0], t[1]))
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
