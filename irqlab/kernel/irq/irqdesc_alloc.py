"""Mirrors the allocation half of kernel/irq/irqdesc.c: irq_alloc_descs(), irq_free_descs(), the defaults of
a new descriptor (no_irq_chip, handle_bad_irq) and the per-CPU-devid partitions.

Apart from irqdesc.py (the descriptor table and lookups) because a new descriptor starts on the dummy chip and
the bad-IRQ flow handler, which build on that table: this module sits above them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from irqlab.errno import EEXIST, EINVAL, ENOMEM
from irqlab.kernel.core import kernel
from irqlab.kernel.irq.chip import irq_modify_status
from irqlab.kernel.irq.dummychip import no_irq_chip
from irqlab.kernel.irq.handle import handle_bad_irq
from irqlab.kernel.irq.irqdesc import (
    IRQ_PERCPU_DEVID_FLAGS,
    IrqSubsys,
    irq_affinity_desc,
    irq_subsys,
    irq_to_desc,
)
from irqlab.kernel.irq.proc import unregister_irq_proc
from irqlab.kernel.irq.types import (
    IRQ_BITMAP_BITS,
    IRQ_DEFAULT_INIT_FLAGS,
    IRQD_AFFINITY_MANAGED,
    IRQD_IRQ_DISABLED,
    IRQD_IRQ_MASKED,
    IRQD_MANAGED_SHUTDOWN,
    NUMA_NO_NODE,
    irq_desc,
)
from irqlab.kernel.locking.mutex import mutex
from irqlab.kernel.sched.wait import wait_queue_head

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel
def desc_set_defaults(k: Kernel, irq: int, desc: irq_desc, node: int, affinity: int | None, owner: Any) -> None:
    """desc_set_defaults() + desc_smp_init(): disabled, masked, depth 1, handle_bad_irq on no_irq_chip."""

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


def irq_set_percpu_devid_partition(irq: int, affinity: int | None = None) -> int:
    """Mark ``irq`` as a per-CPU interrupt with per-CPU dev_ids (IRQ_PER_CPU_DEVID). 0 or -EINVAL."""

    desc = irq_to_desc(irq)
    if desc is None or desc.percpu_enabled:
        return -EINVAL
    desc.percpu_enabled = 0
    desc.percpu_affinity = affinity if affinity is not None else irq_subsys(desc.k).all_cpus
    irq_modify_status(irq, 0, IRQ_PERCPU_DEVID_FLAGS)
    return 0


def irq_set_percpu_devid(irq: int) -> int:
    """irq_set_percpu_devid(): per-CPU devid flags (IRQ_NOAUTOEN | IRQ_PER_CPU | IRQ_NOTHREAD | ...)."""
    return irq_set_percpu_devid_partition(irq, None)


__all__ = [
    "irq_alloc_descs",
    "irq_alloc_desc",
    "irq_alloc_desc_at",
    "irq_alloc_desc_from",
    "irq_free_descs",
    "irq_free_desc",
    "irq_set_percpu_devid_partition",
    "irq_set_percpu_devid",
]
