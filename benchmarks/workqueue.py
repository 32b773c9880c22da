"""Workqueue benchmark: work items executed per wall second when many producer threads queue short
items onto a per-CPU workqueue, an unbound workqueue and a BH workqueue.

Each producer is a kthread that, in a loop, queues a batch of its own work items (each computes
for 5 µs of simulated CPU time, a third of them sleep briefly as well) and then sleeps a
jiffy. Prints figures only.

    python benchmarks/workqueue.py [--cpus N] [--producers N] [--batch N] [--sim-ms N]
"""

from __future__ import annotations

import argparse
import time

import irqlab
from irqlab.kernel import (
    WQ_BH,
    WQ_UNBOUND,
    alloc_workqueue,
    cpu_work,
    msleep,
    queue_work,
    usleep_range,
    work_struct,
)


def run(kind: str, cpus: int, producers: int, batch: int, sim_ms: int) -> tuple[int, float, int]:
    """Returns (items executed, wall seconds, simulated events)."""
    m = irqlab.boot("generic", cpus=cpus, seed=1)
    done = [0]
    holder: dict[str, object] = {}
    flags = {"per-cpu": 0, "unbound": WQ_UNBOUND, "bh": WQ_BH}[kind]

    def item(work: work_struct) -> None:
        cpu_work(5_000)
        if kind != "bh" and work.sleepy:  # type: ignore[attr-defined]
            usleep_range(20, 40)
        done[0] += 1

    def producer(idx: int) -> None:
        if "wq" not in holder:
            holder["wq"] = alloc_workqueue("bench_%s", flags, 0, kind.replace("-", ""))
        wq = holder["wq"]
        works = []
        for i in range(batch):
            w = work_struct(item)
            w.sleepy = i % 3 == 0  # type: ignore[attr-defined]
            works.append(w)
        while True:
            for w in works:
                queue_work(wq, w)
            msleep(1)

    for i in range(producers):
        m.spawn(producer, i, name=f"producer{i}", cpu=i % cpus)
    ev0 = m.kernel.engine.events_run
    t0 = time.perf_counter()
    m.run(until=f"{sim_ms}ms")
    wall = time.perf_counter() - t0
    return done[0], wall, m.kernel.engine.events_run - ev0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cpus", type=int, default=4)
    ap.add_argument("--producers", type=int, default=16)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--sim-ms", type=int, default=400)
    a = ap.parse_args()
    print(f"{a.producers} producers x {a.batch} items per jiffy-ish round, {a.cpus} CPUs, {a.sim_ms} ms simulated")
    print(f"{'workqueue':<10} {'items':>9} {'wall s':>8} {'items/wall s':>13} {'events/wall s':>14}")
    for kind in ("per-cpu", "unbound", "bh"):
        items, wall, events = run(kind, a.cpus, a.producers, a.batch, a.sim_ms)
        print(f"{kind:<10} {items:>9} {wall:>8.2f} {items / wall:>13,.0f} {events / wall:>14,.0f}")


if __name__ == "__main__":
    main()
