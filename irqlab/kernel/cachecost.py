"""Cost model of CPU caches and memory: what a memory-hungry user task costs the kernel's next interrupt entry
and the next context switch on its CPU.

Not a kernel file: the kernel charges these costs without knowing it (docs/cost-model.md). A user task that
declares a working set (``user_work(ns, wss=...)``, as stress-ng's stressors do) sweeps through it while it
runs and evicts the lines of the kernel's hot paths from the CPU's private caches (L1, L2) and, if large
enough, from the shared last-level cache. The next interrupt entry on that CPU (vectors, the irqchip's
handler, irq_desc, hrtimer_interrupt) then refetches its lines from the next level that still holds them,
and so does the next context switch (try_to_wake_up, __schedule, switch_mm and the woken task's own lines).
DRAM misses cost more while other CPUs stream memory (one memory controller, LPDDR4X on the Pi 5).

Context: called from irq_enter() (hard IRQ context) and finish_task_switch() (IRQs off) with the CPU's
context; draws only from the kernel's jitter stream (``engine.rng``), and only when a path is cold, so a run
without memory-hungry tasks draws nothing and is unchanged by this model.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from irqlab.kernel.cpu import CPU
    from irqlab.kernel.kernel import Kernel
    from irqlab.kernel.sched.core import Task

#: The kernel paths whose lines the model follows.
IRQ_PATH = 0
SWITCH_PATH = 1

#: Shape of the gamma distribution of one cold path's cost around its expected value (mean 1): how many of the
#: path's lines were really evicted and how long each refetch queued varies from one event to the next.
GAMMA_SHAPE = 4.0

#: The board cost keys the model needs (all in docs/cost-model.md); a board without ``cache_dram`` has none.
KEYS = ("cache_l1_bytes", "cache_l2_bytes", "cache_l3_bytes", "cache_l2_ns", "cache_l3_ns", "cache_dram_ns",
        "cache_dram_contention_pct", "cache_lines_irq", "cache_lines_switch", "cache_sweep_bytes_per_us")  # fmt: skip


class CacheCost:
    """Per-CPU cache state and the penalty of a cold kernel path. Created at boot for a board that has the
    ``cache_*`` costs (:data:`KEYS`)."""

    __slots__ = ("k", "l1", "l2", "l3", "l2_ns", "l3_ns", "dram_ns", "contention", "lines", "rate",
                 "run_wss", "run_from", "dirty", "dirty_wss", "polluters")  # fmt: skip

    def __init__(self, k: Kernel) -> None:
        missing = [key for key in KEYS if key not in k.costs]
        if missing:
            raise ValueError(f"board {k.board.name!r}: the cache cost model needs {', '.join(missing)} in its costs")
        c = k.costs
        self.k = k
        self.l1, self.l2, self.l3 = c["cache_l1_bytes"], c["cache_l2_bytes"], c["cache_l3_bytes"]
        self.l2_ns, self.l3_ns, self.dram_ns = c["cache_l2_ns"], c["cache_l3_ns"], c["cache_dram_ns"]
        self.contention = c["cache_dram_contention_pct"] / 100
        self.lines = (c["cache_lines_irq"], c["cache_lines_switch"])
        self.rate = c["cache_sweep_bytes_per_us"]
        n = len(k.cpus)
        #: Working set (bytes) of the user task running on each CPU (0: none declared, a kernel thread, idle).
        self.run_wss = [0] * n
        #: When that task's sweep was last accounted.
        self.run_from = [0] * n
        #: Per CPU and path: bytes swept through the caches since the path last ran, and the largest working set.
        self.dirty = [[0, 0] for _ in range(n)]
        self.dirty_wss = [[0, 0] for _ in range(n)]
        #: How many CPUs run a task with a working set now (0: every path stays as warm as it is).
        self.polluters = 0

    def _account(self, i: int, now: int) -> None:
        w = self.run_wss[i]
        if w:
            swept = (now - self.run_from[i]) * self.rate // 1000
            d, dw = self.dirty[i], self.dirty_wss[i]
            for p in (IRQ_PATH, SWITCH_PATH):
                d[p] += swept
                if w > dw[p]:
                    dw[p] = w
        self.run_from[i] = now

    def _set(self, i: int, wss: int) -> None:
        self.polluters += bool(wss) - bool(self.run_wss[i])
        self.run_wss[i] = wss

    def user_run(self, cpu: CPU, task: Task, wss: int) -> None:
        """``task`` computes on ``cpu`` over a working set of ``wss`` bytes from now on."""
        self._account(cpu.id, self.k.engine.now)
        task.data["wss"] = wss
        self._set(cpu.id, wss)

    def switched(self, cpu: CPU, task: Task) -> None:
        """``task`` was just switched in on ``cpu``: its declared working set (if a user task) sweeps from now."""
        self._account(cpu.id, self.k.engine.now)
        self._set(cpu.id, int(task.data.get("wss", 0)) if task.is_user else 0)

    def _evicted(self, size: int, wss: int, swept: int) -> float:
        """Share of a path's lines a working set of ``wss`` evicted from a cache of ``size`` bytes after sweeping
        ``swept`` bytes: random replacement, the set claiming at most its own size of the cache."""
        held = min(wss, size)
        return held / size * (1.0 - math.exp(-swept / held))

    def penalty(self, cpu: CPU, path: int) -> int:
        """The extra ns ``path`` takes on ``cpu`` now, and mark it warm; 0 (and no random draw) if it is warm."""
        i = cpu.id
        d, dw = self.dirty[i], self.dirty_wss[i]
        if not self.polluters and not d[path]:
            return 0  # nothing ran that evicts anything: the common case, kept cheap
        now = self.k.engine.now
        self._account(i, now)
        swept, wss = d[path], dw[path]
        d[path] = dw[path] = 0
        # Others' working sets share the last-level cache and the DRAM controller.
        others = 0
        streaming = 0
        share = self.l3 // len(self.run_wss)
        for j, w in enumerate(self.run_wss):
            if j != i and w:
                others += w
                if w > share:
                    streaming += 1
        if not swept and not others:
            return 0
        f1 = self._evicted(self.l1, wss, swept) if swept else 0.0
        f2 = self._evicted(self.l2, wss, swept) if swept else 0.0
        f3_own = self._evicted(self.l3, wss, swept) if swept else 0.0
        # A line missing from the private L2 is found in L3 unless this CPU's sweep or the others' sets evicted it.
        f3 = f2 * max(f3_own / f2 if f2 else 0.0, min(1.0, others / self.l3))
        dram = self.dram_ns * (1.0 + self.contention * streaming)
        expected = self.lines[path] * ((f1 - f2) * self.l2_ns + (f2 - f3) * self.l3_ns + f3 * dram)
        if expected < 1.0:
            return 0
        return int(expected * self.k.engine.rng.gammavariate(GAMMA_SHAPE, 1.0 / GAMMA_SHAPE))


__all__ = ["CacheCost", "IRQ_PATH", "SWITCH_PATH", "KEYS"]
