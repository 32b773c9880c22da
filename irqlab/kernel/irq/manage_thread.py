"""Mirrors the IRQ-thread part of kernel/irq/manage.c: irq_thread(), oneshot finalisation, forced threading.

One kernel thread per action, "irq/%d-%s" (the forced secondary: "irq/%d-s-%s"), SCHED_FIFO 50. Wakes
before the thread runs collapse into one run (IRQTF_RUNTHREAD). The thread follows the line's effective
affinity: it moves itself when IRQTF_AFFINITY is set (at creation and after every affinity change).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, cast

from greenlet import GreenletExit

from irqlab.kernel.core import kernel, on_cpu
from irqlab.kernel.cpu import burn
from irqlab.kernel.irq.chip import unmask_threaded_irq
from irqlab.kernel.irq.handle import __irq_wake_thread, irqreturn
from irqlab.kernel.irq.internals import chip_bus_lock, chip_bus_sync_unlock, desc_lock_irqsave, desc_unlock_irqrestore
from irqlab.kernel.irq.irqdesc import irq_to_desc
from irqlab.kernel.irq.types import (
    IRQ_HANDLED,
    IRQ_NONE,
    IRQ_WAKE_THREAD,
    IRQD_IRQ_DISABLED,
    IRQD_IRQ_INPROGRESS,
    IRQD_IRQ_MASKED,
    IRQF_NO_THREAD,
    IRQF_ONESHOT,
    IRQF_PERCPU,
    IRQS_ONESHOT,
    IRQTF_AFFINITY,
    IRQTF_FORCED_THREAD,
    IRQTF_READY,
    irq_desc,
    irq_settings_is_per_cpu_devid,
    irqaction,
)
from irqlab.kernel.kthread import kthread_stop
from irqlab.kernel.preempt import local_irq_disable, local_irq_enable
from irqlab.kernel.printk import KERN_ERR, vprintk
from irqlab.kernel.sched.completion import wait_for_completion
from irqlab.kernel.sched.core import SCHED_FIFO, TASK_INTERRUPTIBLE, TASK_RUNNING
from irqlab.kernel.sched.wait import wait_event, wake_up
from irqlab.kernel.softirq import local_bh_disable, local_bh_enable
from irqlab.kernel.stacktrace import ENABLED as KSTACK
from irqlab.kernel.stacktrace import pop, push, unwind

if TYPE_CHECKING:
    from irqlab.kernel.cpu import CPU
    from irqlab.kernel.kernel import Kernel
    from irqlab.kernel.sched.core import Task

_RUNTHREAD: Final = 1  # 1 << IRQTF_RUNTHREAD
_AFFINITY: Final = 1 << IRQTF_AFFINITY
TASK_NEW: Final = 0x0800


# kernel/irq/manage.c's WARN helper and the two handlers forced threading installs; manage.py imports
# them from here (it builds on this module).
def _warn(k: Kernel, line: int, fmt: str | None, *args: Any, once: bool = False) -> bool:
    """WARN()/WARN_ON() at kernel/irq/manage.c:<line>; returns True (a KERN_ level prefix is printk's)."""
    while fmt is not None and len(fmt) >= 2 and fmt[0] == "\x01":
        fmt = fmt[2:]
    msg = k.format(fmt, args) if fmt is not None else None
    # skip=1: this helper is never in a call trace (stacktrace.SHADOWED), so only warn() itself is skipped.
    return k.bugs.warn("kernel/irq/manage.c", line, msg, once_key=("manage.c", line) if once else None, skip=1)


def irq_default_primary_handler(irq: int, dev_id: Any) -> int:
    """The primary handler of a threaded IRQ requested with handler=None: wake the thread."""
    return IRQ_WAKE_THREAD


def irq_forced_secondary_handler(irq: int, dev_id: Any) -> int:
    k = kernel()
    _warn(k, 1128, "Secondary action handler called for irq %d\n", irq)

    return IRQ_NONE


def irq_setup_forced_threading(k: Kernel, new: irqaction) -> int:
    """threadirqs / PREEMPT_RT: move the primary handler into a thread (and the thread_fn into a secondary)."""
    if not k.force_irqthreads:
        return 0
    if new.flags & (IRQF_NO_THREAD | IRQF_PERCPU | IRQF_ONESHOT):
        return 0
    if new.handler is irq_default_primary_handler:
        return 0
    new.flags |= IRQF_ONESHOT
    if new.handler is not None and new.thread_fn is not None:
        sec = irqaction(irq_forced_secondary_handler, new.thread_fn, 0, new.name, new.dev_id)
        sec.irq = new.irq
        new.secondary = sec
    new.thread_flags |= 1 << IRQTF_FORCED_THREAD
    new.thread_fn = new.handler
    new.handler = irq_default_primary_handler
    return 0


def setup_irq_thread(k: Kernel, new: irqaction, irq: int, secondary: bool) -> None:
    """Create the (stopped) thread of ``new``: "irq/%d-%s", or "irq/%d-s-%s" for a forced secondary."""
    name = f"irq/{irq}-s-{new.name}" if secondary else f"irq/{irq}-{new.name}"
    t = k.create_task(irq_thread, (new,), name)
    t.data["irq_action"] = new
    k.sched.setscheduler(t, SCHED_FIFO, 50)
    new.thread = t
    new.thread_flags |= 1 << IRQTF_AFFINITY


def wake_up_and_wait_for_irq_thread_ready(desc: irq_desc, action: irqaction | None) -> None:
    """Start the new thread and, from a task, wait until it runs (IRQTF_READY)."""
    if action is None or action.thread is None:
        return
    k = desc.k
    t = action.thread
    if t.raw_state & TASK_NEW:
        k.sched.wake_up_new_task(t)
    else:
        k.sched.try_to_wake_up(t)
    cpu = k.cpu
    if cpu is None or cpu.preempt_count or cpu.irqs_off or cpu.curr is cpu.idle:
        return

    k.sched.preempt_check_local()
    wait_event(desc.wait_for_threads, lambda: action.thread_flags >> IRQTF_READY & 1)


def _kthread_stop(k: Kernel, t: Task) -> None:
    if t.state.value == "dead":
        return
    if t.raw_state & TASK_NEW:
        t.should_stop = True
        k.sched.wake_up_new_task(t)
        if k.cpu is not None and k.cpu.curr is not k.cpu.idle:
            wait_for_completion(t.exited)
        return
    if k.cpu is None or k.cpu.curr is k.cpu.idle:
        t.should_stop = True
        k.sched.try_to_wake_up(t)
        return
    kthread_stop(t)


def stop_action_threads(action: irqaction) -> None:
    """kthread_stop() the thread (and the forced secondary thread) of ``action``."""
    k = kernel()
    if action.thread is not None:
        t = action.thread
        _kthread_stop(k, t)
        sec = action.secondary
        if sec is not None and sec.thread is not None:
            _kthread_stop(k, sec.thread)


def wake_threads_waitq(desc: irq_desc) -> None:
    """A thread run finished: wake synchronize_irq() waiters when no thread is active any more."""
    desc.threads_active -= 1
    if not desc.threads_active:
        if desc.wait_for_threads.head:
            wake_up(desc.wait_for_threads)


def irq_finalize_oneshot(k: Kernel, desc: irq_desc, action: irqaction) -> None:
    """A ONESHOT thread finished: unmask the line once no thread of it is pending and it is not disabled."""
    if not desc.istate & IRQS_ONESHOT or action.handler is irq_forced_secondary_handler:
        return
    common = desc.irq_common_data
    while True:
        chip_bus_lock(desc)
        flags = desc_lock_irqsave(k, desc)
        if not common.state_use_accessors & IRQD_IRQ_INPROGRESS:
            break
        desc_unlock_irqrestore(k, desc, flags)
        chip_bus_sync_unlock(desc)

        burn(k, 100, True)
    if not action.thread_flags & _RUNTHREAD:
        desc.threads_oneshot &= ~action.thread_mask
        st = common.state_use_accessors
        if not desc.threads_oneshot and not st & IRQD_IRQ_DISABLED and st & IRQD_IRQ_MASKED:
            unmask_threaded_irq(desc)
    desc_unlock_irqrestore(k, desc, flags)
    chip_bus_sync_unlock(desc)


def irq_thread_check_affinity(k: Kernel, t: Task, desc: irq_desc, action: irqaction) -> None:
    """Move the thread to the line's effective affinity if it changed (IRQTF_AFFINITY)."""
    bit = 1 << IRQTF_AFFINITY
    if not action.thread_flags & bit:
        return
    action.thread_flags &= ~bit
    t.raw_state = TASK_RUNNING
    mask = desc.irq_common_data.effective_affinity
    if mask and not k.sched.set_cpus_allowed(t, mask):
        cpu = k.cpu
        if cpu is not None and not mask >> cpu.id & 1:
            # set_cpus_allowed_ptr() on current migrates it before returning (affine_move_task()).
            k.sched.preempt_schedule()


def irq_wait_for_interrupt(k: Kernel, t: Task, desc: irq_desc, action: irqaction) -> int:
    """Sleep until IRQTF_RUNTHREAD is set (0) or the thread is stopped (-1; after one last pending run)."""
    while True:
        t.raw_state = TASK_INTERRUPTIBLE
        if action.thread_flags & _AFFINITY:
            irq_thread_check_affinity(k, t, desc, action)
        if t.should_stop:
            if action.thread_flags & _RUNTHREAD:
                action.thread_flags &= ~_RUNTHREAD
                t.raw_state = TASK_RUNNING
                return 0
            t.raw_state = TASK_RUNNING
            return -1
        if action.thread_flags & _RUNTHREAD:
            action.thread_flags &= ~_RUNTHREAD
            t.raw_state = TASK_RUNNING
            return 0
        t.wait_desc = "irq_thread"
        k.sched.schedule()


def irq_thread_fn(k: Kernel, desc: irq_desc, action: irqaction) -> int:
    """Run the thread function; IRQ_HANDLED bumps threads_handled (spurious detection), then finalize."""
    kdepth = push("irq_thread_fn") if KSTACK else 0
    ret = _call_thread_fn(k, action)
    if ret == IRQ_HANDLED:
        desc.threads_handled += 1
    if desc.istate & IRQS_ONESHOT:
        irq_finalize_oneshot(k, desc, action)
    if KSTACK:
        pop(kdepth)
    return ret


def irq_forced_thread_fn(k: Kernel, desc: irq_desc, action: irqaction) -> int:
    """A force-threaded primary handler runs with BHs (and, on !RT, interrupts) disabled."""
    kdepth = push("irq_forced_thread_fn") if KSTACK else 0
    local_bh_disable()
    if not k.preempt_rt:
        local_irq_disable()
    ret = _call_thread_fn(k, action)
    if ret == IRQ_HANDLED:
        desc.threads_handled += 1
    irq_finalize_oneshot(k, desc, action)
    if not k.preempt_rt:
        local_irq_enable()
    local_bh_enable()
    if KSTACK:
        pop(kdepth)
    return ret


def _call_thread_fn(k: Kernel, action: irqaction) -> int:
    cpu = k.cpu
    assert cpu is not None
    tp = k.tp.irq_thread_entry
    if tp.on:
        tp.emit(cpu.id, irq=action.irq, name=action.name)
    # irq_thread_fn() only compares the result with IRQ_HANDLED and IRQ_WAKE_THREAD: any other value,
    # integer or not, is simply neither.
    ret = action.thread_fn(action.irq, action.dev_id)  # type: ignore[misc]
    if type(ret) is not int or ret < 0:
        ret = irqreturn(k, ret)
    tp = k.tp.irq_thread_exit
    if tp.on:
        tp.emit(cast("CPU", k.cpu).id, irq=action.irq, name=action.name, ret="handled" if ret else "unhandled")
    return ret


def irq_wake_secondary(k: Kernel, desc: irq_desc, action: irqaction) -> None:
    sec = action.secondary
    if sec is None:
        k.bugs.warn("kernel/irq/manage.c", 1283, None, once_key=("manage.c", 1283))
        return
    flags = desc_lock_irqsave(k, desc)
    __irq_wake_thread(desc, sec)
    desc_unlock_irqrestore(k, desc, flags)


def irq_thread(action: irqaction) -> int:
    """The body of "irq/%d-%s": wait for a wake, run the thread function, repeat until stopped."""
    kdepth = push("irq_thread") if KSTACK else 0
    k = on_cpu()
    t = cast("CPU", k.cpu).curr
    desc = irq_to_desc(action.irq)
    assert desc is not None
    action.thread_flags |= 1 << IRQTF_READY
    wake_up(desc.wait_for_threads)
    forced = k.force_irqthreads and action.thread_flags >> IRQTF_FORCED_THREAD & 1
    handler_fn = irq_forced_thread_fn if forced else irq_thread_fn
    try:
        while not irq_wait_for_interrupt(k, t, desc, action):
            ret = handler_fn(k, desc, action)
            if ret == IRQ_WAKE_THREAD:
                irq_wake_secondary(k, desc, action)
            # wake_threads_waitq(), inlined.
            desc.threads_active -= 1
            if not desc.threads_active and desc.wait_for_threads.head:
                wake_up(desc.wait_for_threads)
    except GreenletExit:
        raise
    except BaseException as exc:  # noqa: BLE001 - the thread oopses and exits, as do_exit() would
        if KSTACK:
            unwind(kdepth, exc, own=True)
        k.fault(exc, "process")
        irq_thread_dtor(k, t, desc, action)
    if KSTACK:
        pop(kdepth)
    return 0


def irq_thread_dtor(k: Kernel, t: Task, desc: irq_desc, action: irqaction) -> None:
    """An IRQ thread died: report it, drop its pending run, release its oneshot bit."""
    cpu = k.cpu
    if cpu is not None:
        cpu.preempt_count = 0
        cpu.irqs_off = False
    t.flags |= 0x4  # PF_EXITING
    vprintk(k, KERN_ERR + "genirq: exiting task \"%s\" (%d) is an active IRQ thread (irq %d)\n",
            (t.comm, t.pid, action.irq))  # fmt: skip
    if action.thread_flags & _RUNTHREAD:
        action.thread_flags &= ~_RUNTHREAD
        wake_threads_waitq(desc)
    irq_finalize_oneshot(k, desc, action)


def irq_wake_thread(irq: int, dev_id: object) -> None:
    """Wake the thread of the action of ``irq`` identified by ``dev_id``."""
    desc = irq_to_desc(irq)
    if desc is None:
        return
    k = desc.k
    if irq_settings_is_per_cpu_devid(desc):
        k.bugs.warn("kernel/irq/manage.c", 1372, None)
        return
    flags = desc_lock_irqsave(k, desc)
    action = desc.action
    while action is not None:
        if action.dev_id is dev_id or action.dev_id == dev_id:
            if action.thread is not None:
                __irq_wake_thread(desc, action)
            break
        action = action.next
    desc_unlock_irqrestore(k, desc, flags)


__all__ = ["irq_wake_thread"]
