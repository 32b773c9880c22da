"""Seed 003, "Handler Performance - Avoid Loops": examples/seed003_bounded_loop.py."""

import importlib.util
import pathlib

MS = 1_000_000
US = 1_000


def _example():
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed003_bounded_loop.py"
    spec = importlib.util.spec_from_file_location("seed003_bounded_loop", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _durations(m, irq):
    ent = [e.ts for e in m.trace.events("irq_handler_entry") if e["irq"] == irq]
    ext = [e.ts for e in m.trace.events("irq_handler_exit") if e["irq"] == irq]
    return [x - e for e, x in zip(ent, ext)]


def test_unbounded_loop_holds_the_cpu_for_the_whole_burst():
    """slow_handler handles all 64 bytes in one invocation (64 x 20 us plus register reads, ~1.29 ms; the burst is on the wire for 213 us, faster than 20 us a byte); the RT thread due at 2.1 ms waits ~1.19 ms for it. The line fires once more at the end (RX_READY latched again during the loop) and finds the FIFO empty."""
    ex = _example()
    m = ex.main(1)
    d = _durations(m, ex.board["irqs"][0])
    assert len(d) == 2 and 1_280 * US < d[0] < 1_300 * US and d[1] < 2 * US
    assert 1_150 * US < ex.latency[1] < 1_250 * US
    assert "loops: uart0: 64 byte(s) handled in hardirq context, 0 in the work item" in m.dmesg_lines()


def test_bounded_loop_caps_each_invocation_and_defers_the_rest():
    """bounded_handler stops after 16 bytes (~323 us); the re-latched line gives one more bounded invocation, then the work item handles the 32 left in a kworker on CPU2, after the RT thread (woken ~550 us late, about half the unbounded case)."""
    ex = _example()
    m = ex.main(1)
    d = _durations(m, ex.board["irqs"][1])
    assert len(d) == 2 and all(320 * US < x < 330 * US for x in d)
    assert 500 * US < ex.latency[2] < 600 * US < ex.latency[1]
    start = [e for e in m.trace.events("workqueue_execute_start")]
    end = [e for e in m.trace.events("workqueue_execute_end")]
    assert len(start) == 1 and start[0].cpu == 2 and start[0].comm.startswith("kworker/2:")
    rt_wake = [r.ts for r in m.kernel.log.records if r.text.startswith("loops: rt thread on CPU2")][0]
    assert start[0].ts > rt_wake and end[0].ts - start[0].ts > 32 * 20 * US
    assert "loops: uart1: 32 byte(s) handled in hardirq context, 32 in the work item" in m.dmesg_lines()
