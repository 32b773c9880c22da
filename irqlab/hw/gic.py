"""The ARM GIC-400 (GICv2) interrupt controller, hardware side: distributor and per-CPU interfaces, on
:class:`GICCore`, the state and delivery it shares with the GICv3 (``irqlab/hw/gic_v3.py``).

Interrupt IDs: SGIs 0-15 and PPIs 16-31 are banked per CPU, SPIs 32+ are shared and routed by their
target register. Each interrupt has an enable bit, a pending state (a latch, plus the input level for
level-sensitive inputs), an active state, an 8-bit priority (lower is more urgent) and an edge/level
configuration. A CPU interface signals its CPU (``irq_signal(cpu)``) while an enabled, pending,
inactive interrupt targeting it has a priority above its priority mask and running priority; reading
IAR acknowledges the best one (highest priority, then lowest ID) or returns 1023 (spurious). Writing
EOIR drops the running priority; in EOImode 1 (split mode, as Linux uses at EL2) DIR deactivates,
in EOImode 0 EOIR does both. A level interrupt whose input is still asserted when it is deactivated
is pending again at once, so a device that never clears its status storms the CPU. An edge that
arrives while the interrupt is active makes it active and pending: it fires once more after EOI.

Inputs are electrically active-high (the GIC's SPIs are level-high or rising-edge); devices drive
them through :class:`~irqlab.hw.line.Line` objects (``spi_line()``). Imports only the engine.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from heapq import heapify, heappop, heappush
from typing import Final

from irqlab.hw.line import Line

__all__ = ["GICCore", "GIC400", "GICC_INT_SPURIOUS", "GICD_INT_DEF_PRI", "GICC_INT_PRI_THRESHOLD"]

GICC_INT_SPURIOUS: Final = 1023
GICC_IAR_INT_ID_MASK: Final = 0x3FF
GICD_INT_DEF_PRI: Final = 0xA0
GICC_INT_PRI_THRESHOLD: Final = 0xF0
_IDLE_PRIORITY: Final = 0x100
#: A candidate's key is priority << _KEY_SHIFT | interrupt ID: one int orders by priority, then ID.
_KEY_SHIFT: Final = 10
_KEY_INTID: Final = (1 << _KEY_SHIFT) - 1
#: Stale heap entries tolerated per CPU before its heap is rebuilt (a performance trick).
_STALE_SLACK: Final = 64


class GICCore(ABC):
    """What every GIC generation here shares: SPI and banked SGI/PPI state, priorities, the CPU interfaces'
    acknowledge / priority-drop / deactivate cycle and the choice of the interrupt each CPU is signalled.
    A subclass says where an SPI is routed (:meth:`_spi_target`, :meth:`_targets_cpu`)."""

    #: Whether IAR reports an SGI's source CPU in bits 12:10 (GICv2); a GICv3 IAR holds the ID alone.
    SGI_SOURCE_IN_IAR = True

    def __init__(self, ncpus: int, nirqs: int, name: str) -> None:
        if nirqs % 32 or not 32 < nirqs <= 1020 + 4:
            raise ValueError(f"nirqs must be a multiple of 32 between 64 and 1024, not {nirqs}")
        self.name = name
        self.ncpus = ncpus
        self.nirqs = nirqs
        self.dist_enabled = True
        # Shared (SPI) state, indexed by interrupt ID (entries below 32 unused).
        self.enabled = [False] * nirqs
        self.latch = [False] * nirqs
        self.level = [False] * nirqs
        self.active = [False] * nirqs
        self.edge = [False] * nirqs
        self.priority = [GICD_INT_DEF_PRI] * nirqs
        # Banked (SGI/PPI) state per CPU.
        self.b_enabled = [[False] * 32 for _ in range(ncpus)]
        self.b_latch = [[False] * 32 for _ in range(ncpus)]
        self.b_level = [[False] * 32 for _ in range(ncpus)]
        self.b_active = [[False] * 32 for _ in range(ncpus)]
        self.b_edge = [[i < 16 for i in range(32)] for _ in range(ncpus)]
        self.b_priority = [[GICD_INT_DEF_PRI] * 32 for _ in range(ncpus)]
        #: SGI pending sources: sgi_src[cpu][sgi] is a bitmask of sending CPUs.
        self.sgi_src = [[0] * 16 for _ in range(ncpus)]
        self.sgi_active_src = [[0] * 16 for _ in range(ncpus)]
        # CPU interfaces.
        self.cpuif_enabled = [True] * ncpus
        self.eoimode1 = [True] * ncpus
        self.pmr = [0xFF] * ncpus
        #: Priorities of acknowledged interrupts not yet dropped (EOIR), per CPU.
        self.running: list[list[int]] = [[] for _ in range(ncpus)]
        self.signalled = [False] * ncpus
        #: Called with a CPU number when its interface starts signalling an interrupt.
        self.irq_signal: Callable[[int], None] | None = None
        # Candidates (enabled, pending, inactive), per CPU: the banked ones and the SPIs routed to it, each
        # with its key in ``_cand`` and in a heap ordered as the IAR picks (priority, then ID), so finding
        # the best costs O(log n) whatever the number of lines. A heap entry whose key no longer matches
        # ``_cand`` is stale and dropped when it reaches the top. ``_spi_route`` maps every SPI candidate to
        # the CPU it is queued on (-1 while no enabled interface is in its target set).
        self._cand: list[dict[int, int]] = [{} for _ in range(ncpus)]
        self._heap: list[list[int]] = [[] for _ in range(ncpus)]
        self._stale = [0] * ncpus
        self._spi_route: dict[int, int] = {}
        self._lines: dict[int, Line] = {}
        #: Statistics: acknowledgements and spurious IAR reads per CPU.
        self.acks = [0] * ncpus
        self.spurious = [0] * ncpus

    # -- routing (per generation) ----------------------------------------------------------------------
    @abstractmethod
    def _spi_target(self, intid: int) -> int:
        """The CPU SPI ``intid`` is delivered to now, or -1."""

    @abstractmethod
    def _targets_cpu(self, intid: int, cpu: int) -> bool:
        """Whether SPI ``intid`` may be delivered to ``cpu``."""

    # -- inputs -------------------------------------------------------------------------------------
    def spi_line(self, intid: int) -> Line:
        """The (active-high) input wire of SPI ``intid`` (32..nirqs-1), created on first use."""
        self._check_spi(intid)
        line = self._lines.get(intid)
        if line is None:
            line = Line(f"{self.name}.irq{intid}", active_high=True)
            self.connect_spi(intid, line)
        return line

    def connect_spi(self, intid: int, line: Line) -> None:
        """Wire ``line`` to SPI ``intid``: its electrical level is the interrupt input."""
        self._check_spi(intid)
        if intid in self._lines:
            raise ValueError(f"{self.name}: SPI input {intid} is already wired to {self._lines[intid]!r}")
        self._lines[intid] = line

        def listener(_line: Line, level: bool) -> None:
            self.set_input(intid, level)

        line.connect(listener)
        self.set_input(intid, line.level)

    def set_input(self, intid: int, level: bool) -> None:
        """The input of SPI ``intid`` changed to ``level`` (a rising edge latches an edge interrupt)."""
        prev = self.level[intid]
        self.level[intid] = level
        if level and not prev and self.edge[intid]:
            self.latch[intid] = True
        self._update_spi(intid)

    def set_ppi_input(self, cpu: int, intid: int, level: bool) -> None:
        """The input of PPI ``intid`` (16..31) of ``cpu`` changed (e.g. the arch timer's output)."""
        prev = self.b_level[cpu][intid]
        self.b_level[cpu][intid] = level
        if level and not prev and self.b_edge[cpu][intid]:
            self.b_latch[cpu][intid] = True
        self._update_banked(cpu, intid)

    # -- distributor registers ------------------------------------------------------------------------
    def set_enable(self, intid: int, cpu: int, on: bool) -> None:
        """GICD_ISENABLER/ICENABLER (``cpu`` selects the bank for IDs below 32)."""
        if intid < 32:
            self.b_enabled[cpu][intid] = on
            self._update_banked(cpu, intid)
        else:
            self.enabled[intid] = on
            self._update_spi(intid)

    def set_pending(self, intid: int, cpu: int, on: bool) -> None:
        """GICD_ISPENDR/ICPENDR: set or clear the pending latch."""
        if intid < 16:
            if on:
                self.sgi_src[cpu][intid] |= 1 << cpu
            else:
                self.sgi_src[cpu][intid] = 0
            self._update_banked(cpu, intid)
        elif intid < 32:
            self.b_latch[cpu][intid] = on
            self._update_banked(cpu, intid)
        else:
            self.latch[intid] = on
            self._update_spi(intid)

    def set_active(self, intid: int, cpu: int, on: bool) -> None:
        """GICD_ISACTIVER/ICACTIVER."""
        if intid < 32:
            self.b_active[cpu][intid] = on
            self._update_banked(cpu, intid)
        else:
            self.active[intid] = on
            self._update_spi(intid)

    def is_pending(self, intid: int, cpu: int) -> bool:
        if intid < 16:
            return bool(self.sgi_src[cpu][intid])
        if intid < 32:
            return self.b_latch[cpu][intid] or (self.b_level[cpu][intid] and not self.b_edge[cpu][intid])
        return self.latch[intid] or (self.level[intid] and not self.edge[intid])

    def is_active(self, intid: int, cpu: int) -> bool:
        return self.b_active[cpu][intid] if intid < 32 else self.active[intid]

    def is_enabled(self, intid: int, cpu: int) -> bool:
        return self.b_enabled[cpu][intid] if intid < 32 else self.enabled[intid]

    def set_config(self, intid: int, cpu: int, edge: bool) -> bool:
        """GICD_ICFGR: edge (True) or level. SGIs are always edge; returns False if the write did not stick."""
        if intid < 16:
            return edge
        if intid < 32:
            self.b_edge[cpu][intid] = edge
            self._update_banked(cpu, intid)
        else:
            self.edge[intid] = edge
            self._update_spi(intid)
        return True

    def set_priority(self, intid: int, cpu: int, prio: int) -> None:
        """GICD_IPRIORITYR (8 bits; lower is more urgent)."""
        if intid < 32:
            self.b_priority[cpu][intid] = prio & 0xFF
            if intid in self._cand[cpu]:
                self._queue(cpu, intid, prio & 0xFF)
            self._notify(cpu)
        else:
            self.priority[intid] = prio & 0xFF
            self._update_spi(intid)

    # -- CPU interface registers --------------------------------------------------------------------------
    def cpuif_enable(self, cpu: int, on: bool, eoimode1: bool = True) -> None:
        """GICC_CTLR.Enable (and EOImode): a disabled interface signals nothing."""
        self.cpuif_enabled[cpu] = on
        self.eoimode1[cpu] = eoimode1
        if on:
            # An SPI whose target set holds this CPU may now route to it (the lowest enabled interface).
            for intid in sorted(self._spi_route):
                self._route(intid, self._spi_target(intid))
            self._notify(cpu)
        else:
            self.signalled[cpu] = False
            for intid in sorted(self._spi_route):
                if self._targets_cpu(intid, cpu):
                    self._update_spi(intid)

    def write_pmr(self, cpu: int, value: int) -> None:
        """GICC_PMR: only interrupts with a priority value below it are signalled."""
        self.pmr[cpu] = value & 0xFF
        self._notify(cpu)

    def _prio(self, cpu: int, intid: int) -> int:
        return self.b_priority[cpu][intid] if intid < 32 else self.priority[intid]

    def _best(self, cpu: int) -> int:
        """The interrupt IAR would acknowledge: the candidate of the highest priority (lowest ID among
        equals) if it beats the priority mask and the running priority, else -1."""
        running = self.running[cpu]
        bprio = min(self.pmr[cpu], running[-1] if running else _IDLE_PRIORITY)
        heap = self._heap[cpu]
        cand = self._cand[cpu]
        while heap:
            key = heap[0]
            intid = key & _KEY_INTID
            if cand.get(intid) == key:
                return intid if key >> _KEY_SHIFT < bprio else -1
            heappop(heap)
            self._stale[cpu] -= 1
        return -1

    def _queue(self, cpu: int, intid: int, prio: int) -> None:
        """Make ``intid`` a candidate of ``cpu`` at ``prio`` (re-keyed if its priority changed)."""
        key = prio << _KEY_SHIFT | intid
        cand = self._cand[cpu]
        old = cand.get(intid)
        if old == key:
            return
        if old is not None:
            self._stale[cpu] += 1
        cand[intid] = key
        heappush(self._heap[cpu], key)

    def _unqueue(self, cpu: int, intid: int) -> None:
        """``intid`` is no longer a candidate of ``cpu``."""
        cand = self._cand[cpu]
        if cand.pop(intid, None) is None:
            return
        stale = self._stale[cpu] = self._stale[cpu] + 1
        if stale > _STALE_SLACK and stale > len(cand):
            self._unqueue_compact(cpu)

    def _unqueue_compact(self, cpu: int) -> None:
        """Rebuild ``cpu``'s heap from its live candidates once stale entries outnumber them."""
        heap = self._heap[cpu] = list(self._cand[cpu].values())
        heapify(heap)
        self._stale[cpu] = 0

    def _route(self, intid: int, cpu: int) -> None:
        """Queue SPI candidate ``intid`` on ``cpu`` (-1: on none), moving it from where it was."""
        old = self._spi_route.get(intid, -1)
        if old != cpu and old >= 0:
            self._unqueue(old, intid)
        self._spi_route[intid] = cpu
        if cpu >= 0:
            self._queue(cpu, intid, self.priority[intid])

    def read_iar(self, cpu: int) -> int:
        """GICC_IAR: acknowledge the best pending interrupt (it becomes active) or return 1023."""
        if not self.cpuif_enabled[cpu]:
            self.signalled[cpu] = False
            return GICC_INT_SPURIOUS
        intid = self._best(cpu)
        if intid < 0:
            self.signalled[cpu] = False
            self.spurious[cpu] += 1
            return GICC_INT_SPURIOUS
        self.acks[cpu] += 1
        value = intid
        if intid < 16:
            src = self.sgi_src[cpu][intid]
            low = (src & -src).bit_length() - 1
            self.sgi_src[cpu][intid] = src & ~(1 << low)
            self.sgi_active_src[cpu][intid] |= 1 << low
            self.b_active[cpu][intid] = True
            if self.SGI_SOURCE_IN_IAR:
                value = intid | (low << 10)
            self.running[cpu].append(self.b_priority[cpu][intid])
            self._update_banked(cpu, intid)
        elif intid < 32:
            self.b_latch[cpu][intid] = False
            self.b_active[cpu][intid] = True
            self.running[cpu].append(self.b_priority[cpu][intid])
            self._update_banked(cpu, intid)
        else:
            self.latch[intid] = False
            self.active[intid] = True
            self.running[cpu].append(self.priority[intid])
            self._update_spi(intid)
        return value

    def write_eoir(self, cpu: int, value: int) -> None:
        """GICC_EOIR: priority drop (and, in EOImode 0, deactivation)."""
        if self.running[cpu]:
            self.running[cpu].pop()
        if not self.eoimode1[cpu]:
            self._deactivate(cpu, value)
        else:
            self._notify(cpu)

    def write_dir(self, cpu: int, value: int) -> None:
        """GICC_DIR: deactivate (EOImode 1)."""
        self._deactivate(cpu, value)

    def _deactivate(self, cpu: int, value: int) -> None:
        intid = value & GICC_IAR_INT_ID_MASK
        if intid < 16:
            src = value >> 10 & 7
            self.sgi_active_src[cpu][intid] &= ~(1 << src)
            self.b_active[cpu][intid] = bool(self.sgi_active_src[cpu][intid])
            self._update_banked(cpu, intid)
        elif intid < 32:
            self.b_active[cpu][intid] = False
            self._update_banked(cpu, intid)
        elif intid < self.nirqs:
            self.active[intid] = False
            self._update_spi(intid)

    def interface_signals(self, cpu: int) -> bool:
        """Whether ``cpu``'s interface still has an interrupt to signal (ICC_HPPIR1 not spurious); when it
        has none it stops signalling, so the next one to arrive signals afresh."""
        if self.cpuif_enabled[cpu] and self._best(cpu) >= 0:
            return True
        self.signalled[cpu] = False
        return False

    # -- delivery ------------------------------------------------------------------------------------------
    def _update_spi(self, intid: int) -> None:
        cand = (self.enabled[intid] and not self.active[intid] and self.dist_enabled
                and (self.latch[intid] or (self.level[intid] and not self.edge[intid])))  # fmt: skip
        if cand:
            cpu = self._spi_target(intid)
            # _route() and _queue(), inlined on this hot path (a performance trick).
            route = self._spi_route
            old = route.get(intid, -1)
            if old != cpu and old >= 0:
                self._unqueue(old, intid)
            route[intid] = cpu
            if cpu >= 0:
                key = self.priority[intid] << _KEY_SHIFT | intid
                queued = self._cand[cpu]
                prev = queued.get(intid)
                if prev != key:
                    if prev is not None:
                        self._stale[cpu] += 1
                    queued[intid] = key
                    heappush(self._heap[cpu], key)
                if not self.signalled[cpu]:
                    self._notify(cpu)
        else:
            old = self._spi_route.pop(intid, -1)
            if old >= 0:
                # _unqueue(), inlined (a performance trick).
                queued = self._cand[old]
                if queued.pop(intid, None) is not None:
                    stale = self._stale[old] = self._stale[old] + 1
                    if stale > _STALE_SLACK and stale > len(queued):
                        self._unqueue_compact(old)

    def _update_banked(self, cpu: int, intid: int) -> None:
        if intid < 16:
            pend = bool(self.sgi_src[cpu][intid])
        else:
            pend = self.b_latch[cpu][intid] or (self.b_level[cpu][intid] and not self.b_edge[cpu][intid])
        if pend and self.b_enabled[cpu][intid] and not self.b_active[cpu][intid] and self.dist_enabled:
            self._queue(cpu, intid, self.b_priority[cpu][intid])
            if not self.signalled[cpu]:
                self._notify(cpu)
        else:
            self._unqueue(cpu, intid)

    def _notify(self, cpu: int) -> None:
        if self.signalled[cpu] or not self.cpuif_enabled[cpu]:
            return
        if self._best(cpu) >= 0:
            self.signalled[cpu] = True
            if self.irq_signal is not None:
                self.irq_signal(cpu)

    def _check_spi(self, intid: int) -> None:
        if not 32 <= intid < self.nirqs:
            raise ValueError(f"{self.name}: no SPI input with interrupt ID {intid} (SPI {intid - 32}): SPIs are interrupt "
                             f"IDs 32..{self.nirqs - 1} (SPIs 0..{self.nirqs - 33}) on this controller")  # fmt: skip

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} cpus={self.ncpus} irqs={self.nirqs}>"


class GIC400(GICCore):
    """A GIC-400 distributor with ``ncpus`` CPU interfaces and ``nirqs`` interrupt IDs; SPIs are routed by
    their GICD_ITARGETSR CPU mask, SGIs sent through GICD_SGIR carry their source CPU."""

    def __init__(self, ncpus: int, nirqs: int = 256, name: str = "gic400") -> None:
        if not 1 <= ncpus <= 8:
            raise ValueError(f"a GIC-400 has 1 to 8 CPU interfaces, not {ncpus}")
        self.targets = [0] * nirqs
        super().__init__(ncpus, nirqs, name)

    def write_sgir(self, source: int, target_mask: int, sgi: int) -> None:
        """GICD_SGIR: send SGI ``sgi`` from CPU ``source`` to the CPUs in ``target_mask``."""
        for cpu in range(self.ncpus):
            if target_mask >> cpu & 1:
                self.sgi_src[cpu][sgi] |= 1 << source
                self._update_banked(cpu, sgi)

    def set_target(self, intid: int, cpu_mask: int) -> None:
        """GICD_ITARGETSR of an SPI: the CPUs it may be delivered to."""
        self._check_spi(intid)
        self.targets[intid] = cpu_mask & ((1 << self.ncpus) - 1)
        self._update_spi(intid)

    def _spi_target(self, intid: int) -> int:
        """# SIMPLIFICATION: a 1-of-N SPI goes to the lowest enabled CPU interface of its target set."""
        targets = self.targets[intid]
        en = self.cpuif_enabled
        while targets:
            low = targets & -targets  # the lowest CPU left in the set, found without a loop over the others
            cpu = low.bit_length() - 1
            if en[cpu]:
                return cpu
            targets ^= low
        return -1

    def _targets_cpu(self, intid: int, cpu: int) -> bool:
        return bool(self.targets[intid] >> cpu & 1)
