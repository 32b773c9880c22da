"""Mirrors kernel/irq/irqdesc.c: the sparse table of interrupt descriptors, per-CPU counts, generic_handle_irq().

Linux interrupt numbers (virqs) are handed out first-fit from a bitmap, as ``__irq_alloc_descs()`` does;
``nr_irqs`` starts at arm64's NR_IRQS (64) and grows when a number beyond it is allocated. A new
descriptor starts disabled and masked, at depth 1, with ``handle_bad_irq`` on ``no_irq_chip``
(``desc_set_defaults()``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Final

from irqlab.errno import EINVAL, EPERM
from irqlab.kernel.core import current_kernel, kernel
from irqlab.kernel.cpu import HARDIRQ_MASK
from irqlab.kernel.irq.types import (
    IRQ_NOAUTOEN,
    IRQ_NOPROBE,
    IRQ_NOREQUEST,
    IRQ_NOTHREAD,
    IRQ_PER_CPU,
    IRQ_PER_CPU_DEVID,
    IRQD_HANDLE_ENFORCE_IRQCTX,
    NR_IRQS,
    irq_desc,
)
from irqlab.kernel.preempt import local_irq_restore, local_irq_save
from irqlab.kernel.stacktrace import ENABLED as KSTACK
from irqlab.kernel.stacktrace import pop, popped, push

if TYPE_CHECKING:
    from irqlab.kernel.irq.irqdomain import irq_domain
    from irqlab.kernel.kernel import Kernel


class irq_affinity_desc:
    """struct irq_affinity_desc: an affinity mask (CPU bitmask) and whether it is managed."""

    __slots__ = ("mask", "is_managed")

    def __init__(self, mask: int = 0, is_managed: bool = False) -> None:
        self.mask = int(mask)
        self.is_managed = bool(is_managed)


class IrqSubsys:
    """Per-kernel state of the generic IRQ layer (the kernel's file-scope statics)."""

    def __init__(self, k: Kernel) -> None:
        ncpus = len(k.cpus)
        self.k = k
        self.descs: dict[int, irq_desc] = {}
        self.nr_irqs = NR_IRQS
        self.all_cpus = (1 << ncpus) - 1
        #: irq_default_affinity: all CPUs, or the irqaffinity= list plus the boot CPU.
        self.default_affinity = self.all_cpus
        self.domains: list[irq_domain] = []
        self.default_domain: irq_domain | None = None
        self.noirqdebug = "noirqdebug" in k.boot_params
        #: spurious.c irqfixup: 1 with "irqfixup", 2 with "irqpoll" (ignored on PREEMPT_RT).
        self.irqfixup = 0
        self.irq_poll_active = 0
        self.irq_poll_cpu = -1
        self.poll_timer: Any = None
        self.bad_irq_reports = 100
        #: repr() of the last non-integer a handler returned, for the "bogus return value" report.
        self.last_bogus_ret = ""
        self.resend_list: list[irq_desc] = []
        self.resend_tasklet: Any = None
        self.no_irq_affinity = 0
        self.irq_err_count = 0

    def online_mask(self) -> int:
        m = 0
        for c in self.k.cpus:
            if c.online:
                m |= 1 << c.id
        return m


def irq_subsys(k: Kernel) -> IrqSubsys:
    """The IRQ layer's state of kernel ``k`` (created on first use)."""
    st = k.subsys.get("irq")
    if st is None:
        st = k.subsys["irq"] = IrqSubsys(k)
        _parse_irqaffinity(k, st)
    return st  # type: ignore[no-any-return]


def _parse_irqaffinity(k: Kernel, st: IrqSubsys) -> None:
    """irq_affinity_setup(): ``irqaffinity=<cpulist>``, always including the boot CPU."""
    val = k.boot_params.get("irqaffinity")
    if val is None:
        return
    mask = 0
    for part in val.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            if "-" in part:
                lo, _, hi = part.partition("-")
                for c in range(int(lo), int(hi) + 1):
                    mask |= 1 << c
            else:
                mask |= 1 << int(part)
        except ValueError:
            mask = 0
            break
    st.default_affinity = (mask & st.all_cpus) | 1


# -- descriptor allocation ------------------------------------------------------------------------


def irq_to_desc(irq: int) -> irq_desc | None:
    """The descriptor of Linux interrupt ``irq``, or None. Any context."""
    k = current_kernel.k
    if k is None:
        k = kernel()
    st = k.subsys.get("irq")
    if st is None:
        return None
    return st.descs.get(irq)  # type: ignore[no-any-return]


def for_each_irq_desc(k: Kernel) -> Iterator[tuple[int, irq_desc]]:
    """(irq, desc) for every allocated descriptor, in irq order."""
    descs = irq_subsys(k).descs
    for irq in sorted(descs):
        desc = descs.get(irq)
        if desc is not None:
            yield irq, desc


def irq_get_nr_irqs() -> int:
    """nr_irqs: one more than the highest interrupt number the table can hold right now."""
    return irq_subsys(kernel()).nr_irqs


def irq_get_next_irq(offset: int) -> int:
    """The next allocated irq number >= ``offset``, or nr_irqs."""
    st = irq_subsys(kernel())
    nxt = [i for i in st.descs if i >= offset]
    return min(nxt) if nxt else st.nr_irqs


# -- statistics ------------------------------------------------------------------------------------


def kstat_irqs_cpu(irq: int, cpu: int) -> int:
    """The number of times ``irq`` was handled on ``cpu``."""
    desc = irq_to_desc(irq)
    return desc.kstat_irqs[cpu] if desc is not None and 0 <= cpu < len(desc.kstat_irqs) else 0


def kstat_irqs_usr(irq: int) -> int:
    """The total count of ``irq`` over all CPUs."""
    desc = irq_to_desc(irq)
    return sum(desc.kstat_irqs) if desc is not None else 0


def kstat_incr_irq_this_cpu(irq: int) -> None:
    """kstat_incr_irq_this_cpu(): count one event of ``irq`` on this CPU."""
    k = current_kernel.k
    desc = irq_to_desc(irq)
    if desc is not None and k is not None and k.cpu is not None:
        desc.kstat_irqs[k.cpu.id] += 1
        desc.tot_count += 1


# -- per-CPU descriptors ------------------------------------------------------------------------------


#: irq_set_percpu_devid_flags(): IRQ_NOAUTOEN | IRQ_PER_CPU | IRQ_NOTHREAD | IRQ_NOPROBE | IRQ_PER_CPU_DEVID.
IRQ_PERCPU_DEVID_FLAGS: Final = IRQ_NOAUTOEN | IRQ_PER_CPU | IRQ_NOTHREAD | IRQ_NOPROBE | IRQ_PER_CPU_DEVID


def irq_percpu_is_enabled_on(desc: irq_desc, cpu: int) -> bool:
    return bool(desc.percpu_enabled >> cpu & 1)


# -- handling ----------------------------------------------------------------------------------------


def handle_irq_desc(desc: irq_desc | None) -> int:
    """Run ``desc``'s flow handler; -EINVAL without a descriptor, -EPERM outside hardirq when enforced."""
    kdepth = push("handle_irq_desc") if KSTACK else 0
    if desc is None:
        if KSTACK:
            return popped(kdepth, -EINVAL)
        return -EINVAL
    k = desc.k
    if desc.irq_common_data.state_use_accessors & IRQD_HANDLE_ENFORCE_IRQCTX:
        cpu = k.cpu
        if cpu is None or not cpu.preempt_count & HARDIRQ_MASK:
            k.bugs.warn("kernel/irq/irqdesc.c", 689, None, once_key=("irqdesc.c", 689))
            if KSTACK:
                return popped(kdepth, -EPERM)
            return -EPERM
    desc.handle_irq(desc)
    if KSTACK:
        pop(kdepth)
    return 0


def generic_handle_irq(irq: int) -> int:
    """Invoke the flow handler of ``irq`` (from an interrupt demultiplexer). 0 or a negative errno. Hardirq."""
    kdepth = push("generic_handle_irq") if KSTACK else 0
    if KSTACK:
        return popped(kdepth, handle_irq_desc(irq_to_desc(irq)))
    return handle_irq_desc(irq_to_desc(irq))


def generic_handle_irq_safe(irq: int) -> int:
    """generic_handle_irq() from any context: with local interrupts disabled around it."""
    kdepth = push("generic_handle_irq_safe") if KSTACK else 0
    flags = local_irq_save()
    try:
        if KSTACK:
            return popped(kdepth, generic_handle_irq(irq))
        return generic_handle_irq(irq)
    finally:
        local_irq_restore(flags)


def irq_check_status_bit(irq: int, bitmask: int) -> bool:
    desc = irq_to_desc(irq)
    return bool(desc is not None and desc.status_use_accessors & bitmask)


def irq_is_requestable(desc: irq_desc) -> bool:
    return not desc.status_use_accessors & IRQ_NOREQUEST


__all__ = [
    "irq_affinity_desc",
    "irq_to_desc",
    "irq_get_nr_irqs",
    "irq_get_next_irq",
    "kstat_irqs_cpu",
    "kstat_irqs_usr",
    "kstat_incr_irq_this_cpu",
    "generic_handle_irq",
    "generic_handle_irq_safe",
]
