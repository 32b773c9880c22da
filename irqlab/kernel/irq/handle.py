"""Mirrors kernel/irq/handle.c: running the actions of a line, waking IRQ threads, handle_bad_irq.

Every action of a line runs, in request order, even after one returned IRQ_HANDLED; the
results are OR-ed and handed to ``note_interrupt()`` (unless the line is IRQ_NO_DEBUG).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from irqlab.kernel.irq.internals import desc_lock, desc_unlock, kstat_incr_irqs_this_cpu
from irqlab.kernel.irq.irqdesc import irq_subsys
from irqlab.kernel.irq.types import (
    IRQ_LEVEL,
    IRQ_NO_DEBUG,
    IRQ_NOAUTOEN,
    IRQ_NONE,
    IRQ_NOPROBE,
    IRQ_NOREQUEST,
    IRQ_NOTHREAD,
    IRQ_PER_CPU,
    IRQ_WAKE_THREAD,
    IRQD_IRQ_INPROGRESS,
    IRQS_AUTODETECT,
    IRQS_PENDING,
    IRQS_REPLAY,
    IRQS_WAITING,
    IRQTF_WARNED,
    irq_desc,
    irqaction,
)
from irqlab.kernel.printk import KERN_DEFAULT, KERN_WARNING, RateLimitState, vprintk
from irqlab.kernel.printk import __ratelimit as ratelimit
from irqlab.kernel.stacktrace import ENABLED as KSTACK
from irqlab.kernel.stacktrace import pop, push, unwind

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel

PF_EXITING: Final = 0x00000004


#: What a handler's result counts as when it is not an integer: outside every irqreturn_t value (which
#: are 32-bit), so bad_action_ret() sees a bogus return, and non-zero, as any garbage would be in C.
IRQRET_NOT_AN_INT: Final = 1 << 32


# SIMPLIFICATION: a C handler always returns an integer; a Python one may return None (no return statement),
# a string or a float. irqlab treats such a result as a bogus return value (reported by note_interrupt()
# with the Python value in place of the hex number) rather than letting it crash the interrupt path.
def irqreturn(k: Kernel, res: Any) -> int:
    """The irqreturn_t a handler's result stands for: an int as C's ``unsigned int`` sees it, or
    IRQRET_NOT_AN_INT for anything else (remembered for the report)."""
    if isinstance(res, int):
        return res & 0xFFFFFFFF if res < 0 else int(res)
    irq_subsys(k).last_bogus_ret = repr(res)
    return IRQRET_NOT_AN_INT


def no_action(irq: int, dev_id: Any) -> int:
    """The empty handler: returns IRQ_NONE."""
    return IRQ_NONE


def handle_bad_irq(desc: irq_desc) -> None:
    """Flow handler of a line nobody set up: report it, count it, ack_bad_irq() (arm64: irq_err_count++)."""
    k = desc.k
    print_irq_desc(k, desc.irq_data.irq, desc)
    kstat_incr_irqs_this_cpu(k, desc)

    irq_subsys(k).irq_err_count += 1


def print_irq_desc(k: Kernel, irq: int, desc: irq_desc) -> None:
    """kernel/irq/debug.h print_irq_desc(), rate limited to 5 reports per 5 seconds."""
    rs = k.ratelimits.get("print_irq_desc")
    if rs is None:
        rs = k.ratelimits["print_irq_desc"] = RateLimitState(5 * k.hz, 5)
    if not ratelimit(k, rs, "print_irq_desc"):
        return
    p = KERN_DEFAULT
    vprintk(k, p + "irq %d, desc: %p, depth: %d, count: %d, unhandled: %d\n",
            (irq, desc, desc.depth, desc.irq_count, desc.irqs_unhandled))  # fmt: skip
    vprintk(k, p + "->handle_irq():  %p, %pS\n", (desc.handle_irq, desc.handle_irq))
    vprintk(k, p + "->irq_data.chip(): %p, %pS\n", (desc.irq_data.chip, desc.irq_data.chip))
    vprintk(k, p + "->action(): %p\n", (desc.action,))
    if desc.action is not None:
        vprintk(k, p + "->action->handler(): %p, %pS\n", (desc.action.handler, desc.action.handler))
    for name, bit in (("IRQ_LEVEL", IRQ_LEVEL), ("IRQ_PER_CPU", IRQ_PER_CPU), ("IRQ_NOPROBE", IRQ_NOPROBE),
                      ("IRQ_NOREQUEST", IRQ_NOREQUEST), ("IRQ_NOTHREAD", IRQ_NOTHREAD),
                      ("IRQ_NOAUTOEN", IRQ_NOAUTOEN)):  # fmt: skip
        if desc.status_use_accessors & bit:
            vprintk(k, p + "%14s set\n", (name,))
    for name, bit in (("IRQS_AUTODETECT", IRQS_AUTODETECT), ("IRQS_REPLAY", IRQS_REPLAY),
                      ("IRQS_WAITING", IRQS_WAITING), ("IRQS_PENDING", IRQS_PENDING)):  # fmt: skip
        if desc.istate & bit:
            vprintk(k, p + "%14s set\n", (name,))


def warn_no_thread(k: Kernel, irq: int, action: irqaction) -> None:
    """A handler returned IRQ_WAKE_THREAD without a thread function: warn once per action."""
    if action.thread_flags >> IRQTF_WARNED & 1:
        return
    action.thread_flags |= 1 << IRQTF_WARNED
    vprintk(k, KERN_WARNING + "IRQ %d device %s returned IRQ_WAKE_THREAD but no thread function available.",
            (irq, action.name))  # fmt: skip


def __irq_wake_thread(desc: irq_desc, action: irqaction) -> None:
    """Wake the thread of ``action``; several wakes before it runs collapse into one run. Hardirq."""
    t = action.thread
    if t is None or t.flags & PF_EXITING:
        return
    if action.thread_flags & 1:  # IRQTF_RUNTHREAD already set
        return
    action.thread_flags |= 1
    desc.threads_oneshot |= action.thread_mask
    desc.threads_active += 1
    desc.k.sched.try_to_wake_up(t)


irq_wake_thread_locked = __irq_wake_thread


def __handle_irq_event_percpu(desc: irq_desc) -> int:
    """Run every action of ``desc`` in chain order; returns the OR of their results. Hardirq."""
    kdepth = push("__handle_irq_event_percpu") if KSTACK else 0
    k = desc.k
    irq = desc.irq_data.irq
    retval = IRQ_NONE
    tp_entry = k.tp.irq_handler_entry
    tp_exit = k.tp.irq_handler_exit
    action = desc.action
    while action is not None:
        cpu = k.cpu
        if tp_entry.on:
            tp_entry.emit(cpu.id if cpu is not None else 0, irq=irq, name=action.name)
        pc = cpu.preempt_count if cpu is not None else 0
        try:
            res = action.handler(irq, action.dev_id)  # type: ignore[misc]
            if type(res) is not int or res < 0:
                res = irqreturn(k, res)
        except BaseException as exc:  # noqa: BLE001 - a faulting handler becomes an oops, the line survives
            if KSTACK:
                unwind(kdepth, exc, own=True)
            k.fault(exc, "hardirq")
            cpu = k.cpu
            if cpu is not None:
                cpu.preempt_count = pc
                cpu.irqs_off = True
            res = IRQ_NONE
        cpu = k.cpu
        if tp_exit.on:
            tp_exit.emit(cpu.id if cpu is not None else 0, irq=irq, ret="handled" if res else "unhandled")
        if cpu is not None and not cpu.irqs_off:
            k.bugs.warn("kernel/irq/handle.c", 188, k.format("irq %u handler %pS enabled interrupts\n",
                        (irq, action.handler)), once_key=("handle.c", 188))  # fmt: skip
            cpu.irqs_off = True
        if res == IRQ_WAKE_THREAD:
            if action.thread_fn is None:
                warn_no_thread(k, irq, action)
            else:
                __irq_wake_thread(desc, action)
        retval |= res
        action = action.next
    if KSTACK:
        pop(kdepth)
    return retval


def handle_irq_event_percpu(desc: irq_desc) -> int:
    """Run the actions, then feed the result to the spurious-interrupt detector. Hardirq."""
    kdepth = push("handle_irq_event_percpu") if KSTACK else 0
    retval = __handle_irq_event_percpu(desc)
    if not desc.status_use_accessors & IRQ_NO_DEBUG:
        desc.k.note_interrupt(desc, retval)
    if KSTACK:
        pop(kdepth)
    return retval


def handle_irq_event(desc: irq_desc) -> int:
    """Clear PENDING, mark INPROGRESS, drop desc->lock around the actions. Called with desc->lock held."""
    kdepth = push("handle_irq_event") if KSTACK else 0
    k = desc.k
    desc.istate &= ~IRQS_PENDING
    common = desc.irq_common_data
    common.state_use_accessors |= IRQD_IRQ_INPROGRESS
    lock = desc.lock
    if k.cpu is not None and not lock.waiters:
        # desc_unlock() with no CPU spinning, inlined (a performance trick): the lock is simply free.
        lock.owner_cpu = -1
        lock.owner = None
    else:
        desc_unlock(k, desc)
    ret = handle_irq_event_percpu(desc)
    cpu = k.cpu
    if cpu is not None and lock.owner_cpu < 0:
        # desc_lock()'s uncontended path, inlined.
        lock.owner_cpu = cpu.id
        lock.owner = cpu.curr
    else:
        desc_lock(k, desc)
    common.state_use_accessors &= ~IRQD_IRQ_INPROGRESS
    if KSTACK:
        pop(kdepth)
    return ret


__all__ = ["no_action", "handle_bad_irq"]
