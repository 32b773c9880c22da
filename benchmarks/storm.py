"""The "storm" benchmark: irqlab (compiled and pure) against two SimPy models of the same workload, in one run.

4 CPUs; 8 devices on 8 edge-triggered GIC lines raising Poisson interrupts (mean gap 50 us of
simulated time), device d's line affine to CPU d % 4. Each interrupt: a 2 us primary handler
returning IRQ_WAKE_THREAD; the device's IRQ thread (FIFO 50) computes 10 us and queues the
device's work item on a per-CPU workqueue, whose function computes 20 us. Offered load is
5.12 CPUs on 4: bottom halves back up and drain after the last interrupt. The run ends when
the requested number of interrupts was raised and everything they caused finished.

    python benchmarks/storm.py [--irqs N] [--runs 5] [--scale] [--trace] [--profile FILE]

Each figure is the CPU time of one fresh process (imports excluded), the contenders alternating run by
run: irqlab compiled (when the installed irqlab is the mypyc build), irqlab pure (the same install under
IRQLAB_PURE=1), the lean SimPy model (storm_simpy.py: coalesces wakeups as Linux does), the straightforward
one (storm_simpy_naive.py: one process per handler run, no coalescing) and the floor (a bare heapq +
greenlet loop doing three handler invocations per interrupt). Prints the median CPU seconds, interrupts
per CPU second and peak RSS of each, and each irqlab build's speed ratio to each SimPy model, pair by pair.
SimPy comes from the optional `bench` extra.
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

#: The storm's mean gap between one device's interrupts (irqlab.scenarios.storm.GAP_NS), for the floor loop.
GAP_NS = 50_000


def irqlab_storm(n_irqs: int, seed: int = 1, trace: bool = False) -> dict[str, int]:
    """The workload on irqlab (irqlab/scenarios/storm.py), imported here so that only irqlab's contenders
    load irqlab (the SimPy models' and the floor's peak RSS stay their own)."""
    from irqlab.scenarios import storm

    return storm.run(n_irqs, seed, trace)


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
    """Run one measurement in a fresh process and print 'cpu_seconds rss_kb'. Imports come before the clock
    starts: the figure is simulation speed, not module loading."""
    if which == "irqlab":
        import irqlab.kernel  # noqa: F401
    elif which in ("simpy", "naive"):
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from storm_simpy import simpy_storm
        from storm_simpy_naive import simpy_naive_storm
    gc.collect()
    t0 = time.process_time()
    if which == "irqlab":
        res = irqlab_storm(n, trace=trace)
        # Edges that reach a GIC line already pending coalesce into one interrupt, as on hardware.
        assert 0.9 * n <= res["top"] <= n, res
    elif which == "simpy":
        res = simpy_storm(n)
        assert res["top"] == n, res
    elif which == "naive":
        res = simpy_naive_storm(n)
        assert res["work"] == n, res
    else:
        floor_storm(n)
    cpu = time.process_time() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{cpu:.6f} {rss}")


#: The contenders: name -> (child kind, extra environment).
CONTENDERS = {
    "compiled": ("irqlab", {}),
    "pure": ("irqlab", {"IRQLAB_PURE": "1"}),
    "simpy": ("simpy", {}),
    "naive": ("naive", {}),
}


def measure(which: str, n: int, trace: bool = False, env: dict[str, str] | None = None) -> tuple[float, int]:
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", which, "--irqs", str(n)]
                         + (["--trace"] if trace else []), capture_output=True, text=True, check=True,
                         env=dict(os.environ, **(env or {})))  # fmt: skip
    cpu, rss = out.stdout.split()
    return float(cpu), int(rss)


def compiled_installed() -> bool:
    """Whether the irqlab this interpreter imports (without IRQLAB_PURE) is the mypyc build."""
    env = {k: v for k, v in os.environ.items() if k != "IRQLAB_PURE"}
    out = subprocess.run([sys.executable, "-c", "import irqlab; print(irqlab.compiled)"], capture_output=True,
                         text=True, check=True, env=env)  # fmt: skip
    return out.stdout.strip() == "True"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--irqs", type=int, default=200_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--naive-irqs", type=int, default=20_000,
                    help="interrupts for the straightforward SimPy model, whose queues grow without coalescing and "
                    "whose cost per interrupt grows with them (default 20000)")
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
    names = [c for c in CONTENDERS if c != "compiled" or compiled_installed()]
    if "compiled" not in names:
        print("irqlab compiled: not installed here (pip install . with a C compiler); only the pure build runs")
    naive_n = min(n, args.naive_irqs)
    print(f"storm: {n} interrupts ({naive_n} for the straightforward SimPy model), 8 devices, 4 CPUs; "
          f"CPU time of fresh processes, 1 warm-up + {args.runs} counted runs each, alternating")  # fmt: skip
    for name in names:
        kind, env = CONTENDERS[name]
        measure(kind, max(1000, min(n, naive_n if name == "naive" else n) // 20), env=env)
    res: dict[str, list[tuple[float, int]]] = {name: [] for name in names}
    for _ in range(args.runs):
        for name in names:
            kind, env = CONTENDERS[name]
            res[name].append(measure(kind, naive_n if name == "naive" else n, env=env))
    fl = measure("floor", n)
    labels = {"compiled": "irqlab compiled", "pure": "irqlab pure", "simpy": "SimPy lean",
              "naive": "SimPy straightforward"}  # fmt: skip
    per_irq: dict[str, list[float]] = {}
    for name in names:
        k = naive_n if name == "naive" else n
        per_irq[name] = [r[0] / k for r in res[name]]
        c = statistics.median(r[0] for r in res[name])
        rss = max(r[1] for r in res[name])
        print(f"{labels[name]:22s} median {c:8.2f} s  {k / c:10,.0f} irqs/CPU-s  {c / k * 1e6:7.1f} us/irq  "
              f"peak RSS {rss / 1024:6.1f} MiB")  # fmt: skip
    print(f"{'floor':22s} single {fl[0]:8.2f} s  {n / fl[0]:10,.0f} irqs/CPU-s  {fl[0] / n * 1e6:7.1f} us/irq  "
          "(heapq + greenlet, 3 handlers per interrupt)")  # fmt: skip
    for build in ("compiled", "pure"):
        if build not in names:
            continue
        for ref in ("simpy", "naive"):
            ratios = [r / b for b, r in zip(per_irq[build], per_irq[ref])]
            print(f"{labels[build]} speed / {labels[ref]} (per interrupt), pair by pair: "
                  f"{', '.join(f'{x:.2f}' for x in ratios)}; median {statistics.median(ratios):.2f}")  # fmt: skip
    if args.trace:
        w, rss = measure("irqlab", n, trace=True)
        print(f"irqlab with tracing on (ring buffer): {w:.2f} CPU s, {n / w:,.0f} irqs/CPU-s, peak RSS {rss / 1024:.1f} MiB")
    if args.scale:
        for k in (50_000, 200_000, 800_000):
            w, rss = measure("irqlab", k)
            print(f"scale {k:7d} irqs: {w:8.2f} s   {w / k * 1e6:6.1f} us/irq   peak RSS {rss / 1024:7.1f} MiB")


if __name__ == "__main__":
    main()
