"""Context predicates, preemption and IRQ-flag control.

Mirrors include/linux/preempt.h and include/linux/irqflags.h (bottom_half.h's local_bh_* are in softirq.py).
"""

from __future__ import annotations

from typing import cast

from irqlab.kernel.core import current_kernel, kernel, on_cpu
from irqlab.kernel.cpu import (
    CPU,
    HARDIRQ_MASK,
    NMI_MASK,
    SOFTIRQ_MASK,
    SOFTIRQ_OFFSET,
    take_interrupts,
)
from irqlab.kernel.stacktrace import ENABLED as KSTACK
from irqlab.kernel.stacktrace import pop, push

__all__ = [
    "preempt_count",
    "in_irq",
    "in_hardirq",
    "in_softirq",
    "in_serving_softirq",
    "in_interrupt",
    "in_task",
    "in_atomic",
    "in_nmi",
    "irqs_disabled",
    "preemptible",
    "local_irq_disable",
    "local_irq_enable",
    "local_irq_save",
    "local_irq_restore",
    "preempt_disable",
    "preempt_enable",
    "preempt_enable_no_resched",
    "smp_processor_id",
    "raw_smp_processor_id",
    "get_cpu",
    "put_cpu",
    "num_online_cpus",
    "num_possible_cpus",
    "cpu_online",
]


def _pc() -> int:
    k = current_kernel.k
    if k is None or k.cpu is None:
        on_cpu()
    return cast("CPU", k.cpu).preempt_count


def preempt_count() -> int:
    """The current CPU's preempt_count."""
    return _pc()


def in_nmi() -> int:
    return _pc() & NMI_MASK


def in_hardirq() -> int:
    """Nonzero in hard interrupt context."""
    return _pc() & HARDIRQ_MASK


in_irq = in_hardirq


def in_softirq() -> int:
    """Nonzero while serving a softirq or with bottom halves disabled."""
    return _pc() & SOFTIRQ_MASK


def in_serving_softirq() -> int:
    """Nonzero while a softirq handler runs."""
    return _pc() & SOFTIRQ_OFFSET


def in_interrupt() -> int:
    """Nonzero in NMI, hardirq or softirq context (or with BHs disabled)."""
    return _pc() & (NMI_MASK | HARDIRQ_MASK | SOFTIRQ_MASK)


def in_task() -> bool:
    """True in process context (not NMI, hardirq or a serving softirq)."""
    return not (_pc() & (NMI_MASK | HARDIRQ_MASK | SOFTIRQ_OFFSET))


def in_atomic() -> bool:
    """True when preempt_count is nonzero."""
    return _pc() != 0


def irqs_disabled() -> bool:
    """True when local interrupts are disabled."""
    return cast("CPU", on_cpu().cpu).irqs_off


def preemptible() -> bool:
    k = on_cpu()
    cpu = k.cpu
    assert cpu is not None
    return cpu.preempt_count == 0 and not cpu.irqs_off


# -- IRQ flags --------------------------------------------------------------------


def local_irq_disable() -> None:
    """Disable interrupts on this CPU."""
    cast("CPU", on_cpu().cpu).irqs_off = True


def local_irq_enable() -> None:
    """Enable interrupts on this CPU; pending interrupts are taken at once."""
    k = on_cpu()
    cpu = k.cpu
    assert cpu is not None
    cpu.irqs_off = False
    if cpu.irq_pending:
        # Only a trace taken inside the interrupt can see this function: it is on the stack just around it.
        kdepth = push("local_irq_enable") if KSTACK else 0
        take_interrupts(k, cpu)
        if KSTACK:
            pop(kdepth)


def local_irq_save() -> int:
    """Disable interrupts and return the previous state (``flags = local_irq_save()``)."""
    cpu = on_cpu().cpu
    assert cpu is not None
    flags = 1 if cpu.irqs_off else 0
    cpu.irqs_off = True
    return flags


def local_irq_restore(flags: int) -> None:
    """Restore the interrupt state saved by local_irq_save."""
    if flags:
        cast("CPU", on_cpu().cpu).irqs_off = True
    else:
        local_irq_enable()


# -- preemption --------------------------------------------------------------------


def preempt_disable() -> None:
    cast("CPU", on_cpu().cpu).preempt_count += 1


def preempt_enable_no_resched() -> None:
    cpu = on_cpu().cpu
    assert cpu is not None
    if cpu.preempt_count & 0xFF:
        cpu.preempt_count -= 1


def preempt_enable() -> None:
    """Re-enable preemption; reschedules here if needed and allowed."""
    k = on_cpu()
    cpu = k.cpu
    assert cpu is not None
    if cpu.preempt_count & 0xFF:
        cpu.preempt_count -= 1
    if cpu.need_resched and cpu.preempt_count == 0 and not cpu.irqs_off and k.preempt_full:
        k.sched.preempt_schedule()


# -- CPUs --------------------------------------------------------------------------


def smp_processor_id() -> int:
    """The current CPU number."""
    return cast("CPU", on_cpu().cpu).id


raw_smp_processor_id = smp_processor_id


def get_cpu() -> int:
    preempt_disable()
    return smp_processor_id()


def put_cpu() -> None:
    preempt_enable()


def num_online_cpus() -> int:
    return sum(1 for c in kernel().cpus if c.online)


def num_possible_cpus() -> int:
    return len(kernel().cpus)


def cpu_online(cpu: int) -> bool:
    cpus = kernel().cpus
    return 0 <= cpu < len(cpus) and cpus[cpu].online
