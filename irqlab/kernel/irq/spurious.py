"""Mirrors kernel/irq/spurious.c: unhandled-interrupt detection ("nobody cared"), misrouted-IRQ polling.

Every 100000 interrupts of a line, if more than 99900 were unhandled the line is reported and disabled
(``Disabling IRQ #%d``) and the poll timer starts (every HZ/10). Unhandled events more than HZ/10
apart restart the count at 1, so an occasional spurious interrupt never adds up. A thread-only result
(exactly IRQ_WAKE_THREAD) is judged at the next hard interrupt, from whether a thread handled it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, cast

from irqlab.kernel.core import on_cpu
from irqlab.kernel.cpu import burn
from irqlab.kernel.irq.chip import irq_disable
from irqlab.kernel.irq.handle import handle_irq_event
from irqlab.kernel.irq.internals import desc_lock, desc_unlock
from irqlab.kernel.irq.irqdesc import for_each_irq_desc, irq_subsys
from irqlab.kernel.irq.types import (
    IRQ_HANDLED,
    IRQ_IS_POLLED,
    IRQ_NESTED_THREAD,
    IRQ_NONE,
    IRQ_PER_CPU,
    IRQ_WAKE_THREAD,
    IRQD_IRQ_DISABLED,
    IRQD_IRQ_INPROGRESS,
    IRQF_IRQPOLL,
    IRQF_SHARED,
    IRQF_TIMER_FLAG,
    IRQS_PENDING,
    IRQS_POLL_INPROGRESS,
    IRQS_SPURIOUS_DISABLED,
    irq_desc,
)
from irqlab.kernel.printk import KERN_CONT, KERN_DEFAULT, KERN_EMERG, KERN_ERR, KERN_INFO, KERN_WARNING, vprintk
from irqlab.kernel.stacktrace import ENABLED as KSTACK
from irqlab.kernel.stacktrace import pop, push
from irqlab.kernel.time.timer import mod_timer, timer_list

if TYPE_CHECKING:
    from irqlab.kernel.cpu import CPU
    from irqlab.kernel.kernel import Kernel

SPURIOUS_DEFERRED: Final = 0x80000000
_POLLED: Final = IRQS_POLL_INPROGRESS


def _st(k: Kernel) -> Any:
    return irq_subsys(k)


def irq_wait_for_poll(desc: irq_desc) -> bool:
    """A poll of this line runs on another CPU: wait for it, then run unless disabled meanwhile."""

    k = desc.k
    st = _st(k)
    cpu = k.cpu
    cpu_id = cpu.id if cpu is not None else 0
    if st.irq_poll_cpu == cpu_id:
        k.bugs.warn("kernel/irq/spurious.c", 42, k.format("irq poll in progress on cpu %d for irq %d\n",
                    (cpu_id, desc.irq_data.irq)), once_key=("spurious.c", 42))  # fmt: skip
        return False
    common = desc.irq_common_data
    while common.state_use_accessors & IRQD_IRQ_INPROGRESS:
        desc_unlock(k, desc)

        while common.state_use_accessors & IRQD_IRQ_INPROGRESS and k.cpu is not None:
            burn(k, 100, True)
        desc_lock(k, desc)
    return not common.state_use_accessors & IRQD_IRQ_DISABLED and desc.action is not None


def try_one_irq(desc: irq_desc, force: bool) -> bool:
    """Poll one line's handlers (shared, non-timer lines only); True if one of them handled it."""
    k = desc.k
    ret = IRQ_NONE
    desc_lock(k, desc)
    common = desc.irq_common_data
    try:
        if desc.status_use_accessors & (IRQ_PER_CPU | IRQ_NESTED_THREAD | IRQ_IS_POLLED):
            return False
        if common.state_use_accessors & IRQD_IRQ_DISABLED and not force:
            return False
        action = desc.action
        if action is None or not action.flags & IRQF_SHARED or action.flags & IRQF_TIMER_FLAG:
            return False
        if common.state_use_accessors & IRQD_IRQ_INPROGRESS:
            desc.istate |= IRQS_PENDING
            return False
        desc.istate |= IRQS_POLL_INPROGRESS
        while True:
            if handle_irq_event(desc) == IRQ_HANDLED:
                ret = IRQ_HANDLED
            action = desc.action
            if not (desc.istate & IRQS_PENDING and action is not None):
                break
        desc.istate &= ~IRQS_POLL_INPROGRESS
        return ret == IRQ_HANDLED
    finally:
        desc_unlock(k, desc)


def misrouted_irq(k: Kernel, irq: int) -> int:
    """irqfixup: poll every other line; 1 if one of them handled the interrupt."""

    st = _st(k)
    ok = 0
    st.irq_poll_active += 1
    if st.irq_poll_active == 1:
        st.irq_poll_cpu = k.cpu.id if k.cpu is not None else 0
        for i, desc in list(for_each_irq_desc(k)):
            if not i or i == irq:
                continue
            if try_one_irq(desc, False):
                ok = 1
    st.irq_poll_active -= 1
    return ok


def poll_spurious_irqs(timer: Any) -> None:
    """The poll timer: run the handlers of every spuriously disabled line; re-arms itself every HZ/10."""

    k = on_cpu()
    st = _st(k)
    st.irq_poll_active += 1
    if st.irq_poll_active == 1:
        st.irq_poll_cpu = cast("CPU", k.cpu).id
        for i, desc in list(for_each_irq_desc(k)):
            if not i:
                continue
            if not desc.istate & IRQS_SPURIOUS_DISABLED:
                continue
            cpu = k.cpu
            assert cpu is not None
            was = cpu.irqs_off
            cpu.irqs_off = True
            try_one_irq(desc, True)
            cpu = k.cpu
            assert cpu is not None
            cpu.irqs_off = was
    st.irq_poll_active -= 1
    st.irq_poll_cpu = -1
    mod_timer(timer, k.jiffies + k.hz // 10)


def bad_action_ret(action_ret: int) -> bool:
    """True for a return value that is not IRQ_NONE/IRQ_HANDLED/IRQ_WAKE_THREAD or their OR."""
    return not 0 <= action_ret <= (IRQ_HANDLED | IRQ_WAKE_THREAD)


def __report_bad_irq(desc: irq_desc, action_ret: int) -> None:
    kdepth = push("__report_bad_irq") if KSTACK else 0
    k = desc.k
    irq = desc.irq_data.irq
    if action_ret & (1 << 32):
        # A Python handler returned a non-integer (irqreturn() in handle.py): show what it returned.
        vprintk(k, KERN_ERR + "irq event %d: bogus return value %s\n", (irq, _st(k).last_bogus_ret))
    elif bad_action_ret(action_ret):
        vprintk(k, KERN_ERR + "irq event %d: bogus return value %x\n", (irq, action_ret))
    else:
        vprintk(k, KERN_ERR + "irq %d: nobody cared (try booting with the \"irqpoll\" option)\n", (irq,))
    k.bugs._emit(KERN_DEFAULT, "\n".join(k.bugs.dump_stack_lines(k.bugs.stack(1))))  # from this function
    vprintk(k, KERN_ERR + "handlers:\n", ())
    action = desc.action
    while action is not None:
        vprintk(k, KERN_ERR + "[<%p>] %ps", (action.handler, action.handler))
        if action.thread_fn is not None:
            vprintk(k, KERN_CONT + " threaded [<%p>] %ps", (action.thread_fn, action.thread_fn))
        vprintk(k, KERN_CONT + "\n", ())
        action = action.next
    if KSTACK:
        pop(kdepth)


def report_bad_irq(desc: irq_desc, action_ret: int) -> None:
    """At most 100 bogus-return-value reports system-wide."""
    st = _st(desc.k)
    if st.bad_irq_reports > 0:
        st.bad_irq_reports -= 1
        __report_bad_irq(desc, action_ret)


def try_misrouted_irq(st: Any, irq: int, desc: irq_desc, action_ret: int) -> bool:
    if not st.irqfixup:
        return False
    if action_ret == IRQ_NONE:
        return True
    if st.irqfixup < 2:
        return False
    if not irq:
        return True
    action = desc.action
    return action is not None and bool(action.flags & IRQF_IRQPOLL)


def note_interrupt(desc: irq_desc, action_ret: int) -> None:
    """Account one hard interrupt of ``desc`` with the OR of its handlers' results. Hardirq."""
    kdepth = push("note_interrupt") if KSTACK else 0
    if desc.istate & _POLLED or desc.status_use_accessors & IRQ_IS_POLLED:
        if KSTACK:
            pop(kdepth)
        return
    if not 0 <= action_ret <= 3:
        report_bad_irq(desc, action_ret)
        if KSTACK:
            pop(kdepth)
        return
    if action_ret & IRQ_WAKE_THREAD:
        if action_ret == IRQ_WAKE_THREAD:
            if not desc.threads_handled_last & SPURIOUS_DEFERRED:
                desc.threads_handled_last |= SPURIOUS_DEFERRED
                if KSTACK:
                    pop(kdepth)
                return
            handled = (desc.threads_handled & 0xFFFFFFFF) | SPURIOUS_DEFERRED
            if handled != desc.threads_handled_last:
                action_ret = IRQ_HANDLED
                desc.threads_handled_last = handled
            else:
                action_ret = IRQ_NONE
        else:
            desc.threads_handled_last &= ~SPURIOUS_DEFERRED
    k = desc.k
    if action_ret == IRQ_NONE:
        j = k.jiffies
        if j - desc.last_unhandled > k.hz // 10:  # time_after(jiffies, last_unhandled + HZ/10)
            desc.irqs_unhandled = 1
        else:
            desc.irqs_unhandled += 1
        desc.last_unhandled = j
    st = k.subsys["irq"]
    if st.irqfixup:
        irq = desc.irq_data.irq
        if try_misrouted_irq(st, irq, desc, action_ret):
            ok = misrouted_irq(k, irq)
            if action_ret == IRQ_NONE:
                desc.irqs_unhandled -= ok
    desc.irq_count += 1
    if desc.irq_count < 100000:
        if KSTACK:
            pop(kdepth)
        return
    desc.irq_count = 0
    if desc.irqs_unhandled > 99900:
        _disable_stuck_irq(k, st, desc, action_ret)
    desc.irqs_unhandled = 0
    if KSTACK:
        pop(kdepth)


def _disable_stuck_irq(k: Kernel, st: Any, desc: irq_desc, action_ret: int) -> None:
    """note_interrupt()'s verdict on a stuck line (99,900 of its last 100,000 interrupts unhandled): report it,
    disable it ("Disabling IRQ #N") and start the poll timer (poll_spurious_irqs) that runs the handlers of
    every spuriously disabled line each HZ/10. Hardirq."""

    __report_bad_irq(desc, action_ret)
    vprintk(k, KERN_EMERG + "Disabling IRQ #%d\n", (desc.irq_data.irq,))
    desc.istate |= IRQS_SPURIOUS_DISABLED
    desc.depth += 1
    irq_disable(desc)
    if st.poll_timer is None:
        st.poll_timer = timer_list(poll_spurious_irqs)
    mod_timer(st.poll_timer, k.jiffies + k.hz // 10)


def spurious_boot_params(k: Kernel) -> None:
    """__setup("noirqdebug"), __setup("irqfixup"), __setup("irqpoll"): boot messages and the irqfixup level."""

    st = _st(k)
    if "noirqdebug" in k.boot_params:
        k.pr(KERN_INFO, "IRQ lockup detection disabled")
    if "irqfixup" in k.boot_params:
        if k.preempt_rt:
            k.pr(KERN_WARNING, "irqfixup boot option not supported with PREEMPT_RT")
        else:
            st.irqfixup = 1
            k.pr(KERN_WARNING, "Misrouted IRQ fixup support enabled.")
            k.pr(KERN_WARNING, "This may impact system performance.")
    if "irqpoll" in k.boot_params:
        if k.preempt_rt:
            k.pr(KERN_WARNING, "irqpoll boot option not supported with PREEMPT_RT")
        else:
            st.irqfixup = 2
            k.pr(KERN_WARNING, "Misrouted IRQ fixup and polling support enabled")
            k.pr(KERN_WARNING, "This may significantly impact system performance")


__all__: list[str] = []
