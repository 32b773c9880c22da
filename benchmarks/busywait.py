"""Busy-wait benchmark: simulated seconds of spinning per wall second.

A kthread on CPU 1 of the generic board spins for 30 simulated seconds in four ways: a pure
``while True: cpu_relax()`` loop with IRQs off and with IRQs on (it runs ahead to the next event), a spinlock held
for ever by a CPU in an mdelay(1000) loop (one parked wait), and a loop that counts its iterations (not pure: every 10 ns poll is taken one by one,
so it runs for 50 simulated ms only). The lockup detectors and the RCU stall detector run meanwhile.

    python benchmarks/busywait.py

Figures only; nothing is asserted.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import irqlab
from irqlab.kernel import DEFINE_SPINLOCK, cpu_relax, local_irq_disable, mdelay, spin_lock


def measure(name: str, fn: Callable[[], None], until_ms: int, other: Callable[[], None] | None = None) -> None:
    m = irqlab.boot("generic", cpus=2, seed=0)
    m.spawn(fn, name="spinner", cpu=1)
    if other is not None:
        m.spawn(other, name="holder", cpu=0)
    t0 = time.perf_counter()
    m.run(until=f"{until_ms}ms")
    wall = time.perf_counter() - t0
    print(f"{name:34} {until_ms / 1000:>8.3f} {wall:>8.3f} {until_ms / 1000 / wall:>12.1f}")


def main() -> None:
    lock = DEFINE_SPINLOCK("held")

    def relax_irqs_off() -> None:
        local_irq_disable()
        while True:
            cpu_relax()

    def relax_irqs_on() -> None:
        while True:
            cpu_relax()

    def holder() -> None:
        spin_lock(lock)
        while True:
            mdelay(1000)

    def waiter() -> None:
        mdelay(1)
        spin_lock(lock)

    def counting() -> None:
        n = 0
        while True:
            cpu_relax()
            n += 1

    print(f"{'loop':34} {'sim s':>8} {'wall s':>8} {'sim s/wall s':>12}")
    measure("cpu_relax() loop, IRQs off", relax_irqs_off, 30_000)
    measure("cpu_relax() loop, IRQs on", relax_irqs_on, 30_000)
    measure("spin_lock() on a lock held for ever", waiter, 30_000, holder)
    measure("cpu_relax() loop counting itself", counting, 50)


if __name__ == "__main__":
    main()
