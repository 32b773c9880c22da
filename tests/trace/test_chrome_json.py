"""Chrome JSON files: one record per trace event, properly nested slices per CPU and per task."""

import collections
import json


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
