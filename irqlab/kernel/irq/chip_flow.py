"""Mirrors the flow handlers of kernel/irq/chip.c.

handle_level_irq, handle_edge_irq, handle_fasteoi_irq, handle_simple_irq, handle_untracked_irq,
handle_percpu_irq, handle_percpu_devid_irq and handle_nested_irq, as 6.12 has them. They touch the
hardware only through the chip's callbacks (the rest of chip.c is in chip.py; split for length).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from irqlab.kernel.core import on_cpu
from irqlab.kernel.cpu import take_interrupts
from irqlab.kernel.irq.chip import irq_percpu_disable, mask_ack_irq, mask_irq, unmask_irq
from irqlab.kernel.irq.handle import __handle_irq_event_percpu, handle_irq_event, handle_irq_event_percpu, irqreturn
from irqlab.kernel.irq.internals import desc_lock, desc_unlock, kstat_incr_irqs_this_cpu
from irqlab.kernel.irq.irqdesc import irq_to_desc
from irqlab.kernel.irq.manage_thread import wake_threads_waitq
from irqlab.kernel.irq.pm import irq_pm_check_wakeup
from irqlab.kernel.irq.resend import check_irq_resend
from irqlab.kernel.irq.spurious import irq_wait_for_poll, note_interrupt
from irqlab.kernel.irq.types import (
    IRQ_NO_DEBUG,
    IRQ_NONE,
    IRQCHIP_EOI_IF_HANDLED,
    IRQCHIP_EOI_THREADED,
    IRQD_IRQ_DISABLED,
    IRQD_IRQ_INPROGRESS,
    IRQD_IRQ_MASKED,
    IRQD_RESEND_WHEN_IN_PROGRESS,
    IRQD_WAKEUP_ARMED,
    IRQS_ONESHOT,
    IRQS_PENDING,
    IRQS_POLL_INPROGRESS,
    IRQS_REPLAY,
    IRQS_WAITING,
    irq_chip,
    irq_desc,
)
from irqlab.kernel.printk import KERN_ERR
from irqlab.kernel.sched.current import might_sleep_at
from irqlab.kernel.stacktrace import ENABLED as KSTACK
from irqlab.kernel.stacktrace import pop, push, unwind

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel

_REPLAY_WAITING: Final = IRQS_REPLAY | IRQS_WAITING
_INPROGRESS_ARMED: Final = IRQD_IRQ_INPROGRESS | IRQD_WAKEUP_ARMED
_DISABLED: Final = IRQD_IRQ_DISABLED
_MASKED: Final = IRQD_IRQ_MASKED


def _desc(irq: int) -> irq_desc | None:
    return irq_to_desc(irq)


# -- flow handlers ----------------------------------------------------------------------------------------


def irq_may_run(desc: irq_desc) -> bool:
    """Not in progress elsewhere and not an armed wakeup source (or a poll that finished)."""
    if not desc.irq_common_data.state_use_accessors & _INPROGRESS_ARMED:
        return True

    if irq_pm_check_wakeup(desc):
        return False
    if not desc.istate & IRQS_POLL_INPROGRESS:
        return False

    return irq_wait_for_poll(desc)


def handle_simple_irq(desc: irq_desc) -> None:
    """Flow handler for demultiplexed and software lines: no chip calls at all."""
    kdepth = push("handle_simple_irq") if KSTACK else 0
    k = desc.k
    desc_lock(k, desc)
    if irq_may_run(desc):
        desc.istate &= ~_REPLAY_WAITING
        if desc.action is None or desc.irq_common_data.state_use_accessors & _DISABLED:
            desc.istate |= IRQS_PENDING
        else:
            kstat_incr_irqs_this_cpu(k, desc)
            handle_irq_event(desc)
    desc_unlock(k, desc)
    if KSTACK:
        pop(kdepth)


def handle_untracked_irq(desc: irq_desc) -> None:
    """Like handle_simple_irq() but without statistics or spurious detection."""
    kdepth = push("handle_untracked_irq") if KSTACK else 0
    k = desc.k
    desc_lock(k, desc)
    if irq_may_run(desc):
        desc.istate &= ~_REPLAY_WAITING
        common = desc.irq_common_data
        if desc.action is None or common.state_use_accessors & _DISABLED:
            desc.istate |= IRQS_PENDING
        else:
            desc.istate &= ~IRQS_PENDING
            common.state_use_accessors |= IRQD_IRQ_INPROGRESS
            desc_unlock(k, desc)
            __handle_irq_event_percpu(desc)
            desc_lock(k, desc)
            common.state_use_accessors &= ~IRQD_IRQ_INPROGRESS
    desc_unlock(k, desc)
    if KSTACK:
        pop(kdepth)


def cond_unmask_irq(desc: irq_desc) -> None:
    st = desc.irq_common_data.state_use_accessors
    if not st & _DISABLED and st & _MASKED and not desc.threads_oneshot:
        unmask_irq(desc)


def handle_level_irq(desc: irq_desc) -> None:
    """Flow handler for level lines: mask+ack, run, unmask (a still-asserted source fires again)."""
    kdepth = push("handle_level_irq") if KSTACK else 0
    k = desc.k
    desc_lock(k, desc)
    mask_ack_irq(desc)
    if irq_may_run(desc):
        desc.istate &= ~_REPLAY_WAITING
        if desc.action is None or desc.irq_common_data.state_use_accessors & _DISABLED:
            desc.istate |= IRQS_PENDING
        else:
            kstat_incr_irqs_this_cpu(k, desc)
            handle_irq_event(desc)
            cond_unmask_irq(desc)
    desc_unlock(k, desc)
    if KSTACK:
        pop(kdepth)


def cond_unmask_eoi_irq(desc: irq_desc, chip: irq_chip) -> None:
    if not desc.istate & IRQS_ONESHOT:
        chip.irq_eoi(desc.irq_data)
        return
    st = desc.irq_common_data.state_use_accessors
    if not st & _DISABLED and st & _MASKED and not desc.threads_oneshot:
        chip.irq_eoi(desc.irq_data)
        unmask_irq(desc)
    elif not chip.flags & IRQCHIP_EOI_THREADED:
        chip.irq_eoi(desc.irq_data)


def handle_fasteoi_irq(desc: irq_desc) -> None:
    """Flow handler for controllers that only need an EOI after the handler (the GIC's SPIs)."""
    kdepth = push("handle_fasteoi_irq") if KSTACK else 0
    k = desc.k
    chip = desc.irq_data.chip
    cpu = k.cpu
    lock = desc.lock
    if cpu is not None and lock.owner_cpu < 0:
        # desc_lock()'s uncontended path, inlined (a performance trick).
        lock.owner_cpu = cpu.id
        lock.owner = cpu.curr
    else:
        desc_lock(k, desc)
    common = desc.irq_common_data
    if common.state_use_accessors & _INPROGRESS_ARMED and not irq_may_run(desc):
        if common.state_use_accessors & IRQD_RESEND_WHEN_IN_PROGRESS:
            desc.istate |= IRQS_PENDING
    else:
        desc.istate &= ~_REPLAY_WAITING
        if desc.action is None or common.state_use_accessors & _DISABLED:
            desc.istate |= IRQS_PENDING
            mask_irq(desc)
        else:
            # kstat_incr_irqs_this_cpu(), inlined.
            desc.kstat_irqs[cpu.id if cpu is not None else 0] += 1
            desc.tot_count += 1
            if desc.istate & IRQS_ONESHOT:
                mask_irq(desc)
                handle_irq_event(desc)
                cond_unmask_eoi_irq(desc, chip)
            else:
                handle_irq_event(desc)
                chip.irq_eoi(desc.irq_data)  # cond_unmask_eoi_irq() of a line that is not ONESHOT
            if desc.istate & IRQS_PENDING:
                check_irq_resend(desc, False)
            if cpu is not None and not lock.waiters:
                # desc_unlock() with no CPU spinning, inlined.
                lock.owner_cpu = -1
                lock.owner = None
            else:
                desc_unlock(k, desc)
            if KSTACK:
                pop(kdepth)
            return
    if not chip.flags & IRQCHIP_EOI_IF_HANDLED:
        chip.irq_eoi(desc.irq_data)
    desc_unlock(k, desc)
    if KSTACK:
        pop(kdepth)


def handle_edge_irq(desc: irq_desc) -> None:
    """Flow handler for edge lines: an edge during the handler is marked PENDING and handled once more."""
    kdepth = push("handle_edge_irq") if KSTACK else 0
    k = desc.k
    desc_lock(k, desc)
    desc.istate &= ~_REPLAY_WAITING
    common = desc.irq_common_data
    if not irq_may_run(desc) or common.state_use_accessors & _DISABLED or desc.action is None:
        desc.istate |= IRQS_PENDING
        mask_ack_irq(desc)
        desc_unlock(k, desc)
        if KSTACK:
            pop(kdepth)
        return
    kstat_incr_irqs_this_cpu(k, desc)
    desc.irq_data.chip.irq_ack(desc.irq_data)
    while True:
        if desc.action is None:
            mask_irq(desc)
            break
        if desc.istate & IRQS_PENDING:
            st = common.state_use_accessors
            if not st & _DISABLED and st & _MASKED:
                unmask_irq(desc)
        handle_irq_event(desc)
        if not (desc.istate & IRQS_PENDING and not common.state_use_accessors & _DISABLED):
            break
    desc_unlock(k, desc)
    if KSTACK:
        pop(kdepth)


def handle_edge_eoi_irq(desc: irq_desc) -> None:
    """Like handle_edge_irq() but with an EOI and without mask/unmask."""
    k = desc.k
    chip = desc.irq_data.chip
    desc_lock(k, desc)
    desc.istate &= ~_REPLAY_WAITING
    common = desc.irq_common_data
    if not irq_may_run(desc) or common.state_use_accessors & _DISABLED or desc.action is None:
        desc.istate |= IRQS_PENDING
    else:
        kstat_incr_irqs_this_cpu(k, desc)
        while desc.action is not None:
            handle_irq_event(desc)
            if not (desc.istate & IRQS_PENDING and not common.state_use_accessors & _DISABLED):
                break
    chip.irq_eoi(desc.irq_data)
    desc_unlock(k, desc)


def _percpu_devid(dev: Any, cpu: int) -> Any:
    """raw_cpu_ptr(): a per-CPU dev_id is a sequence indexed by CPU number (or one shared object)."""
    if isinstance(dev, (list, tuple)):
        return dev[cpu]
    return dev


def handle_percpu_irq(desc: irq_desc) -> None:
    """Per-CPU interrupts without locking: no tot_count, ack/eoi if the chip has them."""
    kdepth = push("handle_percpu_irq") if KSTACK else 0
    k = desc.k
    chip = desc.irq_data.chip
    cpu = k.cpu
    desc.kstat_irqs[cpu.id if cpu is not None else 0] += 1
    if chip.irq_ack is not None:
        chip.irq_ack(desc.irq_data)
    handle_irq_event_percpu(desc)
    if chip.irq_eoi is not None:
        chip.irq_eoi(desc.irq_data)
    if KSTACK:
        pop(kdepth)


def handle_percpu_devid_irq(desc: irq_desc) -> None:
    """Per-CPU interrupts with a per-CPU dev_id (the arch timer PPI, IPIs)."""
    kdepth = push("handle_percpu_devid_irq") if KSTACK else 0
    k = desc.k
    chip = desc.irq_data.chip
    action = desc.action
    irq = desc.irq_data.irq
    cpu = k.cpu
    cpu_id = cpu.id if cpu is not None else 0
    desc.kstat_irqs[cpu_id] += 1
    if chip.irq_ack is not None:
        chip.irq_ack(desc.irq_data)
    if action is not None:
        tp = k.tp.irq_handler_entry
        if tp.on:
            tp.emit(cpu_id, irq=irq, name=action.name)
        pc = cpu.preempt_count if cpu is not None else 0
        try:
            res = action.handler(irq, _percpu_devid(action.percpu_dev_id, cpu_id))  # type: ignore[misc]
        except BaseException as exc:  # noqa: BLE001 - a faulting handler becomes an oops
            if KSTACK:
                unwind(kdepth, exc, own=True)
            k.fault(exc, "hardirq")
            if k.cpu is not None:
                k.cpu.preempt_count = pc
                k.cpu.irqs_off = True
            res = IRQ_NONE
        tp = k.tp.irq_handler_exit
        if tp.on:
            tp.emit(cpu_id, irq=irq, ret="handled" if res else "unhandled")
    else:
        enabled = bool(desc.percpu_enabled >> cpu_id & 1)
        if enabled:
            irq_percpu_disable(desc, cpu_id)
        key = ("percpu_spurious", irq)
        if key not in k.ratelimits:
            k.ratelimits[key] = None
            k.pr(KERN_ERR, k.format("Spurious%s percpu IRQ%u on CPU%u", (" and unmasked" if enabled else "",
                                                                          irq, cpu_id)))  # fmt: skip
    if chip.irq_eoi is not None:
        chip.irq_eoi(desc.irq_data)
    if KSTACK:
        pop(kdepth)


def handle_nested_irq(irq: int) -> None:
    """Run the thread functions of nested ``irq`` in the calling (parent's) thread. May sleep."""
    kdepth = push("handle_nested_irq") if KSTACK else 0
    k = on_cpu()
    might_sleep_at(k, "kernel/irq/chip.c", 470)
    desc = _desc(irq)
    if desc is None:
        if KSTACK:
            pop(kdepth)
        return
    cpu = k.cpu
    assert cpu is not None
    was_off = cpu.irqs_off
    cpu.irqs_off = True
    desc_lock(k, desc)
    desc.istate &= ~_REPLAY_WAITING
    action = desc.action
    if action is None or desc.irq_common_data.state_use_accessors & _DISABLED:
        desc.istate |= IRQS_PENDING
        desc_unlock(k, desc)
        _irq_restore(k, was_off)
        if KSTACK:
            pop(kdepth)
        return
    kstat_incr_irqs_this_cpu(k, desc)
    desc.threads_active += 1
    desc_unlock(k, desc)
    _irq_restore(k, False)
    ret = IRQ_NONE
    while action is not None:
        fn = action.thread_fn
        if fn is not None:
            ret |= irqreturn(k, fn(action.irq, action.dev_id))
        action = action.next
    if not desc.status_use_accessors & IRQ_NO_DEBUG:
        note_interrupt(desc, ret)
    wake_threads_waitq(desc)
    if KSTACK:
        pop(kdepth)


def _irq_restore(k: Kernel, off: bool) -> None:
    cpu = k.cpu
    assert cpu is not None
    cpu.irqs_off = off
    if not off and cpu.irq_pending:
        take_interrupts(k, cpu)



__all__ = [
    "handle_simple_irq",
    "handle_untracked_irq",
    "handle_level_irq",
    "handle_fasteoi_irq",
    "handle_edge_irq",
    "handle_edge_eoi_irq",
    "handle_percpu_irq",
    "handle_percpu_devid_irq",
    "handle_nested_irq",
]
