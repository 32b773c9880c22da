"""Seed 001, "Bottom Halves with Workqueues": examples/seed001_bottomhalf_workqueue.py."""

import importlib.util
import pathlib

US, MS = 1_000, 1_000_000


def _example():
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed001_bottomhalf_workqueue.py"
    spec = importlib.util.spec_from_file_location("seed001_bottomhalf_workqueue", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_top_half_switches_led_at_once_and_bounces_requeue_the_running_work_once():
    """Every interrupt calls schedule_work(), but only those finding the work idle or running queue it.

    Button 1's release (at 250 ms) bounces while the first run sleeps, which queues one more run;
    button 2's press comes during the second run and its release during the third. So dozens of
    interrupts give 4 queueings and 4 back-to-back runs in one kworker on CPU 0, where the interrupts
    came in (system_wq is per-CPU). Each run sleeps msleep(500) = 126 jiffies at HZ=250, which the
    timer wheel's level 1 rounds up to a multiple of 8 jiffies: 504-536 ms.
    """
    ex = _example()
    m = ex.main(1)
    n_irqs = len(m.trace.events("irq_handler_entry"))
    queued = m.trace.events("workqueue_queue_work")
    starts, ends = m.trace.events("workqueue_execute_start"), m.trace.events("workqueue_execute_end")
    assert n_irqs > 2 * len(queued) and len(queued) == len(starts) == len(ends) == 4
    assert all(q["function"] == "bottomhalf_work_fn [gpiomod]" and q["workqueue"] == "events" for q in queued)
    assert len({(s.comm, s.cpu) for s in starts}) == 1 and starts[0].comm.startswith("kworker/0:")
    for s, e in zip(starts, ends):
        assert 504 * MS <= e.ts - s.ts <= 536 * MS
    for e, s in zip(ends, starts[1:]):
        assert s.ts == e.ts  # requeued while running: runs again as soon as it ends
    texts = [t for t in m.dmesg_lines() if t.startswith("Bottom half")]
    assert texts == ["Bottom half workqueue starts", "Bottom half workqueue ends"] * 4
    led = list(m.led(4).timeline)
    assert [on for _, on in led] == [False, True, False]
    assert 100 * MS < led[1][0] < 100 * MS + 10 * US and 1100 * MS < led[2][0] < 1100 * MS + 10 * US
