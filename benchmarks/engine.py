"""Engine benchmark: simulated events per CPU second for a context-switch ping-pong and a
timer-heavy load, each next to its floor (a bare heapq + greenlet loop doing the same number
of events) measured in the same run. Every measurement runs in a fresh process, alternating
irqlab and the floor (a loop that runs in the process of a simulation that just ended is slowed
by what it left behind, which would flatter the ratio); the pure build runs under IRQLAB_PURE=1
beside the compiled one when the compiled one is installed.

    python benchmarks/engine.py [--rounds N] [--ms MS] [--repeat R]
"""

from __future__ import annotations

import argparse
import gc
import heapq
import os
import statistics
import subprocess
import sys
import time

from greenlet import greenlet

import irqlab
from irqlab.kernel import (
    CLOCK_MONOTONIC,
    HRTIMER_MODE_REL,
    HRTIMER_NORESTART,
    HRTIMER_RESTART,
    complete,
    completion,
    hrtimer,
    hrtimer_forward_now,
    hrtimer_init,
    hrtimer_start,
    usleep_range,
    wait_for_completion,
)


def floor_loop(n_events: int) -> float:
    """A bare discrete-event loop: pop the next event, switch into a fiber that schedules the next one."""
    heap: list[tuple[int, int, greenlet]] = []
    main = greenlet.getcurrent()
    seq = 0

    def body() -> None:
        nonlocal seq
        now = 0
        while True:
            now += 1000
            seq += 1
            heapq.heappush(heap, (now, seq, fib))
            main.switch()

    fib = greenlet(body)
    t0 = time.process_time()
    fib.switch()
    for _ in range(n_events):
        _, _, g = heapq.heappop(heap)
        g.switch()
    return time.process_time() - t0


def pingpong(rounds: int) -> tuple[int, float]:
    """Two kthreads on one CPU handing a token back and forth with completions."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    a, b = completion("ping"), completion("pong")

    def ping() -> None:
        for _ in range(rounds):
            complete(a)
            wait_for_completion(b)

    def pong() -> None:
        for _ in range(rounds):
            wait_for_completion(a)
            complete(b)

    m.spawn(ping, name="ping")
    m.spawn(pong, name="pong")
    ev0 = m.kernel.engine.events_run
    t0 = time.process_time()
    m.run()
    return m.kernel.engine.events_run - ev0, time.process_time() - t0


def timers(duration_ms: int) -> tuple[int, float]:
    """Eight periodic hrtimers (50-200 us periods) and four threads in usleep_range loops on 4 CPUs."""
    m = irqlab.boot("generic", cpus=4, seed=0)
    end = duration_ms * 1_000_000

    def periodic(period: int) -> None:
        t = hrtimer()
        hrtimer_init(t, CLOCK_MONOTONIC, HRTIMER_MODE_REL)

        def fn(timer: hrtimer) -> int:
            if m.now >= end:
                return HRTIMER_NORESTART
            hrtimer_forward_now(timer, period)
            return HRTIMER_RESTART

        t.function = fn
        hrtimer_start(t, period, HRTIMER_MODE_REL)
        while m.now < end:
            usleep_range(300, 400)

    for i in range(8):
        m.spawn(periodic, 50_000 + 20_000 * i, name=f"timers{i}")
    ev0 = m.kernel.engine.events_run
    t0 = time.process_time()
    m.run(until=end + 1_000_000)
    return m.kernel.engine.events_run - ev0, time.process_time() - t0


LOADS = {"ping-pong": pingpong, "timer-heavy": timers}


def _child(kind: str, arg: int) -> None:
    """One measurement in this fresh process: print 'events cpu_seconds' (the floor: ``arg`` events). A tenth-size
    run first warms the process up (lazy imports, first-use caches), so that the figure is the steady state."""
    if kind == "floor":
        floor_loop(max(arg // 10, 1))
        print(arg, floor_loop(arg))
    else:
        LOADS[kind](max(arg // 10, 1))
        gc.collect()
        n, cpu = LOADS[kind](arg)
        print(n, cpu)


def measure(kind: str, arg: int, env: dict[str, str] | None = None) -> tuple[int, float]:
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", kind, str(arg)],
                         capture_output=True, text=True, check=True, env=dict(os.environ, **(env or {})))  # fmt: skip
    n, cpu = out.stdout.split()
    return int(n), float(cpu)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=20000, help="ping-pong round trips")
    ap.add_argument("--ms", type=int, default=200, help="simulated ms of the timer load")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--child", nargs=2, metavar=("KIND", "ARG"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(args.child[0], int(args.child[1]))
        return
    builds = {"compiled": {}, "pure": {"IRQLAB_PURE": "1"}} if irqlab.compiled else {"pure": {}}
    print(f"events per CPU second, median of {args.repeat} fresh processes each, alternating")
    for name, arg in (("ping-pong", args.rounds), ("timer-heavy", args.ms)):
        rates: dict[str, list[float]] = {b: [] for b in builds}
        floors: list[float] = []
        n = 0
        for _ in range(args.repeat):
            for build, env in builds.items():
                n, cpu = measure(name, arg, env)
                rates[build].append(n / cpu)
            floors.append(n / measure("floor", n)[1])
        f = statistics.median(floors)
        line = "  ".join(f"{b} {statistics.median(r):10,.0f} ({statistics.median(r) / f:5.1%})" for b, r in rates.items())
        print(f"{name:12s} events={n:7d}  {line}  floor {f:10,.0f} events/s")


if __name__ == "__main__":
    main()
