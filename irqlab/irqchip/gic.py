"""Mirrors drivers/irqchip/irq-gic.c: the kernel side of the GIC-400 (GICv2) as the BCM2712 uses it.

Linux runs at EL2 on the Pi 5, so the GIC is driven in split EOI/Deactivate mode: the chip is
"GICv2" (``gic_chip_mode1``), ``gic_handle_irq`` drops the priority (EOIR) right after reading IAR,
and the flow handler's ``irq_eoi`` deactivates (DIR). SGIs 0-7 carry the arm64 IPIs (hidden per-CPU
lines 1-8), PPI 14 (hwirq 30) the per-CPU arch timer that delivers the scheduler tick, SPIs are
``handle_fasteoi_irq`` lines routed to one CPU (the first online CPU of their affinity).
MMIO costs (``mmio_read`` for IAR, ``mmio_write`` for EOIR/DIR/enable/...) come from the board.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

import irqlab.kernel.kernel as kmod
from irqlab.errno import EINVAL
from irqlab.hw.gic import GIC400, GICC_IAR_INT_ID_MASK, GICC_INT_PRI_THRESHOLD, GICCore
from irqlab.kernel.core import current_kernel
from irqlab.kernel.cpu import burn, cpu_wait, raise_interrupt
from irqlab.kernel.irq.chip import irq_set_probe, irq_set_status_flags
from irqlab.kernel.irq.chip_flow import handle_fasteoi_irq, handle_percpu_devid_irq
from irqlab.kernel.irq.irq_sim import irq_work_run
from irqlab.kernel.irq.irqdesc import irq_to_desc
from irqlab.kernel.irq.irqdesc_alloc import irq_set_percpu_devid
from irqlab.kernel.irq.irqdomain import (
    fwnode_handle,
    generic_handle_domain_irq,
    irq_create_fwspec_mapping,
    irq_domain,
    irq_domain_alloc_irqs,
    irq_domain_create_linear,
    irq_domain_free_irqs_top,
    irq_domain_ops,
    irq_domain_set_info,
    irq_fwspec,
)
from irqlab.kernel.irq.manage_percpu import enable_percpu_irq_on, request_percpu_irq
from irqlab.kernel.irq.types import (
    IRQ_HANDLED,
    IRQ_HIDDEN,
    IRQ_SET_MASK_OK_DONE,
    IRQ_TYPE_EDGE_BOTH,
    IRQ_TYPE_EDGE_RISING,
    IRQ_TYPE_LEVEL_HIGH,
    IRQ_TYPE_LEVEL_LOW,
    IRQ_TYPE_LEVEL_MASK,
    IRQ_TYPE_NONE,
    IRQ_TYPE_SENSE_MASK,
    IRQCHIP_MASK_ON_SUSPEND,
    IRQCHIP_SET_TYPE_MASKED,
    IRQCHIP_SKIP_SET_WAKE,
    IRQCHIP_STATE_ACTIVE,
    IRQCHIP_STATE_MASKED,
    IRQCHIP_STATE_PENDING,
    NUMA_NO_NODE,
    irq_chip,
    irq_data,
    irq_data_update_effective_affinity,
    irqd_set_handle_enforce_irqctx,
    irqd_set_single_target,
)
from irqlab.kernel.printk import KERN_INFO, KERN_WARNING, vprintk
from irqlab.kernel.stacktrace import ENABLED as KSTACK
from irqlab.kernel.stacktrace import pop, push
from irqlab.kernel.time.hrtimer import hrtimer_interrupt

if TYPE_CHECKING:
    from irqlab.kernel.cpu import CPU
    from irqlab.kernel.kernel import Kernel

GIC_SPI: Final = 0
GIC_PPI: Final = 1

#: Linux interrupt numbers of the IPIs (set_smp_ipi_range: 8 SGIs from virq 1).
NR_IPI: Final = 8
IPI_IRQ_WORK: Final = 5
ARCH_TIMER_PPI: Final = 14  # hwirq 30: the non-secure physical timer
ARCH_TIMER_HWIRQ: Final = 30


class gic_chip_data:
    """struct gic_chip_data: the hardware, the domain and the per-CPU IPI stash."""

    def __init__(self, k: Kernel, hw: GICCore) -> None:
        self.k = k
        self.hw = hw
        self.gic_irqs = hw.nirqs
        self.domain: irq_domain = None  # type: ignore[assignment]
        self.ipi_base = 0
        self.timer_irq = 0
        self.sgi_intid = [0] * hw.ncpus
        self.read_cost = k.costs.get("gic_iar", k.costs.get("mmio_read", 0))
        self.write_cost = k.costs.get("gic_eoi", k.costs.get("mmio_write", 0))
        #: CPU number used by banked-register accesses made at boot, outside every CPU.
        self.boot_cpu: int | None = None
        #: Per CPU: inside gic_handle_irq(), and register-access time not yet waited for.
        self.in_loop = [False] * hw.ncpus
        self.debt = [0] * hw.ncpus


def gic_data(k: Kernel) -> gic_chip_data | None:
    return k.subsys.get("gic")  # type: ignore[no-any-return]


def _this_cpu(gic: gic_chip_data) -> int:
    cpu = gic.k.cpu
    if cpu is not None:
        return cpu.id
    return gic.boot_cpu or 0


def _mmio(gic: gic_chip_data, ns: int) -> None:
    """Charge one register access: the executing CPU waits ``ns`` (nothing outside every CPU)."""
    k = gic.k
    cpu = k.cpu
    if cpu is None or not ns:
        return
    if cpu.irqs_off:
        cpu_wait(k, cpu, k.engine.now + ns)
    else:
        burn(k, ns, True)


# -- irq_chip callbacks ------------------------------------------------------------------------------------


def gic_eoimode1_mask_irq(d: irq_data) -> None:
    gic: gic_chip_data = d.chip_data
    gic.hw.set_enable(d.hwirq, _this_cpu(gic), False)
    _mmio(gic, gic.write_cost)


def gic_unmask_irq(d: irq_data) -> None:
    gic: gic_chip_data = d.chip_data
    gic.hw.set_enable(d.hwirq, _this_cpu(gic), True)
    _mmio(gic, gic.write_cost)


def gic_eoimode1_eoi_irq(d: irq_data) -> None:
    gic: gic_chip_data = d.chip_data
    this = gic.k.cpu
    cpu = this.id if this is not None else _this_cpu(gic)
    hwirq = d.hwirq
    if hwirq < 16:
        hwirq = gic.sgi_intid[cpu]
    gic.hw.write_dir(cpu, hwirq)
    if gic.in_loop[cpu]:
        # SIMPLIFICATION: inside gic_handle_irq() the DIR write's cost is paid together with the next IAR read
        # (GIC-400), or with irq_exit()'s (GICv3: see _leave_irq_loop()); the deactivation itself happened now,
        # the CPU's total time is unchanged (a performance trick: one wait fewer).
        gic.debt[cpu] += gic.write_cost
    else:
        _mmio(gic, gic.write_cost)


def gic_set_type(d: irq_data, type: int) -> int:
    """SGIs are edge only; SPIs level-high or rising edge; misconfigured PPIs only warn."""
    gic: gic_chip_data = d.chip_data
    gicirq = d.hwirq
    if gicirq < 16:
        return -EINVAL if type != IRQ_TYPE_EDGE_RISING else 0
    if gicirq >= 32 and type not in (IRQ_TYPE_LEVEL_HIGH, IRQ_TYPE_EDGE_RISING):
        return -EINVAL
    ok = gic.hw.set_config(gicirq, _this_cpu(gic), bool(type & IRQ_TYPE_EDGE_BOTH) and not type & IRQ_TYPE_LEVEL_MASK)
    if gicirq < 32:
        # A PPI's configuration is per CPU: apply it to every CPU's bank.
        for c in range(gic.hw.ncpus):
            gic.hw.set_config(gicirq, c, bool(type & IRQ_TYPE_EDGE_BOTH) and not type & IRQ_TYPE_LEVEL_MASK)
    _mmio(gic, gic.write_cost)
    if not ok and gicirq < 32:
        vprintk(gic.k, KERN_WARNING + "GIC: PPI%d is secure or misconfigured\n", (gicirq - 16,))
    return 0


def gic_retrigger(d: irq_data) -> int:
    """Set the pending bit: the GIC delivers the interrupt again. Returns 1 (retriggered)."""
    return 1 if not gic_irq_set_irqchip_state(d, IRQCHIP_STATE_PENDING, True) else 0


def gic_set_affinity(d: irq_data, mask_val: int, force: bool) -> int:
    """Route an SPI to one CPU: the first online CPU of the mask (the first CPU when forced)."""
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
    if not cand:
        return -EINVAL
    cpu = (cand & -cand).bit_length() - 1
    if cpu >= len(k.cpus) or cpu >= 8:
        return -EINVAL
    hw = gic.hw
    assert isinstance(hw, GIC400)
    hw.set_target(d.hwirq, 1 << cpu)
    _mmio(gic, gic.write_cost)
    irq_data_update_effective_affinity(d, 1 << cpu)
    return IRQ_SET_MASK_OK_DONE


def gic_irq_set_irqchip_state(d: irq_data, which: int, val: bool) -> int:
    gic: gic_chip_data = d.chip_data
    cpu = _this_cpu(gic)
    if which == IRQCHIP_STATE_PENDING:
        gic.hw.set_pending(d.hwirq, cpu, val)
    elif which == IRQCHIP_STATE_ACTIVE:
        gic.hw.set_active(d.hwirq, cpu, val)
    elif which == IRQCHIP_STATE_MASKED:
        gic.hw.set_enable(d.hwirq, cpu, not val)
    else:
        return -EINVAL
    _mmio(gic, gic.write_cost)
    return 0


def gic_irq_get_irqchip_state(d: irq_data, which: int) -> tuple[int, bool]:
    gic: gic_chip_data = d.chip_data
    cpu = _this_cpu(gic)
    if which == IRQCHIP_STATE_PENDING:
        val = gic.hw.is_pending(d.hwirq, cpu)
    elif which == IRQCHIP_STATE_ACTIVE:
        val = gic.hw.is_active(d.hwirq, cpu)
    elif which == IRQCHIP_STATE_MASKED:
        val = not gic.hw.is_enabled(d.hwirq, cpu)
    else:
        return -EINVAL, False
    return 0, val


#: gic_chip_mode1: the chip Linux uses at EL2 ("GICv2" in /proc/interrupts).
gic_chip_mode1 = irq_chip(
    "GICv2",
    irq_mask=gic_eoimode1_mask_irq,
    irq_unmask=gic_unmask_irq,
    irq_eoi=gic_eoimode1_eoi_irq,
    irq_set_type=gic_set_type,
    irq_retrigger=gic_retrigger,
    irq_set_affinity=gic_set_affinity,
    irq_get_irqchip_state=gic_irq_get_irqchip_state,
    irq_set_irqchip_state=gic_irq_set_irqchip_state,
    flags=IRQCHIP_SET_TYPE_MASKED | IRQCHIP_SKIP_SET_WAKE | IRQCHIP_MASK_ON_SUSPEND,
)


# -- the exception entry ------------------------------------------------------------------------------------


def gic_handle_irq(cpu: CPU) -> None:
    """handle_arch_irq: acknowledge (IAR), drop priority (EOIR), dispatch; until IAR reads spurious."""
    kdepth = push("gic_handle_irq") if KSTACK else 0
    k = cpu.k
    gic: gic_chip_data = k.subsys["gic"]
    hw = gic.hw
    domain = gic.domain
    read_cost = gic.read_cost
    ack_cost = read_cost + gic.write_cost
    debt = gic.debt
    gic.in_loop[cpu.id] = True
    while True:
        cpu = k.cpu  # type: ignore[assignment]
        cid = cpu.id
        irqstat = hw.read_iar(cid)
        irqnr = irqstat & GICC_IAR_INT_ID_MASK
        if irqnr >= 1020:
            _leave_irq_loop(gic, cpu, read_cost)  # the last IAR read's cost
            break
        hw.write_eoir(cid, irqstat)
        # SIMPLIFICATION: the IAR read and the EOIR write right after it are one wait (a performance trick).
        cost = ack_cost + debt[cid]
        debt[cid] = 0
        if cost:
            cpu_wait(k, cpu, k.engine.now + cost)
        if irqnr <= 15:
            gic.sgi_intid[cid] = irqstat
        generic_handle_domain_irq(domain, irqnr)
    if KSTACK:
        pop(kdepth)


def _leave_irq_loop(gic: gic_chip_data, cpu: CPU, cost: int) -> None:
    """``cpu`` leaves gic_handle_irq()'s loop: ``cost`` and the DIR writes' costs owed are charged with the
    exception's exit path, the next thing this CPU does with IRQs masked (irq_exit())."""
    # SIMPLIFICATION: one wait instead of two or three (a performance trick); the accesses' effects happened at
    # the access, the CPU's total time is unchanged (docs/fidelity.md).
    cid = cpu.id
    cost += gic.debt[cid]
    gic.debt[cid] = 0
    gic.in_loop[cid] = False
    if cost:
        cpu.irq_exit_debt += cost


def gic_hardirq_sleep(k: Kernel, cpu: CPU) -> None:
    """A handler slept inside gic_handle_irq() on ``cpu``: its IAR loop is suspended with nIRQ still
    asserted, so the CPU takes the interrupt again as soon as its next context enables IRQs."""
    # SIMPLIFICATION: the sleeping handler's frames survive; on arm64 the next interrupt would reuse the
    # per-CPU IRQ stack underneath them.
    gic: gic_chip_data = k.subsys["gic"]
    gic.in_loop[cpu.id] = False
    if gic.hw.signalled[cpu.id]:
        raise_interrupt(k, cpu, gic_handle_irq)


def _signal(k: Kernel, cpu_id: int) -> None:
    """The CPU interface asserts nIRQ: the CPU takes gic_handle_irq as soon as it can."""
    cpu = k.cpus[cpu_id]
    raise_interrupt(k, cpu, gic_handle_irq)


# -- domain ---------------------------------------------------------------------------------------------------


def gic_irq_domain_translate(d: irq_domain, fwspec: irq_fwspec) -> tuple[int, int, int]:
    """<GIC_SPI n flags> -> hwirq n+32, <GIC_PPI n flags> -> n+16; a one-cell spec below 16 is an SGI."""
    k = current_kernel.k
    if fwspec.param_count == 1 and fwspec.param[0] < 16:
        return 0, fwspec.param[0], IRQ_TYPE_EDGE_RISING
    if fwspec.param_count < 3:
        return -EINVAL, 0, 0
    if fwspec.param[0] == GIC_SPI:
        hwirq = fwspec.param[1] + 32
    elif fwspec.param[0] == GIC_PPI:
        hwirq = fwspec.param[1] + 16
    else:
        return -EINVAL, 0, 0
    if hwirq >= d.hwirq_max:
        # SIMPLIFICATION: the kernel maps an interrupt ID past the distributor's ITLinesNumber and the
        # distributor ignores it (its registers are RAZ/WI); irqlab refuses the mapping.
        return -EINVAL, 0, 0
    type_ = fwspec.param[2] & IRQ_TYPE_SENSE_MASK
    if type_ == IRQ_TYPE_NONE and k is not None:
        k.bugs.warn("drivers/irqchip/irq-gic.c", 1076, k.format("HW irq %ld has invalid type\n", (hwirq,)))
    return 0, hwirq, type_


def gic_irq_domain_map(d: irq_domain, irq: int, hw: int) -> int:
    gic: gic_chip_data = d.host_data
    desc = irq_to_desc(irq)
    assert desc is not None
    if hw < 32:
        irq_set_percpu_devid(irq)
        irq_domain_set_info(d, irq, hw, gic_chip_mode1, gic, handle_percpu_devid_irq, None, None)
    else:
        irq_domain_set_info(d, irq, hw, gic_chip_mode1, gic, handle_fasteoi_irq, None, None)
        irq_set_probe(irq)
        irqd_set_single_target(desc.irq_data)
    irqd_set_handle_enforce_irqctx(desc.irq_data)
    return 0


def gic_irq_domain_alloc(domain: irq_domain, virq: int, nr_irqs: int, arg: Any) -> int:
    ret, hwirq, _type = gic_irq_domain_translate(domain, arg)
    if ret:
        return ret
    for i in range(nr_irqs):
        ret = gic_irq_domain_map(domain, virq + i, hwirq + i)
        if ret:
            return ret
    return 0


gic_irq_domain_hierarchy_ops = irq_domain_ops(
    translate=gic_irq_domain_translate, alloc=gic_irq_domain_alloc, free=irq_domain_free_irqs_top
)


# -- IPIs and the arch timer ------------------------------------------------------------------------------


def ipi_handler(irq: int, dev_id: Any) -> int:
    """arm64 ipi_handler() -> do_handle_IPI(): the core's handler for the IPI number."""
    k = current_kernel.k
    assert k is not None and k.cpu is not None
    gic: gic_chip_data = k.subsys["gic"]
    cpu = k.cpu
    ipinr = irq - gic.ipi_base
    handler = kmod._IPI_HANDLERS.get(ipinr)
    if handler is not None:
        handler(cpu)
    else:
        cpu.ipi_counts[ipinr] += 1
        if ipinr == IPI_IRQ_WORK:
            irq_work_run(cpu)
    return IRQ_HANDLED


def arch_timer_handler_phys(irq: int, evt: Any) -> int:
    """The timer fired (ISTATUS): mask its output, then run the clock event handler (hrtimers, tick)."""
    k = current_kernel.k
    assert k is not None and k.cpu is not None
    gic: gic_chip_data = k.subsys["gic"]
    cpu = k.cpu
    gic.hw.set_ppi_input(cpu.id, ARCH_TIMER_HWIRQ, False)
    hrtimer_interrupt(cpu)
    return IRQ_HANDLED


def _noop_percpu_handler(irq: int, dev_id: Any) -> int:
    return IRQ_HANDLED


def gic_ipi_hook(k: Kernel, cpu: CPU, ipi: int) -> None:
    """k.ipi_hook: an IPI reaches ``cpu`` as SGI ``ipi`` (via GICD_SGIR)."""
    gic: gic_chip_data = k.subsys["gic"]
    # SIMPLIFICATION: the sender is not known at delivery time; SGIs are recorded as sent by CPU 0.
    hw = gic.hw
    assert isinstance(hw, GIC400)
    hw.write_sgir(0, 1 << cpu.id, ipi)


def gic_timer_hook(k: Kernel, cpu: CPU) -> None:
    """k.subsys["timer_irq_hook"]: the per-CPU timer asserts its PPI (level, until the handler masks it)."""
    gic: gic_chip_data = k.subsys["gic"]
    gic.hw.set_ppi_input(cpu.id, ARCH_TIMER_HWIRQ, True)


def gic_cpu_offline(k: Kernel, cpu: CPU) -> None:
    """A CPU went down: its interface stops signalling (its timer PPI stays silent)."""
    gic: gic_chip_data = k.subsys["gic"]
    gic.hw.cpuif_enable(cpu.id, False)


def gic_cpu_online(k: Kernel, cpu: CPU) -> None:
    """gic_starting_cpu(): the CPU interface of a CPU coming up."""
    gic: gic_chip_data = k.subsys["gic"]
    gic.hw.write_pmr(cpu.id, GICC_INT_PRI_THRESHOLD)
    gic.hw.cpuif_enable(cpu.id, True)


def gic_map(k: Kernel, kind: int, n: int, type_: int) -> int:
    """irq_of_parse_and_map() of <GIC_SPI/GIC_PPI n type>: the Linux irq number (0 on failure)."""
    gic = gic_data(k)
    if gic is None:
        return 0
    check_gic_line(gic.hw.name, gic.gic_irqs, kind, n)
    return irq_create_fwspec_mapping(irq_fwspec(gic.domain.fwnode, [kind, n, type_]))


def check_gic_line(name: str, gic_irqs: int, kind: int, n: int) -> None:
    """Raise ValueError, naming the line and the limit, for an SPI or PPI this controller does not have."""
    if kind == GIC_SPI and not 0 <= n < gic_irqs - 32:
        raise ValueError(f"{name}: GIC SPI {n} does not exist: this controller implements {gic_irqs - 32} SPIs, "
                         f"0-{gic_irqs - 33} (interrupt IDs 32-{gic_irqs - 1}); use an SPI in that range or a board "
                         "with more interrupt lines (board data 'gic_irqs')")  # fmt: skip
    if kind == GIC_PPI and not 0 <= n < 16:
        raise ValueError(f"{name}: GIC PPI {n} does not exist: PPIs are 0-15 (interrupt IDs 16-31)")


def gic_smp_and_timer_init(k: Kernel, gic: gic_chip_data, ipi_hook: Callable[[CPU, int], None],
                           cpu_offline: Callable[[Kernel, CPU], None], cpu_online: Callable[[Kernel, CPU], None],
                           hardirq_sleep: Callable[[Kernel, CPU], None]) -> None:  # fmt: skip
    """The part of a GIC's probe both generations share: gic_smp_init() (eight SGIs for the IPIs, then
    set_smp_ipi_range()), the vGIC maintenance and arch-timer PPIs in DT order (virqs 9..13 as on a Pi 5),
    and the CPU hotplug and hardirq-sleep hooks of this controller's driver."""
    ncpus = len(k.cpus)
    base = irq_domain_alloc_irqs(gic.domain, NR_IPI, NUMA_NO_NODE, irq_fwspec(gic.domain.fwnode, [0]))
    gic.ipi_base = base
    for i in range(NR_IPI):
        request_percpu_irq(base + i, ipi_handler, "IPI", list(range(ncpus)))
        irq_set_status_flags(base + i, IRQ_HIDDEN)
        for c in range(ncpus):
            gic.boot_cpu = c
            enable_percpu_irq_on(k, base + i, 0, c)
    gic.boot_cpu = None
    k.ipi_hook = ipi_hook
    vgic = gic_map(k, GIC_PPI, 9, IRQ_TYPE_LEVEL_HIGH)
    gic_map(k, GIC_PPI, 13, IRQ_TYPE_LEVEL_LOW)
    timer = gic_map(k, GIC_PPI, ARCH_TIMER_PPI, IRQ_TYPE_LEVEL_LOW)
    vtimer = gic_map(k, GIC_PPI, 11, IRQ_TYPE_LEVEL_LOW)
    gic_map(k, GIC_PPI, 10, IRQ_TYPE_LEVEL_LOW)
    gic.timer_irq = timer
    k.pr(KERN_INFO, "arch_timer: cp15 timer(s) running at 54.00MHz (phys).")
    request_percpu_irq(timer, arch_timer_handler_phys, "arch_timer", list(range(ncpus)))
    request_percpu_irq(vgic, _noop_percpu_handler, "vgic", list(range(ncpus)))
    request_percpu_irq(vtimer, _noop_percpu_handler, "kvm guest vtimer", list(range(ncpus)))
    for c in range(ncpus):
        gic.boot_cpu = c
        enable_percpu_irq_on(k, timer, 0, c)
    gic.boot_cpu = None
    k.subsys["timer_irq_hook"] = lambda cpu: gic_timer_hook(k, cpu)
    k.subsys.setdefault("cpu_offline_hooks", []).append(lambda cpu: cpu_offline(k, cpu))
    k.subsys.setdefault("cpu_online_hooks", []).append(lambda cpu: cpu_online(k, cpu))
    k.subsys.setdefault("hardirq_sleep_hooks", []).append(lambda cpu: hardirq_sleep(k, cpu))


def gic_of_init(k: Kernel) -> gic_chip_data:
    """Probe the GIC-400: distributor, CPU interfaces, IPIs, the timer PPIs and the tick through PPI 14."""
    ncpus = len(k.cpus)
    nirqs = int(k.board.data.get("gic_irqs", 320))
    hw = GIC400(ncpus, nirqs, name="gic400")
    gic = gic_chip_data(k, hw)
    k.subsys["gic"] = gic
    k.pr(KERN_INFO, "NR_IRQS: 64, nr_irqs: 64, preallocated irqs: 0")
    k.pr(KERN_INFO, "GIC: Using split EOI/Deactivate mode")
    gic.domain = irq_domain_create_linear(fwnode_handle("/soc/interrupt-controller@7d500000"), nirqs,
                                          gic_irq_domain_hierarchy_ops, gic)  # fmt: skip
    # gic_dist_init(): every SPI to the boot CPU, level, default priority.
    for intid in range(32, nirqs):
        hw.set_target(intid, 1)
    for c in range(ncpus):
        hw.write_pmr(c, GICC_INT_PRI_THRESHOLD)
        hw.cpuif_enable(c, True)
    hw.irq_signal = lambda cpu_id: _signal(k, cpu_id)
    gic_smp_and_timer_init(k, gic, lambda cpu, ipi: gic_ipi_hook(k, cpu, ipi), gic_cpu_offline, gic_cpu_online,
                           gic_hardirq_sleep)  # fmt: skip
    return gic


__all__ = ["GIC_SPI", "GIC_PPI"]
