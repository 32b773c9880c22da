"""Scheduler scale benchmark: CPU time per context switch against the number of runnable tasks.

One CPU of the generic board, N tasks, each in a fresh process, for N in 10, 40, 200, 2000:

* fair: N SCHED_NORMAL tasks, each looping ``cpu_work(2 us); sched_yield()``: every switch enqueues the
  previous task and picks the leftmost of N entities;
* rt: N SCHED_FIFO tasks spread over priorities 1-90, each looping ``cpu_work(2 us); msleep(1)``: the
  sleepers wake together at each jiffy, so up to N tasks wait in the RT priority array at once.

Each task first parks on a completion and is started one at a time, so setup does not depend on how
deep the scheduler's stack is when a fiber first runs; every task is then released at once.

    python benchmarks/sched_scale.py [--switches N] [--sizes 10,40,200,2000]

Prints microseconds of CPU time per context switch and the ratio to the smallest size; then the
greenlet floor: N bare greenlets, each parked 12 Python-to-C-to-Python calls deep (a task's stack is
that deep), switched in round robin. Its growth with N is the cost of reloading saved stacks that no
longer fit the CPU's caches, which every context switch pays whatever the run queue does. Figures only.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from functools import partial
from typing import Any


def _parked(t: Any) -> bool:
    return t.state.value in ("sleeping", "blocked")


def run_one(kind: str, n: int, switches: int) -> tuple[float, int]:
    """CPU seconds spent and context switches made once ``switches`` were reached, for ``n`` tasks."""
    import irqlab
    from irqlab.kernel import DECLARE_COMPLETION, complete_all, cpu_work, msleep, wait_for_completion
    from irqlab.kernel.sched.current import yield_

    m = irqlab.boot("generic", cpus=1, seed=1)
    go = DECLARE_COMPLETION("go")

    def fair_body() -> None:
        wait_for_completion(go)
        while True:
            cpu_work(2_000)
            yield_()

    def rt_body() -> None:
        wait_for_completion(go)
        while True:
            cpu_work(2_000)
            msleep(1)

    for i in range(n):
        if kind == "fair":
            t = m.spawn(fair_body, name=f"fair{i}")
        else:
            t = m.spawn(rt_body, name=f"rt{i}", policy="fifo", prio=1 + i % 90)
        m.run_until(partial(_parked, t), "1s")
    m.spawn(lambda: complete_all(go), name="go")
    cpu = m.kernel.cpus[0]
    m.run(for_="1ms")
    start = cpu.nr_switches
    t0 = time.process_time()
    m.run_until(lambda: cpu.nr_switches - start >= switches, "600s")
    spent = time.process_time() - t0
    return spent, cpu.nr_switches - start


def greenlet_floor(n: int, switches: int) -> float:
    """CPU seconds per switch among ``n`` greenlets parked 12 C-level frames deep, in round robin."""
    from greenlet import getcurrent, greenlet

    main = getcurrent()

    def nest(depth: int) -> object:
        if depth:
            return list(map(lambda _: nest(depth - 1), [0]))
        while True:
            main.switch()

    fibers = [greenlet(lambda: nest(12)) for _ in range(n)]
    for f in fibers:
        f.switch()
    t0 = time.process_time()
    for i in range(switches):
        fibers[i % n].switch()
    return (time.process_time() - t0) / switches


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--switches", type=int, default=20_000)
    ap.add_argument("--sizes", default="10,40,200,2000")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        if args.child[0] == "floor":
            print(f"{greenlet_floor(int(args.child[1]), 10 * args.switches) * args.switches:.6f} {args.switches}")
            return
        spent, done = run_one(args.child[0], int(args.child[1]), args.switches)
        print(f"{spent:.6f} {done}")
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"context-switch cost, one CPU, {args.switches} switches per run (CPU time, fresh process per run)")
    for kind in ("fair", "rt", "floor"):
        base = 0.0
        for n in sizes:
            out = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", kind, str(n),
                                  "--switches", str(args.switches)], capture_output=True, text=True, check=True)  # fmt: skip
            spent_s, done_s = out.stdout.split()
            us = float(spent_s) / int(done_s) * 1e6
            base = base or us
            what = "greenlets:     " if kind == "floor" else "runnable tasks:"
            print(f"{kind:5s} {n:5d} {what} {us:8.2f} us per switch  ({us / base:5.2f}x the {sizes[0]}-task cost)")


if __name__ == "__main__":
    main()
