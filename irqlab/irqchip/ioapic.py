"""Mirrors arch/x86/kernel/apic/io_apic.c and the local-APIC entry (common_interrupt, the APIC timer).

One IO-APIC whose pins are GSIs; Linux irq N is GSI N, as on x86 (legacy irqs are identity
mapped). Level pins are ``handle_fasteoi_irq`` ("fasteoi"), edge pins ``handle_edge_irq``
("edge"); /proc/interrupts prints them as ``IO-APIC  24-fasteoi``. The per-CPU local APIC
timer carries the tick and is counted on the LOC row, not as a numbered irq.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from irqlab.hw.ioapic import IoApic
from irqlab.kernel.cpu import raise_interrupt
from irqlab.kernel.irq.chip import (
    irq_set_chip_and_handler_name,
    irq_set_chip_data,
    irq_set_irq_type,
)
from irqlab.kernel.irq.chip_flow import handle_edge_irq, handle_fasteoi_irq
from irqlab.kernel.irq.irqdesc import handle_irq_desc, irq_to_desc
from irqlab.kernel.irq.irqdesc_alloc import irq_alloc_desc_at
from irqlab.kernel.irq.irqdomain import fwnode_handle, irq_domain_associate, irq_domain_create_linear, irq_domain_ops
from irqlab.kernel.irq.types import (
    IRQ_SET_MASK_OK_DONE,
    IRQ_TYPE_EDGE_RISING,
    IRQ_TYPE_LEVEL_MASK,
    irq_chip,
    irq_data_update_effective_affinity,
)
from irqlab.kernel.time.hrtimer import hrtimer_interrupt

if TYPE_CHECKING:
    from irqlab.kernel.cpu import CPU
    from irqlab.kernel.kernel import Kernel


def _hw(d: Any) -> IoApic:
    return d.chip_data  # type: ignore[no-any-return]


def ioapic_mask(d: Any) -> None:
    _hw(d).set_mask(d.hwirq, True)


def ioapic_unmask(d: Any) -> None:
    _hw(d).set_mask(d.hwirq, False)


def ioapic_ack_edge(d: Any) -> None:
    """apic_ack_irq(): the local APIC EOI of an edge interrupt (nothing to do at the IO-APIC)."""
    return None


def ioapic_ack_level(d: Any) -> None:
    """The EOI of a level interrupt reaches the IO-APIC (EOI broadcast): Remote IRR clears."""
    _hw(d).eoi(d.hwirq)


def ioapic_set_type(d: Any, type_: int) -> int:
    level = bool(type_ & IRQ_TYPE_LEVEL_MASK)
    _hw(d).set_trigger(d.hwirq, level)
    desc = irq_to_desc(d.irq)
    if desc is not None:
        desc.handle_irq = handle_fasteoi_irq if level else handle_edge_irq
        desc.name = "fasteoi" if level else "edge"
    return IRQ_SET_MASK_OK_DONE


def ioapic_set_affinity(d: Any, mask: int, force: bool) -> int:
    cpu = (mask & -mask).bit_length() - 1
    _hw(d).set_dest(d.hwirq, cpu)
    irq_data_update_effective_affinity(d, 1 << cpu)
    return IRQ_SET_MASK_OK_DONE


IOAPIC_CHIP = irq_chip(
    "IO-APIC",
    irq_mask=ioapic_mask,
    irq_unmask=ioapic_unmask,
    irq_ack=ioapic_ack_edge,
    irq_eoi=ioapic_ack_level,
    irq_set_type=ioapic_set_type,
    irq_set_affinity=ioapic_set_affinity,
)


def _map(d: Any, virq: int, hw: int) -> int:
    irq_set_chip_data(virq, d.host_data)
    irq_set_chip_and_handler_name(virq, IOAPIC_CHIP, handle_edge_irq, "edge")
    return 0


IOAPIC_DOMAIN_OPS = irq_domain_ops(map=_map)


# SIMPLIFICATION: one IO-APIC with GSI = irq, no MSI or interrupt remapping; the local APIC only delivers,
# ticks (LOC) and counts IPIs.
def ioapic_init(k: Kernel, npins: int = 120) -> IoApic:
    """Set up the IO-APIC domain; interrupts reach CPUs through their local APICs."""
    hw = IoApic(npins)
    dom = irq_domain_create_linear(fwnode_handle("IO-APIC0"), npins, IOAPIC_DOMAIN_OPS, hw)
    k.subsys["ioapic"] = hw
    k.subsys["ioapic_domain"] = dom

    def deliver(cpu_id: int, pin: int) -> None:
        cpu = k.cpus[cpu_id] if k.cpus[cpu_id].online else next(c for c in k.cpus if c.online)
        def entry(c: CPU) -> None:
            _common_interrupt(k, c, pin)

        raise_interrupt(k, cpu, entry)

    hw.deliver = deliver
    k.subsys["timer_irq_hook"] = lambda cpu: raise_interrupt(k, cpu, _apic_timer_interrupt)
    return hw


def _common_interrupt(k: Kernel, cpu: CPU, gsi: int) -> None:
    """common_interrupt(): the vector's descriptor runs its flow handler (or counts as spurious)."""
    desc = irq_to_desc(gsi)
    if desc is None or handle_irq_desc(desc):
        cpu.percpu["irq_spurious"] = cpu.percpu.get("irq_spurious", 0) + 1


LOCAL_TIMER_VECTOR = 0xEC  # arch/x86/include/asm/irq_vectors.h


def _apic_timer_interrupt(cpu: CPU) -> None:
    """sysvec_apic_timer_interrupt(): count on LOC, run the clock event."""
    cpu.percpu["apic_timer_irqs"] = cpu.percpu.get("apic_timer_irqs", 0) + 1
    tp = cpu.k.tp.local_timer_entry
    if tp.on:
        tp.emit(cpu.id, vector=LOCAL_TIMER_VECTOR)
    hrtimer_interrupt(cpu)
    tp = cpu.k.tp.local_timer_exit
    if tp.on:
        tp.emit(cpu.id, vector=LOCAL_TIMER_VECTOR)


def ioapic_map(k: Kernel, gsi: int, type_: int = IRQ_TYPE_EDGE_RISING) -> int:
    """acpi_register_gsi(): irq ``gsi`` for pin ``gsi``, with its trigger. Returns the irq."""
    if irq_to_desc(gsi) is None:
        irq_alloc_desc_at(gsi)
        irq_domain_associate(k.subsys["ioapic_domain"], gsi, gsi)
    irq_set_irq_type(gsi, type_)
    return gsi
