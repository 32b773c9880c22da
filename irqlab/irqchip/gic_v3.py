"""Mirrors drivers/irqchip/irq-gic-v3.c: the kernel side of a GICv3, for boards with more than 8 CPUs.

As on the GIC-400 the kernel runs at EL2 in split EOI/Deactivate mode (the chip is
``gic_eoimode1_chip``, named "GICv3"): gic_handle_irq() reads ICC_IAR1_EL1 once per exception,
drops the priority at once (gic_complete_ack()) and the flow handler's ``irq_eoi`` deactivates
through ICC_DIR_EL1; a CPU with more interrupts pending takes the exception again. SPIs are routed by
GICD_IROUTER to the affinity of one CPU (gic_set_affinity()), SGIs are sent with ICC_SGI1R_EL1
(gic_ipi_send_mask()), each CPU's redistributor is woken and its system registers set up as the CPU
starts (gic_cpu_init(), also on CPU hotplug). The IPIs, the arch timer PPIs and the irq_chip
callbacks that only touch enable/pending/active/priority state are shared with the GIC-400 driver.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from irqlab.errno import EINVAL
from irqlab.hw.gic import GICC_INT_PRI_THRESHOLD
from irqlab.hw.gic_v3 import (
    GICR_STRIDE,
    ICC_SGI1R_AFFINITY_1_SHIFT,
    ICC_SGI1R_AFFINITY_2_SHIFT,
    ICC_SGI1R_AFFINITY_3_SHIFT,
    ICC_SGI1R_SGI_ID_SHIFT,
    GICv3,
    mpidr_affinity,
)
from irqlab.irqchip.gic import (
    _leave_irq_loop,
    _mmio,
    gic_chip_data,
    gic_eoimode1_eoi_irq,
    gic_eoimode1_mask_irq,
    gic_irq_domain_translate,
    gic_irq_get_irqchip_state,
    gic_irq_set_irqchip_state,
    gic_retrigger,
    gic_set_type,
    gic_smp_and_timer_init,
    gic_unmask_irq,
)
from irqlab.kernel.cpu import cpu_wait, raise_interrupt
from irqlab.kernel.irq.chip import irq_set_probe
from irqlab.kernel.irq.chip_flow import handle_fasteoi_irq, handle_percpu_devid_irq
from irqlab.kernel.irq.irqdesc import irq_to_desc
from irqlab.kernel.irq.irqdesc_alloc import irq_set_percpu_devid
from irqlab.kernel.irq.irqdomain import (
    fwnode_handle,
    generic_handle_domain_irq,
    irq_domain,
    irq_domain_create_tree,
    irq_domain_free_irqs_top,
    irq_domain_ops,
    irq_domain_set_info,
    irq_fwspec,
)
from irqlab.kernel.irq.types import (
    IRQ_SET_MASK_OK_DONE,
    IRQCHIP_MASK_ON_SUSPEND,
    IRQCHIP_SET_TYPE_MASKED,
    IRQCHIP_SKIP_SET_WAKE,
    irq_chip,
    irq_data,
    irq_data_update_effective_affinity,
    irqd_set_handle_enforce_irqctx,
    irqd_set_single_target,
)
from irqlab.kernel.printk import KERN_INFO
from irqlab.kernel.stacktrace import ENABLED as KSTACK
from irqlab.kernel.stacktrace import pop, push

if TYPE_CHECKING:
    from irqlab.kernel.cpu import CPU
    from irqlab.kernel.kernel import Kernel

#: The model's GICD and first GICR frame (the addresses of QEMU's "virt" machine).
GICD_PHYS_BASE: Final = 0x0800_0000
GICR_PHYS_BASE: Final = 0x080A_0000


def _hw(gic: gic_chip_data) -> GICv3:
    hw = gic.hw
    assert isinstance(hw, GICv3)
    return hw


def gic_v3_set_affinity(d: irq_data, mask_val: int, force: bool) -> int:
    """gic_set_affinity(): route an SPI to the first (online, unless forced) CPU of the mask by writing its
    affinity to GICD_IROUTER, masking the line around the write if it was enabled."""
    gic: gic_chip_data = d.chip_data
    k = gic.k
    if force:
        cand = mask_val
    else:
        online = 0
        for c in k.cpus:
            if c.online:
                online |= 1 << c.id
        cand = mask_val & online
    cpu = (cand & -cand).bit_length() - 1
    if cand == 0 or cpu >= len(k.cpus) or d.hwirq < 32:
        return -EINVAL
    hw = _hw(gic)
    _mmio(gic, gic.read_cost)  # gic_peek_irq(d, GICD_ISENABLER)
    enabled = hw.is_enabled(d.hwirq, 0)
    hw.write_irouter(d.hwirq, mpidr_affinity(cpu))
    # gic_mask_irq() (with its RWP wait) and gic_unmask_irq() around the GICD_IROUTER write when enabled.
    _mmio(gic, gic.write_cost * (3 if enabled else 1))
    irq_data_update_effective_affinity(d, 1 << cpu)
    return IRQ_SET_MASK_OK_DONE


#: gic_eoimode1_chip: the chip Linux uses at EL2 ("GICv3" in /proc/interrupts).
gic_eoimode1_chip = irq_chip(
    "GICv3",
    irq_mask=gic_eoimode1_mask_irq,
    irq_unmask=gic_unmask_irq,
    irq_eoi=gic_eoimode1_eoi_irq,
    irq_set_type=gic_set_type,
    irq_retrigger=gic_retrigger,
    irq_set_affinity=gic_v3_set_affinity,
    irq_get_irqchip_state=gic_irq_get_irqchip_state,
    irq_set_irqchip_state=gic_irq_set_irqchip_state,
    flags=IRQCHIP_SET_TYPE_MASKED | IRQCHIP_SKIP_SET_WAKE | IRQCHIP_MASK_ON_SUSPEND,
)


# -- the exception entry ------------------------------------------------------------------------------------


def gic_v3_handle_irq(cpu: CPU) -> None:
    """gic_handle_irq() -> __gic_handle_irq_from_irqson(): one ICC_IAR1_EL1 read, the priority drop, the
    dispatch; the CPU takes the exception again while its interface still signals."""
    kdepth = push("gic_handle_irq") if KSTACK else 0
    k = cpu.k
    gic: gic_chip_data = k.subsys["gic"]
    hw: GICv3 = gic.hw  # type: ignore[assignment]
    cid = cpu.id
    irqnr = hw.read_icc_iar1(cid) & 0xFFFFFF
    if 1020 <= irqnr <= 1023:
        # gic_irqnr_is_special(): nothing to acknowledge (the interrupt went away).
        if gic.read_cost:
            cpu_wait(k, cpu, k.engine.now + gic.read_cost)
        if KSTACK:
            pop(kdepth)
        return
    hw.write_icc_eoir1(cid, irqnr)
    # SIMPLIFICATION: system register accesses cost the board's GIC register costs, as the GIC-400's MMIO.
    # SIMPLIFICATION: the IAR read and the EOIR write right after it are one wait (a performance trick).
    cost = gic.read_cost + gic.write_cost
    if cost:
        cpu_wait(k, cpu, k.engine.now + cost)
    if irqnr <= 15:
        gic.sgi_intid[cid] = irqnr
    # SIMPLIFICATION: as in the GIC-400's IAR loop, the ICC_DIR write's cost (gic_eoimode1_eoi_irq(), after the
    # handler) is paid with the exception's exit path (irq_exit()); the deactivation itself happens at the write.
    gic.in_loop[cid] = True
    generic_handle_domain_irq(gic.domain, irqnr)
    cpu = k.cpu  # type: ignore[assignment]
    _leave_irq_loop(gic, cpu, 0)
    if hw.interface_signals(cpu.id):
        raise_interrupt(k, cpu, gic_v3_handle_irq)
    if KSTACK:
        pop(kdepth)


def gic_v3_hardirq_sleep(k: Kernel, cpu: CPU) -> None:
    """A handler slept inside gic_handle_irq() on ``cpu``: the interface still signals what is pending, so
    the CPU takes the exception again as soon as its next context enables IRQs."""
    gic: gic_chip_data = k.subsys["gic"]
    gic.in_loop[cpu.id] = False
    if _hw(gic).interface_signals(cpu.id):
        raise_interrupt(k, cpu, gic_v3_handle_irq)


def _signal(k: Kernel, cpu_id: int) -> None:
    """The CPU interface asserts the IRQ line: the CPU takes gic_handle_irq as soon as it can."""
    raise_interrupt(k, k.cpus[cpu_id], gic_v3_handle_irq)


# -- domain ---------------------------------------------------------------------------------------------------


def gic_v3_irq_domain_map(d: irq_domain, irq: int, hw: int) -> int:
    """gic_irq_domain_map(): SGIs and PPIs are per-CPU devid lines, SPIs fasteoi lines with one target."""
    gic: gic_chip_data = d.host_data
    desc = irq_to_desc(irq)
    assert desc is not None
    if hw < 32:
        irq_set_percpu_devid(irq)
        irq_domain_set_info(d, irq, hw, gic_eoimode1_chip, gic, handle_percpu_devid_irq, None, None)
    elif hw < gic.gic_irqs:
        irq_domain_set_info(d, irq, hw, gic_eoimode1_chip, gic, handle_fasteoi_irq, None, None)
        irq_set_probe(irq)
        irqd_set_single_target(desc.irq_data)
    else:
        return -EINVAL
    irqd_set_handle_enforce_irqctx(desc.irq_data)
    return 0


def gic_v3_irq_domain_translate(d: irq_domain, fwspec: irq_fwspec) -> tuple[int, int, int]:
    """gic_irq_domain_translate(): as the GIC-400's for SGIs, SPIs and PPIs."""
    ret, hwirq, type_ = gic_irq_domain_translate(d, fwspec)
    gic: gic_chip_data = d.host_data
    if not ret and hwirq >= gic.gic_irqs:
        # SIMPLIFICATION: the kernel maps an SPI past GICD_TYPER.ITLinesNumber and the distributor ignores
        # it (its registers are RAZ/WI); irqlab refuses the mapping.
        return -EINVAL, 0, 0
    return ret, hwirq, type_


def gic_v3_irq_domain_alloc(domain: irq_domain, virq: int, nr_irqs: int, arg: Any) -> int:
    ret, hwirq, _type = gic_v3_irq_domain_translate(domain, arg)
    if ret:
        return ret
    for i in range(nr_irqs):
        ret = gic_v3_irq_domain_map(domain, virq + i, hwirq + i)
        if ret:
            return ret
    return 0


gic_v3_irq_domain_ops = irq_domain_ops(
    translate=gic_v3_irq_domain_translate, alloc=gic_v3_irq_domain_alloc, free=irq_domain_free_irqs_top
)


# -- CPUs, IPIs ---------------------------------------------------------------------------------------------


def gic_cpu_init(k: Kernel, cpu: int) -> None:
    """gic_populate_rdist() + gic_enable_redist(true) + gic_cpu_sys_reg_init() for ``cpu``."""
    gic: gic_chip_data = k.subsys["gic"]
    hw = _hw(gic)
    aff = mpidr_affinity(cpu)
    # Every CPU's redistributor sits in region 0, GICR_STRIDE apart, found by matching GICR_TYPER's affinity.
    k.pr(
        KERN_INFO, f"GICv3: CPU{cpu}: found redistributor {aff:x} region 0:0x{GICR_PHYS_BASE + cpu * GICR_STRIDE:016x}"
    )
    hw.write_waker(cpu, False)
    hw.write_icc_pmr(cpu, GICC_INT_PRI_THRESHOLD)
    hw.write_icc_ctlr(cpu, True)
    hw.write_icc_igrpen1(cpu, True)


def gic_v3_ipi_hook(k: Kernel, cpu: CPU, ipi: int) -> None:
    """gic_ipi_send_mask() of one CPU: gic_send_sgi() writes ICC_SGI1R_EL1 with the target's cluster
    (Aff3.Aff2.Aff1) and its Aff0 bit in the target list."""
    gic: gic_chip_data = k.subsys["gic"]
    aff = mpidr_affinity(cpu.id)
    value = ((aff >> 32 & 0xFF) << ICC_SGI1R_AFFINITY_3_SHIFT
             | (aff >> 16 & 0xFF) << ICC_SGI1R_AFFINITY_2_SHIFT
             | ipi << ICC_SGI1R_SGI_ID_SHIFT
             | (aff >> 8 & 0xFF) << ICC_SGI1R_AFFINITY_1_SHIFT
             | 1 << (aff & 0xF))  # fmt: skip
    sender = k.cpu.id if k.cpu is not None else 0
    _hw(gic).write_icc_sgi1r(sender, value)


def gic_v3_cpu_offline(k: Kernel, cpu: CPU) -> None:
    """A CPU went down: its group 1 interrupts are off and its redistributor sleeps."""
    hw = _hw(k.subsys["gic"])
    hw.write_icc_igrpen1(cpu.id, False)
    hw.write_waker(cpu.id, True)


def gic_v3_cpu_online(k: Kernel, cpu: CPU) -> None:
    """gic_starting_cpu(): the CPU's redistributor and interface, as it comes up."""
    gic_cpu_init(k, cpu.id)


def gic_v3_of_init(k: Kernel) -> gic_chip_data:
    """gic_of_init() -> gic_init_bases(): distributor, redistributors, IPIs, the timer PPIs."""
    ncpus = len(k.cpus)
    nirqs = int(k.board.data.get("gic_irqs", 320))
    hw = GICv3(ncpus, nirqs, name="gicv3")
    gic = gic_chip_data(k, hw)
    k.subsys["gic"] = gic
    k.pr(KERN_INFO, "NR_IRQS: 64, nr_irqs: 64, preallocated irqs: 0")
    k.pr(KERN_INFO, "GICv3: GIC: Using split EOI/Deactivate mode")
    k.pr(KERN_INFO, f"GICv3: {nirqs - 32} SPIs implemented")
    k.pr(KERN_INFO, "GICv3: 0 Extended SPIs implemented")
    gic.domain = irq_domain_create_tree(fwnode_handle(f"/intc@{GICD_PHYS_BASE:x}"), gic_v3_irq_domain_ops, gic)
    # gic_update_rdist_properties(): 16 PPIs, no range selector, no direct LPI injection.
    k.pr(KERN_INFO, "GICv3: GICv3 features: 16 PPIs")
    hw.irq_signal = lambda cpu_id: _signal(k, cpu_id)
    # gic_dist_init(): every SPI routed to the boot CPU (group 1, level and default priority are the reset state).
    boot_aff = mpidr_affinity(0)
    for intid in range(32, nirqs):
        hw.write_irouter(intid, boot_aff)
    # gic_cpu_init() on the boot CPU; SIMPLIFICATION: the secondary CPUs come up at once and silently, as
    # irqlab's boot prints none of their bring-up (cpuhp) lines.
    gic_cpu_init(k, 0)
    for c in range(1, ncpus):
        hw.write_waker(c, False)
        hw.write_icc_pmr(c, GICC_INT_PRI_THRESHOLD)
        hw.write_icc_ctlr(c, True)
        hw.write_icc_igrpen1(c, True)
    # gic_smp_init() uses the 8 non-secure SGIs, as the GIC-400's driver does.
    gic_smp_and_timer_init(k, gic, lambda cpu, ipi: gic_v3_ipi_hook(k, cpu, ipi), gic_v3_cpu_offline,
                           gic_v3_cpu_online, gic_v3_hardirq_sleep)  # fmt: skip
    return gic


__all__ = ["gic_v3_of_init", "gic_eoimode1_chip"]
