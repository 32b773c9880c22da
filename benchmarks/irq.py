"""IRQ-layer benchmark: interrupts per wall second and wall ns per interrupt for storms through the whole
hot path (GIC line -> IAR/EOIR -> handle_fasteoi_irq -> action -> DIR -> ... -> irq_exit -> softirqs).

* hardirq storm: a level line that is never cleared, handler returns IRQ_HANDLED (back-to-back
  interrupts inside one gic_handle_irq loop, the way a real GIC storms a CPU);
* nobody-cared storm: the same with IRQ_NONE, until the kernel disables the line after 100000;
* edge train: a rising edge every 5 µs, each one entering and leaving hardirq context;
* threaded storm: an edge every 20 µs, IRQF_ONESHOT threaded handler (primary wakes "irq/N-name",
  which runs at FIFO 50 and returns), i.e. one wakeup and two context switches per interrupt.

    python benchmarks/irq.py [--count N]

Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import time

import irqlab
from irqlab.kernel import IRQ_HANDLED, IRQ_NONE, IRQF_ONESHOT, request_irq, request_threaded_irq


def _count(m: irqlab.Machine, virq: int) -> int:
    return sum(m.kernel.subsys["irq"].descs[virq].kstat_irqs)


def level_storm(n: int, ret: int) -> tuple[int, float, int]:
    m = irqlab.boot("generic", cpus=2, seed=0)
    line = m.spi_line(10)
    virq = m.board.map_spi(10)
    m.spawn(lambda: request_irq(virq, lambda i, d: ret, 0, "storm", None))
    m.run(until="2ms")
    m.at("2ms", line.assert_, "dev")
    kstat = m.kernel.subsys["irq"].descs[virq].kstat_irqs
    t0 = time.perf_counter()
    start = m.now
    m.run_until(lambda: kstat[0] >= n, "10s")
    wall = time.perf_counter() - t0
    return _count(m, virq), wall, m.now - start


def edge_train(n: int, period_ns: int, threaded: bool) -> tuple[int, float, int]:
    m = irqlab.boot("generic", cpus=2, seed=0)
    line = m.spi_line(11)
    virq = m.board.map_spi(11, "edge")

    def thread_fn(irq: int, dev: object) -> int:
        return IRQ_HANDLED

    if threaded:
        m.spawn(lambda: request_threaded_irq(virq, None, thread_fn, IRQF_ONESHOT, "thr", None))
    else:
        m.spawn(lambda: request_irq(virq, lambda i, d: IRQ_HANDLED, 0, "edge", None))
    m.run(until="2ms")
    eng = m.kernel.engine
    kstat = m.kernel.subsys["irq"].descs[virq].kstat_irqs
    left = [n]

    def pulse() -> None:
        line.pulse("dev")
        left[0] -= 1
        if left[0] > 0:
            eng.at(eng.now + period_ns, 1, pulse)

    eng.at(2_000_000, 1, pulse)
    t0 = time.perf_counter()
    start = m.now
    m.run_until(lambda: left[0] <= 0 and sum(kstat) >= n, "60s")
    wall = time.perf_counter() - t0
    return _count(m, virq), wall, m.now - start


def report(name: str, res: tuple[int, float, int]) -> None:
    count, wall, sim = res
    print(f"{name:<34} {count:>8} irqs  {count / wall:>10.0f} irqs/wall-s  {wall / count * 1e9:>9.0f} ns/irq (wall)"
          f"  {sim / count:>8.0f} ns/irq (simulated)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=100_000, help="interrupts per hardirq storm (default 100000)")
    args = ap.parse_args()
    n = args.count
    report("hardirq storm (level, HANDLED)", level_storm(n, IRQ_HANDLED))
    report("nobody-cared storm (IRQ_NONE)", level_storm(n, IRQ_NONE))
    report("hardirq edge train (5 us)", edge_train(n // 4, 5_000, False))
    report("threaded ONESHOT storm (20 us)", edge_train(n // 10, 20_000, True))


if __name__ == "__main__":
    main()
