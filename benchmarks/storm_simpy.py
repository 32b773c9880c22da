"""The "storm" workload as a SimPy model: the reference irqlab is measured against.

4 CPUs as preemptive resources; 8 devices raising Poisson interrupts (mean gap 50 us) on
CPU d % 4. Each interrupt runs a 2 us top half (highest priority), wakes the device's
thread (10 us, middle priority; wakes before it runs collapse into one run), which
queues the device's work item (20 us, lowest priority; queueing a pending item is a
no-op, a running item re-queued runs again after) on the same CPU.
"""

from __future__ import annotations

import random
from typing import Any

import simpy

TOP, THREAD, WORK = 0, 1, 2


def run_on_cpu(env: simpy.Environment, cpu: simpy.PreemptiveResource, prio: int, cost: float) -> Any:
    """Occupy ``cpu`` for ``cost`` us at ``prio``, resuming after preemptions."""
    remaining = cost
    while remaining > 0:
        with cpu.request(priority=prio, preempt=True) as req:
            yield req
            start = env.now
            try:
                yield env.timeout(remaining)
                remaining = 0
            except simpy.Interrupt:
                remaining -= env.now - start


class Device:
    def __init__(self, env: simpy.Environment, cpu: simpy.PreemptiveResource, stats: dict[str, int]) -> None:
        self.env = env
        self.cpu = cpu
        self.stats = stats
        self.thread_pending = False
        self.thread_running = False
        self.work_pending = False
        self.work_running = False

    def interrupt(self) -> Any:
        yield from run_on_cpu(self.env, self.cpu, TOP, 2.0)
        self.stats["top"] += 1
        if not self.thread_pending:
            self.thread_pending = True
            if not self.thread_running:
                self.env.process(self.thread())

    def thread(self) -> Any:
        self.thread_running = True
        while self.thread_pending:
            self.thread_pending = False
            yield from run_on_cpu(self.env, self.cpu, THREAD, 10.0)
            self.stats["thread"] += 1
            if not self.work_pending:
                self.work_pending = True
                if not self.work_running:
                    self.env.process(self.work())
        self.thread_running = False

    def work(self) -> Any:
        self.work_running = True
        while self.work_pending:
            self.work_pending = False
            yield from run_on_cpu(self.env, self.cpu, WORK, 20.0)
            self.stats["work"] += 1
        self.work_running = False


def source(env: simpy.Environment, dev: Device, rng: random.Random, quota: list[int]) -> Any:
    while quota[0] > 0:
        yield env.timeout(rng.expovariate(1 / 50.0))
        if quota[0] <= 0:
            break
        quota[0] -= 1
        env.process(dev.interrupt())


def simpy_storm(n_irqs: int, seed: int = 1) -> dict[str, int]:
    """Run the workload until ``n_irqs`` interrupts were raised and all their work finished."""
    env = simpy.Environment()
    rng = random.Random(seed)
    cpus = [simpy.PreemptiveResource(env, capacity=1) for _ in range(4)]
    stats = {"top": 0, "thread": 0, "work": 0}
    quota = [n_irqs]
    for d in range(8):
        dev = Device(env, cpus[d % 4], stats)
        env.process(source(env, dev, rng, quota))
    env.run()
    stats["end_us"] = int(env.now)
    return stats
