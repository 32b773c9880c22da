"""Engine benchmark: simulated events per CPU second for a context-switch ping-pong and a
timer-heavy load, each next to its floor (a bare heapq + greenlet loop doing the same number
of events) measured in the same run. Prints which build runs (compiled or pure): run it again
under IRQLAB_PURE=1 for the other.

    python benchmarks/engine.py [--rounds N]
"""

from __future__ import annotations

import argparse
import heapq
import statistics
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=20000, help="ping-pong round trips")
    ap.add_argument("--ms", type=int, default=200, help="simulated ms of the timer load")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"irqlab {'compiled' if irqlab.compiled else 'pure'}; events per CPU second, median of {args.repeat}")
    for name, fn, arg in (("ping-pong", pingpong, args.rounds), ("timer-heavy", timers, args.ms)):
        rates, floors = [], []
        for _ in range(args.repeat):
            n, cpu = fn(arg)
            rates.append(n / cpu)
            floors.append(n / floor_loop(n))
        r, f = statistics.median(rates), statistics.median(floors)
        print(f"{name:12s} events={n:8d}  irqlab {r:12,.0f} events/s   floor {f:12,.0f} events/s   ratio {r / f:6.1%}")


if __name__ == "__main__":
    main()
