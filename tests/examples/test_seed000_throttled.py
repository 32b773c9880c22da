"""Seed 000 "Interrupt Mitigation and Rate Limiting": the throttled handler's drop count, computed by hand."""

import importlib.util
import pathlib

MS = 1_000_000
EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"


def load(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_throttle_processes_9_of_100_and_drops_91():
    """Hand computation (HZ=250, jiffy j covers [4j, 4j+4) ms; 100 interrupts at 10.5, 11.5, ... 109.5 ms):
    msecs_to_jiffies(5) = ceil(5/4) = 2, and time_after(now, last + 2) holds only for now >= last + 3.
    last_irq_time starts at 0, far in the past for time_after(), so 10.5 ms (j=2) is processed; then the first
    interrupt at j >= 5 (20 ms): 20.5; then j >= 8: 32.5; j >= 11: 44.5; 14: 56.5; 17: 68.5; 20: 80.5; 23: 92.5;
    26: 104.5; the next would need j >= 29 (116 ms), after the last interrupt. Processed: 9 (gaps 10 ms, then 12 ms:
    3 jiffies, not the seed's 5 ms). Dropped: 100 - 9 = 91, and before each processed one 0, 9, 20, 31, ..., 86
    (11 interrupts between two processed ones 12 ms apart)."""
    ex = load("seed000_throttled")
    m = ex.main(1)
    recs = [(r.ts, r.text.rstrip("\n")) for r in m.kernel.log.records if r.text.startswith("throttled: ")]
    processed = [(ts, t) for ts, t in recs if "processing" in t]
    assert [ts // 100_000 for ts, _ in processed] == [105, 205, 325, 445, 565, 685, 805, 925, 1045]
    assert [t for _, t in processed] == [f"throttled: processing interrupt ({n} dropped so far)"
                                         for n in (0, 9, 20, 31, 42, 53, 64, 75, 86)]
    assert recs[-1][1] == "throttled: 91 interrupts dropped"
    assert ex.dev.irq_count == 91
    tops = [e for e in m.trace.events("irq_handler_entry") if e["name"] == "my_device"]
    assert len(tops) == ex.COUNT == 100
