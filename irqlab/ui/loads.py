"""Loads the board page offers: CPU hogs, an RT hog and an interrupt storm on a button line.

The hogs are kernel threads started with the public Machine API (``m.spawn``) whose body computes
with ``cpu_work`` in 1 ms steps until told to stop; the storm drives the GPIO line the way a
chattering contact would. All of it is scheduled in simulated time, so a replay does the same.
"""

from __future__ import annotations

from typing import Any

from irqlab.kernel import cpu_work
from irqlab.machine import Machine
from irqlab.sim import PRIO_HW

__all__ = ["Loads", "RT_HOG_PRIO", "STORM_EDGES", "STORM_PERIOD_NS"]

#: The RT hog runs SCHED_FIFO at this priority: above the IRQ threads (FIFO 50).
RT_HOG_PRIO = 80
#: A storm is this many edges, this far apart.
STORM_EDGES = 2000
STORM_PERIOD_NS = 25_000
#: A hog computes in steps of this many ns, checking between steps whether to stop.
HOG_STEP_NS = 1_000_000


class Loads:
    """The running loads of one machine; at most one CPU hog and one RT hog per CPU."""

    def __init__(self, m: Machine) -> None:
        self.m = m
        #: (kind, cpu) -> whether that hog should keep running.
        self.running: dict[tuple[str, int], bool] = {}
        self.storms = 0

    def check_cpu(self, cpu: int) -> None:
        n = len(self.m.kernel.cpus)
        if not 0 <= cpu < n:
            raise ValueError(f"CPU {cpu} does not exist: this board has CPUs 0-{n - 1}")

    def _hog_body(self, key: tuple[str, int]) -> None:
        while self.running.get(key):
            cpu_work(HOG_STEP_NS)

    def _hog(self, kind: str, cpu: int, on: bool, policy: str, prio: int) -> None:
        key = (kind, cpu)
        was = self.running.get(key, False)
        self.running[key] = on
        if on and not was:
            self.m.spawn(self._hog_body, key, name=f"{kind}/{cpu}", cpu=cpu, policy=policy, prio=prio)

    def cpu_hog(self, cpu: int, on: bool) -> None:
        """A SCHED_NORMAL busy loop on ``cpu`` (stress-ng --cpu style)."""
        self._hog("cpuhog", cpu, on, "normal", 0)

    def rt_hog(self, cpu: int, on: bool) -> None:
        """A SCHED_FIFO busy loop on ``cpu`` at RT_HOG_PRIO: it starves everything below it there."""
        self._hog("rthog", cpu, on, "fifo", RT_HOG_PRIO)

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
