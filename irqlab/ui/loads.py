"""Loads the board page offers: CPU hogs, an RT hog and an interrupt storm on a button line.

The hogs are user programs started from the board's shell (``m.sh``), as one would on the Pi:
``taskset -c N stress-ng --cpu 1 &`` and, for the RT hog, the same under ``chrt -f 80``; stopping
one is ``kill PID``. The storm drives the GPIO line the way a chattering contact would. All of it
happens in simulated time, so a replay does the same.
"""

from __future__ import annotations

from typing import Any

from irqlab.machine import Machine
from irqlab.sim import PRIO_HW

__all__ = ["Loads", "RT_HOG_PRIO", "STORM_EDGES", "STORM_PERIOD_NS"]

#: The RT hog runs SCHED_FIFO at this priority: above the IRQ threads (FIFO 50).
RT_HOG_PRIO = 80
#: A storm is this many edges, this far apart.
STORM_EDGES = 2000
STORM_PERIOD_NS = 25_000


class Loads:
    """The running loads of one machine; at most one CPU hog and one RT hog per CPU."""

    def __init__(self, m: Machine) -> None:
        self.m = m
        #: (kind, cpu) -> whether that hog runs; pids: (kind, cpu) -> the stress-ng started for it.
        self.running: dict[tuple[str, int], bool] = {}
        self.pids: dict[tuple[str, int], int] = {}
        self.storms = 0

    def check_cpu(self, cpu: int) -> None:
        n = len(self.m.kernel.cpus)
        if not 0 <= cpu < n:
            raise ValueError(f"CPU {cpu} does not exist: this board has CPUs 0-{n - 1}")

    def _hog(self, kind: str, cpu: int, on: bool, prefix: str) -> None:
        key = (kind, cpu)
        if self.running.get(key, False) == on:
            return
        pid = self.pids.pop(key, None)
        if pid is not None:
            self.m.sh(f"kill {pid}")
        self.running[key] = on
        if on:
            out = self.m.sh(f"{prefix}taskset -c {cpu} stress-ng --cpu 1 >/dev/null 2>&1 & echo $!").output
            self.pids[key] = int(out.split()[-1])

    def cpu_hog(self, cpu: int, on: bool) -> None:
        """``taskset -c CPU stress-ng --cpu 1 &``: a SCHED_NORMAL busy loop on ``cpu``."""
        self._hog("cpuhog", cpu, on, "")

    def rt_hog(self, cpu: int, on: bool) -> None:
        """``chrt -f 80 taskset -c CPU stress-ng --cpu 1 &``: a SCHED_FIFO busy loop that starves everything
        below it on ``cpu`` (the IRQ threads run at FIFO 50)."""
        self._hog("rthog", cpu, on, f"chrt -f {RT_HOG_PRIO} ")

    def is_on(self, kind: str, cpu: int) -> bool:
        return bool(self.running.get((kind, cpu)))

    def storm(self, line: Any) -> None:
        """STORM_EDGES edges on ``line``, STORM_PERIOD_NS apart, starting now; the line is left released."""
        eng = self.m.kernel.engine
        self.storms += 1
        driver = ("storm", self.storms)
        t = eng.now
        for i in range(STORM_EDGES):
            eng.at(t + i * STORM_PERIOD_NS, PRIO_HW, line.assert_ if i % 2 == 0 else line.deassert, driver)
        eng.at(t + STORM_EDGES * STORM_PERIOD_NS, PRIO_HW, line.deassert, driver)
