"""Board benchmark: how fast `irqlab board` can run, as simulated seconds per wall second (the fastest
pace it can hold), unpaced, with seed 001's driver loaded and every tracepoint on as the board has them.

    python benchmarks/board.py

Figures only; nothing is asserted.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from irqlab.ui.session import BoardSession

DRIVERS = {"gpiomod": str(Path(__file__).resolve().parents[1] / "examples" / "seed001_gpio_buttons.py")}


def measure(label: str, setup: Callable[[BoardSession], None]) -> None:
    s = BoardSession(DRIVERS)
    s.run(1_000_000)
    s.insmod("gpiomod")
    s.run(2_000_000)
    setup(s)
    t = time.perf_counter()
    s.run(1_002_000_000)
    wall = time.perf_counter() - t
    print(f"{label:48s} 1 s simulated in {wall:6.3f} s wall: x{1 / wall:8.1f}")


def storms(s: BoardSession) -> None:
    for i in range(10):
        s.m.at(2_000_000 + i * 100_000_000, s.storm, 17)


def main() -> None:
    measure("idle, driver loaded", lambda s: None)
    measure("a CPU hog on each of the 4 CPUs", lambda s: [s.cpu_hog(c, True) for c in range(4)])
    measure("eth0 at 100k packets/s, no driver", lambda s: s.nic_rate(100_000))
    measure("an edge storm every 100 ms (40k IRQs/s in it)", storms)


if __name__ == "__main__":
    main()
