"""Mirrors kernel/workqueue.c and include/linux/workqueue.h (6.12): work items, pool_workqueues, queueing.

A work item is queued on its workqueue's pool_workqueue for the chosen CPU (the local
one for ``queue_work()``); queueing a pending item returns False. If the item still runs
on the pool it last used, it is queued there instead (non-reentrancy). ``max_active``
bounds the active items of a pool_workqueue (system-wide for unbound queues, through the
shared ``wq_node_nr_active``); the others wait on its inactive list in FIFO order.
Delayed work is a timer whose expiry queues the item from TIMER_SOFTIRQ.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from irqlab.kernel.container import Embeddable, container_of
from irqlab.kernel.core import kernel, on_cpu
from irqlab.kernel.cpu import HARDIRQ_MASK, NMI_MASK, SOFTIRQ_OFFSET, cpu_spin_release
from irqlab.kernel.sched.completion import complete, completion
from irqlab.kernel.time.timer import (
    TIMER_IRQSAFE,
    add_timer,
    add_timer_on,
    mod_timer,
    timer_list,
    timer_pending,
    timer_setup,
)
from irqlab.kernel.workqueue_pool import (
    __WQ_DESTROYING,
    __WQ_DRAINING,
    __WQ_ORDERED,
    HIGHPRI_NICE_LEVEL,
    PF_WQ_WORKER,
    WORK_CPU_UNBOUND,
    WQ_BH,
    WQ_DFL_MIN_ACTIVE,
    WQ_HIGHPRI,
    WQ_UNBOUND,
    WqState,
    create_worker,
    find_worker_executing_work,
    idle_cull_fn,
    idle_worker_timeout_jiffies,
    kick_pool,
    move_linked_works,
    too_many_workers,
    worker_pool,
)

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel

INT_MAX: Final = 0x7FFFFFFF

# 6.12 kernel/workqueue.c line numbers of the checks below (approximate).
_L_QUEUE_WARN: Final = 2259
_L_QUEUE_LIST: Final = 2315
_L_DWORK_WARN: Final = 2481


class work_struct(Embeddable):
    """struct work_struct: the function and the state bits kept in ``work->data``."""

    def __init__(self, func: Callable[[Any], None] | None = None) -> None:
        self.func = func
        self.pending = False  # WORK_STRUCT_PENDING
        self.pwq: pool_workqueue | None = None  # WORK_STRUCT_PWQ: queued on this pwq
        self.inactive = False  # WORK_STRUCT_INACTIVE
        self.linked = False  # WORK_STRUCT_LINKED
        self.color = 0
        self.offq_pool: worker_pool | None = None  # the pool it last ran on (off-queue data)
        self.offq_bh = False  # WORK_OFFQ_BH
        self.disable = 0  # the 16-bit disable depth
        self._list: deque[Any] | None = None  # the list ->entry is on

    def __repr__(self) -> str:
        fn = getattr(self.func, "__qualname__", self.func)
        st = "pending" if self.pending else "idle"
        return f"<work_struct {fn} {st}>"


class delayed_work(Embeddable):
    """struct delayed_work: a work item and the timer that queues it."""

    def __init__(self, func: Callable[[Any], None] | None = None) -> None:
        self.work = work_struct(func)
        object.__setattr__(self.work, "_container", (self, "work"))
        self.timer = timer_list(delayed_work_timer_fn, TIMER_IRQSAFE)
        object.__setattr__(self.timer, "_container", (self, "timer"))
        self.wq: workqueue_struct | None = None
        self.cpu = WORK_CPU_UNBOUND

    def __repr__(self) -> str:
        return f"<delayed_work {getattr(self.work.func, '__qualname__', self.work.func)}>"


class wq_barrier:
    """struct wq_barrier: the work item flush_work() queues behind its target."""

    def __init__(self, task: Any) -> None:
        self.work = work_struct(wq_barrier_func)
        self.work.barr = self  # type: ignore[attr-defined]
        self.done = completion("wq_barrier")
        self.task = task
        self.spinners: list[Any] = []


def wq_barrier_func(work: work_struct) -> None:
    """The barrier's function: complete it and release busy-waiting cancellers."""
    barr: wq_barrier = work.barr  # type: ignore[attr-defined]
    complete(barr.done)
    if barr.spinners:
        cpu_spin_release(kernel(), barr.spinners, barr)
        barr.spinners = []


class _nr_active:
    """struct wq_node_nr_active (one NUMA node): the shared max_active of an unbound queue."""

    def __init__(self, mx: int) -> None:
        self.max = mx
        self.nr = 0
        self.pending_pwqs: list[pool_workqueue] = []


class pool_workqueue:
    """struct pool_workqueue: links a workqueue to a worker pool."""

    def __init__(self, wq: workqueue_struct, pool: worker_pool) -> None:
        self.pool = pool
        self.wq = wq
        self.refcnt = 1
        self.nr_in_flight: dict[int, int] = {}
        self.plugged = False
        self.nr_active = 0
        self.inactive_works: deque[work_struct] = deque()
        self.pending_node = False
        self.mayday_node = False

    def __repr__(self) -> str:
        return f"<pool_workqueue {self.wq.name} pool={self.pool.id} active={self.nr_active}>"


class workqueue_struct:
    """struct workqueue_struct."""

    def __init__(self, st: WqState, name: str, flags: int, max_active: int) -> None:
        self.st = st
        self.name = name
        self.flags = flags
        self.max_active = max_active
        self.min_active = min(max_active, WQ_DFL_MIN_ACTIVE)
        self.saved_max_active = self.max_active
        self.saved_min_active = self.min_active
        self.pwqs: list[pool_workqueue] = []
        self.cpu_pwq: list[pool_workqueue] = []
        self.dfl_pwq: pool_workqueue | None = None
        self.nna: _nr_active | None = _nr_active(max_active) if flags & WQ_UNBOUND else None
        self.rescuer: Any = None
        self.maydays: list[pool_workqueue] = []
        self.nr_drainers = 0
        self.work_color = 0
        self.inflight: dict[int, int] = {}
        self.flushers: list[tuple[int, Any]] = []
        self.wq_dev = False
        self.destroyed = False

    def __repr__(self) -> str:
        return f"<workqueue_struct {self.name} flags={self.flags:#x} max_active={self.saved_max_active}>"


class _SystemWq:
    """A system workqueue by name (``system_wq``...): resolved in the running kernel."""

    def __init__(self, name: str) -> None:
        self._name = name

    def resolve(self, k: Kernel) -> workqueue_struct:
        wq: workqueue_struct = k.subsys["workqueue"].system[self._name]
        return wq

    def __getattr__(self, attr: str) -> Any:
        return getattr(self.resolve(kernel()), attr)

    def __repr__(self) -> str:
        return f"<system workqueue {self._name}>"


system_wq = _SystemWq("events")
system_highpri_wq = _SystemWq("events_highpri")
system_long_wq = _SystemWq("events_long")
system_unbound_wq = _SystemWq("events_unbound")
system_freezable_wq = _SystemWq("events_freezable")
system_power_efficient_wq = _SystemWq("events_power_efficient")
system_freezable_power_efficient_wq = _SystemWq("events_freezable_pwr_efficient")
system_bh_wq = _SystemWq("events_bh")
system_bh_highpri_wq = _SystemWq("events_bh_highpri")


def _wq(k: Kernel, wq: Any) -> workqueue_struct:
    if isinstance(wq, _SystemWq):
        return wq.resolve(k)
    if not isinstance(wq, workqueue_struct):
        raise TypeError(f"expected a workqueue (from alloc_workqueue() or system_wq...), not {wq!r}")
    return wq


# -- work item initialisation ------------------------------------------------------------


def INIT_WORK(work: work_struct, func: Callable[[work_struct], None]) -> work_struct:
    """Initialise ``work`` to run ``func(work)``; returns ``work``. Any context."""
    work.func = func
    work.pending = False
    work.pwq = None
    work.inactive = False
    work.linked = False
    work.color = 0
    work.offq_pool = None
    work.offq_bh = False
    work.disable = 0
    work._list = None
    return work


INIT_WORK_ONSTACK: Final = INIT_WORK


def destroy_work_on_stack(work: work_struct) -> None:
    """Debug-objects bookkeeping only. Any context."""


def INIT_DELAYED_WORK(dwork: delayed_work, func: Callable[[work_struct], None]) -> delayed_work:
    """Initialise ``dwork`` to run ``func(&dwork->work)`` after its delay; returns ``dwork``."""
    INIT_WORK(dwork.work, func)
    timer_setup(dwork.timer, delayed_work_timer_fn, TIMER_IRQSAFE)
    return dwork


def DECLARE_WORK(name: Any, func: Any = None) -> work_struct:
    """``w = DECLARE_WORK("w", func)``: a statically initialised work item."""
    if func is None:
        func = name
    return work_struct(func)


def DECLARE_DELAYED_WORK(name: Any, func: Any = None) -> delayed_work:
    """``dw = DECLARE_DELAYED_WORK("dw", func)``: a statically initialised delayed work item."""
    if func is None:
        func = name
    return delayed_work(func)


def to_delayed_work(work: work_struct) -> delayed_work:
    """container_of(work, struct delayed_work, work)."""
    dw: delayed_work = container_of(work, delayed_work, "work")
    return dw


def from_work(var_type: Any, work: work_struct, member: str) -> Any:
    """container_of(work, type, member) for work functions; ``member`` may be a path ("dwork.work")."""
    typ = var_type if isinstance(var_type, type) else type(var_type) if var_type is not None else None
    path = member.split(".")
    obj: Any = work
    for i, name in enumerate(reversed(path)):
        last = i == len(path) - 1
        cont = getattr(obj, "_container", None)
        if cont is not None and cont[1] == name and (not last or typ is None or isinstance(cont[0], typ)):
            obj = cont[0]
        else:
            obj = container_of(obj, typ if last else None, name)
    return obj


def work_pending(work: work_struct) -> bool:
    """Whether ``work`` is pending (queued, or its delay timer armed). Any context."""
    return work.pending


def delayed_work_pending(dwork: delayed_work) -> bool:
    """Whether ``dwork`` is pending (timer armed or queued). Any context."""
    return dwork.work.pending


# -- pools and pwqs -----------------------------------------------------------------------------


def idle_worker_timeout(t: Any) -> None:
    """The pool's idle timer: queue the cull work once the oldest idle worker timed out."""
    pool: worker_pool = t.pool
    k = pool.st.k
    cw = pool.idle_cull_work
    if cw is None or cw.pending:
        return
    do_cull = False
    if too_many_workers(pool):
        w = pool.idle_list[-1]
        expires = w.last_active + idle_worker_timeout_jiffies(k.hz)
        do_cull = k.jiffies >= expires
        if not do_cull:
            mod_timer(pool.idle_timer, expires)
    if do_cull:
        queue_work(pool.st.system["events_unbound"], cw)


def _new_pool(st: WqState, cpu: int, nice: int, cpumask: int, bh: bool = False) -> worker_pool:
    pool = worker_pool(st, cpu, nice, cpumask, bh)
    pool.idle_timer = timer_list(idle_worker_timeout)
    pool.idle_timer.pool = pool  # type: ignore[attr-defined]
    cw = work_struct(idle_cull_fn)
    cw.pool = pool  # type: ignore[attr-defined]
    pool.idle_cull_work = cw
    return pool


def _get_unbound_pool(st: WqState, nice: int) -> worker_pool | None:
    """get_unbound_pool(): the shared pool for these attributes (one pod: all CPUs share the LLC)."""
    key = (nice, st.unbound_cpumask)
    pool = st.unbound_pools.get(key)
    if pool is None:
        pool = _new_pool(st, -1, nice, st.unbound_cpumask)
        if st.online and create_worker(pool) is None:
            st.pools.remove(pool)
            return None
        st.unbound_pools[key] = pool
    return pool


def _alloc_and_link_pwqs(st: WqState, wq: workqueue_struct) -> bool:
    highpri = 1 if wq.flags & WQ_HIGHPRI else 0
    ncpu = len(st.k.cpus)
    if not wq.flags & WQ_UNBOUND:
        pools = st.bh_pools if wq.flags & WQ_BH else st.cpu_pools
        for cpu in range(ncpu):
            pwq = pool_workqueue(wq, pools[cpu][highpri])
            wq.cpu_pwq.append(pwq)
            wq.pwqs.append(pwq)
        return True
    pool = _get_unbound_pool(st, HIGHPRI_NICE_LEVEL if highpri else 0)
    if pool is None:
        return False
    dfl = pool_workqueue(wq, pool)
    wq.dfl_pwq = dfl
    if wq.flags & __WQ_ORDERED:
        for _ in range(ncpu):
            dfl.refcnt += 1
            wq.cpu_pwq.append(dfl)
        wq.pwqs.append(dfl)
    else:
        # SIMPLIFICATION: one affinity pod (all CPUs share the last-level cache), so every
        # per-CPU pwq of an unbound queue uses the same pool.
        for _ in range(ncpu):
            pwq = pool_workqueue(wq, pool)
            wq.cpu_pwq.append(pwq)
            wq.pwqs.append(pwq)
        wq.pwqs.append(dfl)
    return True


def pwq_is_empty(pwq: pool_workqueue) -> bool:
    """No active and no inactive work items on ``pwq``."""
    return not pwq.nr_active and not pwq.inactive_works


def _pwq_activate_work(pwq: pool_workqueue, work: work_struct) -> None:
    k = pwq.pool.st.k
    tp = k.tp.workqueue_activate_work
    if tp.on:
        # Under pool->lock (IRQs off).
        tp.emit_at(k.cpu.id if k.cpu is not None else 0, 1, True, work=k.ptr(work),
                   function=k.symbol(work.func, False))  # fmt: skip
    pool = pwq.pool
    if not pool.worklist:
        pool.watchdog_ts = k.jiffies
    move_linked_works(work, pool.worklist)
    work.inactive = False


def pwq_tryinc_nr_active(pwq: pool_workqueue, fill: bool) -> bool:
    """Take an active slot for ``pwq`` (its own for per-CPU queues, the shared one for unbound)."""
    wq = pwq.wq
    nna = wq.nna
    if nna is None:
        obtained = pwq.nr_active < wq.max_active
    else:
        if pwq.plugged:
            return False
        if pwq.pending_node and not fill:
            return False
        obtained = nna.nr < nna.max
        if not obtained:
            if not pwq.pending_node:
                nna.pending_pwqs.append(pwq)
                pwq.pending_node = True
            elif not fill:
                return False
            obtained = nna.nr < nna.max
            if obtained and not fill:
                nna.pending_pwqs.remove(pwq)
                pwq.pending_node = False
        if obtained:
            nna.nr += 1
    if obtained:
        pwq.nr_active += 1
    return obtained


def pwq_activate_first_inactive(pwq: pool_workqueue, fill: bool) -> bool:
    """Activate the oldest inactive item if max_active allows; returns whether it did."""
    if pwq.inactive_works and pwq_tryinc_nr_active(pwq, fill):
        _pwq_activate_work(pwq, pwq.inactive_works[0])
        return True
    return False


def _node_activate_pending_pwq(nna: _nr_active, caller_pool: worker_pool) -> None:
    while nna.pending_pwqs:
        pwq = nna.pending_pwqs[0]
        if not pwq.inactive_works:
            nna.pending_pwqs.pop(0)
            pwq.pending_node = False
            continue
        if nna.nr < nna.max:
            nna.nr += 1
            pwq.nr_active += 1
            _pwq_activate_work(pwq, pwq.inactive_works[0])
            nna.pending_pwqs.pop(0)
            if pwq.inactive_works:
                nna.pending_pwqs.append(pwq)  # round-robin through the pending pwqs
            else:
                pwq.pending_node = False
            if pwq.pool is not caller_pool:
                kick_pool(pwq.pool)
        return


def pwq_dec_nr_active(pwq: pool_workqueue) -> None:
    """Retire an active slot and activate the next inactive item (round-robin among unbound pwqs)."""
    pwq.nr_active -= 1
    nna = pwq.wq.nna
    if nna is None:
        pwq_activate_first_inactive(pwq, False)
        return
    nna.nr -= 1
    if nna.nr >= nna.max:
        return
    if nna.pending_pwqs:
        _node_activate_pending_pwq(nna, pwq.pool)


def pwq_dec_nr_in_flight(pwq: pool_workqueue, color: int, inactive: bool) -> None:
    """A work item finished or was cancelled: retire its active slot and flush colour."""
    if not inactive:
        nna = pwq.wq.nna
        if nna is None:
            # pwq_dec_nr_active() of a per-CPU workqueue, inlined.
            pwq.nr_active -= 1
            if pwq.inactive_works:
                pwq_activate_first_inactive(pwq, False)
        else:
            pwq_dec_nr_active(pwq)
    n = pwq.nr_in_flight[color] - 1
    if n:
        pwq.nr_in_flight[color] = n
    else:
        del pwq.nr_in_flight[color]
    wq = pwq.wq
    n = wq.inflight[color] - 1
    if n:
        wq.inflight[color] = n
    else:
        del wq.inflight[color]
        if wq.flushers:
            _complete_flushers(wq)
    pwq.refcnt -= 1


def _complete_flushers(wq: workqueue_struct) -> None:
    low = min(wq.inflight) if wq.inflight else INT_MAX
    while wq.flushers and wq.flushers[0][0] < low:
        complete(wq.flushers.pop(0)[1])


def _insert_work(pwq: pool_workqueue, work: work_struct, lst: deque[Any], index: int = -1) -> None:
    work.pwq = pwq
    if index < 0:
        lst.append(work)
    else:
        lst.insert(index, work)
    work._list = lst
    pwq.refcnt += 1


def _get_work_pool(work: work_struct) -> worker_pool | None:
    return work.pwq.pool if work.pwq is not None else work.offq_pool


def current_wq_worker(k: Kernel) -> Any:
    """The worker running in process context on this CPU, or None."""
    cpu = k.cpu
    if cpu is None or cpu.preempt_count & (NMI_MASK | HARDIRQ_MASK | SOFTIRQ_OFFSET):
        return None
    task = cpu.curr
    if task.flags & PF_WQ_WORKER:
        return task.args[0]
    return None


def _is_chained_work(k: Kernel, wq: workqueue_struct) -> bool:
    w = current_wq_worker(k)
    return w is not None and w.current_pwq is not None and w.current_pwq.wq is wq


def _select_unbound_cpu(st: WqState, cpu: int) -> int:
    if st.unbound_cpumask >> cpu & 1:
        return cpu
    n = len(st.k.cpus)
    for i in range(1, n + 1):
        c = (cpu + i) % n
        if st.unbound_cpumask >> c & 1 and st.k.cpus[c].online:
            return c
    return cpu


def check_work_cpu(k: Kernel, cpu: int, api: str) -> None:
    """Misuse of the API (the kernel would index past its per-CPU data): a ValueError, raised before the
    work item's state is touched so that it can still be queued correctly afterwards."""
    if cpu != WORK_CPU_UNBOUND and not (type(cpu) is int and 0 <= cpu < len(k.cpus)):
        raise ValueError(f"{api}(): there is no CPU {cpu!r} (this machine has CPUs 0-{len(k.cpus) - 1}); "
                         "pass one of them or WORK_CPU_UNBOUND")  # fmt: skip


def __queue_work(k: Kernel, cpu: int, wq: workqueue_struct, work: work_struct) -> None:
    """Pick the pwq (the one still running ``work``, for non-reentrancy) and queue ``work`` on it."""
    flags = wq.flags
    if flags & (__WQ_DESTROYING | __WQ_DRAINING) and not _is_chained_work(k, wq):
        msg = k.format("workqueue: cannot queue %ps on wq %s\n", (work.func, wq.name))
        k.bugs.warn("kernel/workqueue.c", _L_QUEUE_WARN, msg, once_key=("wq_cannot_queue",), skip=2)
        return
    req_cpu = cpu
    this = k.cpu
    if cpu == WORK_CPU_UNBOUND:
        here = this.id if this is not None else 0
        cpu = _select_unbound_cpu(k.subsys["workqueue"], here) if flags & WQ_UNBOUND else here
    elif not (type(cpu) is int and 0 <= cpu < len(k.cpus)):
        check_work_cpu(k, cpu, "queue_work_on")
    pwq = wq.cpu_pwq[cpu]
    pool = pwq.pool
    last_pool = work.pwq.pool if work.pwq is not None else work.offq_pool  # get_work_pool()
    if last_pool is not None and last_pool is not pool and not flags & __WQ_ORDERED:
        w = find_worker_executing_work(last_pool, work)
        if w is not None and w.current_pwq.wq is wq:
            pwq = w.current_pwq
            pool = pwq.pool
    tp = k.tp.workqueue_queue_work
    if tp.on:
        # SIMPLIFICATION: req_cpu shows WORK_CPU_UNBOUND as NR_CPUS = the number of CPUs (as the Pi 5's 4).
        # __queue_work(): traced under pool->lock with IRQs off (queue_work_on()'s local_irq_save()).
        tp.emit_at(k.cpu.id if k.cpu is not None else 0, 1, True, work=k.ptr(work),
                   function=k.symbol(work.func, False), workqueue=wq.name,
                   req_cpu=len(k.cpus) if req_cpu == WORK_CPU_UNBOUND else req_cpu, cpu=pool.cpu)  # fmt: skip
    if work._list is not None:
        k.bugs.warn("kernel/workqueue.c", _L_QUEUE_LIST, None, skip=2)
        return
    color = wq.work_color
    work.color = color
    pwq.nr_in_flight[color] = pwq.nr_in_flight.get(color, 0) + 1
    wq.inflight[color] = wq.inflight.get(color, 0) + 1
    if pwq.inactive_works:
        active = False
    elif pwq.wq.nna is None:
        # pwq_tryinc_nr_active() of a per-CPU workqueue, inlined.
        active = pwq.nr_active < pwq.wq.max_active
        if active:
            pwq.nr_active += 1
    else:
        active = pwq_tryinc_nr_active(pwq, False)
    if active:
        if not pool.worklist:
            pool.watchdog_ts = k.jiffies
        tp = k.tp.workqueue_activate_work
        if tp.on:
            tp.emit_at(k.cpu.id if k.cpu is not None else 0, 1, True, work=k.ptr(work),
                       function=k.symbol(work.func, False))  # fmt: skip
        work.inactive = False
        _insert_work(pwq, work, pool.worklist)
        if not pool.nr_running and pool.idle_list:  # kick_pool()'s test, inlined
            kick_pool(pool)
    else:
        work.inactive = True
        _insert_work(pwq, work, pwq.inactive_works)


def _clear_pending_if_disabled(work: work_struct) -> bool:
    if work.pwq is not None or not work.disable:
        return False
    work.pending = False
    return True


def queue_work_on(cpu: int, wq: Any, work: work_struct) -> bool:
    """Queue ``work`` on ``wq`` for ``cpu``; False if it was already pending (or is disabled). Any context."""
    k = on_cpu()
    if type(wq) is not workqueue_struct:
        wq = _wq(k, wq)
    if cpu != WORK_CPU_UNBOUND and not (type(cpu) is int and 0 <= cpu < len(k.cpus)):
        check_work_cpu(k, cpu, "queue_work_on")
    if work.pending:
        return False
    work.pending = True
    if work.disable and _clear_pending_if_disabled(work):
        return False
    __queue_work(k, cpu, wq, work)
    return True


def queue_work(wq: Any, work: work_struct) -> bool:
    """Queue ``work`` on ``wq`` (the local CPU's pool for per-CPU queues); False if already pending. Any context."""
    return queue_work_on(WORK_CPU_UNBOUND, wq, work)


def schedule_work(work: work_struct) -> bool:
    """queue_work(system_wq, work). Any context."""
    return queue_work_on(WORK_CPU_UNBOUND, system_wq, work)


def schedule_work_on(cpu: int, work: work_struct) -> bool:
    """queue_work_on(cpu, system_wq, work). Any context."""
    return queue_work_on(cpu, system_wq, work)


def delayed_work_timer_fn(t: timer_list) -> None:
    """The delay timer expired (TIMER_SOFTIRQ): queue the work item."""
    dwork: delayed_work = t._container[0]  # type: ignore[index]
    k = on_cpu()
    assert dwork.wq is not None
    __queue_work(k, dwork.cpu, dwork.wq, dwork.work)


def __queue_delayed_work(k: Kernel, cpu: int, wq: workqueue_struct, dwork: delayed_work, delay: int) -> None:
    timer = dwork.timer
    work = dwork.work
    if timer.function is not delayed_work_timer_fn:
        k.bugs.warn("kernel/workqueue.c", _L_DWORK_WARN, None, once_key=("dwork_fn",), skip=2)
    if timer_pending(timer):
        k.bugs.warn("kernel/workqueue.c", _L_DWORK_WARN + 1, None, once_key=("dwork_pending",), skip=2)
    if work._list is not None:
        k.bugs.warn("kernel/workqueue.c", _L_DWORK_WARN + 2, None, once_key=("dwork_list",), skip=2)
    if not delay:
        __queue_work(k, cpu, wq, work)
        return
    dwork.wq = wq
    dwork.cpu = cpu
    timer.expires = k.jiffies + int(delay)
    if cpu == WORK_CPU_UNBOUND:
        add_timer(timer)  # add_timer_global(): the local CPU's timer base
    else:
        add_timer_on(timer, cpu)


def queue_delayed_work_on(cpu: int, wq: Any, dwork: delayed_work, delay: int) -> bool:
    """Queue ``dwork`` on ``wq`` for ``cpu`` after ``delay`` jiffies; False if already pending. Any context."""
    k = on_cpu()
    wq = _wq(k, wq)
    check_work_cpu(k, cpu, "queue_delayed_work_on")
    work = dwork.work
    if work.pending:
        return False
    work.pending = True
    if _clear_pending_if_disabled(work):
        return False
    __queue_delayed_work(k, cpu, wq, dwork, delay)
    return True


def queue_delayed_work(wq: Any, dwork: delayed_work, delay: int) -> bool:
    """queue_delayed_work_on(WORK_CPU_UNBOUND, ...). Any context."""
    return queue_delayed_work_on(WORK_CPU_UNBOUND, wq, dwork, delay)


def schedule_delayed_work(dwork: delayed_work, delay: int) -> bool:
    """queue_delayed_work(system_wq, dwork, delay). Any context."""
    return queue_delayed_work_on(WORK_CPU_UNBOUND, system_wq, dwork, delay)


def schedule_delayed_work_on(cpu: int, dwork: delayed_work, delay: int) -> bool:
    """queue_delayed_work_on(cpu, system_wq, dwork, delay). Any context."""
    return queue_delayed_work_on(cpu, system_wq, dwork, delay)


__all__ = [
    "work_struct",
    "delayed_work",
    "workqueue_struct",
    "INIT_WORK",
    "INIT_WORK_ONSTACK",
    "destroy_work_on_stack",
    "INIT_DELAYED_WORK",
    "DECLARE_WORK",
    "DECLARE_DELAYED_WORK",
    "to_delayed_work",
    "from_work",
    "work_pending",
    "delayed_work_pending",
    "system_wq",
    "system_highpri_wq",
    "system_long_wq",
    "system_unbound_wq",
    "system_freezable_wq",
    "system_power_efficient_wq",
    "system_freezable_power_efficient_wq",
    "system_bh_wq",
    "system_bh_highpri_wq",
    "queue_work_on",
    "queue_work",
    "schedule_work",
    "schedule_work_on",
    "queue_delayed_work_on",
    "queue_delayed_work",
    "schedule_delayed_work",
    "schedule_delayed_work_on",
    "delayed_work_timer_fn",
]
