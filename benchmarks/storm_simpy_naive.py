"""The "storm" workload as a user would first write it in SimPy: the second reference.

Same machine and load as storm_simpy.py (4 CPUs as preemptive resources, 8 devices raising Poisson
interrupts with a mean gap of 50 us on CPU d % 4, 2 us top half, 10 us thread, 20 us work item), without
the coalescing Linux does: every interrupt starts one SimPy process per handler run (top half, then its
own thread run, then its own work run), each contending for the CPU by priority and resuming after
preemptions.
"""

from __future__ import annotations

import random
from typing import Any

import simpy

TOP, THREAD, WORK = 0, 1, 2


def handler_run(env: simpy.Environment, cpu: simpy.PreemptiveResource, prio: int, cost: float) -> Any:
    """One handler run: occupy ``cpu`` for ``cost`` us at ``prio``, resuming after preemptions."""
    remaining = cost
    while remaining > 0:
        with cpu.request(priority=prio, preempt=True) as req:
            start = -1.0
            try:
                yield req
                start = env.now
                yield env.timeout(remaining)
                remaining = 0
            except simpy.Interrupt:  # preempted while running, or between the grant and resuming
                if start >= 0:
                    remaining -= env.now - start


def interrupt(env: simpy.Environment, cpu: simpy.PreemptiveResource, stats: dict[str, int]) -> Any:
    """Top half, then the thread run it wakes, then the work run the thread queues: one process each."""
    yield env.process(handler_run(env, cpu, TOP, 2.0))
    stats["top"] += 1
    yield env.process(handler_run(env, cpu, THREAD, 10.0))
    stats["thread"] += 1
    yield env.process(handler_run(env, cpu, WORK, 20.0))
    stats["work"] += 1


def source(env: simpy.Environment, cpu: simpy.PreemptiveResource, rng: random.Random, quota: list[int],
           stats: dict[str, int]) -> Any:  # fmt: skip
    while quota[0] > 0:
        yield env.timeout(rng.expovariate(1 / 50.0))
        if quota[0] <= 0:
            break
        quota[0] -= 1
        env.process(interrupt(env, cpu, stats))


def simpy_naive_storm(n_irqs: int, seed: int = 1) -> dict[str, int]:
    """Run the workload until ``n_irqs`` interrupts were raised and all their work finished."""
    env = simpy.Environment()
    rng = random.Random(seed)
    cpus = [simpy.PreemptiveResource(env, capacity=1) for _ in range(4)]
    stats = {"top": 0, "thread": 0, "work": 0}
    quota = [n_irqs]
    for d in range(8):
        env.process(source(env, cpus[d % 4], rng, quota, stats))
    env.run()
    stats["end_us"] = int(env.now)
    return stats
