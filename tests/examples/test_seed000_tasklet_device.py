"""Seed 000 "Tasklets": a top half that buffers register samples and a tasklet that prints them."""

import importlib.util
import pathlib

MS = 1_000_000
EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"


def load(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_each_sample_is_processed_once_and_a_bh_off_burst_in_one_tasklet_run():
    """The tasklet runs in TASKLET_SOFTIRQ at the exit of each lone interrupt; the three samples that arrive while
    CPU 0 has bottom halves off (41-43 ms) are buffered by three top halves and printed by one tasklet run at
    local_bh_enable(), because tasklet_schedule() of an already-scheduled tasklet does nothing (kernel/softirq.c)."""
    ex = load("seed000_tasklet_device")
    m = ex.main(1)
    recs = [(r.ts, r.text.rstrip("\n")) for r in m.kernel.log.records if r.text.startswith("Processing data")]
    assert [t for _, t in recs] == [f"Processing data: {s}" for _, s in ex.SAMPLES]
    tops = [e for e in m.trace.events("irq_handler_entry") if e["name"] == "my_device"]
    assert [e.ts // MS for e in tops] == [t for t, _ in ex.SAMPLES]
    assert [e.comm for e in tops] == ["<idle>"] * 3 + ["bh_off"] * 3
    runs = m.trace.events("tasklet_entry")
    assert [e["function"] for e in runs] == ["my_tasklet_function [tasklet_device]"] * 4
    # The first three runs follow their interrupt within microseconds, in softirq context on the idle task.
    assert [(e.ts - top.ts) < 5_000 for e, top in zip(runs[:3], tops[:3])] == [True] * 3
    assert [e.flags[2] for e in runs] == ["s"] * 4
    # The batched run happens when bh_off re-enables bottom halves, just after its 5 ms section (40-45 ms).
    assert runs[3].comm == "bh_off" and 45 * MS <= runs[3].ts < 45 * MS + 20_000
    assert [ts for ts, _ in recs[3:]] == [recs[3][0]] * 3
    # Each register read acknowledged the device, so the level line is quiet and nothing stormed.
    assert m.read("/proc/softirqs").splitlines()[7].split()[:2] == ["TASKLET:", "4"]
