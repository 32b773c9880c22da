"""Mirrors the activation half of kernel/irq/irqdomain.c: irq_domain_activate_irq() and
irq_domain_deactivate_irq(), which walk an irq_data's hierarchy calling each domain's ops.

Apart from the rest of irqdomain.c because chip.c's irq_startup()/irq_shutdown() call them and
irqdomain.py builds on chip.py (irq_domain_set_info() sets a chip and flow handler); irqdomain.py
re-exports them.
"""

from __future__ import annotations

from irqlab.kernel.irq.types import IRQD_ACTIVATED, irq_data


def __irq_domain_deactivate_irq(d: irq_data | None) -> None:
    if d is not None and d.domain is not None:
        domain = d.domain
        if domain.ops.deactivate is not None:
            domain.ops.deactivate(domain, d)
        if d.parent_data is not None:
            __irq_domain_deactivate_irq(d.parent_data)


def __irq_domain_activate_irq(d: irq_data | None, reserve: bool) -> int:
    ret = 0
    if d is not None and d.domain is not None:
        domain = d.domain
        if d.parent_data is not None:
            ret = __irq_domain_activate_irq(d.parent_data, reserve)
        if not ret and domain.ops.activate is not None:
            ret = int(domain.ops.activate(domain, d, reserve) or 0)
            if ret and d.parent_data is not None:
                __irq_domain_deactivate_irq(d.parent_data)
    return ret


def irq_domain_activate_irq(d: irq_data, reserve: bool) -> int:
    """Activate ``d`` and its parents (ops.activate); sets IRQD_ACTIVATED. 0 or -errno."""
    ret = 0
    common = d.common
    if not common.state_use_accessors & IRQD_ACTIVATED:
        ret = __irq_domain_activate_irq(d, reserve)
    if not ret:
        common.state_use_accessors |= IRQD_ACTIVATED
    return ret


def irq_domain_deactivate_irq(d: irq_data) -> None:
    """Deactivate ``d`` and its parents; clears IRQD_ACTIVATED."""
    common = d.common
    if common.state_use_accessors & IRQD_ACTIVATED:
        __irq_domain_deactivate_irq(d)
        common.state_use_accessors &= ~IRQD_ACTIVATED
