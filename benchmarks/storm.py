"""The "storm" benchmark: irqlab against a SimPy model of the same workload, in one run.

4 CPUs; 8 devices on 8 edge-triggered GIC lines raising Poisson interrupts (mean gap 50 us of
simulated time), device d's line affine to CPU d % 4. Each interrupt: a 2 us primary handler
returning IRQ_WAKE_THREAD; the device's IRQ thread (FIFO 50) computes 10 us and queues the
device's work item on a per-CPU workqueue, whose function computes 20 us. Offered load is
5.12 CPUs on 4: bottom halves back up and drain after the last interrupt. The run ends when
the requested number of interrupts was raised and everything they caused finished.

    python benchmarks/storm.py [--irqs N] [--runs 5] [--scale] [--trace] [--profile FILE]

Prints, for irqlab and SimPy: median wall seconds, interrupts per wall second, peak RSS, and
the irqlab/SimPy ratio pair by pair; also the floor (a bare heapq + greenlet loop doing three
handler invocations per interrupt). SimPy comes from the optional `bench` extra.
"""

from __future__ import annotations

import argparse
import gc
import heapq
import os
import random
import resource
import statistics
import subprocess
import sys
import time

from greenlet import greenlet

GAP_NS = 50_000
TOP_NS, THREAD_NS, WORK_NS = 2_000, 10_000, 20_000


def irqlab_storm(n_irqs: int, seed: int = 1, trace: bool = False) -> dict[str, int]:
    """Run the workload on irqlab's generic board (tracing off unless ``trace``)."""
    import irqlab
    from irqlab.kernel import (
        INIT_WORK,
        IRQ_HANDLED,
        IRQ_WAKE_THREAD,
        IRQF_TRIGGER_RISING,
        alloc_workqueue,
        cpu_work,
        irq_set_affinity,
        queue_work_on,
        request_threaded_irq,
        work_struct,
    )

    m = irqlab.boot("generic", cpus=4, seed=seed, trace=trace)
    stats = {"top": 0, "thread": 0, "work": 0}
    virqs = [m.board.map_spi(40 + d, "edge") for d in range(8)]
    lines = [m.spi_line(40 + d) for d in range(8)]
    works = [work_struct() for _ in range(8)]

    def work_fn(w: object) -> None:
        cpu_work(WORK_NS)
        stats["work"] += 1

    def top(irq: int, dev: int) -> int:
        cpu_work(TOP_NS)
        stats["top"] += 1
        return IRQ_WAKE_THREAD

    def setup() -> int:
        wq = alloc_workqueue("storm", 0, 0)

        def thread(irq: int, dev: int) -> int:
            cpu_work(THREAD_NS)
            stats["thread"] += 1
            queue_work_on(dev % 4, wq, works[dev])
            return IRQ_HANDLED

        for d in range(8):
            INIT_WORK(works[d], work_fn)
            ret = request_threaded_irq(virqs[d], top, thread, IRQF_TRIGGER_RISING, f"storm{d}", d)
            assert ret == 0, ret
            irq_set_affinity(virqs[d], 1 << (d % 4))
        return 0

    m.spawn(setup, name="storm-setup")
    m.run(until="1ms")
    eng = m.kernel.engine
    rng = random.Random(seed)
    left = [n_irqs]

    def fire(d: int) -> None:
        if left[0] <= 0:
            return
        left[0] -= 1
        lines[d].pulse()
        eng.at(eng.now + max(1, int(rng.expovariate(1.0 / GAP_NS))), 1, fire, d)

    for d in range(8):
        eng.at(eng.now + max(1, int(rng.expovariate(1.0 / GAP_NS))), 1, fire, d)
    m.run_until(lambda: left[0] <= 0)
    m.run()
    stats["end_us"] = m.now // 1000
    return stats


def floor_storm(n_irqs: int, seed: int = 1) -> None:
    """A bare heapq + greenlet loop: per interrupt, three handler invocations (top, thread, work)."""
    rng = random.Random(seed)
    heap: list[tuple[int, int, int, int]] = []
    main = greenlet.getcurrent()
    seq = 0

    def handler() -> None:
        while True:
            main.switch()

    fibers = [greenlet(handler) for _ in range(3)]
    for f in fibers:
        f.switch()
    for d in range(8):
        seq += 1
        heapq.heappush(heap, (int(rng.expovariate(1.0 / GAP_NS)), seq, d, 0))
    raised = 0
    while heap:
        t, _, d, stage = heapq.heappop(heap)
        fibers[stage].switch()
        seq += 1
        if stage < 2:
            heapq.heappush(heap, (t + 1000, seq, d, stage + 1))
        elif raised < n_irqs:
            raised += 1
            heapq.heappush(heap, (t + int(rng.expovariate(1.0 / GAP_NS)), seq, d, 0))


def _child(which: str, n: int, trace: bool) -> None:
    """Run one measurement in a fresh process and print 'wall rss_kb'. Imports come before the clock starts:
    the figure is simulation speed, not module loading."""
    if which == "irqlab":
        import irqlab.kernel  # noqa: F401
    elif which == "simpy":
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from storm_simpy import simpy_storm
    gc.collect()
    t0 = time.perf_counter()
    if which == "irqlab":
        res = irqlab_storm(n, trace=trace)
        # Edges that reach a GIC line already pending coalesce into one interrupt, as on hardware.
        assert 0.9 * n <= res["top"] <= n, res
    elif which == "simpy":
        res = simpy_storm(n)
        assert res["top"] == n, res
    else:
        floor_storm(n)
    wall = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{wall:.6f} {rss}")


def measure(which: str, n: int, trace: bool = False) -> tuple[float, int]:
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", which, "--irqs", str(n)]
                         + (["--trace"] if trace else []), capture_output=True, text=True, check=True)  # fmt: skip
    wall, rss = out.stdout.split()
    return float(wall), int(rss)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--irqs", type=int, default=200_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--scale", action="store_true", help="also run 50k/200k/800k on irqlab")
    ap.add_argument("--trace", action="store_true", help="also run irqlab with every tracepoint recording")
    ap.add_argument("--profile", metavar="FILE", help="write a cProfile of one irqlab run to FILE")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(args.child, args.irqs, args.trace)
        return
    if args.profile:
        import cProfile

        cProfile.runctx("irqlab_storm(args.irqs)", globals(), {"args": args, "irqlab_storm": irqlab_storm},
                        args.profile)  # fmt: skip
        print(f"profile of one irqlab run written to {args.profile}")
        return
    n = args.irqs
    print(f"storm: {n} interrupts, 8 devices, 4 CPUs, 1 warm-up + {args.runs} counted runs each (alternating)")
    measure("irqlab", max(1000, n // 20))
    measure("simpy", max(1000, n // 20))
    ir, sp = [], []
    for _ in range(args.runs):
        ir.append(measure("irqlab", n))
        sp.append(measure("simpy", n))
    fl = measure("floor", n)
    ratios = [s[0] / i[0] for i, s in zip(ir, sp)]
    for name, rs in (("irqlab", ir), ("simpy", sp)):
        w = statistics.median(r[0] for r in rs)
        rss = max(r[1] for r in rs)
        print(f"{name:7s} median {w:8.2f} s   {n / w:10,.0f} irqs/s   peak RSS {rss / 1024:7.1f} MiB")
    print(f"floor   {fl[0]:8.2f} s   {n / fl[0]:10,.0f} irqs/s   (heapq + greenlet, 3 handlers per interrupt)")
    print(f"irqlab/SimPy speed ratio per pair: {', '.join(f'{r:.2f}' for r in ratios)}; median {statistics.median(ratios):.2f}")
    if args.trace:
        w, rss = measure("irqlab", n, trace=True)
        print(f"irqlab with tracing on (ring buffer): {w:.2f} s, {n / w:,.0f} irqs/s, peak RSS {rss / 1024:.1f} MiB")
    if args.scale:
        for k in (50_000, 200_000, 800_000):
            w, rss = measure("irqlab", k)
            print(f"scale {k:7d} irqs: {w:8.2f} s   {w / k * 1e6:6.1f} us/irq   peak RSS {rss / 1024:7.1f} MiB")


if __name__ == "__main__":
    main()
