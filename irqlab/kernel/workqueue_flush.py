"""Mirrors kernel/workqueue.c (6.12): grabbing PENDING, cancelling, flushing and draining.

``cancel_*()`` steal a pending item and return whether it was pending; the ``_sync``
forms also wait for a running instance (busy-waiting for BH items). ``flush_work()``
queues a barrier behind the last queueing of the item (or at the head of the worker
running it) and waits for it; ``flush_workqueue()`` waits for every item queued before
the call (flush colours), ``drain_workqueue()`` until the queue is empty.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from irqlab.kernel.core import on_cpu
from irqlab.kernel.cpu import HARDIRQ_MASK, burn, cpu_spin, spin_skip
from irqlab.kernel.printk import KERN_WARNING, vprintk
from irqlab.kernel.sched.completion import completion, wait_for_completion
from irqlab.kernel.sched.current import might_sleep_at
from irqlab.kernel.time.timer import timer_delete, timer_delete_sync
from irqlab.kernel.workqueue_pool import (
    __WQ_DRAINING,
    __WQ_LEGACY,
    WORK_CPU_UNBOUND,
    WQ_MEM_RECLAIM,
    find_worker_executing_work,
    move_linked_works,
    state,
)
from irqlab.kernel.workqueue_queue import (
    __queue_delayed_work,
    __queue_work,
    _clear_pending_if_disabled,
    _get_work_pool,
    _insert_work,
    _wq,
    check_work_cpu,
    current_wq_worker,
    delayed_work,
    pool_workqueue,
    pwq_dec_nr_in_flight,
    pwq_is_empty,
    system_wq,
    to_delayed_work,
    work_struct,
    workqueue_struct,
    wq_barrier,
)

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel

WORK_CANCEL_DELAYED = 1 << 0
WORK_CANCEL_DISABLE = 1 << 1
WORK_OFFQ_DISABLE_MAX = (1 << 16) - 1

# 6.12 kernel/workqueue.c line numbers of the checks below (approximate).
_L_FLUSH_SLEEP = 4228
_L_FLUSH_ONLINE = 4178
_L_CANCEL_SLEEP = 4359
_L_CANCEL_HARDIRQ = 4357
_L_DISABLE = 4289
_L_FLUSH_DEP = 3707


def mod_delayed_work_on(cpu: int, wq: Any, dwork: delayed_work, delay: int) -> bool:
    """Queue ``dwork``, or re-arm its timer to ``delay``; True if it was pending, False if idle. Any context."""
    k = on_cpu()
    wq = _wq(k, wq)
    check_work_cpu(k, cpu, "mod_delayed_work_on")
    ret = _work_grab_pending(k, dwork.work, WORK_CANCEL_DELAYED)
    if not _clear_pending_if_disabled(dwork.work):
        __queue_delayed_work(k, cpu, wq, dwork, delay)
    return bool(ret)


def mod_delayed_work(wq: Any, dwork: delayed_work, delay: int) -> bool:
    """mod_delayed_work_on(WORK_CPU_UNBOUND, ...). Any context."""
    return mod_delayed_work_on(WORK_CPU_UNBOUND, wq, dwork, delay)


# -- grabbing PENDING, cancelling ---------------------------------------------------------------------


def _try_to_grab_pending(k: Kernel, work: work_struct, cflags: int) -> int:
    """1 if ``work`` was pending and we stole it, 0 if idle (we own PENDING now), -EAGAIN to retry."""
    if cflags & WORK_CANCEL_DELAYED:
        if timer_delete(to_delayed_work(work).timer):
            return 1
    if not work.pending:
        work.pending = True
        return 0
    pool = _get_work_pool(work)
    pwq = work.pwq
    if pool is not None and pwq is not None and pwq.pool is pool:
        color = work.color
        inactive = work.inactive
        if inactive:
            move_linked_works(work, pool.worklist)
        lst = work._list
        assert lst is not None
        lst.remove(work)
        work._list = None
        work.pwq = None
        work.linked = False
        work.offq_pool = pool
        pwq_dec_nr_in_flight(pwq, color, inactive)
        return 1
    return -11


def _work_grab_pending(k: Kernel, work: work_struct, cflags: int) -> int:
    while True:
        ret = _try_to_grab_pending(k, work, cflags)
        if ret >= 0:
            return ret
        spin_skip(k, 1000)  # the pending bit changes only when another context runs
        burn(k, 1000, True)  # cpu_relax() and retry


def __cancel_work(k: Kernel, work: work_struct, cflags: int) -> bool:
    ret = _work_grab_pending(k, work, cflags)
    if cflags & WORK_CANCEL_DISABLE:
        if work.disable < WORK_OFFQ_DISABLE_MAX:
            work.disable += 1
        else:
            k.bugs.warn("kernel/workqueue.c", _L_DISABLE, "workqueue: work disable count overflowed\n",
                        once_key=("wq_disable_overflow",), skip=2)  # fmt: skip
    work.pending = False
    return bool(ret)


def __cancel_work_sync(k: Kernel, work: work_struct, cflags: int) -> bool:
    ret = __cancel_work(k, work, cflags | WORK_CANCEL_DISABLE)
    cpu = k.cpu
    assert cpu is not None
    if work.offq_bh:
        if cpu.preempt_count & HARDIRQ_MASK:
            k.bugs.warn("kernel/workqueue.c", _L_CANCEL_HARDIRQ, None, once_key=("cancel_hardirq",), skip=2)
    else:
        might_sleep_at(k, "kernel/workqueue.c", _L_CANCEL_SLEEP)
    if state(k).online:
        __flush_work(k, work, True)
    if not cflags & WORK_CANCEL_DISABLE:
        enable_work(work)
    return ret


def cancel_work(work: work_struct) -> bool:
    """Take ``work`` off its queue; True if it was pending. Does not wait for a running instance. Any context."""
    k = on_cpu()
    return __cancel_work(k, work, 0)


def cancel_work_sync(work: work_struct) -> bool:
    """Cancel ``work`` and wait for a running instance; True if it was pending. May sleep (non-BH work)."""
    k = on_cpu()
    return __cancel_work_sync(k, work, 0)


def cancel_delayed_work(dwork: delayed_work) -> bool:
    """Stop the timer or dequeue ``dwork``; True if it was pending. Any context."""
    k = on_cpu()
    return __cancel_work(k, dwork.work, WORK_CANCEL_DELAYED)


def cancel_delayed_work_sync(dwork: delayed_work) -> bool:
    """cancel_work_sync() for delayed work; True if it was pending. May sleep."""
    k = on_cpu()
    return __cancel_work_sync(k, dwork.work, WORK_CANCEL_DELAYED)


def disable_work(work: work_struct) -> bool:
    """Bump the disable depth and cancel; queueing fails until enable_work(). Any context."""
    return __cancel_work(on_cpu(), work, WORK_CANCEL_DISABLE)


def disable_work_sync(work: work_struct) -> bool:
    """disable_work() and wait for a running instance. May sleep (non-BH work)."""
    return __cancel_work_sync(on_cpu(), work, WORK_CANCEL_DISABLE)


def enable_work(work: work_struct) -> bool:
    """Drop the disable depth; True when it reaches 0. Any context."""
    k = on_cpu()
    _work_grab_pending(k, work, 0)
    if work.disable > 0:
        work.disable -= 1
    else:
        k.bugs.warn("kernel/workqueue.c", _L_DISABLE + 8, "workqueue: work disable count underflowed\n",
                    once_key=("wq_disable_underflow",), skip=2)  # fmt: skip
    work.pending = False
    return not work.disable


def disable_delayed_work(dwork: delayed_work) -> bool:
    """disable_work() for delayed work (stops its timer too). Any context."""
    return __cancel_work(on_cpu(), dwork.work, WORK_CANCEL_DELAYED | WORK_CANCEL_DISABLE)


def disable_delayed_work_sync(dwork: delayed_work) -> bool:
    """disable_work_sync() for delayed work. May sleep (non-BH work)."""
    return __cancel_work_sync(on_cpu(), dwork.work, WORK_CANCEL_DELAYED | WORK_CANCEL_DISABLE)


def enable_delayed_work(dwork: delayed_work) -> bool:
    """enable_work() for delayed work. Any context."""
    return enable_work(dwork.work)


# -- flushing ----------------------------------------------------------------------------------------


def _check_flush_dependency(k: Kernel, target_wq: workqueue_struct, target_work: work_struct | None,
                            from_cancel: bool) -> None:  # fmt: skip
    if from_cancel or target_wq.flags & WQ_MEM_RECLAIM:
        return
    w = current_wq_worker(k)
    if w is not None and w.current_pwq is not None:
        cur = w.current_pwq.wq
        if cur.flags & (WQ_MEM_RECLAIM | __WQ_LEGACY) == WQ_MEM_RECLAIM:
            fn = target_work.func if target_work is not None else None
            msg = k.format("workqueue: WQ_MEM_RECLAIM %s:%ps is flushing !WQ_MEM_RECLAIM %s:%ps",
                           (cur.name, w.current_func, target_wq.name, fn))  # fmt: skip
            k.bugs.warn("kernel/workqueue.c", _L_FLUSH_DEP, msg, once_key=("flush_dep",), skip=3)


def _insert_wq_barrier(k: Kernel, pwq: pool_workqueue, target: work_struct, w: Any) -> wq_barrier:
    barr = wq_barrier(k.cpu.curr if k.cpu is not None else None)
    bw = barr.work
    bw.pending = True
    bw.inactive = True  # a barrier does not take an active slot
    if w is not None:
        lst = w.scheduled
        idx = 0
        color = w.current_color
    else:
        lst = target._list
        assert lst is not None
        idx = lst.index(target) + 1
        bw.linked = target.linked
        color = target.color
        target.linked = True
    bw.color = color
    pwq.nr_in_flight[color] = pwq.nr_in_flight.get(color, 0) + 1
    pwq.wq.inflight[color] = pwq.wq.inflight.get(color, 0) + 1
    _insert_work(pwq, bw, lst, idx)
    return barr


def _start_flush_work(k: Kernel, work: work_struct, from_cancel: bool) -> wq_barrier | None:
    pool = _get_work_pool(work)
    if pool is None:
        return None
    pwq = work.pwq
    w = None
    if pwq is not None:
        if pwq.pool is not pool:
            return None
    else:
        w = find_worker_executing_work(pool, work)
        if w is None:
            return None
        pwq = w.current_pwq
    assert pwq is not None
    _check_flush_dependency(k, pwq.wq, work, from_cancel)
    return _insert_wq_barrier(k, pwq, work, w)


def __flush_work(k: Kernel, work: work_struct, from_cancel: bool) -> bool:
    if not state(k).online:
        k.bugs.warn("kernel/workqueue.c", _L_FLUSH_ONLINE, None, skip=2)
        return False
    if work.func is None:
        k.bugs.warn("kernel/workqueue.c", _L_FLUSH_ONLINE + 3, None, skip=2)
        return False
    barr = _start_flush_work(k, work, from_cancel)
    if barr is None:
        return False
    if from_cancel and work.offq_bh and work.pwq is None:
        _spin_on_barrier(k, barr)
        return True
    wait_for_completion(barr.done)
    return True


def _spin_on_barrier(k: Kernel, barr: wq_barrier) -> None:
    """while (!try_wait_for_completion(&barr.done)) cpu_relax(): a BH work item can be busy-waited."""
    while not barr.done.done:
        barr.spinners.append(k.cpu)
        cpu_spin(k, barr)


def flush_work(work: work_struct) -> bool:
    """Wait for the last queueing of ``work`` to finish; True if it waited, False if it was idle. May sleep."""
    k = on_cpu()
    might_sleep_at(k, "kernel/workqueue.c", _L_FLUSH_SLEEP)
    return __flush_work(k, work, False)


def flush_delayed_work(dwork: delayed_work) -> bool:
    """Queue a pending ``dwork`` at once, then flush_work() it; True if it waited. May sleep."""
    k = on_cpu()
    if timer_delete_sync(dwork.timer):
        assert dwork.wq is not None
        __queue_work(k, dwork.cpu, dwork.wq, dwork.work)
    return flush_work(dwork.work)


def __flush_workqueue(wq: Any) -> None:
    """Wait until every work item queued on ``wq`` before the call has finished. May sleep."""
    k = on_cpu()
    wq = _wq(k, wq)
    if not state(k).online:
        k.bugs.warn("kernel/workqueue.c", _L_FLUSH_ONLINE - 200, None, skip=2)
        return
    might_sleep_at(k, "kernel/locking/mutex.c", 283)  # mutex_lock(&wq->mutex)
    # SIMPLIFICATION: flush colours are unbounded integers (no 16-colour overflow queue).
    color = wq.work_color
    wq.work_color += 1
    _check_flush_dependency(k, wq, None, False)
    if not any(c <= color for c in wq.inflight):
        return
    done = completion(f"flush {wq.name}")
    wq.flushers.append((color, done))
    wait_for_completion(done)


flush_workqueue = __flush_workqueue


def flush_scheduled_work() -> None:
    """__flush_workqueue(system_wq) (6.12 warns about it at build time only). May sleep."""
    __flush_workqueue(system_wq)


def drain_workqueue(wq: Any) -> None:
    """Flush ``wq`` until it is empty; meanwhile only its own work items may queue on it. May sleep."""
    k = on_cpu()
    wq = _wq(k, wq)
    if not wq.nr_drainers:
        wq.flags |= __WQ_DRAINING
    wq.nr_drainers += 1
    flush_cnt = 0
    while True:
        __flush_workqueue(wq)
        if all(pwq_is_empty(p) for p in wq.pwqs):
            break
        flush_cnt += 1
        if flush_cnt == 10 or (flush_cnt % 100 == 0 and flush_cnt <= 1000):
            vprintk(k, KERN_WARNING + "workqueue %s: %s() isn't complete after %u tries\n",
                    (wq.name, "drain_workqueue", flush_cnt))  # fmt: skip
    wq.nr_drainers -= 1
    if not wq.nr_drainers:
        wq.flags &= ~__WQ_DRAINING


__all__ = [
    "mod_delayed_work_on",
    "mod_delayed_work",
    "flush_work",
    "flush_delayed_work",
    "flush_workqueue",
    "flush_scheduled_work",
    "drain_workqueue",
    "cancel_work",
    "cancel_work_sync",
    "cancel_delayed_work",
    "cancel_delayed_work_sync",
    "disable_work",
    "disable_work_sync",
    "enable_work",
    "disable_delayed_work",
    "disable_delayed_work_sync",
    "enable_delayed_work",
]
