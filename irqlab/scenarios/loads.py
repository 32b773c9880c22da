"""Background loads for the latency tools: ``hog:N``, ``vm:N``, ``stress:N``, ``rt-hog:CPU:PRIO``, ``storm:RATE``, ``nic:PPS``.

* ``hog:N``: N SCHED_OTHER CPU hogs (:func:`irqlab.userspace.stress.cpu_hog`), like ``stress-ng --cpu N``: small
  working sets that evict the kernel's hot paths from the CPU's L1 and part of its L2;
* ``vm:N``: N memory hogs (:func:`irqlab.userspace.stress.vm_hog`), like ``stress-ng --vm N``: 256 MB each,
  mapped, touched, swept and unmapped over and over (every cache level evicted, DRAM contended, and munmap()'s
  page-table sections in the kernel);
* ``stress:N``: N hogs that also make system calls with long kernel sections
  (:func:`irqlab.userspace.stress.syscall_hog`): what exposes a kernel without preemption;
* ``rt-hog:CPU:PRIO``: one SCHED_FIFO hog at PRIO pinned to CPU;
* ``storm:RATE``: an edge-triggered device line pulsed RATE times a second, its handler computing 2 µs
  (a device interrupting far too often);
* ``nic:PPS``: a NIC receiving PPS packets a second through a NAPI driver (simnic) — net_rx softirq load.

Several specs combine (``--load hog:4 --load storm:20000``). Every load stops at the end time it is given,
so that a run ends.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from irqlab.drivers.net.simnic import simnic_probe
from irqlab.hw.line import Line
from irqlab.hw.nic import Nic
from irqlab.irqchip.ioapic import ioapic_map
from irqlab.kernel import IRQ_HANDLED, cpu_work, request_irq
from irqlab.kernel.irq.types import IRQ_TYPE_EDGE_RISING, IRQ_TYPE_LEVEL_HIGH
from irqlab.machine import Machine
from irqlab.sim import PRIO_HW
from irqlab.userspace.stress import cpu_hog, rt_hog, syscall_hog, vm_hog

#: Work done by the storm device's handler (ns).
STORM_HANDLER_NS = 2_000
#: The GIC SPI / IO-APIC pin the storm device and the NIC use.
STORM_SPI, NIC_SPI = 70, 71
STORM_GSI = 40

LOAD_HELP = "hog:N | vm:N | stress:N | rt-hog:CPU:PRIO | storm:RATE | nic:PPS (repeatable)"


@dataclasses.dataclass(frozen=True)
class Load:
    """One parsed ``--load`` spec."""

    kind: str
    n: int = 0
    cpu: int = 0
    prio: int = 0
    rate: int = 0

    def __str__(self) -> str:
        if self.kind in ("hog", "vm", "stress"):
            return f"{self.kind}:{self.n}"
        if self.kind == "rt-hog":
            return f"rt-hog:{self.cpu}:{self.prio}"
        return f"{self.kind}:{self.rate}"


def parse_load(spec: str) -> Load:
    """Parse one spec; a malformed one raises ValueError naming the accepted forms."""
    parts = spec.split(":")
    kind = parts[0]
    try:
        nums = [int(p) for p in parts[1:]]
    except ValueError:
        raise ValueError(f"--load {spec!r}: the numbers must be integers ({LOAD_HELP})") from None
    if kind == "idle" and not nums:
        return Load("idle")
    if kind in ("hog", "vm", "stress") and len(nums) == 1 and nums[0] >= 1:
        return Load(kind, n=nums[0])
    if kind == "rt-hog" and len(nums) == 2 and nums[0] >= 0 and 1 <= nums[1] <= 99:
        return Load("rt-hog", cpu=nums[0], prio=nums[1])
    if kind in ("storm", "nic") and len(nums) == 1 and nums[0] >= 1:
        return Load(kind, rate=nums[0])
    raise ValueError(f"--load {spec!r} is not a load: use idle, {LOAD_HELP}")


def device_line(m: Machine, index: int, edge: bool = True) -> tuple[int, Line]:
    """A free interrupt line of the board for a load device: (Linux irq, the hardware Line driving it)."""
    k = m.kernel
    if k.subsys.get("gic") is not None:
        spi = STORM_SPI + index
        return m.board.map_spi(spi, "edge" if edge else "level"), m.spi_line(spi)
    ioapic = k.subsys.get("ioapic")
    if ioapic is None:
        raise ValueError(f"board {k.board.name!r} has neither a GIC nor an IO-APIC for a load device")

    gsi = STORM_GSI + index
    line = Line(f"load-gsi-{gsi}", active_high=True)
    ioapic.connect(gsi, line)
    return int(m._in_kernel(ioapic_map, k, gsi, IRQ_TYPE_EDGE_RISING if edge else IRQ_TYPE_LEVEL_HIGH)), line


def _start_storm(m: Machine, rate: int, end: int) -> dict[str, int]:
    virq, line = device_line(m, 0)
    stats = {"irqs": 0}

    def handler(irq: int, dev: Any) -> int:
        cpu_work(STORM_HANDLER_NS)
        stats["irqs"] += 1
        return IRQ_HANDLED

    def setup() -> int:
        return int(request_irq(virq, handler, 0, "storm", stats))

    t = m.spawn(setup, name="insmod")
    m.run_until(lambda: t.result is not None, limit="10ms")
    if t.result != 0:
        raise ValueError(f"storm: request_irq({virq}) failed with {t.result}")
    gap = max(1, 1_000_000_000 // rate)
    eng = m.kernel.engine

    def tick(when: int) -> None:
        line.pulse("storm")
        nxt = when + gap
        if nxt < end:
            eng.at(nxt, PRIO_HW, tick, nxt)

    eng.at(m.now, PRIO_HW, tick, m.now)
    return stats


def _start_nic(m: Machine, pps: int, end: int) -> Nic:
    k = m.kernel
    nic = k.subsys.get("pc_nic")
    if nic is None:
        virq, line = device_line(m, 1, edge=False)
        nic = Nic(k.engine, "eth1", line=line, ring_size=256)
        def probe() -> int:
            simnic_probe(nic, virq, True)
            return 0

        t = m.spawn(probe, name="probe")
        m.run_until(lambda: t.result is not None, limit="10ms")
    nic.generate(pps, start=m.now, until=end)
    return nic


def start_loads(m: Machine, loads: list[Load], end: int) -> dict[str, Any]:
    """Start ``loads`` now on ``m``; each stops at simulated time ``end``. Returns their handles by kind."""
    out: dict[str, Any] = {}
    ncpus = len(m.kernel.cpus)
    for ld in loads:
        if ld.kind == "hog":
            out.setdefault("hogs", []).extend(m.spawn(cpu_hog, end, name="stress-ng-cpu", user=True) for _ in range(ld.n))
        elif ld.kind == "vm":
            out.setdefault("vm", []).extend(m.spawn(vm_hog, end, name="stress-ng-vm", user=True) for _ in range(ld.n))
        elif ld.kind == "stress":
            seed = m.seed
            out.setdefault("stress", []).extend(m.spawn(syscall_hog, end, seed * 1000 + i, name="stress-ng", user=True)
                                                for i in range(ld.n))  # fmt: skip
        elif ld.kind == "rt-hog":
            if ld.cpu >= ncpus:
                raise ValueError(f"--load {ld}: CPU {ld.cpu} does not exist (CPUs 0-{ncpus - 1})")
            out.setdefault("rt_hogs", []).append(m.spawn(rt_hog, ld.cpu, ld.prio, end, name="rt-hog", user=True))
        elif ld.kind == "storm":
            out["storm"] = _start_storm(m, ld.rate, end)
        elif ld.kind == "nic":
            out["nic"] = _start_nic(m, ld.rate, end)
    return out
