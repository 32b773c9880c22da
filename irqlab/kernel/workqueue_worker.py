"""Mirrors kernel/workqueue.c (6.12): executing work items, kworker threads, the manager, rescuers, BH workers.

A kworker leaves the idle list when woken; if it was the last idle worker it first turns
manager and creates another (retrying every CREATE_COOLDOWN and calling for rescuers after
MAYDAY_INITIAL_TIMEOUT when creation fails), then takes items from the pool's worklist
while ``keep_working()``. ``process_one_work()`` clears PENDING before calling the
function, so the item can be queued again while it runs. A BH pool's pseudo worker runs
the same loop from TASKLET_SOFTIRQ / HI_SOFTIRQ with the softirq's time and restart limits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from irqlab.kernel.core import on_cpu
from irqlab.kernel.printk import KERN_DEFAULT, KERN_ERR, vprintk
from irqlab.kernel.sched.core import SCHED_NORMAL, TASK_IDLE, TASK_RUNNING
from irqlab.kernel.sched.current import cond_resched
from irqlab.kernel.stacktrace import ENABLED as KSTACK
from irqlab.kernel.stacktrace import pop, push, unwind
from irqlab.kernel.time.timer import mod_timer, schedule_timeout_interruptible, timer_delete_sync
from irqlab.kernel.workqueue_pool import (
    _SCHED_HOOKS,
    BH_WORKER_RESTARTS,
    PF_WQ_WORKER,
    POOL_BH,
    POOL_DISASSOCIATED,
    POOL_MANAGER_ACTIVE,
    RESCUER_NICE_LEVEL,
    WORKER_CPU_INTENSIVE,
    WORKER_DIE,
    WORKER_PREP,
    WORKER_REBOUND,
    WORKER_UNBOUND,
    WQ_CPU_INTENSIVE,
    WqState,
    _register_comm,
    assign_work,
    create_worker,
    format_worker_id,
    keep_working,
    kick_pool,
    mayday_initial_timeout,
    need_more_worker,
    need_to_create_worker,
    worker,
    worker_clr_flags,
    worker_enter_idle,
    worker_leave_idle,
    worker_pool,
    worker_set_flags,
)
from irqlab.kernel.workqueue_queue import pwq_dec_nr_in_flight

if TYPE_CHECKING:
    from irqlab.kernel.cpu import CPU
    from irqlab.kernel.kernel import Kernel
    from irqlab.kernel.sched.core import Task


# -- manager ----------------------------------------------------------------------------------------


def maybe_create_worker(pool: worker_pool) -> None:
    """Create a worker, retrying every CREATE_COOLDOWN; call for help after MAYDAY_INITIAL_TIMEOUT. May sleep."""
    k = pool.st.k
    while True:
        mod_timer(pool.mayday_timer, k.jiffies + mayday_initial_timeout(k.hz))
        while True:
            if create_worker(pool) is not None or not need_to_create_worker(pool):
                break
            schedule_timeout_interruptible(k.hz)  # CREATE_COOLDOWN
            if not need_to_create_worker(pool):
                break
        timer_delete_sync(pool.mayday_timer)
        if not need_to_create_worker(pool):
            return


def manage_workers(w: worker) -> bool:
    """Become the pool's manager and make sure an idle worker exists; False if another manages. May sleep."""
    pool = w.pool
    assert pool is not None
    if pool.flags & POOL_MANAGER_ACTIVE:
        return False
    pool.flags |= POOL_MANAGER_ACTIVE
    pool.manager = w
    maybe_create_worker(pool)
    pool.manager = None
    pool.flags &= ~POOL_MANAGER_ACTIVE
    return True


# -- executing work items ----------------------------------------------------------------------------


def process_one_work(w: worker, work: Any) -> None:
    """Run one work item: claim it, clear PENDING, call its function, account its completion."""
    kdepth = push("process_one_work") if KSTACK else 0
    pool = w.pool
    assert pool is not None
    k = pool.st.k
    pwq = work.pwq
    cpu = k.cpu
    assert cpu is not None
    if not pool.flags & POOL_DISASSOCIATED and cpu.id != pool.cpu:
        k.bugs.warn("kernel/workqueue.c", 3178, None, once_key="process_one_work_cpu", skip=1)
    pool.busy_hash[work] = w
    func = work.func
    w.current_work = work
    w.current_func = func
    w.current_pwq = pwq
    task = w.task
    if task is not None:
        k.sched.update_curr(cpu)
        w.current_at = task.sum_exec_runtime
    w.current_start = k.jiffies
    color = work.color
    inactive = work.inactive
    w.current_color = color
    w.desc = pwq.wq.name
    if w.scheduled[0] is work:
        w.scheduled.popleft()
    else:
        w.scheduled.remove(work)
    work._list = None
    if pwq.wq.flags & WQ_CPU_INTENSIVE:
        worker_set_flags(w, WORKER_CPU_INTENSIVE)
    if pool.worklist and not pool.nr_running and pool.idle_list:  # kick_pool()'s test, inlined
        kick_pool(pool)
    # set_work_pool_and_clear_pending(): PENDING is cleared before the function runs.
    work.pending = False
    work.pwq = None
    work.inactive = False
    work.linked = False
    work.offq_pool = pool
    work.offq_bh = pool.flags & POOL_BH != 0
    pc = cpu.preempt_count
    held = task.data.get("held") if task is not None else None
    depth = len(held) if held else 0
    tp = k.tp.workqueue_execute_start
    if tp.on:
        tp.emit(cpu.id, work=k.ptr(work), function=k.symbol(func, False))
    if task is None:
        # SIMPLIFICATION: an oops in a BH work item unwinds that item only.
        try:
            func(work)
        except BaseException as exc:  # noqa: BLE001 - a BH work item's fault becomes an oops
            if KSTACK:
                unwind(kdepth, exc, own=True)
            k.fault(exc, "softirq")
            cast("CPU", k.cpu).preempt_count = pc
            cast("CPU", k.cpu).irqs_off = False
    else:
        func(work)
    cpu = k.cpu
    assert cpu is not None
    tp = k.tp.workqueue_execute_end
    if tp.on:
        tp.emit(cpu.id, work=k.ptr(work), function=k.symbol(func, False))
    if task is not None:
        held = task.data.get("held")
        ndepth = len(held) if held else 0
        if cpu.preempt_count or ndepth != depth:
            _leak_report(k, task, cpu.preempt_count, depth, ndepth, func)

        if not k.preempt_full:  # cond_resched() is a no-op under full preemption
            cond_resched()
    if w.flags & WORKER_CPU_INTENSIVE:
        worker_clr_flags(w, WORKER_CPU_INTENSIVE)
    w.last_func = func
    if pool.busy_hash.get(work) is w:
        del pool.busy_hash[work]
    w.current_work = None
    w.current_func = None
    w.current_pwq = None
    w.current_color = 0x7FFFFFFF
    pwq_dec_nr_in_flight(pwq, color, inactive)
    if KSTACK:
        pop(kdepth)


def _leak_report(k: Kernel, task: Task, pc: int, d0: int, d1: int, func: Any) -> None:
    vprintk(k, KERN_ERR + "BUG: workqueue leaked atomic, lock or RCU: %s[%d]\n     preempt=0x%08x lock=%d->%d "
            "RCU=%d->%d workfn=%ps\n", (task.comm, task.pid, pc, d0, d1, 0, 0, func))  # fmt: skip
    lines = k.bugs.debug_show_held_locks(task) + k.bugs.dump_stack_lines(k.bugs.stack(3))
    vprintk(k, KERN_DEFAULT + "%s\n", ("\n".join(lines),))


def process_scheduled_works(w: worker) -> None:
    """Run the worker's scheduled list (the item and the barriers linked to it)."""
    kdepth = push("process_scheduled_works") if KSTACK else 0
    first = True
    while w.scheduled:
        if first:
            w.pool.watchdog_ts = w.pool.st.k.jiffies  # type: ignore[union-attr]
            first = False
        process_one_work(w, w.scheduled[0])
    if KSTACK:
        pop(kdepth)


def worker_thread(w: worker) -> int:
    """The kworker thread: process the pool's work while concurrency management wants it. May sleep."""
    kdepth = push("worker_thread") if KSTACK else 0
    k = on_cpu()
    task = cast("CPU", k.cpu).curr
    task.flags |= PF_WQ_WORKER
    task.sched_hooks = _SCHED_HOOKS
    pool = w.pool
    assert pool is not None
    while True:
        if w.flags & WORKER_DIE:
            task.flags &= ~PF_WQ_WORKER
            task.sched_hooks = None
            w.pool = None
            pool.ids.discard(w.id)
            fs = k.subsys.get("fs")
            if fs is not None:
                fs.unregister(f"/proc/{task.pid}/comm")
            if KSTACK:
                pop(kdepth)
            return 0
        worker_leave_idle(w)
        # need_more_worker(), may_start_working() and keep_working(), inlined.
        while pool.worklist and not pool.nr_running:
            if pool.nr_idle <= 0 and manage_workers(w):
                continue
            worker_clr_flags(w, WORKER_PREP | WORKER_REBOUND)
            while True:
                if assign_work(pool.worklist[0], w):
                    process_scheduled_works(w)
                if not pool.worklist or pool.nr_running > 1:
                    break
            worker_set_flags(w, WORKER_PREP)
            break
        worker_enter_idle(w)
        task.raw_state = TASK_IDLE
        task.wait_desc = "worker_thread"
        k.sched.schedule()


# -- rescuer ------------------------------------------------------------------------------------------


def worker_attach_to_pool(w: worker, pool: worker_pool) -> None:
    """Attach the rescuer to ``pool`` and move it onto the pool's CPUs now."""
    k = pool.st.k
    if pool.flags & POOL_DISASSOCIATED:
        w.flags |= WORKER_UNBOUND
    _move_self(k, pool.cpumask)
    pool.workers.append(w)
    w.pool = pool


def worker_detach_from_pool(w: worker) -> None:
    """Detach the rescuer and move it back to the unbound CPUs."""
    pool = w.pool
    assert pool is not None
    k = pool.st.k
    pool.workers.remove(w)
    w.pool = None
    w.flags &= ~(WORKER_UNBOUND | WORKER_REBOUND)
    _move_self(k, pool.st.unbound_cpumask)


def _move_self(k: Kernel, mask: int) -> None:
    """set_cpus_allowed_ptr(current): migrate at once if the current CPU is no longer allowed."""
    cpu = k.cpu
    assert cpu is not None
    task = cpu.curr
    k.sched.set_cpus_allowed(task, mask)
    if not mask >> cpu.id & 1:
        k.sched.preempt_schedule()


def rescuer_thread(rescuer: worker) -> int:
    """kworker/R-<wq>: run the work of pools that called mayday for this workqueue. May sleep."""
    kdepth = push("rescuer_thread") if KSTACK else 0
    k = on_cpu()
    task = cast("CPU", k.cpu).curr
    task.flags |= PF_WQ_WORKER
    task.sched_hooks = _SCHED_HOOKS
    wq = rescuer.rescue_wq
    while True:
        task.raw_state = TASK_IDLE
        task.wait_desc = "rescuer_thread"
        should_stop = task.should_stop
        while wq.maydays:
            pwq = wq.maydays.pop(0)
            pwq.mayday_node = False
            task.raw_state = TASK_RUNNING
            pool = pwq.pool
            worker_attach_to_pool(rescuer, pool)
            for work in list(pool.worklist):
                if work._list is pool.worklist and work.pwq is pwq:
                    assign_work(work, rescuer)
            if rescuer.scheduled:
                process_scheduled_works(rescuer)
                if pwq.nr_active and need_to_create_worker(pool) and wq.rescuer is not None and not pwq.mayday_node:
                    pwq.refcnt += 1
                    pwq.mayday_node = True
                    wq.maydays.append(pwq)
            pwq.refcnt -= 1
            kick_pool(pool)
            worker_detach_from_pool(rescuer)
        if should_stop:
            task.raw_state = TASK_RUNNING
            task.flags &= ~PF_WQ_WORKER
            task.sched_hooks = None
            fs = k.subsys.get("fs")
            if fs is not None:
                fs.unregister(f"/proc/{task.pid}/comm")
            if KSTACK:
                pop(kdepth)
            return 0
        k.sched.schedule()


def init_rescuer(wq: Any) -> None:
    """Create the WQ_MEM_RECLAIM rescuer "kworker/R-<name>" (nice -20, on the unbound CPUs)."""
    st: WqState = wq.st
    k = st.k
    r = worker()
    r.rescue_wq = wq
    t = k.create_task(rescuer_thread, (r,), format_worker_id(r, None))
    k.sched.setscheduler(t, SCHED_NORMAL, 0, RESCUER_NICE_LEVEL)
    t.cpus_allowed = st.unbound_cpumask
    t.data["wq_worker"] = r
    r.task = t
    wq.rescuer = r
    k.sched.wake_up_new_task(t)
    _register_comm(k, r)


# -- BH pools -----------------------------------------------------------------------------------------


def bh_worker(w: worker) -> None:
    """Run a BH pool's work in softirq context: at most 10 restarts and BH_WORKER_JIFFIES."""
    pool = w.pool
    assert pool is not None
    k = pool.st.k
    nr_restarts = BH_WORKER_RESTARTS
    end = k.jiffies + k.max_softirq_time  # BH_WORKER_JIFFIES = msecs_to_jiffies(2)
    worker_leave_idle(w)
    if need_more_worker(pool):
        worker_clr_flags(w, WORKER_PREP | WORKER_REBOUND)
        while True:
            if assign_work(pool.worklist[0], w):
                process_scheduled_works(w)
            nr_restarts -= 1
            if not (keep_working(pool) and nr_restarts and k.jiffies < end):
                break
        worker_set_flags(w, WORKER_PREP)
    worker_enter_idle(w)
    kick_pool(pool)


def workqueue_softirq_action(k: Kernel, highpri: bool) -> None:
    """Called first by tasklet_action() / tasklet_hi_action(): run this CPU's BH pool."""
    cpu = k.cpu
    assert cpu is not None
    pool = k.subsys["workqueue"].bh_pools[cpu.id][1 if highpri else 0]
    if need_more_worker(pool):
        bh_worker(pool.workers[0])
