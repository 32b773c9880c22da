"""Mirrors kernel/irq/chip.c (plus kernel/irq/dummychip.c and include/linux/irqchip/chained_irq.h).

Chip setup, startup/shutdown, enable/disable (with lazy disable), mask/unmask, the flow handlers
(level, edge, fasteoi, simple, percpu, percpu_devid, nested) and the hierarchy helpers. Flow
handlers touch the hardware only through the chip's callbacks; they never see a driver.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from irqlab.errno import EINVAL, ENOSYS
from irqlab.kernel.irq.dummychip import no_irq_chip
from irqlab.kernel.irq.handle import handle_bad_irq
from irqlab.kernel.irq.internals import (
    IRQ_RESEND,
    IRQ_START_COND,
    IRQ_START_FORCE,
    chip_bus_lock,
    chip_bus_sync_unlock,
    desc_lock_irqsave,
    desc_unlock_irqrestore,
)
from irqlab.kernel.irq.irqdesc import irq_to_desc
from irqlab.kernel.irq.irqdomain_activate import irq_domain_activate_irq, irq_domain_deactivate_irq
from irqlab.kernel.irq.manage_affinity import irq_do_set_affinity, irq_setup_affinity
from irqlab.kernel.irq.resend import check_irq_resend, clear_irq_resend, irq_chip_retrigger_hierarchy
from irqlab.kernel.irq.types import (
    IRQ_DISABLE_UNLAZY,
    IRQ_LEVEL,
    IRQ_NESTED_THREAD,
    IRQ_NO_BALANCING,
    IRQ_NOAUTOEN,
    IRQ_NOPROBE,
    IRQ_NOREQUEST,
    IRQ_NOTHREAD,
    IRQ_PER_CPU,
    IRQ_SET_MASK_OK,
    IRQ_SET_MASK_OK_DONE,
    IRQ_SET_MASK_OK_NOCOPY,
    IRQ_TYPE_LEVEL_MASK,
    IRQ_TYPE_NONE,
    IRQ_TYPE_SENSE_MASK,
    IRQCHIP_AFFINITY_PRE_STARTUP,
    IRQCHIP_EOI_THREADED,
    IRQCHIP_SET_TYPE_MASKED,
    IRQCHIP_SKIP_SET_WAKE,
    IRQD_ACTIVATED,
    IRQD_AFFINITY_MANAGED,
    IRQD_IRQ_DISABLED,
    IRQD_IRQ_INPROGRESS,
    IRQD_IRQ_MASKED,
    IRQD_IRQ_STARTED,
    IRQD_LEVEL,
    IRQD_MANAGED_SHUTDOWN,
    IRQD_NO_BALANCING,
    IRQD_PER_CPU,
    IRQD_TRIGGER_MASK,
    IRQD_WAKEUP_ARMED,
    IRQF_MODIFY_MASK,
    IRQS_REPLAY,
    IRQS_WAITING,
    FlowHandler,
    chained_action,
    irq_chip,
    irq_data,
    irq_desc,
)
from irqlab.kernel.printk import KERN_DEBUG, KERN_ERR, vprintk

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel

_REPLAY_WAITING: Final = IRQS_REPLAY | IRQS_WAITING
_INPROGRESS_ARMED: Final = IRQD_IRQ_INPROGRESS | IRQD_WAKEUP_ARMED
_DISABLED: Final = IRQD_IRQ_DISABLED
_MASKED: Final = IRQD_IRQ_MASKED




# -- setup ---------------------------------------------------------------------------------------------


def _desc(irq: int) -> irq_desc | None:
    return irq_to_desc(irq)


def irq_set_chip(irq: int, chip: irq_chip | None) -> int:
    """Set the chip of ``irq`` (None: no_irq_chip). 0 or -EINVAL."""
    desc = _desc(irq)
    if desc is None:
        return -EINVAL
    flags = desc_lock_irqsave(desc.k, desc)
    desc.irq_data.chip = chip if chip is not None else no_irq_chip
    desc_unlock_irqrestore(desc.k, desc, flags)
    return 0


def _pr(k: Kernel, level: str, fmt: str, *args: Any) -> None:
    vprintk(k, level + "genirq: " + fmt, args)


# kernel/irq/manage.c: here because irq_set_irq_type() and __irq_set_handler() below program the trigger,
# and manage.py builds on this module.
def __irq_set_trigger(desc: irq_desc, flags: int) -> int:
    """Program the trigger type at the chip and record it (IRQD_LEVEL, IRQ_LEVEL). 0 or an errno."""
    k = desc.k
    chip = desc.irq_data.chip
    if chip is None or chip.irq_set_type is None:
        if k.dyndbg:
            _pr(k, KERN_DEBUG, "No set_type function for IRQ %d (%s)\n", desc.irq_data.irq,
                chip.name if chip is not None and chip.name else "unknown")  # fmt: skip
        return 0
    common = desc.irq_common_data
    unmask = False
    if chip.flags & IRQCHIP_SET_TYPE_MASKED:
        if not common.state_use_accessors & IRQD_IRQ_MASKED:
            mask_irq(desc)
        if not common.state_use_accessors & IRQD_IRQ_DISABLED:
            unmask = True
    flags &= IRQ_TYPE_SENSE_MASK
    ret = int(chip.irq_set_type(desc.irq_data, flags) or 0)
    if ret in (IRQ_SET_MASK_OK, IRQ_SET_MASK_OK_DONE, IRQ_SET_MASK_OK_NOCOPY):
        if ret != IRQ_SET_MASK_OK_NOCOPY:
            common.state_use_accessors = (common.state_use_accessors & ~IRQD_TRIGGER_MASK) | flags
        flags = common.state_use_accessors & IRQD_TRIGGER_MASK
        desc.status_use_accessors = (desc.status_use_accessors & ~IRQ_TYPE_SENSE_MASK) | flags
        common.state_use_accessors &= ~IRQD_LEVEL
        desc.status_use_accessors &= ~IRQ_LEVEL
        if flags & IRQ_TYPE_LEVEL_MASK:
            desc.status_use_accessors |= IRQ_LEVEL
            common.state_use_accessors |= IRQD_LEVEL
        ret = 0
    else:
        _pr(k, KERN_ERR, "Setting trigger mode %lu for irq %u failed (%pS)\n", flags, desc.irq_data.irq,
            chip.irq_set_type)  # fmt: skip
    if unmask:
        unmask_irq(desc)
    return ret


def irq_set_irq_type(irq: int, type: int) -> int:
    """Set the trigger type (IRQ_TYPE_*) of ``irq``. 0 or a negative errno."""
    desc = _desc(irq)
    if desc is None:
        return -EINVAL
    k = desc.k
    chip_bus_lock_(desc)
    flags = desc_lock_irqsave(k, desc)
    ret = __irq_set_trigger(desc, type)
    desc_unlock_irqrestore(k, desc, flags)
    chip_bus_sync_unlock_(desc)
    return ret


def chip_bus_lock_(desc: irq_desc) -> None:
    chip_bus_lock(desc)


def chip_bus_sync_unlock_(desc: irq_desc) -> None:
    chip_bus_sync_unlock(desc)


def irq_set_handler_data(irq: int, data: Any) -> int:
    """Set the handler data of ``irq`` (what irq_desc_get_handler_data() returns). 0 or -EINVAL."""
    desc = _desc(irq)
    if desc is None:
        return -EINVAL
    desc.irq_common_data.handler_data = data
    return 0


def irq_set_chip_data(irq: int, data: Any) -> int:
    """Set the chip data of ``irq``. 0 or -EINVAL."""
    desc = _desc(irq)
    if desc is None:
        return -EINVAL
    desc.irq_data.chip_data = data
    return 0


def irq_get_irq_data(irq: int) -> irq_data | None:
    """The irq_data of ``irq``, or None."""
    desc = _desc(irq)
    return desc.irq_data if desc is not None else None


def irq_get_chip(irq: int) -> irq_chip | None:
    d = irq_get_irq_data(irq)
    return d.chip if d is not None else None


def irq_get_chip_data(irq: int) -> Any:
    d = irq_get_irq_data(irq)
    return d.chip_data if d is not None else None


def irq_get_handler_data(irq: int) -> Any:
    d = irq_get_irq_data(irq)
    return d.common.handler_data if d is not None else None


def irq_get_trigger_type(irq: int) -> int:
    """The IRQ_TYPE_* of ``irq`` (IRQ_TYPE_NONE without a descriptor)."""
    d = irq_get_irq_data(irq)
    return d.common.state_use_accessors & IRQD_TRIGGER_MASK if d is not None else IRQ_TYPE_NONE


# -- startup, shutdown, enable, disable ------------------------------------------------------------------

IRQ_STARTUP_NORMAL: Final = 0
IRQ_STARTUP_MANAGED: Final = 1
IRQ_STARTUP_ABORT: Final = 2


def _online_mask(k: Kernel) -> int:
    m = 0
    for c in k.cpus:
        if c.online:
            m |= 1 << c.id
    return m


def __irq_startup_managed(desc: irq_desc, aff: int, force: bool) -> int:
    d = desc.irq_data
    common = desc.irq_common_data
    if not common.state_use_accessors & IRQD_AFFINITY_MANAGED:
        return IRQ_STARTUP_NORMAL
    common.state_use_accessors &= ~IRQD_MANAGED_SHUTDOWN
    if not aff & _online_mask(desc.k):
        if force:
            desc.k.bugs.warn("kernel/irq/chip.c", 208, None, once_key=("chip.c", 208))
        return IRQ_STARTUP_ABORT
    if irq_domain_activate_irq(d, False):
        desc.k.bugs.warn("kernel/irq/chip.c", 223, None)
        return IRQ_STARTUP_ABORT
    return IRQ_STARTUP_MANAGED


def __irq_startup(desc: irq_desc) -> int:
    d = desc.irq_data
    common = desc.irq_common_data
    if not common.state_use_accessors & IRQD_ACTIVATED:
        desc.k.bugs.warn("kernel/irq/chip.c", 234, None, once_key=("chip.c", 234))
    ret = 0
    if d.chip.irq_startup is not None:
        ret = d.chip.irq_startup(d) or 0
        common.state_use_accessors &= ~(IRQD_IRQ_DISABLED | IRQD_IRQ_MASKED)
    else:
        irq_enable(desc)
    common.state_use_accessors |= IRQD_IRQ_STARTED
    return ret


def irq_startup(desc: irq_desc, resend: bool, force: bool) -> int:
    """Start the line (depth = 0): enable it if already started, else chip startup and affinity setup."""
    d = desc.irq_data
    common = desc.irq_common_data
    aff = common.affinity
    ret = 0
    desc.depth = 0
    if common.state_use_accessors & IRQD_IRQ_STARTED:
        irq_enable(desc)
    else:
        how = __irq_startup_managed(desc, aff, force)
        if how == IRQ_STARTUP_NORMAL:
            if d.chip.flags & IRQCHIP_AFFINITY_PRE_STARTUP:
                irq_setup_affinity(desc)
            ret = __irq_startup(desc)
            if not d.chip.flags & IRQCHIP_AFFINITY_PRE_STARTUP:
                irq_setup_affinity(desc)
        elif how == IRQ_STARTUP_MANAGED:
            irq_do_set_affinity(d, aff, False)
            ret = __irq_startup(desc)
        else:
            common.state_use_accessors |= IRQD_MANAGED_SHUTDOWN
            return 0
    if resend:
        check_irq_resend(desc, False)
    return ret


def irq_startup_managed(desc: irq_desc) -> None:
    """Restart a managed line after its CPU came back: only when that brings depth to 0.

    # SIMPLIFICATION: this is the v6.16 fix ("genirq: Retain disable depth for managed interrupts
    # across CPU hotplug"), which the fourth KUnit case of irq_test.c checks; 6.12 called
    # irq_startup() here and re-enabled a disabled managed line.
    """
    desc.irq_common_data.state_use_accessors &= ~IRQD_MANAGED_SHUTDOWN
    desc.depth -= 1
    if not desc.depth:
        irq_startup(desc, IRQ_RESEND, IRQ_START_COND)


def irq_activate(desc: irq_desc) -> int:
    """Activate the line in its domain (managed lines are activated at startup). 0 or a negative errno."""
    d = desc.irq_data
    if not d.common.state_use_accessors & IRQD_AFFINITY_MANAGED:
        return irq_domain_activate_irq(d, False)
    return 0


def irq_activate_and_startup(desc: irq_desc, resend: bool) -> int:
    if irq_activate(desc):
        desc.k.bugs.warn("kernel/irq/chip.c", 289, None)
        return 0
    return irq_startup(desc, resend, IRQ_START_FORCE)


def irq_shutdown(desc: irq_desc) -> None:
    """Shut a started line down: depth++, chip shutdown (or disable + mask), not started.

    # SIMPLIFICATION: depth++ as in v6.16+ (6.12 set depth = 1); see irq_startup_managed().
    """
    common = desc.irq_common_data
    if common.state_use_accessors & IRQD_IRQ_STARTED:
        clear_irq_resend(desc)
        desc.depth += 1
        chip = desc.irq_data.chip
        if chip.irq_shutdown is not None:
            chip.irq_shutdown(desc.irq_data)
            common.state_use_accessors |= IRQD_IRQ_DISABLED | IRQD_IRQ_MASKED
        else:
            __irq_disable(desc, True)
        common.state_use_accessors &= ~IRQD_IRQ_STARTED


def irq_shutdown_and_deactivate(desc: irq_desc) -> None:
    """Shut the line down and deactivate it in its domain (even if it was never started)."""
    irq_shutdown(desc)
    irq_domain_deactivate_irq(desc.irq_data)


def irq_enable(desc: irq_desc) -> None:
    """Clear DISABLED; chip irq_enable, or unmask."""
    common = desc.irq_common_data
    if not common.state_use_accessors & IRQD_IRQ_DISABLED:
        unmask_irq(desc)
    else:
        common.state_use_accessors &= ~IRQD_IRQ_DISABLED
        chip = desc.irq_data.chip
        if chip.irq_enable is not None:
            chip.irq_enable(desc.irq_data)
            common.state_use_accessors &= ~IRQD_IRQ_MASKED
        else:
            unmask_irq(desc)


def __irq_disable(desc: irq_desc, mask: bool) -> None:
    common = desc.irq_common_data
    if common.state_use_accessors & IRQD_IRQ_DISABLED:
        if mask:
            mask_irq(desc)
    else:
        common.state_use_accessors |= IRQD_IRQ_DISABLED
        chip = desc.irq_data.chip
        if chip.irq_disable is not None:
            chip.irq_disable(desc.irq_data)
            common.state_use_accessors |= IRQD_IRQ_MASKED
        elif mask:
            mask_irq(desc)


def irq_disable(desc: irq_desc) -> None:
    """Mark the line disabled; without a chip irq_disable this is a lazy disable (the line stays unmasked
    until an interrupt arrives), unless IRQ_DISABLE_UNLAZY is set."""
    __irq_disable(desc, bool(desc.status_use_accessors & IRQ_DISABLE_UNLAZY))


def irq_percpu_enable(desc: irq_desc, cpu: int) -> None:
    chip = desc.irq_data.chip
    if chip.irq_enable is not None:
        chip.irq_enable(desc.irq_data)
    elif chip.irq_unmask is not None:
        chip.irq_unmask(desc.irq_data)
    desc.percpu_enabled |= 1 << cpu


def irq_percpu_disable(desc: irq_desc, cpu: int) -> None:
    chip = desc.irq_data.chip
    if chip.irq_disable is not None:
        chip.irq_disable(desc.irq_data)
    elif chip.irq_mask is not None:
        chip.irq_mask(desc.irq_data)
    desc.percpu_enabled &= ~(1 << cpu)


def mask_ack_irq(desc: irq_desc) -> None:
    chip = desc.irq_data.chip
    if chip.irq_mask_ack is not None:
        chip.irq_mask_ack(desc.irq_data)
        desc.irq_common_data.state_use_accessors |= _MASKED
    else:
        mask_irq(desc)
        if chip.irq_ack is not None:
            chip.irq_ack(desc.irq_data)


def mask_irq(desc: irq_desc) -> None:
    """Mask at the chip unless already masked."""
    common = desc.irq_common_data
    if common.state_use_accessors & _MASKED:
        return
    chip = desc.irq_data.chip
    if chip.irq_mask is not None:
        chip.irq_mask(desc.irq_data)
        common.state_use_accessors |= _MASKED


def unmask_irq(desc: irq_desc) -> None:
    """Unmask at the chip unless already unmasked."""
    common = desc.irq_common_data
    if not common.state_use_accessors & _MASKED:
        return
    chip = desc.irq_data.chip
    if chip.irq_unmask is not None:
        chip.irq_unmask(desc.irq_data)
        common.state_use_accessors &= ~_MASKED


def unmask_threaded_irq(desc: irq_desc) -> None:
    chip = desc.irq_data.chip
    if chip.flags & IRQCHIP_EOI_THREADED:
        chip.irq_eoi(desc.irq_data)
    unmask_irq(desc)


# -- handler installation ------------------------------------------------------------------------------------


def __irq_do_set_handler(desc: irq_desc, handle: FlowHandler | None, is_chained: bool, name: str | None) -> None:
    k = desc.k
    if handle is None:
        handle = handle_bad_irq
    else:
        d: irq_data | None = desc.irq_data
        while d is not None:
            if d.chip is not no_irq_chip:
                break
            if is_chained:
                k.bugs.warn("kernel/irq/chip.c", 1017, None)
                return
            d = d.parent_data
        if d is None or d.chip is no_irq_chip:
            k.bugs.warn("kernel/irq/chip.c", 1024, None)
            return
    if handle is handle_bad_irq:
        if desc.irq_data.chip is not no_irq_chip:
            mask_ack_irq(desc)
        desc.irq_common_data.state_use_accessors |= IRQD_IRQ_DISABLED
        if is_chained:
            desc.action = None
        desc.depth = 1
    desc.handle_irq = handle
    desc.name = name
    if handle is not handle_bad_irq and is_chained:
        type_ = desc.irq_common_data.state_use_accessors & IRQD_TRIGGER_MASK
        if type_ != IRQ_TYPE_NONE:
            __irq_set_trigger(desc, type_)
            desc.handle_irq = handle
        desc.status_use_accessors |= IRQ_NOPROBE | IRQ_NOREQUEST | IRQ_NOTHREAD
        desc.action = chained_action
        irq_activate_and_startup(desc, IRQ_RESEND)


def __irq_set_handler(irq: int, handle: FlowHandler | None, is_chained: int, name: str | None) -> None:
    desc = _desc(irq)
    if desc is None:
        return
    k = desc.k
    chip_bus_lock_(desc)
    flags = desc_lock_irqsave(k, desc)
    __irq_do_set_handler(desc, handle, bool(is_chained), name)
    desc_unlock_irqrestore(k, desc, flags)
    chip_bus_sync_unlock_(desc)


def irq_set_handler(irq: int, handle: FlowHandler | None) -> None:
    """Set the flow handler of ``irq``."""
    __irq_set_handler(irq, handle, 0, None)


def irq_set_chained_handler(irq: int, handle: FlowHandler | None) -> None:
    """Install a chained (demultiplexing) flow handler on ``irq`` and start the line."""
    __irq_set_handler(irq, handle, 1, None)


def irq_set_chained_handler_and_data(irq: int, handle: FlowHandler | None, data: Any) -> None:
    """Install a chained flow handler with its handler data (irq_desc_get_handler_data()) and start it."""
    desc = _desc(irq)
    if desc is None:
        return
    k = desc.k
    chip_bus_lock_(desc)
    flags = desc_lock_irqsave(k, desc)
    desc.irq_common_data.handler_data = data
    __irq_do_set_handler(desc, handle, True, None)
    desc_unlock_irqrestore(k, desc, flags)
    chip_bus_sync_unlock_(desc)


def irq_set_chip_and_handler_name(irq: int, chip: irq_chip | None, handle: FlowHandler | None,
                                  name: str | None) -> None:  # fmt: skip
    """Set chip, flow handler and the flow name shown after the trigger in /proc/interrupts."""
    irq_set_chip(irq, chip)
    __irq_set_handler(irq, handle, 0, name)


def irq_set_chip_and_handler(irq: int, chip: irq_chip | None, handle: FlowHandler | None) -> None:
    """Set the chip and the flow handler of ``irq``."""
    irq_set_chip_and_handler_name(irq, chip, handle, None)


def irq_set_handler_locked(data: irq_data, handler: FlowHandler) -> None:
    """Change the flow handler from a chip callback (irq_set_type) with desc->lock held."""
    data.desc.handle_irq = handler


def irq_set_chip_handler_name_locked(data: irq_data, chip: irq_chip, handler: FlowHandler, name: str | None) -> None:
    desc = data.desc
    desc.handle_irq = handler
    desc.name = name
    data.chip = chip


def irq_modify_status(irq: int, clr: int, set: int) -> None:
    """Clear then set IRQ_* settings of ``irq`` and refresh the IRQD_* state derived from them."""
    desc = _desc(irq)
    if desc is None:
        return
    if not desc.depth and set & IRQ_NOAUTOEN:
        desc.k.bugs.warn("kernel/irq/chip.c", 1136, None, once_key=("chip.c", 1136))
    clr &= IRQF_MODIFY_MASK
    set &= IRQF_MODIFY_MASK
    desc.status_use_accessors = (desc.status_use_accessors & ~clr) | set
    common = desc.irq_common_data
    trigger = common.state_use_accessors & IRQD_TRIGGER_MASK
    common.state_use_accessors &= ~(IRQD_NO_BALANCING | IRQD_PER_CPU | IRQD_TRIGGER_MASK | IRQD_LEVEL)
    s = desc.status_use_accessors
    if s & IRQ_NO_BALANCING:
        common.state_use_accessors |= IRQD_NO_BALANCING
    if s & IRQ_PER_CPU:
        common.state_use_accessors |= IRQD_PER_CPU
    if s & IRQ_LEVEL:
        common.state_use_accessors |= IRQD_LEVEL
    tmp = s & IRQ_TYPE_SENSE_MASK
    if tmp != IRQ_TYPE_NONE:
        trigger = tmp
    common.state_use_accessors |= trigger


def irq_set_status_flags(irq: int, set: int) -> None:
    irq_modify_status(irq, 0, set)


def irq_clear_status_flags(irq: int, clr: int) -> None:
    irq_modify_status(irq, clr, 0)


def irq_set_noprobe(irq: int) -> None:
    irq_modify_status(irq, 0, IRQ_NOPROBE)


def irq_set_probe(irq: int) -> None:
    irq_modify_status(irq, IRQ_NOPROBE, 0)


def irq_set_nothread(irq: int) -> None:
    irq_modify_status(irq, 0, IRQ_NOTHREAD)


def irq_set_thread(irq: int) -> None:
    irq_modify_status(irq, IRQ_NOTHREAD, 0)


def irq_set_nested_thread(irq: int, nest: bool) -> None:
    """Mark ``irq`` as nested into its parent's thread (handle_nested_irq())."""
    if nest:
        irq_modify_status(irq, 0, IRQ_NESTED_THREAD)
    else:
        irq_modify_status(irq, IRQ_NESTED_THREAD, 0)


# -- chained_irq.h ----------------------------------------------------------------------------------------------


def chained_irq_enter(chip: irq_chip, desc: irq_desc) -> None:
    """Entry of a chained handler: nothing for fasteoi parents, else mask (+ack)."""
    if chip.irq_eoi is not None:
        return
    if chip.irq_mask_ack is not None:
        chip.irq_mask_ack(desc.irq_data)
    else:
        chip.irq_mask(desc.irq_data)
        if chip.irq_ack is not None:
            chip.irq_ack(desc.irq_data)


def chained_irq_exit(chip: irq_chip, desc: irq_desc) -> None:
    """Exit of a chained handler: EOI for fasteoi parents, else unmask."""
    if chip.irq_eoi is not None:
        chip.irq_eoi(desc.irq_data)
    else:
        chip.irq_unmask(desc.irq_data)


# -- hierarchy helpers ------------------------------------------------------------------------------------------


def _parent(data: irq_data) -> irq_data:
    p = data.parent_data
    assert p is not None, "irq_chip_*_parent() on a line without a parent level"
    return p


def irq_chip_enable_parent(data: irq_data) -> None:
    p = _parent(data)
    if p.chip.irq_enable is not None:
        p.chip.irq_enable(p)
    else:
        p.chip.irq_unmask(p)


def irq_chip_disable_parent(data: irq_data) -> None:
    p = _parent(data)
    if p.chip.irq_disable is not None:
        p.chip.irq_disable(p)
    else:
        p.chip.irq_mask(p)


def irq_chip_ack_parent(data: irq_data) -> None:
    p = _parent(data)
    p.chip.irq_ack(p)


def irq_chip_mask_parent(data: irq_data) -> None:
    p = _parent(data)
    p.chip.irq_mask(p)


def irq_chip_mask_ack_parent(data: irq_data) -> None:
    p = _parent(data)
    p.chip.irq_mask_ack(p)


def irq_chip_unmask_parent(data: irq_data) -> None:
    p = _parent(data)
    p.chip.irq_unmask(p)


def irq_chip_eoi_parent(data: irq_data) -> None:
    p = _parent(data)
    p.chip.irq_eoi(p)


def irq_chip_set_affinity_parent(data: irq_data, dest: int, force: bool) -> int:
    p = _parent(data)
    if p.chip.irq_set_affinity is not None:
        return int(p.chip.irq_set_affinity(p, dest, force))
    return -ENOSYS


def irq_chip_set_type_parent(data: irq_data, type: int) -> int:
    p = _parent(data)
    if p.chip.irq_set_type is not None:
        return int(p.chip.irq_set_type(p, type))
    return -ENOSYS


def irq_chip_set_wake_parent(data: irq_data, on: int) -> int:
    p = _parent(data)
    if p.chip.flags & IRQCHIP_SKIP_SET_WAKE:
        return 0
    if p.chip.irq_set_wake is not None:
        return int(p.chip.irq_set_wake(p, on))
    return -ENOSYS


def irq_chip_set_parent_state(data: irq_data, which: int, val: bool) -> int:
    p = data.parent_data
    if p is None or p.chip.irq_set_irqchip_state is None:
        return 0
    return int(p.chip.irq_set_irqchip_state(p, which, val))


def irq_chip_get_parent_state(data: irq_data, which: int) -> tuple[int, bool]:
    p = data.parent_data
    if p is None or p.chip.irq_get_irqchip_state is None:
        return 0, False
    return p.chip.irq_get_irqchip_state(p, which)  # type: ignore[no-any-return]


__all__ = [
    "irq_set_chip",
    "irq_set_irq_type",
    "irq_set_handler_data",
    "irq_set_chip_data",
    "irq_get_irq_data",
    "irq_get_chip",
    "irq_get_chip_data",
    "irq_get_handler_data",
    "irq_get_trigger_type",
    "irq_startup",
    "irq_shutdown",
    "irq_shutdown_and_deactivate",
    "irq_activate",
    "irq_activate_and_startup",
    "irq_startup_managed",
    "irq_enable",
    "irq_disable",
    "mask_irq",
    "unmask_irq",
    "irq_set_handler",
    "irq_set_chained_handler",
    "irq_set_chained_handler_and_data",
    "irq_set_chip_and_handler",
    "irq_set_chip_and_handler_name",
    "irq_set_handler_locked",
    "irq_set_chip_handler_name_locked",
    "irq_modify_status",
    "irq_set_status_flags",
    "irq_clear_status_flags",
    "irq_set_noprobe",
    "irq_set_probe",
    "irq_set_nothread",
    "irq_set_thread",
    "irq_set_nested_thread",
    "chained_irq_enter",
    "chained_irq_exit",
    "irq_chip_enable_parent",
    "irq_chip_disable_parent",
    "irq_chip_ack_parent",
    "irq_chip_mask_parent",
    "irq_chip_mask_ack_parent",
    "irq_chip_unmask_parent",
    "irq_chip_eoi_parent",
    "irq_chip_set_affinity_parent",
    "irq_chip_set_type_parent",
    "irq_chip_retrigger_hierarchy",
    "irq_chip_set_wake_parent",
    "irq_chip_set_parent_state",
    "irq_chip_get_parent_state",
]
