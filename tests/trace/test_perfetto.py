"""Perfetto protobuf files read back with the protos the perfetto package ships."""

import collections

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
    kinds = {e.WhichOneof("event") for p in t.packet for e in p.ftrace_events.event}
    assert {"sched_waking", "sched_wakeup", "ipi_raise", "timer_start", "hrtimer_start", "print", "console"} <= kinds
    tree = next(p.process_tree for p in t.packet if p.HasField("process_tree"))
    assert {th.tid: th.name for th in tree.threads}[13] == "kworker/u16:0"
    info = next(p.system_info for p in t.packet if p.HasField("system_info"))
    assert info.utsname.machine == "aarch64"


def test_instrumentation_added_by_name_is_a_generic_perfetto_event(tmp_path):
    """An irqlab:<name> event added at run time is a GenericFtraceEvent with its fields."""
    import irqlab

    m = irqlab.boot("generic", cpus=1, seed=0)
    m.trace.enable(m.trace.tracepoint("my_probe").event.full_name)
    m.trace.my_probe.emit(0, irq=5, why="late")
    path = tmp_path / "p.perfetto-trace"
    m.trace.save(str(path))
    g = next(e.generic for p in _perfetto(path).packet for e in p.ftrace_events.event)
    assert g.event_name == "my_probe" and [(f.name, f.int_value or f.str_value) for f in g.field] == [
        ("irq", 5), ("why", "late")]  # fmt: skip
