"""Seed 001, "Best Practices, 3. Implement Proper Debouncing": examples/seed001_debounce_delayed_work.py."""

import importlib.util
import pathlib

MS, US = 1_000_000, 1_000


def _example():
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed001_debounce_delayed_work.py"
    spec = importlib.util.spec_from_file_location("seed001_debounce_delayed_work", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_line_is_off_for_the_window_and_the_masked_edge_is_replayed_at_enable_irq():
    """Per press or release: one interrupt at the first contact, one replayed right after enable_irq().

    disable_irq_nosync() only marks the line disabled (lazy disable); the next bounce edge enters handle_edge_irq(),
    which sets IRQS_PENDING and masks the pin. The delayed work runs 52-56 ms later (msecs_to_jiffies(50) = 13
    jiffies at HZ=250 counted from the current jiffy, plus the timer wheel's round-up of one jiffy) in a kworker of
    CPU 0, and enable_irq() resends the pending edge: the handler runs again, disables the line and schedules the
    work again. So /proc/interrupts counts exactly 2 per bouncing burst, 8 per button, whatever the number of
    bounces; the LED (on/off) still changes once per press.
    """
    ex = _example()
    m = ex.main(1)
    rows = [r for r in m.read("/proc/interrupts").splitlines() if "gpiomod" in r]
    assert [r.split()[1] for r in rows] == ["8", "8"]
    ents = [e.ts for e in m.trace.events("irq_handler_entry") if e["name"] == "gpiomod#button1"]
    works = [(e.ts, e.comm) for e in m.trace.events("workqueue_execute_start")]
    assert all(comm.startswith("kworker/0:") for _, comm in works) and len(works) == 16
    # button 1: press at 100 ms and release at 250 ms, then again at 1100/1250 ms
    for t0, (first, replay) in zip((100, 250, 1100, 1250), zip(ents[::2], ents[1::2])):
        assert t0 * MS < first < t0 * MS + 10 * US
        work = next(ts for ts, _ in works if ts > first)
        assert 52 * MS < work - first < 56 * MS + 50 * US
        assert 0 < replay - work < 20 * US  # the replayed edge runs as enable_irq() returns
    assert [on for _, on in m.led(4).timeline] == [False, True, False, True, False]
