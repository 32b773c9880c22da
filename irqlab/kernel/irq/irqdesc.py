"""Mirrors kernel/irq/irqdesc.c: the sparse table of interrupt descriptors, per-CPU counts, generic_handle_irq().

Linux interrupt numbers (virqs) are handed out first-fit from a bitmap, as ``__irq_alloc_descs()`` does;
``nr_irqs`` starts at arm64's NR_IRQS (64) and grows when a number beyond it is allocated. A new
descriptor starts disabled and masked, at depth 1, with ``handle_bad_irq`` on ``no_irq_chip``
(``desc_set_defaults()``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from irqlab.errno import EEXIST, EINVAL, ENOMEM, EPERM
from irqlab.kernel.core import current_kernel, kernel
from irqlab.kernel.cpu import HARDIRQ_MASK
from irqlab.kernel.irq.types import (
    IRQ_BITMAP_BITS,
    IRQ_DEFAULT_INIT_FLAGS,
    IRQ_NOAUTOEN,
    IRQ_NOPROBE,
    IRQ_NOREQUEST,
    IRQ_NOTHREAD,
    IRQ_PER_CPU,
    IRQ_PER_CPU_DEVID,
    IRQD_AFFINITY_MANAGED,
    IRQD_HANDLE_ENFORCE_IRQCTX,
    IRQD_IRQ_DISABLED,
    IRQD_IRQ_MASKED,
    IRQD_MANAGED_SHUTDOWN,
    NR_IRQS,
    NUMA_NO_NODE,
    irq_desc,
)
from irqlab.kernel.locking.mutex import mutex
from irqlab.kernel.preempt import local_irq_restore, local_irq_save
from irqlab.kernel.sched.wait import wait_queue_head

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


def desc_set_defaults(k: Kernel, irq: int, desc: irq_desc, node: int, affinity: int | None, owner: Any) -> None:
    """desc_set_defaults() + desc_smp_init(): disabled, masked, depth 1, handle_bad_irq on no_irq_chip."""
    from irqlab.kernel.irq.chip import no_irq_chip
    from irqlab.kernel.irq.handle import handle_bad_irq

    d = desc.irq_data
    d.irq = irq
    d.chip = no_irq_chip
    d.chip_data = None
    d.common.state_use_accessors = IRQD_IRQ_DISABLED | IRQD_IRQ_MASKED
    d.common.handler_data = None
    d.common.msi_desc = None
    desc.status_use_accessors = IRQ_DEFAULT_INIT_FLAGS
    desc.handle_irq = handle_bad_irq
    desc.depth = 1
    desc.irq_count = 0
    desc.irqs_unhandled = 0
    desc.tot_count = 0
    desc.name = None
    desc.owner = owner
    desc.kstat_irqs = [0] * len(k.cpus)
    desc.irq_common_data.affinity = irq_subsys(k).default_affinity if affinity is None else affinity
    desc.irq_common_data.effective_affinity = 0
    desc.irq_common_data.node = node
    desc.pending_mask = 0


def _alloc_desc(k: Kernel, irq: int, node: int, flags: int, affinity: int | None, owner: Any) -> irq_desc:

    desc = irq_desc(k, irq, len(k.cpus))
    desc_set_defaults(k, irq, desc, node, affinity, owner)
    desc.irq_common_data.state_use_accessors |= flags
    desc.request_mutex = mutex(f"&desc->request_mutex#{irq}")
    desc.wait_for_threads = wait_queue_head(f"irq{irq}.wait_for_threads")
    return desc


def __irq_alloc_descs(irq: int, from_: int, cnt: int, node: int = NUMA_NO_NODE, owner: Any = None,
                      affinity: list[irq_affinity_desc] | None = None) -> int:  # fmt: skip
    """Allocate ``cnt`` consecutive descriptors at ``irq`` (or first-fit from ``from_`` when irq < 0).

    Returns the first irq number or a negative errno (-EINVAL, -EEXIST, -ENOMEM). May sleep.
    """
    k = kernel()
    st = irq_subsys(k)
    if cnt <= 0:
        return -EINVAL
    if irq >= 0:
        if from_ > irq:
            return -EINVAL
        from_ = irq
    else:
        # For interrupts which are freely allocated the architecture can force a lower bound to
        # the @from argument; arm64 has no such bound.
        from_ = max(from_, 0)
    start = _find_zero_area(st, from_, cnt)
    if irq >= 0 and start != irq:
        return -EEXIST
    if start < 0:
        return -ENOMEM
    if start + cnt > st.nr_irqs:
        if start + cnt > IRQ_BITMAP_BITS:
            return -ENOMEM
        st.nr_irqs = start + cnt
    for i in range(cnt):
        flags = 0
        mask: int | None = None
        nd = node
        if affinity:
            a = affinity[i] if i < len(affinity) else affinity[-1]
            if a.is_managed:
                flags = IRQD_AFFINITY_MANAGED | IRQD_MANAGED_SHUTDOWN
            mask = a.mask & st.all_cpus
            nd = 0
        desc = _alloc_desc(k, start + i, nd, flags, mask, owner)
        st.descs[start + i] = desc
        desc.sysfs = True
    return start


def _find_zero_area(st: IrqSubsys, from_: int, cnt: int) -> int:
    start = from_
    descs = st.descs
    while start + cnt <= IRQ_BITMAP_BITS:
        for i in range(cnt):
            if start + i in descs:
                start = start + i + 1
                break
        else:
            return start
    return -1


def irq_alloc_descs(irq: int, from_: int, cnt: int, node: int = NUMA_NO_NODE) -> int:
    """Allocate ``cnt`` descriptors (at ``irq``, or the first free block at or above ``from_``). May sleep."""
    return __irq_alloc_descs(irq, from_, cnt, node)


def irq_alloc_desc(node: int = NUMA_NO_NODE) -> int:
    """Allocate one descriptor anywhere; returns its irq number or a negative errno. May sleep."""
    return __irq_alloc_descs(-1, 0, 1, node)


def irq_alloc_desc_at(at: int, node: int = NUMA_NO_NODE) -> int:
    return __irq_alloc_descs(at, at, 1, node)


def irq_alloc_desc_from(from_: int, node: int = NUMA_NO_NODE) -> int:
    return __irq_alloc_descs(-1, from_, 1, node)


def irq_free_descs(from_: int, cnt: int) -> None:
    """Free ``cnt`` descriptors starting at ``from_`` (their /proc and /sys entries go away). May sleep."""
    from irqlab.kernel.irq.proc import unregister_irq_proc

    k = kernel()
    st = irq_subsys(k)
    if from_ >= st.nr_irqs or from_ + cnt > st.nr_irqs:
        return
    for i in range(cnt):
        desc = st.descs.pop(from_ + i, None)
        if desc is not None:
            unregister_irq_proc(from_ + i, desc)
            desc.sysfs = False


def irq_free_desc(irq: int) -> None:
    irq_free_descs(irq, 1)


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


def irq_set_percpu_devid_partition(irq: int, affinity: int | None = None) -> int:
    """Mark ``irq`` as a per-CPU interrupt with per-CPU dev_ids (IRQ_PER_CPU_DEVID). 0 or -EINVAL."""
    from irqlab.kernel.irq.chip import irq_modify_status

    desc = irq_to_desc(irq)
    if desc is None or desc.percpu_enabled:
        return -EINVAL
    desc.percpu_enabled = 0
    desc.percpu_affinity = affinity if affinity is not None else irq_subsys(desc.k).all_cpus
    irq_modify_status(irq, 0, IRQ_PERCPU_DEVID_FLAGS)
    return 0


#: irq_set_percpu_devid_flags(): IRQ_NOAUTOEN | IRQ_PER_CPU | IRQ_NOTHREAD | IRQ_NOPROBE | IRQ_PER_CPU_DEVID.
IRQ_PERCPU_DEVID_FLAGS = IRQ_NOAUTOEN | IRQ_PER_CPU | IRQ_NOTHREAD | IRQ_NOPROBE | IRQ_PER_CPU_DEVID


def irq_set_percpu_devid(irq: int) -> int:
    """irq_set_percpu_devid(): per-CPU devid flags (IRQ_NOAUTOEN | IRQ_PER_CPU | IRQ_NOTHREAD | ...)."""
    return irq_set_percpu_devid_partition(irq, None)


def irq_percpu_is_enabled_on(desc: irq_desc, cpu: int) -> bool:
    return bool(desc.percpu_enabled >> cpu & 1)


# -- handling ----------------------------------------------------------------------------------------


def handle_irq_desc(desc: irq_desc | None) -> int:
    """Run ``desc``'s flow handler; -EINVAL without a descriptor, -EPERM outside hardirq when enforced."""
    if desc is None:
        return -EINVAL
    k = desc.k
    if desc.irq_common_data.state_use_accessors & IRQD_HANDLE_ENFORCE_IRQCTX:
        cpu = k.cpu
        if cpu is None or not cpu.preempt_count & HARDIRQ_MASK:
            k.bugs.warn("kernel/irq/irqdesc.c", 689, None, once_key=("irqdesc.c", 689))
            return -EPERM
    desc.handle_irq(desc)
    return 0


def generic_handle_irq(irq: int) -> int:
    """Invoke the flow handler of ``irq`` (from an interrupt demultiplexer). 0 or a negative errno. Hardirq."""
    return handle_irq_desc(irq_to_desc(irq))


def generic_handle_irq_safe(irq: int) -> int:
    """generic_handle_irq() from any context: with local interrupts disabled around it."""

    flags = local_irq_save()
    try:
        return generic_handle_irq(irq)
    finally:
        local_irq_restore(flags)


def generic_handle_domain_irq(domain: irq_domain, hwirq: int) -> int:
    """Invoke the flow handler of ``hwirq`` in ``domain``. 0 or a negative errno. Hardirq."""
    rev = domain.revmap
    desc = rev.get(hwirq) if rev is not None else None
    if desc is None:
        from irqlab.kernel.irq.irqdomain import irq_resolve_mapping

        desc = irq_resolve_mapping(domain, hwirq)
    return handle_irq_desc(desc)


def generic_handle_domain_irq_safe(domain: irq_domain, hwirq: int) -> int:

    flags = local_irq_save()
    try:
        return generic_handle_domain_irq(domain, hwirq)
    finally:
        local_irq_restore(flags)


def irq_check_status_bit(irq: int, bitmask: int) -> bool:
    desc = irq_to_desc(irq)
    return bool(desc is not None and desc.status_use_accessors & bitmask)


def irq_is_requestable(desc: irq_desc) -> bool:
    return not desc.status_use_accessors & IRQ_NOREQUEST


__all__ = [
    "irq_affinity_desc",
    "irq_alloc_descs",
    "irq_alloc_desc",
    "irq_alloc_desc_at",
    "irq_alloc_desc_from",
    "irq_free_descs",
    "irq_free_desc",
    "irq_to_desc",
    "irq_get_nr_irqs",
    "irq_get_next_irq",
    "kstat_irqs_cpu",
    "kstat_irqs_usr",
    "kstat_incr_irq_this_cpu",
    "irq_set_percpu_devid",
    "irq_set_percpu_devid_partition",
    "generic_handle_irq",
    "generic_handle_irq_safe",
    "generic_handle_domain_irq",
    "generic_handle_domain_irq_safe",
]
