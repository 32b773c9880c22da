"""The interrupt storm: 4 CPUs; 8 devices on 8 edge-triggered GIC lines raising Poisson interrupts (mean gap
50 µs of simulated time), device d's line affine to CPU d % 4. Each interrupt: a 2 µs primary handler returning
IRQ_WAKE_THREAD; the device's IRQ thread (FIFO 50) computes 10 µs and queues the device's work item on a per-CPU
workqueue, whose function computes 20 µs. Offered load is 5.12 CPUs on 4: the bottom halves back up and drain
after the last interrupt. benchmarks/storm.py times it; the cross-build test compares its kernel text.
"""

from __future__ import annotations

import random

import irqlab
from irqlab.kernel import (
    INIT_WORK,
    IRQ_HANDLED,
    IRQ_WAKE_THREAD,
    IRQF_TRIGGER_RISING,
    alloc_workqueue,
    cpu_work,
    irq_set_affinity,
    queue_work_on,
    request_threaded_irq,
    work_struct,
)

GAP_NS = 50_000
TOP_NS, THREAD_NS, WORK_NS = 2_000, 10_000, 20_000


def run(n_irqs: int, seed: int = 1, trace: bool = False) -> dict[str, int]:
    """Run the storm of ``n_irqs`` interrupts on the generic board (tracing off unless ``trace``) until everything
    they caused has finished; returns the handler, thread and work-function counts and the end time (µs)."""
    m = irqlab.boot("generic", cpus=4, seed=seed, trace=trace)
    stats = {"top": 0, "thread": 0, "work": 0}
    virqs = [m.board.map_spi(40 + d, "edge") for d in range(8)]
    lines = [m.spi_line(40 + d) for d in range(8)]
    works = [work_struct() for _ in range(8)]

    def work_fn(w: object) -> None:
        cpu_work(WORK_NS)
        stats["work"] += 1

    def top(irq: int, dev: int) -> int:
        cpu_work(TOP_NS)
        stats["top"] += 1
        return IRQ_WAKE_THREAD

    def setup() -> int:
        wq = alloc_workqueue("storm", 0, 0)

        def thread(irq: int, dev: int) -> int:
            cpu_work(THREAD_NS)
            stats["thread"] += 1
            queue_work_on(dev % 4, wq, works[dev])
            return IRQ_HANDLED

        for d in range(8):
            INIT_WORK(works[d], work_fn)
            ret = request_threaded_irq(virqs[d], top, thread, IRQF_TRIGGER_RISING, f"storm{d}", d)
            if ret:
                return ret
            irq_set_affinity(virqs[d], 1 << (d % 4))
        return 0

    m.spawn(setup, name="storm-setup")
    m.run(until="1ms")
    eng = m.kernel.engine
    rng = random.Random(seed)
    left = [n_irqs]

    def fire(d: int) -> None:
        if left[0] <= 0:
            return
        left[0] -= 1
        lines[d].pulse()
        eng.at(eng.now + max(1, int(rng.expovariate(1.0 / GAP_NS))), 1, fire, d)

    for d in range(8):
        eng.at(eng.now + max(1, int(rng.expovariate(1.0 / GAP_NS))), 1, fire, d)
    m.run()
    stats["end_us"] = m.now // 1000
    return stats


__all__ = ["run", "GAP_NS", "TOP_NS", "THREAD_NS", "WORK_NS"]
