"""Interrupt-path scale benchmark: CPU time per interrupt against the number of GIC lines and of CPUs.

* lines: the generic board with a 1024-ID GIC (988 SPIs), 2 CPUs, N level lines (N = 8, 100, 988) spread
  over both CPUs; each handler computes 1 us and clears its device, which raises the line again 1 us
  later: the CPUs are saturated, so nearly every line is pending at every acknowledge;
* cpus: the generic board with C CPUs (C = 1, 2, 4, 8, 16; a GICv3 above 8), 4 edge lines per CPU,
  each affine to its CPU and pulsed with exponential gaps of 100 us mean; a 2 us handler;
  next to it, the series' floor: the same workload as bare heapq + greenlet (cpus_floor_run()), without a
  kernel: what strict time order with one greenlet per CPU costs by itself as the CPUs interleave;
* gic: the controller model alone (GIC-400 up to 8 CPUs, GICv3 beyond), N edge SPIs all pending on one
  CPU: the IAR/EOIR/DIR cycle that takes one of them and makes it pending again.

* memory (only when asked): benchmarks/storm.py's workload at 50k, 200k and 800k interrupts: peak RSS and the
  most entries the GIC's candidate heaps, the fair run queues' timelines and the engine's event heap
  held (sampled every 50 us of simulated time).

    python benchmarks/irq_scale.py [--irqs N] [--repeat R] [--only lines,cpus,gic,memory]

Each run is a fresh process; CPU time (time.process_time). Also prints simulated events per
interrupt and fiber switches per interrupt: the engine's share of the work, which grows with
interleaving CPUs. Figures only.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

LINE_COUNTS = (8, 100, 988)
CPU_COUNTS = (1, 2, 4, 8, 16)


def _count_switches(eng: object) -> Callable[[], int]:
    """A function returning the engine's fiber switches from now on (Engine.switches; an earlier engine without
    that counter has its switch() wrapped instead, or, compiled, returns -1: not counted)."""
    if hasattr(eng, "switches"):
        base = eng.switches
        return lambda: eng.switches - base  # type: ignore[attr-defined, no-any-return]
    n = [0]
    switch = eng.switch  # type: ignore[attr-defined]

    def counting(target: object, value: object = None) -> object:
        n[0] += 1
        return switch(target, value)

    try:
        eng.switch = counting  # type: ignore[attr-defined]
    except AttributeError:  # a compiled engine without the counter: not counted
        return lambda: -1
    return lambda: n[0]


def lines_run(nlines: int, n_irqs: int) -> tuple[float, int, int, int]:
    """(CPU seconds, interrupts, engine events, fiber switches) for ``nlines`` saturated level lines on 2 CPUs."""
    import dataclasses

    import irqlab
    from irqlab.boards import GENERIC, register_board
    from irqlab.kernel import IRQ_HANDLED, cpu_work, irq_set_affinity, request_irq

    register_board(dataclasses.replace(GENERIC, name="generic-1024", data={**GENERIC.data, "gic_irqs": 1024}))
    m = irqlab.boot("generic-1024", cpus=2, seed=1)
    eng = m.kernel.engine
    virqs = [m.board.map_spi(i, "level") for i in range(nlines)]
    lines = [m.spi_line(i) for i in range(nlines)]
    count = [0]

    def reassert(i: int) -> None:
        lines[i].assert_("dev")

    def handler(irq: int, i: int) -> int:
        cpu_work(1_000)
        lines[i].deassert("dev")
        count[0] += 1
        eng.at(eng.now + 1_000, 1, reassert, i)
        return IRQ_HANDLED

    def setup() -> None:
        for i, virq in enumerate(virqs):
            assert request_irq(virq, handler, 0, f"l{i}", i) == 0
            assert irq_set_affinity(virq, 1 << (i % 2)) == 0

    m.spawn(setup, name="setup")
    m.run(until="1ms")
    for i in range(nlines):
        m.at(1_000_000 + i, lines[i].assert_, "dev")
    m.run_until(lambda: count[0] >= 2_000, "10s")  # warm up: every line has become pending
    start, ev0 = count[0], eng.events_run
    switches = _count_switches(eng)
    t0 = time.process_time()
    m.run_until(lambda: count[0] - start >= n_irqs, "600s")
    return time.process_time() - t0, count[0] - start, eng.events_run - ev0, switches()


def cpus_run(ncpus: int, n_irqs: int) -> tuple[float, int, int, int]:
    """(CPU seconds, interrupts, engine events, fiber switches) for 4 Poisson edge lines per CPU on ``ncpus`` CPUs."""
    import irqlab
    from irqlab.kernel import IRQ_HANDLED, cpu_work, irq_set_affinity, request_irq

    m = irqlab.boot("generic", cpus=ncpus, seed=1)
    eng = m.kernel.engine
    nlines = 4 * ncpus
    virqs = [m.board.map_spi(40 + i, "edge") for i in range(nlines)]
    lines = [m.spi_line(40 + i) for i in range(nlines)]
    count = [0]
    rng = random.Random(1)

    def handler(irq: int, dev: object) -> int:
        cpu_work(2_000)
        count[0] += 1
        return IRQ_HANDLED

    def setup() -> None:
        for i, virq in enumerate(virqs):
            assert request_irq(virq, handler, 0, f"e{i}", None) == 0
            assert irq_set_affinity(virq, 1 << (i % ncpus)) == 0

    def fire(i: int) -> None:
        lines[i].pulse()
        eng.at(eng.now + max(1, int(rng.expovariate(1 / 100_000))), 1, fire, i)

    m.spawn(setup, name="setup")
    m.run(until="1ms")
    for i in range(nlines):
        eng.at(eng.now + max(1, int(rng.expovariate(1 / 100_000))), 1, fire, i)
    m.run_until(lambda: count[0] >= 1_000, "10s")
    start, ev0 = count[0], eng.events_run
    switches = _count_switches(eng)
    t0 = time.process_time()
    m.run_until(lambda: count[0] - start >= n_irqs, "600s")
    return time.process_time() - t0, count[0] - start, eng.events_run - ev0, switches()


#: The waits of one interrupt on the generic board's GICv3 path, in ns: the entry cost (irq_enter()), the
#: ICC_IAR1 read and ICC_EOIR1 write, the 2 us handler, the exit cost with the ICC_DIR write's (irq_exit()).
FLOOR_WAITS = (500, 150, 2_000, 350)


def cpus_floor_run(ncpus: int, n_irqs: int) -> tuple[float, int, int, int]:
    """(CPU seconds, interrupts, events, greenlet switches) for cpus_run()'s workload as bare heapq + greenlet.

    One greenlet per CPU takes its lines' interrupts one after the other, each as the four waits of
    FLOOR_WAITS, in the engine's strict time order: a wait that no earlier event cuts moves the clock; a cut
    one queues its resume and parks, switching straight to the next event's CPU when that event resumes one
    (irqlab's Engine.pop_due() handoff), else to the loop, which runs the line events (the next pulse, and the
    delivery to an idle CPU as an event of its own, as the GIC's kick is). Nothing else: no kernel state, no
    trace, no GIC (each pulse is an interrupt, where the GIC merges one into an edge still pending: rare at
    these rates); what is left is the order contract's own cost, which grows with the CPUs busy at once."""
    from heapq import heappop, heappush

    from greenlet import greenlet

    heap: list[tuple[int, int, int, int]] = []  # (time, priority, sequence, CPU to resume, or -1 - line)
    rng = random.Random(1)
    main = greenlet.getcurrent()
    glets: list[greenlet] = []
    pending = [0] * ncpus
    idle = [True] * ncpus
    st = [0, 0, 0, 0, 0]  # now, sequence, interrupts, events, switches

    def park() -> None:
        # The next event, when it resumes a CPU, is run here: one switch instead of two through the loop.
        if heap and heap[0][3] >= 0:
            when, _, _, c = heappop(heap)
            st[0] = when
            st[3] += 1
            st[4] += 1
            glets[c].switch()
        else:
            st[4] += 1
            main.switch()

    def cpu(c: int) -> None:
        while True:
            park()  # idle until a delivery resumes it
            while pending[c]:
                pending[c] -= 1
                for w in FLOOR_WAITS:
                    t = st[0] + w
                    if heap and heap[0][0] <= t:  # another event runs first: queue the rest, park
                        st[1] += 1
                        heappush(heap, (t, 3, st[1], c))
                        park()
                    else:
                        st[0] = t
                        st[3] += 1
                st[2] += 1
            idle[c] = True

    def fire(line: int) -> None:
        st[1] += 1
        heappush(heap, (st[0] + max(1, int(rng.expovariate(1 / 100_000))), 1, st[1], -1 - line))
        c = line % ncpus
        pending[c] += 1
        if idle[c]:
            idle[c] = False
            st[1] += 1
            heappush(heap, (st[0], 2, st[1], c))

    for c in range(ncpus):
        g = greenlet(cpu)
        glets.append(g)
        g.switch(c)  # to its first park
    for line in range(4 * ncpus):
        st[1] += 1
        heappush(heap, (max(1, int(rng.expovariate(1 / 100_000))), 1, st[1], -1 - line))

    def run(n: int) -> None:
        while st[2] < n:
            when, _, _, who = heappop(heap)
            st[0] = when
            st[3] += 1
            if who >= 0:
                st[4] += 1
                glets[who].switch()
            else:
                fire(-1 - who)

    run(1_000)
    start, ev0, sw0 = st[2], st[3], st[4]
    t0 = time.process_time()
    run(start + n_irqs)
    return time.process_time() - t0, st[2] - start, st[3] - ev0, st[4] - sw0


def gic_run(nlines: int, ncpus: int, cycles: int) -> tuple[float, int, int, int]:
    """(CPU seconds, acknowledges, 0, 0): the controller model alone, ``nlines`` edge SPIs pending on CPU 0."""
    if ncpus <= 8:
        from irqlab.hw.gic import GIC400

        g = GIC400(ncpus, 1024)

        def route(intid: int) -> None:
            g.set_target(intid, 1)
    else:
        from irqlab.hw.gic_v3 import GICv3, mpidr_affinity

        g = GICv3(ncpus, 1024)  # type: ignore[assignment]
        for c in range(ncpus):
            g.write_waker(c, False)  # type: ignore[attr-defined]
            g.write_icc_igrpen1(c, True)  # type: ignore[attr-defined]

        def route(intid: int) -> None:
            g.write_irouter(intid, mpidr_affinity(0))  # type: ignore[attr-defined]

    for c in range(ncpus):
        g.write_pmr(c, 0xF0)
    lines = {}
    for intid in range(32, 32 + nlines):
        route(intid)
        g.set_config(intid, 0, True)
        g.set_enable(intid, 0, True)
        lines[intid] = g.spi_line(intid)
        lines[intid].pulse()
    t0 = time.process_time()
    for _ in range(cycles):
        intid = g.read_iar(0) & 0x3FF
        g.write_eoir(0, intid)
        g.write_dir(0, intid)
        lines[intid].pulse()
    return time.process_time() - t0, cycles, 0, 0


def memory_run(n_irqs: int) -> tuple[float, int, int, int, int]:
    """(CPU seconds, peak RSS in KiB, most GIC candidate heap entries, most fair timeline entries, most engine
    event heap entries) over the storm benchmark's workload (benchmarks/storm.py) with ``n_irqs`` interrupts."""
    import resource

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from storm import irqlab_storm

    import irqlab

    machines: list[irqlab.Machine] = []
    boot = irqlab.boot

    def keep(*args: object, **kw: object) -> irqlab.Machine:
        m = boot(*args, **kw)  # type: ignore[arg-type]
        machines.append(m)
        return m

    peak = [0, 0, 0]

    def keep_sampling(*args: object, **kw: object) -> irqlab.Machine:
        m = keep(*args, **kw)
        k = m.kernel
        eng = k.engine

        def sample() -> None:
            # (getattr: the same script also measures earlier versions, which scanned plain lists)
            heaps = getattr(k.subsys["gic"].hw, "_heap", [])
            peak[0] = max(peak[0], sum(len(h) for h in heaps))
            cfs = [c.rq.cfs for c in k.cpus]  # the heap and, where there is one, the sorted run beside it
            peak[1] = max(peak[1], sum(len(getattr(q, "timeline", ())) + len(getattr(q, "run", ())) for q in cfs))
            peak[2] = max(peak[2], len(eng._heap) + len(getattr(eng, "_resumes", ())))
            eng.at_background(eng.now + 50_000, 1, sample)  # background: the run still ends with the work

        eng.at_background(eng.now + 50_000, 1, sample)
        return m

    irqlab.boot = keep_sampling  # type: ignore[assignment]
    t0 = time.process_time()
    irqlab_storm(n_irqs)
    spent = time.process_time() - t0
    return spent, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, peak[0], peak[1], peak[2]


def _child(kind: str, a: int, b: int, n: int) -> None:
    if kind == "memory":
        print(*memory_run(a))
        return
    if kind == "lines":
        res = lines_run(a, n)
    elif kind == "cpus":
        res = cpus_run(a, n)
    elif kind == "cpusfloor":
        res = cpus_floor_run(a, n)
    else:
        res = gic_run(a, b, n)
    print(*res)


def _measure(kind: str, a: int, b: int, n: int) -> tuple[float, ...] | None:
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", kind, str(a), str(b), "--irqs", str(n)],
                         capture_output=True, text=True)  # fmt: skip
    if out.returncode:
        last = (out.stderr.strip().splitlines() or ["?"])[-1]
        print(f"   ({kind} {a}/{b} failed: {last})")
        return None
    first, *rest = out.stdout.split()
    return (float(first), *(int(x) for x in rest))


def _of(repeat: int) -> str:
    return f", median of {repeat} rounds alternating the sizes" if repeat > 1 else ""


def _series(kind: str, sizes: tuple[int, ...], unit: str, n: int, repeat: int, floor: str = "") -> None:
    """Measure ``kind`` at each size, ``repeat`` rounds over all sizes (so that a noisy spell of the machine
    spreads over the sizes), and print each size's median CPU time per interrupt against the first size's;
    with ``floor``, that kind too, in the same rounds, and the growth of both from the first size to the last
    in us per interrupt, against the 15% of the first size's cost that a flat series allows."""
    kinds = (kind, floor) if floor else (kind,)
    runs: dict[tuple[str, int], list[tuple[float, ...]]] = {(k, size): [] for k in kinds for size in sizes}
    for _ in range(max(repeat, 1)):
        for size in sizes:
            for k in kinds:
                r = _measure(k, size, 0, n)
                if r:
                    runs[k, size].append(r)

    def per_irq(k: str, size: int) -> tuple[float, tuple[float, ...]] | None:
        got = runs[k, size]
        if not got:
            return None
        r = got[0]  # events and switches are the same in every run (deterministic)
        return statistics.median(x[0] for x in got) / r[1] * 1e6, r

    base = {k: 0.0 for k in kinds}
    last = dict(base)
    for size in sizes:
        m = per_irq(kind, size)
        if m is None:
            continue
        us, r = m
        base[kind] = base[kind] or us
        last[kind] = us
        sw = f"{r[3] / r[1]:5.2f}" if r[3] >= 0 else "    ?"
        line = (f"  {size:4d} {unit}: {us:7.2f} us per interrupt ({us / base[kind]:4.2f}x)  {r[2] / r[1]:5.2f} events, "
                f"{sw} switches per interrupt")  # fmt: skip
        fm = per_irq(floor, size) if floor else None
        if fm is not None:
            fus, fr = fm
            base[floor] = base[floor] or fus
            last[floor] = fus
            line += f";  floor {fus:5.2f} us ({fus / base[floor]:4.2f}x), {fr[3] / fr[1]:4.2f} switches"
        print(line)
    if floor and base[kind] and base[floor]:
        print(f"  from {sizes[0]} to {sizes[-1]} {unit}: +{last[kind] - base[kind]:.2f} us per interrupt, the floor "
              f"+{last[floor] - base[floor]:.2f} us; a flat series (15%) allows +{0.15 * base[kind]:.2f} us")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--irqs", type=int, default=20_000)
    ap.add_argument(
        "--only",
        default="lines,cpus,gic",
        help="sections: lines, cpus, gic, memory (the storm workload at 50k/200k/800k interrupts; a few minutes)",
    )
    ap.add_argument("--repeat", type=int, default=3,
                    help="rounds over the sizes of lines and cpus, alternating; each size's median is printed")  # fmt: skip
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(args.child[0], int(args.child[1]), int(args.child[2]), args.irqs)
        return
    only = args.only.split(",")
    if "lines" in only:
        print(f"lines: 2 CPUs, saturated level lines, {args.irqs} interrupts (CPU time per interrupt{_of(args.repeat)})")
        _series("lines", LINE_COUNTS, "lines", args.irqs, args.repeat)
    if "cpus" in only:
        print(f"cpus: 4 Poisson edge lines per CPU, {args.irqs} interrupts (CPU time per interrupt{_of(args.repeat)})")
        _series("cpus", CPU_COUNTS, "CPUs", args.irqs, args.repeat, floor="cpusfloor")
    if "gic" in only:
        cycles = args.irqs * 5
        print(f"gic: the controller model alone, all lines pending on CPU 0, {cycles} IAR/EOIR/DIR cycles")
        base = 0.0
        for n, c in [(8, 2)] + [(n, 2) for n in LINE_COUNTS[1:]] + [(100, c) for c in (1, 8, 16)]:
            r = _measure("gic", n, c, cycles)
            if r:
                ns = r[0] / r[1] * 1e9
                base = base or ns
                print(f"  {n:4d} lines, {c:2d} CPUs: {ns:7.0f} ns per acknowledge cycle ({ns / base:4.2f}x)")
    if "memory" in only:
        print("memory: the storm workload (benchmarks/storm.py), fresh process per size")
        for n in (50_000, 200_000, 800_000):
            r = _measure("memory", n, 0, 0)
            if r:
                print(f"  {n:7,d} interrupts: peak RSS {r[1] / 1024:6.1f} MiB, {r[0] / n * 1e6:6.1f} us per interrupt; "
                      f"at most {r[2]} GIC heap, {r[3]} fair timeline, {r[4]} engine heap entries")  # fmt: skip


if __name__ == "__main__":
    main()
