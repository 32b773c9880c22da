"""Soak benchmark: resident memory growth per million simulated events, with tracing off and on.

A long mixed load on the generic board (4 CPUs): a threaded edge interrupt every 20 µs whose thread queues a work
item, a tasklet scheduled from the hard handler, and a kthread cycling msleep(1) with a spinlock and a timer. After a
warm-up, the resident set size (/proc/self/statm) is sampled every 250 000 engine events; the figure is the growth
from the first sample to the last, per million events. Flat memory reads close to 0 MiB per million events.

    python benchmarks/soak.py [--events N] [--tracing off|on|both]

Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import gc
import os
import time

import irqlab
from irqlab.kernel import (
    DEFINE_SPINLOCK,
    INIT_WORK,
    IRQ_HANDLED,
    IRQ_WAKE_THREAD,
    IRQF_ONESHOT,
    msleep,
    queue_work,
    request_threaded_irq,
    spin_lock,
    spin_unlock,
    system_wq,
    tasklet_init,
    tasklet_schedule,
    tasklet_struct,
    work_struct,
)

PAGE = os.sysconf("SC_PAGE_SIZE")
MIB = 1 << 20


def rss() -> int:
    """Current resident set size in bytes (Linux /proc/self/statm)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE


def soak(events: int, tracing: bool) -> tuple[float, float, int, float]:
    """Run the load for ``events`` engine events; (MiB at start, MiB growth per 1e6 events, events, wall s)."""
    m = irqlab.boot("generic", cpus=4, seed=0, trace=tracing)
    line = m.spi_line(11)
    virq = m.board.map_spi(11, "edge")
    work = work_struct()
    tasklet = tasklet_struct()
    lock = DEFINE_SPINLOCK("soak")
    counters = {"work": 0, "tasklet": 0, "loop": 0}

    def work_fn(w: work_struct) -> None:
        counters["work"] += 1

    def tasklet_fn(data: int) -> None:
        counters["tasklet"] += 1

    def hard(irq: int, dev: object) -> int:
        tasklet_schedule(tasklet)
        return IRQ_WAKE_THREAD

    def thread_fn(irq: int, dev: object) -> int:
        queue_work(system_wq, work)
        return IRQ_HANDLED

    def setup() -> None:
        INIT_WORK(work, work_fn)
        tasklet_init(tasklet, tasklet_fn, 0)
        request_threaded_irq(virq, hard, thread_fn, IRQF_ONESHOT, "soak", None)

    def looper() -> None:
        while True:
            spin_lock(lock)
            counters["loop"] += 1
            spin_unlock(lock)
            msleep(1)

    m.spawn(setup)
    m.spawn(looper, name="looper")
    eng = m.kernel.engine

    def pulse() -> None:
        line.pulse("dev")
        eng.at(eng.now + 20_000, 1, pulse)

    eng.at(2_000_000, 1, pulse)
    m.run(until="50ms")  # warm-up: workers, pools and the trace ring reach their steady state
    gc.collect()
    start_events = eng.events_run
    samples = [(0, rss())]
    t0 = time.perf_counter()
    step = 250_000
    while eng.events_run - start_events < events:
        target = eng.events_run + step
        m.run_until(lambda: eng.events_run >= target)
        gc.collect()
        samples.append((eng.events_run - start_events, rss()))
    wall = time.perf_counter() - t0
    (e0, r0), (e1, r1) = samples[0], samples[-1]
    growth = (r1 - r0) / MIB / ((e1 - e0) / 1e6)
    return r0 / MIB, growth, e1 - e0, wall


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=2_000_000, help="engine events to run after the warm-up")
    ap.add_argument("--tracing", choices=("off", "on", "both"), default="both")
    args = ap.parse_args()
    modes = {"off": [False], "on": [True], "both": [False, True]}[args.tracing]
    print(f"{'tracing':8} {'events':>10} {'wall s':>8} {'events/s':>10} {'RSS MiB':>8} {'MiB per 1e6 events':>19}")
    for tracing in modes:
        start, growth, n, wall = soak(args.events, tracing)
        print(f"{'on' if tracing else 'off':8} {n:>10} {wall:>8.1f} {n / wall:>10.0f} {start:>8.1f} {growth:>19.3f}")


if __name__ == "__main__":
    main()
