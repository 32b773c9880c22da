"""An ARM GICv3 interrupt controller, hardware side: a distributor, one redistributor per CPU, and the
CPU interfaces' system registers.

With affinity routing (GICD_CTLR.ARE_NS, as Linux runs it) an SPI goes to the one CPU whose affinity
GICD_IROUTER<n> names (Aff3.Aff2.Aff1.Aff0); SGIs and PPIs live in each CPU's redistributor (its
SGI_base frame: GICR_ISENABLER0, GICR_IPRIORITYR, GICR_ICFGR1, ...); a CPU sends SGIs by writing
ICC_SGI1R_EL1 (a target list of up to 16 Aff0 values within one Aff3.Aff2.Aff1 cluster, or every
other CPU with IRM). ICC_IAR1_EL1 returns the interrupt ID alone (no source CPU), ICC_EOIR1_EL1 drops
the priority and ICC_DIR_EL1 deactivates (EOImode 1). A CPU takes interrupts while its redistributor
is awake (GICR_WAKER.ProcessorSleep clear) and ICC_IGRPEN1_EL1 is set. Priorities, pending/active
states and the choice of the interrupt to signal are those of :class:`~irqlab.hw.gic.GICCore`.

CPU n has the affinity of a Cortex-A76 core n (MPIDR Aff1 = n, Aff0 = 0, Aff2 = Aff3 = 0): one core per
SGI cluster, so the range selector (RSS) is never needed. Imports only the engine.
"""

from __future__ import annotations

from typing import Final

from irqlab.hw.gic import GICCore

__all__ = ["GICv3", "GICD_IROUTER_SPI_MODE_ANY", "mpidr_affinity", "gic_v3_max_cpus"]

#: GICD_IROUTER.Interrupt_Routing_Mode: 1-of-N delivery to any participating CPU.
GICD_IROUTER_SPI_MODE_ANY: Final = 1 << 31
#: ICC_SGI1R_EL1 fields (include/linux/irqchip/arm-gic-v3.h).
ICC_SGI1R_TARGET_LIST_SHIFT: Final = 0
ICC_SGI1R_AFFINITY_1_SHIFT: Final = 16
ICC_SGI1R_SGI_ID_SHIFT: Final = 24
ICC_SGI1R_AFFINITY_2_SHIFT: Final = 32
ICC_SGI1R_IRQ_ROUTING_MODE_BIT: Final = 40
ICC_SGI1R_AFFINITY_3_SHIFT: Final = 48
#: The redistributor frames of one CPU (RD_base + SGI_base, 64 KiB each) and the model's GICR base.
GICR_STRIDE: Final = 0x20000


def mpidr_affinity(cpu: int) -> int:
    """gic_cpu_to_affinity() of CPU ``cpu``: Aff3 << 32 | Aff2 << 16 | Aff1 << 8 | Aff0."""
    return cpu << 8


def gic_v3_max_cpus() -> int:
    """How many CPUs the model's affinity scheme can name (Aff1 is 8 bits)."""
    return 256


class GICv3(GICCore):
    """A GICv3 with ``ncpus`` redistributors and ``nirqs`` interrupt IDs (SPIs 32..nirqs-1)."""

    SGI_SOURCE_IN_IAR = False

    def __init__(self, ncpus: int, nirqs: int = 256, name: str = "gicv3") -> None:
        if not 1 <= ncpus <= gic_v3_max_cpus():
            raise ValueError(f"a GICv3 here has 1 to {gic_v3_max_cpus()} redistributors, not {ncpus}")
        #: GICD_IROUTER<n> of each SPI, and the CPU it names (-1: no CPU has that affinity).
        self.irouter = [0] * nirqs
        self.route_cpu = [0] * nirqs
        self._aff_to_cpu = {mpidr_affinity(c): c for c in range(ncpus)}
        #: GICR_WAKER.ProcessorSleep and ICC_IGRPEN1_EL1 per CPU; the interface signals when awake and enabled.
        self.processor_sleep = [True] * ncpus
        self.grpen1 = [False] * ncpus
        super().__init__(ncpus, nirqs, name)
        # Out of reset a redistributor sleeps and its CPU's group 1 is disabled.
        self.cpuif_enabled = [False] * ncpus

    # -- distributor -----------------------------------------------------------------------------------
    def write_irouter(self, intid: int, value: int) -> None:
        """GICD_IROUTER<intid>: the affinity of the CPU the SPI goes to (or 1-of-N with the IRM bit)."""
        self._check_spi(intid)
        self.irouter[intid] = value
        if value & GICD_IROUTER_SPI_MODE_ANY:
            self.route_cpu[intid] = -1
        else:
            self.route_cpu[intid] = self._aff_to_cpu.get(value & 0xFF_00FF_FFFF, -1)
        self._update_spi(intid)

    # -- redistributor ---------------------------------------------------------------------------------
    def write_waker(self, cpu: int, processor_sleep: bool) -> None:
        """GICR_WAKER.ProcessorSleep of ``cpu``'s redistributor (ChildrenAsleep follows at once)."""
        self.processor_sleep[cpu] = processor_sleep
        self._update_interface(cpu)

    def children_asleep(self, cpu: int) -> bool:
        """GICR_WAKER.ChildrenAsleep."""
        return self.processor_sleep[cpu]

    # -- CPU interface (system registers) ----------------------------------------------------------------
    def write_icc_ctlr(self, cpu: int, eoimode1: bool) -> None:
        """ICC_CTLR_EL1.EOImode: 1 for priority drop only (split mode), 0 for drop and deactivate."""
        self.eoimode1[cpu] = eoimode1

    def write_icc_igrpen1(self, cpu: int, on: bool) -> None:
        """ICC_IGRPEN1_EL1: whether ``cpu`` takes group 1 interrupts."""
        self.grpen1[cpu] = on
        self._update_interface(cpu)

    def write_icc_sgi1r(self, source: int, value: int) -> None:
        """ICC_SGI1R_EL1 written by CPU ``source``: SGI INTID to the Aff0 values of TargetList within cluster
        Aff3.Aff2.Aff1, or to every CPU but ``source`` with IRM set."""
        sgi = value >> ICC_SGI1R_SGI_ID_SHIFT & 0xF
        if value >> ICC_SGI1R_IRQ_ROUTING_MODE_BIT & 1:
            targets = [c for c in range(self.ncpus) if c != source]
        else:
            cluster = ((value >> ICC_SGI1R_AFFINITY_3_SHIFT & 0xFF) << 32
                       | (value >> ICC_SGI1R_AFFINITY_2_SHIFT & 0xFF) << 16
                       | (value >> ICC_SGI1R_AFFINITY_1_SHIFT & 0xFF) << 8)  # fmt: skip
            tlist = value & 0xFFFF
            targets = []
            aff0 = 0
            while tlist:
                if tlist & 1:
                    c = self._aff_to_cpu.get(cluster | aff0, -1)
                    if c >= 0:
                        targets.append(c)
                tlist >>= 1
                aff0 += 1
        for cpu in targets:
            # With affinity routing an SGI is pending or not per target: its source is not kept.
            self.sgi_src[cpu][sgi] = 1
            self._update_banked(cpu, sgi)

    # The system-register names of the CPU interface's accesses (methods, not aliases: a class-level alias of a
    # method is no method in the mypyc-compiled build).
    def read_icc_iar1(self, cpu: int) -> int:
        return self.read_iar(cpu)

    def write_icc_eoir1(self, cpu: int, value: int) -> None:
        self.write_eoir(cpu, value)

    def write_icc_dir(self, cpu: int, value: int) -> None:
        self.write_dir(cpu, value)

    def write_icc_pmr(self, cpu: int, value: int) -> None:
        self.write_pmr(cpu, value)

    # -- routing -------------------------------------------------------------------------------------------
    def _update_interface(self, cpu: int) -> None:
        on = self.grpen1[cpu] and not self.processor_sleep[cpu]
        if on != self.cpuif_enabled[cpu]:
            self.cpuif_enable(cpu, on, self.eoimode1[cpu])

    def _spi_target(self, intid: int) -> int:
        cpu = self.route_cpu[intid]
        if cpu >= 0:
            return cpu if self.cpuif_enabled[cpu] else -1
        if self.irouter[intid] & GICD_IROUTER_SPI_MODE_ANY:
            # SIMPLIFICATION: a 1-of-N SPI goes to the lowest-numbered CPU whose interface is enabled.
            for c in range(self.ncpus):
                if self.cpuif_enabled[c]:
                    return c
        return -1

    def _targets_cpu(self, intid: int, cpu: int) -> bool:
        return self.route_cpu[intid] == cpu or bool(self.irouter[intid] & GICD_IROUTER_SPI_MODE_ANY)
