"""Mirrors the per-CPU interrupt part of kernel/irq/manage.c: request_percpu_irq() and friends.

A per-CPU-devid line (a GIC PPI such as the arch timer, or an IPI) has one action whose dev_id is a
per-CPU sequence indexed by CPU number; each CPU enables it for itself with enable_percpu_irq().
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from irqlab.errno import EINVAL
from irqlab.kernel.core import kernel, on_cpu
from irqlab.kernel.irq.chip import irq_percpu_disable, irq_percpu_enable
from irqlab.kernel.irq.internals import desc_lock_irqsave, desc_unlock_irqrestore
from irqlab.kernel.irq.irqdesc import irq_to_desc
from irqlab.kernel.irq.manage import __irq_set_trigger, __setup_irq
from irqlab.kernel.irq.proc import unregister_handler_proc
from irqlab.kernel.irq.types import (
    IRQ_TYPE_NONE,
    IRQ_TYPE_SENSE_MASK,
    IRQD_TRIGGER_MASK,
    IRQF_NO_SUSPEND,
    IRQF_PERCPU,
    IRQF_TIMER,
    IrqHandler,
    irq_desc,
    irq_settings_can_request,
    irq_settings_is_per_cpu_devid,
    irqaction,
)

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel


def _desc(irq: int) -> irq_desc | None:
    return irq_to_desc(irq)


def __request_percpu_irq(irq: int, handler: IrqHandler, flags: int, devname: str, dev_id: Any) -> int:
    """Install the one per-CPU action of ``irq`` (flags: 0 or IRQF_TIMER). 0 or -EINVAL. May sleep."""
    if dev_id is None:
        return -EINVAL
    desc = _desc(irq)
    if desc is None or not irq_settings_can_request(desc) or not irq_settings_is_per_cpu_devid(desc):
        return -EINVAL
    if flags and flags != IRQF_TIMER:
        return -EINVAL
    action = irqaction(handler, None, flags | IRQF_PERCPU | IRQF_NO_SUSPEND, devname, None)
    action.percpu_dev_id = dev_id
    return __setup_irq(irq, desc, action)


def request_percpu_irq(irq: int, handler: IrqHandler, devname: str, percpu_dev_id: Any) -> int:
    """Request a per-CPU interrupt; ``percpu_dev_id`` is a sequence indexed by CPU (or one shared object)."""
    return __request_percpu_irq(irq, handler, 0, devname, percpu_dev_id)


def enable_percpu_irq_on(k: Kernel, irq: int, type: int, cpu: int) -> None:
    """enable_percpu_irq() as CPU ``cpu`` runs it (boot code enables each CPU's copy this way)."""
    desc = _desc(irq)
    if desc is None or not irq_settings_is_per_cpu_devid(desc):
        return
    flags = desc_lock_irqsave(k, desc)
    type &= IRQ_TYPE_SENSE_MASK
    if type == IRQ_TYPE_NONE:
        type = desc.irq_common_data.state_use_accessors & IRQD_TRIGGER_MASK
    if type != IRQ_TYPE_NONE:
        if __irq_set_trigger(desc, type):
            desc_unlock_irqrestore(k, desc, flags)
            k.bugs.warn("kernel/irq/manage.c", 2339, k.format("failed to set type for IRQ%d\n", (irq,)))
            return
    irq_percpu_enable(desc, cpu)
    desc_unlock_irqrestore(k, desc, flags)


def enable_percpu_irq(irq: int, type: int) -> None:
    """Enable per-CPU ``irq`` on this CPU (with trigger ``type``, or the line's default)."""
    k = on_cpu()
    enable_percpu_irq_on(k, irq, type, k.cpu.id)  # type: ignore[union-attr]


def disable_percpu_irq(irq: int) -> None:
    """Disable per-CPU ``irq`` on this CPU."""
    k = on_cpu()
    desc = _desc(irq)
    if desc is None or not irq_settings_is_per_cpu_devid(desc):
        return
    flags = desc_lock_irqsave(k, desc)
    irq_percpu_disable(desc, k.cpu.id)  # type: ignore[union-attr]
    desc_unlock_irqrestore(k, desc, flags)


def irq_percpu_is_enabled(irq: int) -> bool:
    """Whether per-CPU ``irq`` is enabled on this CPU."""
    k = on_cpu()
    desc = _desc(irq)
    if desc is None or not irq_settings_is_per_cpu_devid(desc):
        return False
    return bool(desc.percpu_enabled >> k.cpu.id & 1)  # type: ignore[union-attr]


def free_percpu_irq(irq: int, dev_id: Any) -> None:
    """Remove the per-CPU action of ``irq``; it must be disabled on every CPU first."""
    k = kernel()
    desc = _desc(irq)
    if desc is None or not irq_settings_is_per_cpu_devid(desc):
        return
    flags = desc_lock_irqsave(k, desc)
    action = desc.action
    if action is None or action.percpu_dev_id is not dev_id:
        desc_unlock_irqrestore(k, desc, flags)
        k.bugs.warn("kernel/irq/manage.c", 2417, k.format("Trying to free already-free IRQ %d\n", (irq,)))
        return
    if desc.percpu_enabled:
        first = (desc.percpu_enabled & -desc.percpu_enabled).bit_length() - 1
        desc_unlock_irqrestore(k, desc, flags)
        k.bugs.warn("kernel/irq/manage.c", 2423, k.format("percpu IRQ %d still enabled on CPU%d!\n", (irq, first)))
        return
    desc.action = None
    desc_unlock_irqrestore(k, desc, flags)
    unregister_handler_proc(irq, action)


__all__ = [
    "request_percpu_irq",
    "enable_percpu_irq",
    "disable_percpu_irq",
    "irq_percpu_is_enabled",
    "free_percpu_irq",
]
