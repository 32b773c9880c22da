"""Mirrors kernel/irq/irq_sim.c: a domain of simulated interrupts, fired from software.

``irq_set_irqchip_state(virq, IRQCHIP_STATE_PENDING, True)`` on an unmasked line sets its pending
bit and queues the domain's hard irq_work on this CPU; the irq_work interrupt (IPI_IRQ_WORK, a
self-IPI through the interrupt controller) runs ``handle_simple_irq`` for every pending line. The
chip "irq_sim" accepts only edge trigger types and has no retrigger, so an edge that arrives while
the line is disabled is replayed by the resend tasklet on enable_irq().
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from irqlab.errno import EINVAL, ENOMEM, ERR_PTR
from irqlab.kernel.core import kernel
from irqlab.kernel.cpu import raise_interrupt
from irqlab.kernel.irq.chip import irq_modify_status, irq_set_chip, irq_set_chip_data, irq_set_handler
from irqlab.kernel.irq.chip_flow import handle_simple_irq
from irqlab.kernel.irq.devres import devres_add_action
from irqlab.kernel.irq.irqdomain import irq_domain_create_linear, irq_domain_ops, irq_domain_remove, irq_resolve_mapping
from irqlab.kernel.irq.types import (
    IRQ_NOAUTOEN,
    IRQ_NOPROBE,
    IRQ_NOREQUEST,
    IRQ_TYPE_EDGE_BOTH,
    IRQCHIP_STATE_PENDING,
    irq_chip,
    irq_data,
    irqd_set_trigger_type,
)

if TYPE_CHECKING:
    from irqlab.kernel.cpu import CPU
    from irqlab.kernel.irq.irqdomain import fwnode_handle, irq_domain
    from irqlab.kernel.kernel import Kernel

IPI_IRQ_WORK = 5


# -- a minimal hard irq_work (kernel/irq_work.c) ---------------------------------------------------------


class irq_work:
    """struct irq_work (IRQ_WORK_HARD_IRQ): ``func(work)`` runs in the IRQ-work interrupt."""

    __slots__ = ("func", "pending")

    def __init__(self, func: Callable[[irq_work], None]) -> None:
        self.func = func
        self.pending = False


def irq_work_queue(work: irq_work) -> bool:
    """Queue ``work`` on this CPU (the first online one from outside every CPU); False if already pending.

    # SIMPLIFICATION: this is only the hard-irq_work subset irq_sim needs (queue + run from the
    # IRQ_WORK self-IPI); there is no lazy/RT irq_work kthread.
    """
    k = kernel()
    if work.pending:
        return False
    work.pending = True
    cpu = k.cpu if k.cpu is not None else k.first_online_cpu()
    lst: list[irq_work] = cpu.percpu.setdefault("irq_work_list", [])
    lst.append(work)
    if len(lst) == 1:
        _raise(k, cpu)
    return True


def _raise(k: Kernel, cpu: CPU) -> None:
    """arch_irq_work_raise(): a self-IPI (IPI_IRQ_WORK) through the interrupt controller."""
    if k.ipi_hook is not None:
        k.send_ipi(cpu, IPI_IRQ_WORK)
    else:
        raise_interrupt(k, cpu, irq_work_run)


def irq_work_run(cpu: CPU) -> None:
    """Run this CPU's queued irq_work (from the IPI_IRQ_WORK interrupt). Hardirq."""
    lst: list[irq_work] = cpu.percpu.get("irq_work_list") or []
    if not lst:
        return
    cpu.percpu["irq_work_list"] = []
    for work in lst:
        work.pending = False
        work.func(work)


# -- irq_sim -----------------------------------------------------------------------------------------------


class irq_sim_ops:
    """struct irq_sim_ops: optional request/release notifications."""

    def __init__(self, irq_sim_irq_requested: Callable[..., int] | None = None,
                 irq_sim_irq_released: Callable[..., None] | None = None) -> None:  # fmt: skip
        self.irq_sim_irq_requested = irq_sim_irq_requested
        self.irq_sim_irq_released = irq_sim_irq_released


class irq_sim_work_ctx:
    def __init__(self, num_irqs: int, ops: irq_sim_ops | None, data: Any) -> None:
        self.irq_count = num_irqs
        self.pending = 0
        self.domain: irq_domain = None  # type: ignore[assignment]
        self.ops = ops or irq_sim_ops()
        self.user_data = data
        self.work = irq_work(lambda w: irq_sim_handle_irq(self))


class irq_sim_irq_ctx:
    def __init__(self, work_ctx: irq_sim_work_ctx) -> None:
        self.enabled = False
        self.work_ctx = work_ctx


def irq_sim_irqmask(data: irq_data) -> None:
    data.chip_data.enabled = False


def irq_sim_irqunmask(data: irq_data) -> None:
    data.chip_data.enabled = True


def irq_sim_set_type(data: irq_data, type: int) -> int:
    """Only rising and falling edge trigger types."""
    if type & ~IRQ_TYPE_EDGE_BOTH:
        return -EINVAL
    irqd_set_trigger_type(data, type)
    return 0


def irq_sim_get_irqchip_state(data: irq_data, which: int) -> tuple[int, bool]:
    ctx: irq_sim_irq_ctx = data.chip_data
    if which == IRQCHIP_STATE_PENDING:
        if ctx.enabled:
            return 0, bool(ctx.work_ctx.pending >> data.hwirq & 1)
        return 0, False
    return -EINVAL, False


def irq_sim_set_irqchip_state(data: irq_data, which: int, state: bool) -> int:
    ctx: irq_sim_irq_ctx = data.chip_data
    if which != IRQCHIP_STATE_PENDING:
        return -EINVAL
    if ctx.enabled:
        bit = 1 << data.hwirq
        if state:
            ctx.work_ctx.pending |= bit
            irq_work_queue(ctx.work_ctx.work)
        else:
            ctx.work_ctx.pending &= ~bit
    return 0


def irq_sim_request_resources(data: irq_data) -> int:
    ctx: irq_sim_irq_ctx = data.chip_data
    wc = ctx.work_ctx
    if wc.ops.irq_sim_irq_requested is not None:
        return int(wc.ops.irq_sim_irq_requested(wc.domain, data.hwirq, wc.user_data) or 0)
    return 0


def irq_sim_release_resources(data: irq_data) -> None:
    ctx: irq_sim_irq_ctx = data.chip_data
    wc = ctx.work_ctx
    if wc.ops.irq_sim_irq_released is not None:
        wc.ops.irq_sim_irq_released(wc.domain, data.hwirq, wc.user_data)


irq_sim_irqchip = irq_chip(
    "irq_sim",
    irq_mask=irq_sim_irqmask,
    irq_unmask=irq_sim_irqunmask,
    irq_set_type=irq_sim_set_type,
    irq_get_irqchip_state=irq_sim_get_irqchip_state,
    irq_set_irqchip_state=irq_sim_set_irqchip_state,
    irq_request_resources=irq_sim_request_resources,
    irq_release_resources=irq_sim_release_resources,
)


def irq_sim_handle_irq(work_ctx: irq_sim_work_ctx) -> None:
    """The irq_work: run handle_simple_irq() for each pending line, lowest hwirq first. Hardirq."""
    while work_ctx.pending:
        p = work_ctx.pending
        offset = (p & -p).bit_length() - 1
        work_ctx.pending &= ~(1 << offset)
        desc = irq_resolve_mapping(work_ctx.domain, offset)
        if desc is not None:
            handle_simple_irq(desc)


def irq_sim_domain_map(domain: irq_domain, virq: int, hw: int) -> int:
    work_ctx: irq_sim_work_ctx = domain.host_data
    irq_set_chip(virq, irq_sim_irqchip)
    irq_set_chip_data(virq, irq_sim_irq_ctx(work_ctx))
    irq_set_handler(virq, handle_simple_irq)
    irq_modify_status(virq, IRQ_NOREQUEST | IRQ_NOAUTOEN, IRQ_NOPROBE)
    return 0


def irq_sim_domain_unmap(domain: irq_domain, virq: int) -> None:
    irq_set_handler(virq, None)
    irq_set_chip(virq, None)


def irq_domain_create_sim_full(fwnode: fwnode_handle | None, num_irqs: int, ops: irq_sim_ops | None,
                               data: Any) -> Any:  # fmt: skip
    """A new simulated-interrupt domain of ``num_irqs`` lines (hwirq 0..num_irqs-1), with callbacks."""
    if num_irqs <= 0:
        return ERR_PTR(-ENOMEM)
    work_ctx = irq_sim_work_ctx(num_irqs, ops, data)
    dom_ops = irq_domain_ops(map=irq_sim_domain_map, unmap=irq_sim_domain_unmap)
    domain = irq_domain_create_linear(fwnode, num_irqs, dom_ops, work_ctx)
    work_ctx.domain = domain
    return domain


def irq_domain_create_sim(fwnode: fwnode_handle | None, num_irqs: int) -> Any:
    """A new simulated-interrupt domain of ``num_irqs`` lines; map lines with irq_create_mapping()."""
    return irq_domain_create_sim_full(fwnode, num_irqs, None, None)


def irq_domain_remove_sim(domain: irq_domain) -> None:
    """Remove a domain made by irq_domain_create_sim() (dispose of its mappings first)."""
    irq_domain_remove(domain)


def devm_irq_domain_create_sim(dev: Any, fwnode: fwnode_handle | None, num_irqs: int) -> Any:
    """irq_domain_create_sim() released with ``dev``."""
    domain = irq_domain_create_sim(fwnode, num_irqs)
    devres_add_action(dev, lambda: irq_domain_remove_sim(domain), "devm_irq_domain_create_sim")
    return domain


__all__ = [
    "irq_sim_ops",
    "irq_domain_create_sim",
    "irq_domain_create_sim_full",
    "irq_domain_remove_sim",
    "devm_irq_domain_create_sim",
]
