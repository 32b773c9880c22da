"""Perfetto protobuf and Chrome JSON files read back with the per-event counts and nesting of the trace."""

import collections
import json

import pytest

pb = pytest.importorskip("perfetto.protos.perfetto.trace.perfetto_trace_pb2", reason="the perfetto package is not installed")


def _perfetto(path):
    t = pb.Trace()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return t


def test_perfetto_trace_parses_back_with_the_trace_counts(traced, tmp_path):
    """seed001_workqueue: typed FtraceEvents per CPU bundle, generic ones for the rest, counts equal the trace's."""
    m = traced("seed001_workqueue")
    m.write("/sys/kernel/tracing/trace_marker", "mark")
    path = tmp_path / "t.perfetto-trace"
    assert m.trace.save(str(path)) == len(m.trace.events())
    t = _perfetto(path)
    counts, syms, per_cpu = collections.Counter(), {}, collections.Counter()
    for pkt in t.packet:
        for s in pkt.interned_data.kernel_symbols:
            syms[s.iid] = s.str.decode()
        for e in pkt.ftrace_events.event:
            kind = e.WhichOneof("event")
            counts[e.generic.event_name if kind == "generic" else kind] += 1
            per_cpu[pkt.ftrace_events.cpu] += 1
    assert counts == collections.Counter(e.name for e in m.trace)
    assert per_cpu == collections.Counter(e.cpu for e in m.trace)
    starts = [e for p in t.packet for e in p.ftrace_events.event if e.HasField("workqueue_execute_start")]
    assert [syms[e.workqueue_execute_start.function] for e in starts] == ["work_handler"]
    sw = next(e for p in t.packet for e in p.ftrace_events.event if e.HasField("sched_switch"))
    first = m.trace.events("sched_switch")[0]
    assert (sw.timestamp, sw.sched_switch.prev_comm, sw.sched_switch.next_comm) == (first.ts, "swapper/0", "ksoftirqd/0")
    tree = next(p.process_tree for p in t.packet if p.HasField("process_tree"))
    assert {th.tid: th.name for th in tree.threads}[13] == "kworker/u16:0"
    info = next(p.system_info for p in t.packet if p.HasField("system_info"))
    assert info.utsname.machine == "aarch64"


def test_chrome_json_has_nested_slices_per_cpu_and_per_task(traced, tmp_path):
    """seed004 on pc: every trace event is one JSON record; B/E pair up and nest on every track; ts in µs."""
    m = traced("seed004_ixgb_shared_napi")
    path = tmp_path / "t.json"
    m.trace.save(str(path))
    with open(path) as f:
        doc = json.load(f)
    recs = doc["traceEvents"]
    counts = collections.Counter(r["args"]["event"] for r in recs if "event" in r.get("args", {}))
    assert counts == collections.Counter(e.name for e in m.trace)
    depth = collections.Counter()
    last = {}
    for r in recs:
        if r["ph"] in "BE":
            key = (r["pid"], r["tid"])
            assert r["ts"] >= last.get(key, 0)
            last[key] = r["ts"]
            depth[key] += 1 if r["ph"] == "B" else -1
            assert depth[key] >= 0
    irq = next(r for r in recs if r.get("args", {}).get("event") == "irq_handler_entry")
    ev = m.trace.events("irq_handler_entry")[0]
    assert irq["ph"] == "B" and irq["ts"] == ev.ts / 1000 and irq["name"] == f"irq {ev['irq']}: {ev['name']}"
    names = {r["args"]["name"] for r in recs if r["ph"] == "M" and r["name"] == "thread_name"}
    assert {"CPU 0", "CPU 1", "insmod"} <= names
