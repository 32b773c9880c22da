"""Sweep benchmark: runs per wall second of the seed 001 debounce sweep, as a plain loop in this process and
on a Dask LocalCluster of 1 and 2 worker processes.

The same runs each way (``--points`` values of debounce_ms x ``--seeds`` seeds, ``--press-ms`` of random
presses per run). The LocalCluster figures include starting the cluster (its worker processes import
irqlab) and closing it, as ``irqlab sweep`` pays them; "runs only" counts from the moment the cluster is
up to the last result. A last line
compares one run's wall time in this process and in a warm worker, alternating. Prints figures only.

    python benchmarks/sweep.py [--seeds N] [--points N] [--press-ms N]
"""

from __future__ import annotations

import argparse
import pathlib
import statistics
import time
from typing import Any

from dask.distributed import Client

from irqlab.sweep import load_scenario, make_plan, run_point, run_sweep
from irqlab.sweep.runner import local_cluster
from irqlab.sweep.scenario import run_batch

EXAMPLE = str(pathlib.Path(__file__).resolve().parents[1] / "examples" / "seed001_debounce_sweep.py")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=50)
    ap.add_argument("--points", type=int, default=4)
    ap.add_argument("--press-ms", type=int, default=1000)
    a = ap.parse_args()
    params: dict[str, list[Any]] = {"debounce_ms": [1, 2, 5, 10, 20, 50][: a.points] or [5], "profile": ["worn"],
                                    "press_ms": [a.press_ms]}
    seeds = range(1, a.seeds + 1)
    sc = load_scenario(EXAMPLE)
    plan = make_plan(sc, seeds, params)
    n = len(plan)
    print(f"{n} runs: seed001_debounce_sweep.py, {len(plan.points)} points x {a.seeds} seeds, {a.press_ms} ms of presses each")
    t0 = time.perf_counter()
    for _, p, s in plan.runs():
        run_point(sc, p, s)
    seq = time.perf_counter() - t0
    print(f"{'sequential loop (this process)':34s} {n / seq:8.1f} runs/s  ({seq:.2f} s)")
    for workers in (1, 2):
        t0 = time.perf_counter()
        up: list[float] = []
        last: list[float] = []

        def seen(progress: object) -> None:
            # The first report comes once the cluster is up, before any run is submitted; the last with the
            # last result, before the cluster is closed.
            (last if up else up).append(time.perf_counter())

        run_sweep(sc, seeds, params, workers=workers, on_progress=seen)
        end = time.perf_counter()
        total, runs_only = end - t0, last[-1] - up[0]
        print(f"{f'LocalCluster, {workers} worker(s)':34s} {n / total:8.1f} runs/s  ({total:.2f} s with start-up and close; "
              f"runs only: {n / runs_only:.1f} runs/s)")

    # The same batch of runs, alternately in this process and in a warm worker: the cost of a run itself in
    # a worker process, apart from start-up, warm-up and scheduling.
    batch = list(plan.runs())[: max(1, n // 10)]
    here, there = [], []
    with local_cluster(1) as cluster, Client(cluster) as client:
        client.submit(run_batch, sc, batch[:1], None, pure=False).result()  # warm the worker up
        for _ in range(5):
            here.append(sum(r.wall_s for _, r in run_batch(sc, batch, None)))
            there.append(sum(r.wall_s for _, r in client.submit(run_batch, sc, batch, None, pure=False).result()))
    per_run_here, per_run_there = statistics.median(here) / len(batch), statistics.median(there) / len(batch)
    print(f"{'one run, this process / warm worker':34s} {per_run_here * 1e3:8.1f} ms / {per_run_there * 1e3:.1f} ms "
          f"(median of 5 alternating batches of {len(batch)})")


if __name__ == "__main__":
    main()
