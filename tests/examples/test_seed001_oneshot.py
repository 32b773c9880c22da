"""Seed 001, "Critical Concepts and Gotchas, 5. IRQF_ONESHOT for Threaded IRQs": examples/seed001_oneshot.py."""

import importlib.util
import pathlib

MS = 1_000_000


def _example():
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed001_oneshot.py"
    spec = importlib.util.spec_from_file_location("seed001_oneshot", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_oneshot_masks_the_level_line_until_the_thread_and_sharers_must_agree():
    """IRQF_ONESHOT keeps the shared level line masked until the thread ends; sharers must agree on it.

    With IRQF_SHARED | IRQF_ONESHOT each event is one pass of the top halves although the level line stays
    asserted for the ~10 ms the thread sleeps. A sharer without ONESHOT is refused (-EBUSY, "Flags mismatch":
    0x84 vs 0x2084, IRQF_ONESHOT = 0x2000): sharers must agree. A shared threaded pair without ONESHOT is
    accepted (the seed calls ONESHOT mandatory there) and works because its top halves silence the device.
    """
    ex = _example()
    m = ex.main(1)
    a, b = ex.board["irq_a"], ex.board["irq_b"]
    lines = m.dmesg_lines()
    i = lines.index("dev1: IRQF_SHARED | IRQF_ONESHOT: 0")
    assert lines[i:i + 6] == [
        "dev1: IRQF_SHARED | IRQF_ONESHOT: 0",
        "dev2: IRQF_SHARED | IRQF_ONESHOT: 0",
        f"genirq: Flags mismatch irq {a}. 00000084 (dev5) vs. 00002084 (dev1)",
        "dev5: IRQF_SHARED only, on dev1's line: -16",
        "dev3: IRQF_SHARED only: 0",
        "dev4: IRQF_SHARED only: 0",
    ]
    assert sorted(t for t in lines if t.endswith("handled in thread")) == [f"dev{n}: handled in thread" for n in range(1, 5)]
    for irq, owners in ((a, ["dev1", "dev2"]), (b, ["dev3", "dev4"])):
        hard = [(e.ts, e["name"]) for e in m.trace.events("irq_handler_entry") if e["irq"] == irq]
        assert [n for _, n in hard] == ["dev1", "dev2"] * 2 if irq == a else ["dev3", "dev4"] * 2
        threads = [(e.ts, e["name"]) for e in m.trace.events("irq_thread_entry") if e["irq"] == irq]
        exits = [e.ts for e in m.trace.events("irq_thread_exit") if e["irq"] == irq]
        assert [n for _, n in threads] == owners  # one thread run per event, by the device that signalled
        assert hard[1][0] < 11 * MS and exits[0] > 18 * MS and hard[2][0] > 40 * MS  # quiet while the thread ran
