"""Seed 004, "request_irq() - The Classic Entry Point" and free_irq(): examples/seed004_request_free_irq.py."""

import importlib.util
import pathlib

MS = 1_000_000


def _example():
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed004_request_free_irq.py"
    spec = importlib.util.spec_from_file_location("seed004_request_free_irq", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_shared_requests_need_a_dev_id_and_matching_flags():
    """IRQF_SHARED with dev_id NULL is -EINVAL without a message; a non-shared request on the shared line is -EBUSY after "Flags mismatch", where both flag words include the line's trigger (level high, 0x4) that __setup_irq() copies into requests that give none."""
    m = _example().main(1)
    lines = m.dmesg_lines()
    i = lines.index("sharedemo: request_irq(IRQF_SHARED, dev_id=NULL) = -22")
    assert lines[i:i + 5] == [
        "sharedemo: request_irq(IRQF_SHARED, dev_id=NULL) = -22",
        "sharedemo: request_irq(IRQF_SHARED, devA) = 0",
        "sharedemo: request_irq(IRQF_SHARED, devB) = 0",
        "genirq: Flags mismatch irq 14. 00000004 (loner) vs. 00000084 (devA)",
        "sharedemo: request_irq(0, loner) = -16",
    ]


def test_free_irq_waits_for_the_running_handler_and_warns_on_a_second_free():
    """free_irq(devB) from CPU1 at 2.1 ms returns "devB" only when devB's 500 us handler (started at 2 ms) is done; freeing it again WARNs "Trying to free already-free IRQ 14" and returns NULL."""
    m = _example().main(1)
    recs = {r.text: r.ts for r in m.kernel.log.records}
    t = next(ts for txt, ts in recs.items() if txt.startswith("sharedemo: free_irq(devB) returned devB after "))
    assert 2 * MS + 500_000 <= t < 2 * MS + 510_000
    assert "Trying to free already-free IRQ 14" in recs
    assert "sharedemo: free_irq(devB) again returned NULL" in recs
    assert [k for k, _ in m.reports] == ["WARNING"]


def test_a_device_left_interrupting_after_free_irq_storms_the_remaining_sharer():
    """devB signals again at 5 ms but has no handler any more: devA's handler answers IRQ_NONE to every re-delivery of the level line until devB resets at 7 ms; /proc/irq/14/spurious counts them all."""
    ex = _example()
    ex.main(1)
    text = ex.shown["/proc/irq/14/spurious"].splitlines()
    count, unhandled = int(text[0].split()[1]), int(text[1].split()[1])
    assert unhandled > 5000 and count == unhandled + 2  # devA's own interrupt and devB's first one
    assert ex.handled == {"devA": 1, "devB": 1}
