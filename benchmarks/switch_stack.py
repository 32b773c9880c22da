"""Bytes of C stack greenlet copies at each fiber switch of irq_scale.py's ``cpus`` workload.

At every switch greenlet copies the C stack of the context it leaves out to the heap and the saved stack of the
context it resumes back: what the CPU contexts' frames cost each switch, as ``sched_scale.py --stack-bytes`` shows
for task switches. Each size runs in a fresh process with sched_scale.py's memcpy counter preloaded (built with
``cc``), counted over the measured stretch of irq_scale.py's ``cpus_run()`` (after its warm-up).

    python benchmarks/switch_stack.py [--cpus 1,16] [--irqs N]

Prints, per CPU count, the fiber switches per interrupt, the stack copies per switch (a handoff from one CPU
context to another copies both; the engine's loop lies above the fibers' base and is not copied) and the bytes
copied per switch and per interrupt. Figures only.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import irq_scale  # noqa: E402
from sched_scale import _build_counter, _Counter  # noqa: E402


class _CountingClock:
    """Stands in for irq_scale's ``time`` module: cpus_run() reads ``process_time()`` where its measured stretch
    starts and where it ends, and the counter is reset at the first read and read at the second."""

    def __init__(self, counter: _Counter) -> None:
        self.counter = counter
        self.reads = 0
        self.counts = (0, 0)

    def process_time(self) -> float:
        if self.reads == 0:
            self.counter.reset()
        elif self.reads == 1:
            self.counts = self.counter.read()
        self.reads += 1
        return time.process_time()


def _child(ncpus: int, n: int) -> None:
    clock = _CountingClock(_Counter())
    mod: Any = irq_scale
    mod.time = clock
    _, irqs, _, switches = irq_scale.cpus_run(ncpus, n)
    calls, nbytes = clock.counts
    print(irqs, switches, calls, nbytes)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cpus", default="1,16", help="CPU counts, comma-separated")
    ap.add_argument("--irqs", type=int, default=3_000)
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(args.child, args.irqs)
        return
    print(f"cpus workload, {args.irqs} interrupts: C stack greenlet copies per fiber switch (out and back)")
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, LD_PRELOAD=_build_counter(tmp), SCHED_SCALE_COUNTER="1")
        for c in (int(x) for x in args.cpus.split(",")):
            out = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", str(c), "--irqs", str(args.irqs)],
                                 capture_output=True, text=True, check=True, env=env)  # fmt: skip
            irqs, switches, calls, nbytes = (int(x) for x in out.stdout.split())
            print(f"  {c:3d} CPUs: {switches / irqs:5.2f} switches per interrupt, {calls / max(switches, 1):4.2f} copies "
                  f"per switch, {nbytes / max(switches, 1):6.0f} bytes per switch, {nbytes / irqs:7.0f} per interrupt")  # fmt: skip


if __name__ == "__main__":
    main()
