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
    return on_cpu().cpu.irqs_off  # type: ignore[union-attr]


def preemptible() -> bool:
    k = on_cpu()
    cpu = k.cpu
    return cpu.preempt_count == 0 and not cpu.irqs_off  # type: ignore[union-attr]


# -- IRQ flags --------------------------------------------------------------------


def local_irq_disable() -> None:
    """Disable interrupts on this CPU."""
    on_cpu().cpu.irqs_off = True  # type: ignore[union-attr]


def local_irq_enable() -> None:
    """Enable interrupts on this CPU; pending interrupts are taken at once."""
    k = on_cpu()
    cpu = k.cpu
    cpu.irqs_off = False  # type: ignore[union-attr]
    if cpu.irq_pending:  # type: ignore[union-attr]
        # Only a trace taken inside the interrupt can see this function: it is on the stack just around it.
        kdepth = push("local_irq_enable") if KSTACK else 0
        take_interrupts(k, cpu)  # type: ignore[arg-type]
        if KSTACK:
            pop(kdepth)


def local_irq_save() -> int:
    """Disable interrupts and return the previous state (``flags = local_irq_save()``)."""
    cpu = on_cpu().cpu
    flags = 1 if cpu.irqs_off else 0  # type: ignore[union-attr]
    cpu.irqs_off = True  # type: ignore[union-attr]
    return flags


def local_irq_restore(flags: int) -> None:
    """Restore the interrupt state saved by local_irq_save."""
    if flags:
        on_cpu().cpu.irqs_off = True  # type: ignore[union-attr]
    else:
        local_irq_enable()


# -- preemption --------------------------------------------------------------------


def preempt_disable() -> None:
    on_cpu().cpu.preempt_count += 1  # type: ignore[union-attr]


def preempt_enable_no_resched() -> None:
    cpu = on_cpu().cpu
    if cpu.preempt_count & 0xFF:  # type: ignore[union-attr]
        cpu.preempt_count -= 1  # type: ignore[union-attr]


def preempt_enable() -> None:
    """Re-enable preemption; reschedules here if needed and allowed."""
    k = on_cpu()
    cpu = k.cpu
    if cpu.preempt_count & 0xFF:  # type: ignore[union-attr]
        cpu.preempt_count -= 1  # type: ignore[union-attr]
    if cpu.need_resched and cpu.preempt_count == 0 and not cpu.irqs_off and k.preempt_full:  # type: ignore[union-attr]
        k.sched.preempt_schedule()


# -- CPUs --------------------------------------------------------------------------


def smp_processor_id() -> int:
    """The current CPU number."""
    return on_cpu().cpu.id  # type: ignore[union-attr]


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
