"""Mirrors kernel/irq/manage.c: the driver API (request/free, enable/disable, synchronize, wake, trigger).

Affinity and irqchip state, the IRQ threads and forced threading, and per-CPU interrupts live in
manage_affinity.py, manage_thread.py and manage_percpu.py (split for length; they mirror the rest of
manage.c).
``pr_fmt`` is "genirq: " as in the C file; WARN() texts carry no prefix.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from irqlab.errno import EBUSY, EINVAL, ENOSYS, ENOTCONN, ENXIO
from irqlab.kernel.core import kernel
from irqlab.kernel.cpu import HARDIRQ_MASK, NMI_MASK, SOFTIRQ_MASK, burn, spin_poll, spin_skip
from irqlab.kernel.irq import manage_thread as mt
from irqlab.kernel.irq.chip import (
    __irq_set_trigger,
    irq_activate,
    irq_disable,
    irq_shutdown,
    irq_startup,
    no_irq_chip,
)
from irqlab.kernel.irq.internals import (
    IRQ_RESEND,
    IRQ_START_COND,
    IRQ_START_FORCE,
    chip_bus_lock,
    chip_bus_sync_unlock,
    desc_lock_irqsave,
    desc_unlock_irqrestore,
)
from irqlab.kernel.irq.irqdesc import irq_subsys, irq_to_desc
from irqlab.kernel.irq.irqdomain import irq_domain_deactivate_irq
from irqlab.kernel.irq.manage_affinity import __irq_get_irqchip_state
from irqlab.kernel.irq.manage_thread import _warn, irq_default_primary_handler
from irqlab.kernel.irq.proc import register_handler_proc, register_irq_proc, unregister_handler_proc
from irqlab.kernel.irq.types import (
    IRQ_DISABLE_UNLAZY,
    IRQ_NO_BALANCING,
    IRQ_NO_DEBUG,
    IRQ_NONE,
    IRQ_NOPROBE,
    IRQ_NOTCONNECTED,
    IRQ_PER_CPU,
    IRQC_IS_HARDIRQ,
    IRQC_IS_NESTED,
    IRQCHIP_ONESHOT_SAFE,
    IRQCHIP_SKIP_SET_WAKE,
    IRQCHIP_STATE_ACTIVE,
    IRQD_IRQ_INPROGRESS,
    IRQD_LEVEL,
    IRQD_NO_BALANCING,
    IRQD_PER_CPU,
    IRQD_TRIGGER_MASK,
    IRQD_WAKEUP_STATE,
    IRQF_COND_ONESHOT,
    IRQF_COND_SUSPEND,
    IRQF_FORCE_RESUME,
    IRQF_NO_AUTOEN,
    IRQF_NO_DEBUG,
    IRQF_NO_SUSPEND,
    IRQF_NOBALANCING,
    IRQF_ONESHOT,
    IRQF_PERCPU,
    IRQF_PROBE_SHARED,
    IRQF_SHARED,
    IRQF_TRIGGER_MASK,
    IRQS_AUTODETECT,
    IRQS_NMI,
    IRQS_ONESHOT,
    IRQS_SPURIOUS_DISABLED,
    IRQS_SUSPENDED,
    IRQS_WAITING,
    IrqHandler,
    irq_desc,
    irq_settings_can_autoenable,
    irq_settings_can_request,
    irq_settings_can_thread,
    irq_settings_is_nested_thread,
    irq_settings_is_per_cpu_devid,
    irqaction,
    irqd_set_trigger_type,
    irqd_trigger_type_was_set,
)
from irqlab.kernel.locking.mutex import mutex_lock, mutex_unlock
from irqlab.kernel.printk import KERN_ERR, KERN_WARNING, vprintk
from irqlab.kernel.sched.current import might_sleep_at
from irqlab.kernel.sched.wait import wait_event

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel

pr_fmt = "genirq: "


def _pr(k: Kernel, level: str, fmt: str, *args: Any) -> None:
    vprintk(k, level + pr_fmt + fmt, args)


# kernel/irq/pm.c's bookkeeping of an action's suspend flags, here because __setup_irq()/__free_irq() below
# call it and pm.py (suspend/resume) builds on this module.
def irq_pm_install_action(desc: irq_desc, action: irqaction) -> None:
    """Count the action's suspend flags; shared actions must agree on them (WARN otherwise)."""
    k = desc.k
    desc.nr_actions += 1
    if action.flags & IRQF_FORCE_RESUME:
        desc.force_resume_depth += 1
    if desc.force_resume_depth and desc.force_resume_depth != desc.nr_actions:
        k.bugs.warn("kernel/irq/pm.c", 49, None, once_key=("pm.c", 49))
    if action.flags & IRQF_NO_SUSPEND:
        desc.no_suspend_depth += 1
    elif action.flags & IRQF_COND_SUSPEND:
        desc.cond_suspend_depth += 1
    if desc.no_suspend_depth and desc.no_suspend_depth + desc.cond_suspend_depth != desc.nr_actions:
        k.bugs.warn("kernel/irq/pm.c", 58, None, once_key=("pm.c", 58))


def irq_pm_remove_action(desc: irq_desc, action: irqaction) -> None:
    desc.nr_actions -= 1
    if action.flags & IRQF_FORCE_RESUME:
        desc.force_resume_depth -= 1
    if action.flags & IRQF_NO_SUSPEND:
        desc.no_suspend_depth -= 1
    elif action.flags & IRQF_COND_SUSPEND:
        desc.cond_suspend_depth -= 1


def _to_desc(irq: int) -> irq_desc | None:
    return irq_to_desc(irq)


def _in_interrupt(k: Kernel) -> bool:
    cpu = k.cpu
    return cpu is not None and bool(cpu.preempt_count & (NMI_MASK | HARDIRQ_MASK | SOFTIRQ_MASK))


# -- synchronize --------------------------------------------------------------------------------------


def _spin_until(k: Kernel, cond: Any, step: int = 100) -> None:
    """Busy-wait (cpu_relax loop) until ``cond()``; each poll lets ``step`` ns pass."""
    spin_poll(k, cond, step)


def __synchronize_hardirq(desc: irq_desc, sync_chip: bool) -> None:
    k = desc.k
    common = desc.irq_common_data
    d = desc.irq_data
    while True:
        _spin_until(k, lambda: not common.state_use_accessors & IRQD_IRQ_INPROGRESS)
        inprogress = bool(common.state_use_accessors & IRQD_IRQ_INPROGRESS)
        if not inprogress and sync_chip:
            ret, active = __irq_get_irqchip_state(d, IRQCHIP_STATE_ACTIVE)
            inprogress = not ret and active
        if not inprogress:
            return
        if k.cpu is None:
            return
        spin_skip(k, 100)
        burn(k, 100, True)


def synchronize_hardirq(irq: int) -> bool:
    """Wait until no hardirq handler of ``irq`` runs on any CPU; False if a threaded handler is active.

    Any context (with care: from the line's own handler it never returns)."""
    desc = _to_desc(irq)
    if desc is not None:
        __synchronize_hardirq(desc, False)
        return not desc.threads_active
    return True


def __synchronize_irq(desc: irq_desc) -> None:
    __synchronize_hardirq(desc, True)
    if desc.k.cpu is not None and desc.threads_active:
        wait_event(desc.wait_for_threads, lambda: not desc.threads_active)


def synchronize_irq(irq: int) -> None:
    """Wait for running hardirq handlers and IRQ threads of ``irq`` to finish. May sleep."""
    desc = _to_desc(irq)
    if desc is not None:
        __synchronize_irq(desc)


# -- disable / enable ----------------------------------------------------------------------------------


def __disable_irq(desc: irq_desc) -> None:
    if not desc.depth:
        desc.depth = 1
        irq_disable(desc)
    else:
        desc.depth += 1


def __disable_irq_nosync(irq: int) -> int:
    desc = _to_desc(irq)
    if desc is None:
        return -EINVAL
    k = desc.k
    chip_bus_lock(desc)
    flags = desc_lock_irqsave(k, desc)
    __disable_irq(desc)
    desc_unlock_irqrestore(k, desc, flags)
    chip_bus_sync_unlock(desc)
    return 0


def disable_irq_nosync(irq: int) -> None:
    """Disable ``irq`` (nested, counted by depth) without waiting for running handlers. Any context."""
    __disable_irq_nosync(irq)


def disable_irq(irq: int) -> None:
    """Disable ``irq`` and wait for its running hardirq and threaded handlers. May sleep."""
    k = kernel()
    if k.cpu is not None:
        might_sleep_at(k, "kernel/irq/manage.c", 729)
    if not __disable_irq_nosync(irq):
        synchronize_irq(irq)


def disable_hardirq(irq: int) -> bool:
    """Disable ``irq`` and wait for its hardirq handler only; False if a threaded handler is active. Any context."""
    if not __disable_irq_nosync(irq):
        return synchronize_hardirq(irq)
    return False


def __enable_irq(desc: irq_desc) -> None:
    """Undo one disable: at depth 1 the line is started (or enabled) and pending edges are resent."""
    k = desc.k
    depth = desc.depth
    if depth == 0 or (depth == 1 and desc.istate & IRQS_SUSPENDED):
        _warn(k, 785, KERN_WARNING + "Unbalanced enable for IRQ %d\n", desc.irq_data.irq)
        return
    if depth == 1:
        desc.status_use_accessors |= IRQ_NOPROBE
        irq_startup(desc, IRQ_RESEND, IRQ_START_FORCE)
    else:
        desc.depth = depth - 1


def enable_irq(irq: int) -> None:
    """Undo one disable_irq()/disable_irq_nosync() of ``irq``; at depth 0 the line is started again and a
    pending edge is replayed. Any context (the chip's bus lock may sleep on slow-bus chips)."""
    desc = _to_desc(irq)
    if desc is None:
        return
    k = desc.k
    chip_bus_lock(desc)
    flags = desc_lock_irqsave(k, desc)
    if desc.irq_data.chip is None:  # never true: an unset chip is no_irq_chip, which enable_irq() accepts
        desc_unlock_irqrestore(k, desc, flags)
        chip_bus_sync_unlock(desc)
        _warn(k, 816, KERN_ERR + "enable_irq before setup/request_irq: irq %u\n", irq)
        return
    __enable_irq(desc)
    desc_unlock_irqrestore(k, desc, flags)
    chip_bus_sync_unlock(desc)


# -- wakeup --------------------------------------------------------------------------------------------


def set_irq_wake_real(desc: irq_desc, on: int) -> int:
    chip = desc.irq_data.chip
    if chip.flags & IRQCHIP_SKIP_SET_WAKE:
        return 0
    if chip.irq_set_wake is not None:
        return int(chip.irq_set_wake(desc.irq_data, on))
    return -ENXIO


def irq_set_irq_wake(irq: int, on: int) -> int:
    """Count a wakeup enable/disable of ``irq`` (wake_depth). 0 or -EINVAL/-ENXIO. May sleep (bus lock)."""
    desc = _to_desc(irq)
    if desc is None:
        return -EINVAL
    k = desc.k
    chip_bus_lock(desc)
    flags = desc_lock_irqsave(k, desc)
    ret = 0
    common = desc.irq_common_data
    if desc.istate & IRQS_NMI:
        ret = -EINVAL
    elif on:
        desc.wake_depth += 1
        if desc.wake_depth == 1:
            ret = set_irq_wake_real(desc, on)
            if ret:
                desc.wake_depth = 0
            else:
                common.state_use_accessors |= IRQD_WAKEUP_STATE
    else:
        if desc.wake_depth == 0:
            desc_unlock_irqrestore(k, desc, flags)
            chip_bus_sync_unlock(desc)
            _warn(k, 903, "Unbalanced IRQ %d wake disable\n", irq)
            return 0
        desc.wake_depth -= 1
        if desc.wake_depth == 0:
            ret = set_irq_wake_real(desc, on)
            if ret:
                desc.wake_depth = 1
            else:
                common.state_use_accessors &= ~IRQD_WAKEUP_STATE
    desc_unlock_irqrestore(k, desc, flags)
    chip_bus_sync_unlock(desc)
    return ret


def enable_irq_wake(irq: int) -> int:
    """Make ``irq`` a wakeup source for system suspend; 0 or -errno. May sleep (bus lock)."""
    return irq_set_irq_wake(irq, 1)


def disable_irq_wake(irq: int) -> int:
    return irq_set_irq_wake(irq, 0)


# -- trigger, requestability -------------------------------------------------------------------------


def can_request_irq(irq: int, irqflags: int) -> bool:
    """True if ``irq`` is requestable and either free or shareable with ``irqflags``. Any context."""
    desc = _to_desc(irq)
    if desc is None or not irq_settings_can_request(desc):
        return False
    return desc.action is None or bool(irqflags & desc.action.flags & IRQF_SHARED)


def irq_set_parent(irq: int, parent_irq: int) -> int:
    """Record the parent of a nested line (its resend goes through the parent). 0 or -EINVAL."""
    desc = _to_desc(irq)
    if desc is None:
        return -EINVAL
    desc.parent_irq = parent_irq
    return 0


# -- request / free ------------------------------------------------------------------------------------


def irq_nested_primary_handler(irq: int, dev_id: Any) -> int:
    k = kernel()
    _warn(k, 1122, "Primary handler called for nested irq %d\n", irq)

    return IRQ_NONE


def irq_request_resources(desc: irq_desc) -> int:
    d = desc.irq_data
    c = d.chip
    return int(c.irq_request_resources(d) or 0) if c.irq_request_resources is not None else 0


def irq_release_resources(desc: irq_desc) -> None:
    d = desc.irq_data
    c = d.chip
    if c.irq_release_resources is not None:
        c.irq_release_resources(d)


def _request_mutex_lock(k: Kernel, desc: irq_desc) -> bool:
    if k.cpu is None:
        return False

    mutex_lock(desc.request_mutex)
    return True


def _request_mutex_unlock(desc: irq_desc, held: bool) -> None:
    if held:
        mutex_unlock(desc.request_mutex)


def __setup_irq(irq: int, desc: irq_desc, new: irqaction) -> int:
    """Install ``new`` on ``desc``: sharing checks, threads, trigger, startup. 0 or a negative errno."""
    k = desc.k
    if desc.irq_data.chip is no_irq_chip:
        return -ENOSYS
    new.irq = irq
    common = desc.irq_common_data
    if not new.flags & IRQF_TRIGGER_MASK:
        new.flags |= common.state_use_accessors & IRQD_TRIGGER_MASK
    nested = irq_settings_is_nested_thread(desc)
    if nested:
        if new.thread_fn is None:
            return -EINVAL
        new.handler = irq_nested_primary_handler
    elif irq_settings_can_thread(desc):
        ret = mt.irq_setup_forced_threading(k, new)
        if ret:
            return ret
    if new.thread_fn is not None and not nested:
        mt.setup_irq_thread(k, new, irq, False)
        if new.secondary is not None:
            mt.setup_irq_thread(k, new.secondary, irq, True)
    if desc.irq_data.chip.flags & IRQCHIP_ONESHOT_SAFE:
        new.flags &= ~IRQF_ONESHOT

    held = _request_mutex_lock(k, desc)
    chip_bus_lock(desc)
    if desc.action is None:
        ret = irq_request_resources(desc)
        if ret:
            _pr(k, KERN_ERR, "Failed to request resources for %s (irq %d) on irqchip %s\n", new.name, irq,
                desc.irq_data.chip.name)  # fmt: skip
            chip_bus_sync_unlock(desc)
            _request_mutex_unlock(desc, held)
            mt.stop_action_threads(new)
            return ret

    flags = desc_lock_irqsave(k, desc)
    old = desc.action
    shared = False
    thread_mask = 0
    ret = 0
    mismatch = False
    last: irqaction | None = None
    if old is not None:
        if desc.istate & IRQS_NMI:
            _pr(k, KERN_ERR, "Invalid attempt to share NMI for %s (irq %d) on irqchip %s.\n", new.name, irq,
                desc.irq_data.chip.name)  # fmt: skip
            ret = -EINVAL
        else:
            if irqd_trigger_type_was_set(desc.irq_data):
                oldtype = common.state_use_accessors & IRQD_TRIGGER_MASK
            else:
                oldtype = new.flags & IRQF_TRIGGER_MASK
                irqd_set_trigger_type(desc.irq_data, oldtype)
            if not (old.flags & new.flags & IRQF_SHARED) or oldtype != (new.flags & IRQF_TRIGGER_MASK):
                mismatch = True
            elif old.flags & IRQF_ONESHOT and new.flags & IRQF_COND_ONESHOT:
                new.flags |= IRQF_ONESHOT
            elif (old.flags ^ new.flags) & IRQF_ONESHOT:
                mismatch = True
            if not mismatch and (old.flags & IRQF_PERCPU) != (new.flags & IRQF_PERCPU):
                mismatch = True
            if mismatch:
                if not new.flags & IRQF_PROBE_SHARED:
                    _pr(k, KERN_ERR, "Flags mismatch irq %d. %08x (%s) vs. %08x (%s)\n", irq, new.flags, new.name,
                        old.flags, old.name)  # fmt: skip
                ret = -EBUSY
            else:
                a: irqaction | None = old
                while a is not None:
                    thread_mask |= a.thread_mask
                    last = a
                    a = a.next
                shared = True
    if not ret:
        if new.flags & IRQF_ONESHOT:
            if thread_mask == (1 << 64) - 1:
                ret = -EBUSY
            else:
                bit = 0
                while thread_mask >> bit & 1:
                    bit += 1
                new.thread_mask = 1 << bit
        elif new.handler is irq_default_primary_handler and not desc.irq_data.chip.flags & IRQCHIP_ONESHOT_SAFE:
            _pr(k, KERN_ERR, "Threaded irq requested with handler=NULL and !ONESHOT for %s (irq %d)\n", new.name, irq)
            ret = -EINVAL
    if not ret and not shared:
        if new.flags & IRQF_TRIGGER_MASK:
            ret = __irq_set_trigger(desc, new.flags & IRQF_TRIGGER_MASK)
        if not ret:
            ret = irq_activate(desc)
        if not ret:
            desc.istate &= ~(IRQS_AUTODETECT | IRQS_SPURIOUS_DISABLED | IRQS_ONESHOT | IRQS_WAITING)
            common.state_use_accessors &= ~IRQD_IRQ_INPROGRESS
            if new.flags & IRQF_PERCPU:
                common.state_use_accessors |= IRQD_PER_CPU
                desc.status_use_accessors |= IRQ_PER_CPU
                if new.flags & IRQF_NO_DEBUG:
                    desc.status_use_accessors |= IRQ_NO_DEBUG
            if irq_subsys(k).noirqdebug:
                desc.status_use_accessors |= IRQ_NO_DEBUG
            if new.flags & IRQF_ONESHOT:
                desc.istate |= IRQS_ONESHOT
            if new.flags & IRQF_NOBALANCING:
                desc.status_use_accessors |= IRQ_NO_BALANCING
                common.state_use_accessors |= IRQD_NO_BALANCING
            if not new.flags & IRQF_NO_AUTOEN and irq_settings_can_autoenable(desc):
                irq_startup(desc, IRQ_RESEND, IRQ_START_COND)
            else:
                if new.flags & IRQF_SHARED:
                    _warn(k, 1733, None, once=True)
                desc.depth = 1
    elif not ret and new.flags & IRQF_TRIGGER_MASK:
        nmsk = new.flags & IRQF_TRIGGER_MASK
        omsk = common.state_use_accessors & IRQD_TRIGGER_MASK
        if nmsk != omsk:
            _pr(k, KERN_WARNING, "irq %d uses trigger mode %u; requested %u\n", irq, omsk, nmsk)
    if ret:
        desc_unlock_irqrestore(k, desc, flags)
        if desc.action is None:
            irq_release_resources(desc)
        chip_bus_sync_unlock(desc)
        _request_mutex_unlock(desc, held)
        mt.stop_action_threads(new)
        return ret

    if last is None:
        desc.action = new
    else:
        last.next = new
    irq_pm_install_action(desc, new)
    desc.irq_count = 0
    desc.irqs_unhandled = 0
    if shared and desc.istate & IRQS_SPURIOUS_DISABLED:
        desc.istate &= ~IRQS_SPURIOUS_DISABLED
        __enable_irq(desc)
    desc_unlock_irqrestore(k, desc, flags)
    chip_bus_sync_unlock(desc)
    _request_mutex_unlock(desc, held)

    mt.wake_up_and_wait_for_irq_thread_ready(desc, new)
    mt.wake_up_and_wait_for_irq_thread_ready(desc, new.secondary)
    register_irq_proc(irq, desc)
    new.dir = False
    register_handler_proc(irq, new)
    return 0


def __free_irq(desc: irq_desc, dev_id: Any) -> irqaction | None:
    """Remove the action of ``dev_id``; the last one shuts the line down. Returns the action or None."""
    k = desc.k
    irq = desc.irq_data.irq
    if _in_interrupt(k):
        _warn(k, 1941, "Trying to free IRQ %d from IRQ context!\n", irq)
    held = _request_mutex_lock(k, desc)
    chip_bus_lock(desc)
    flags = desc_lock_irqsave(k, desc)
    prev: irqaction | None = None
    action = desc.action
    while action is not None and action.dev_id is not dev_id and action.dev_id != dev_id:
        prev = action
        action = action.next
    if action is None:
        desc_unlock_irqrestore(k, desc, flags)
        chip_bus_sync_unlock(desc)
        _request_mutex_unlock(desc, held)
        _warn(k, 1961, "Trying to free already-free IRQ %d\n", irq)
        return None
    if prev is None:
        desc.action = action.next
    else:
        prev.next = action.next
    irq_pm_remove_action(desc, action)
    if desc.action is None:
        desc.status_use_accessors &= ~IRQ_DISABLE_UNLAZY
        irq_shutdown(desc)
    if desc.affinity_hint is not None:
        desc.affinity_hint = None
        desc_unlock_irqrestore(k, desc, flags)
        _warn(k, 1988, None, once=True)
    else:
        desc_unlock_irqrestore(k, desc, flags)
    chip_bus_sync_unlock(desc)
    unregister_handler_proc(irq, action)
    __synchronize_irq(desc)
    mt.stop_action_threads(action)
    if desc.action is None:
        chip_bus_lock(desc)
        flags = desc_lock_irqsave(k, desc)
        irq_domain_deactivate_irq(desc.irq_data)
        desc_unlock_irqrestore(k, desc, flags)
        irq_release_resources(desc)
        chip_bus_sync_unlock(desc)
    _request_mutex_unlock(desc, held)
    return action


def free_irq(irq: int, dev_id: Any) -> str | None:
    """Remove the handler ``dev_id`` from ``irq``; returns the devname passed to request_irq (None on error).

    Waits for running handlers and stops the IRQ thread. Must not be called from interrupt context. May sleep.
    """
    desc = _to_desc(irq)
    if desc is None:
        return None
    k = desc.k
    if irq_settings_is_per_cpu_devid(desc):
        _warn(k, 2063, None)
        return None
    if desc.affinity_notify is not None:
        _warn(k, 2067, None)
        desc.affinity_notify = None
    action = __free_irq(desc, dev_id)
    if action is None:
        return None
    return action.name


def request_threaded_irq(irq: int, handler: IrqHandler | None, thread_fn: IrqHandler | None, irqflags: int,
                         devname: str, dev_id: Any) -> int:  # fmt: skip
    """Install ``handler`` (hardirq) and ``thread_fn`` (in thread "irq/<irq>-<devname>") on ``irq``.

    ``handler=None`` with a ``thread_fn`` uses the default primary handler (requires IRQF_ONESHOT unless
    the chip is oneshot-safe). Returns 0 or a negative errno (-ENOTCONN, -EINVAL, -EBUSY, -ENOSYS, ...).
    May sleep.
    """
    if irq == IRQ_NOTCONNECTED:
        return -ENOTCONN
    if ((irqflags & IRQF_SHARED and not dev_id)
            or (irqflags & IRQF_SHARED and irqflags & IRQF_NO_AUTOEN)
            or (not irqflags & IRQF_SHARED and irqflags & IRQF_COND_SUSPEND)
            or (irqflags & IRQF_NO_SUSPEND and irqflags & IRQF_COND_SUSPEND)):  # fmt: skip
        return -EINVAL
    desc = _to_desc(irq)
    if desc is None:
        return -EINVAL
    if not irq_settings_can_request(desc):
        return -EINVAL
    if irq_settings_is_per_cpu_devid(desc):
        _warn(desc.k, 2161, None)
        return -EINVAL
    if handler is None:
        if thread_fn is None:
            return -EINVAL
        handler = irq_default_primary_handler
    action = irqaction(handler, thread_fn, irqflags, devname, dev_id)
    return __setup_irq(irq, desc, action)


def request_irq(irq: int, handler: IrqHandler | None, flags: int, name: str, dev: Any) -> int:
    """Install hardirq ``handler`` on ``irq``. 0 or a negative errno. May sleep."""
    return request_threaded_irq(irq, handler, None, flags, name, dev)


def request_any_context_irq(irq: int, handler: IrqHandler, flags: int, name: str, dev_id: Any) -> int:
    """Request as a threaded handler on nested lines (returns IRQC_IS_NESTED), else as a hardirq handler
    (IRQC_IS_HARDIRQ); a negative errno on failure. May sleep."""
    if irq == IRQ_NOTCONNECTED:
        return -ENOTCONN
    desc = _to_desc(irq)
    if desc is None:
        return -EINVAL
    if irq_settings_is_nested_thread(desc):
        ret = request_threaded_irq(irq, None, handler, flags, name, dev_id)
        return IRQC_IS_NESTED if not ret else ret
    ret = request_irq(irq, handler, flags, name, dev_id)
    return IRQC_IS_HARDIRQ if not ret else ret


# -- queries -------------------------------------------------------------------------------------------


def irq_has_action(irq: int) -> bool:
    """True if ``irq`` has at least one handler installed. Any context."""
    desc = _to_desc(irq)
    return desc is not None and desc.action is not None


def irq_is_level(irq: int) -> bool:
    d = _to_desc(irq)
    return d is not None and bool(d.irq_common_data.state_use_accessors & IRQD_LEVEL)


__all__ = [
    "synchronize_hardirq",
    "synchronize_irq",
    "disable_irq_nosync",
    "disable_irq",
    "disable_hardirq",
    "enable_irq",
    "irq_set_irq_wake",
    "enable_irq_wake",
    "disable_irq_wake",
    "can_request_irq",
    "irq_set_parent",
    "free_irq",
    "request_threaded_irq",
    "request_irq",
    "request_any_context_irq",
    "irq_has_action",
]
