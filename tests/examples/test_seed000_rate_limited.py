"""Seed 000 "Interrupt Mitigation and Rate Limiting": the rate-limited handler's coalescing window, computed by hand."""

import importlib.util
import pathlib

MS = 1_000_000
EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"


def load(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_coalescing_window_is_four_ticks_not_10_ms():
    """Hand computation (HZ=250, jiffy j covers [4j, 4j+4) ms after boot; interrupts at 10.5, 11.5, ... 109.5 ms, then
    200.5, 201.5, 202.5 ms):
    msecs_to_jiffies(10) = ceil(10/4) = 3. An interrupt with irq_count == 1 in jiffy j arms the timer for j+3, and 6.12's
    calc_index() puts a level-0 timer in bucket expires+1 (kernel/time/timer.c), so the work runs at the tick of j+4:
      10.5 ms (j=2)  -> work at 24 ms, batch = 10.5..23.5   = 14 events
      24.5 ms (j=6)  -> 40 ms,  24.5..39.5 = 16;  40.5 (j=10) -> 56 ms, 16;  56.5 (j=14) -> 72 ms, 16;
      72.5 ms (j=18) -> 88 ms, 16;  88.5 (j=22) -> 104 ms, 16;  104.5 (j=26) -> 120 ms, 104.5..109.5 = 6
      200.5 ms (j=50) -> 216 ms, 3 events.
    14 + 5*16 + 6 = 100. The window is 16 ms in steady state (4 jiffies), not the seed's 10 ms; the 50 ms test
    (time_after(now, last + 13)) never fires because every batch is at most 4 jiffies long."""
    ex = load("seed000_rate_limited")
    m = ex.main(1)
    recs = [(r.ts, r.text.rstrip("\n")) for r in m.kernel.log.records if r.text.startswith("Processing")]
    assert [(ts // MS, t) for ts, t in recs] == [
        (24, "Processing 14 batched events"),
        (40, "Processing 16 batched events"),
        (56, "Processing 16 batched events"),
        (72, "Processing 16 batched events"),
        (88, "Processing 16 batched events"),
        (104, "Processing 16 batched events"),
        (120, "Processing 6 batched events"),
        (216, "Processing 3 batched events"),
    ]
    assert all(ts % MS < 10_000 for ts, _ in recs)  # a few us after the tick: timer softirq, then the kworker
    tops = [e for e in m.trace.events("irq_handler_entry") if e["name"] == "my_device"]
    assert len(tops) == 103
    runs = m.trace.events("workqueue_execute_start")
    assert [e["function"] for e in runs] == ["process_batched_events [rate_limited]"] * 8
    assert all(e.comm.startswith("kworker/0:") for e in runs)  # system_wq, on the CPU whose handler armed the timer
    assert ex.dev.irq_count == 0
