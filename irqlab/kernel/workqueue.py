"""Mirrors kernel/workqueue.c and include/linux/workqueue.h (6.12): workqueues, work items and their API.

A work item is queued on a workqueue's pool_workqueue for the chosen CPU (the local one
for ``queue_work()``) and runs in a kworker of that pool, or in softirq context for
WQ_BH queues. Queueing a pending item returns False; PENDING is cleared just before the
function runs, so it may be queued again while it runs, and then runs again after, on
the same pool (non-reentrancy). ``max_active`` bounds the active items of a
pool_workqueue (system-wide for unbound queues); the others wait on its inactive list.
Ordered workqueues run one item at a time in queueing order. Delayed work is a timer
whose expiry queues the item. Flushes wait for the queueings that preceded them;
``cancel_*_sync`` also waits for a running instance. Work functions are ordinary Python
functions taking the ``work_struct``; they find their device with ``container_of``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from irqlab.kernel.container import Embeddable, container_of
from irqlab.kernel.core import kernel, on_cpu
from irqlab.kernel.cpu import HARDIRQ_MASK, NMI_MASK, SIG_IRQ, SOFTIRQ_OFFSET, cpu_resume, cpu_wait, take_interrupts
from irqlab.kernel.time.timer import TIMER_IRQSAFE, timer_list
from irqlab.kernel.workqueue_pool import (
    __WQ_BH_ALLOWS,
    __WQ_DESTROYING,
    __WQ_DRAINING,
    __WQ_LEGACY,
    __WQ_ORDERED,
    HIGHPRI_NICE_LEVEL,
    PF_WQ_WORKER,
    POOL_DISASSOCIATED,
    WORK_BUSY_PENDING,
    WORK_BUSY_RUNNING,
    WORK_CPU_UNBOUND,
    WQ_BH,
    WQ_CPU_INTENSIVE,
    WQ_DFL_ACTIVE,
    WQ_DFL_MIN_ACTIVE,
    WQ_FREEZABLE,
    WQ_HIGHPRI,
    WQ_MAX_ACTIVE,
    WQ_MEM_RECLAIM,
    WQ_NAME_LEN,
    WQ_POWER_EFFICIENT,
    WQ_SYSFS,
    WQ_UNBOUND,
    WQ_UNBOUND_MAX_ACTIVE,
    WqState,
    create_worker,
    find_worker_executing_work,
    idle_cull_fn,
    init_rescuer,
    kick_pool,
    move_linked_works,
    state,
    worker_pool,
    workqueue_softirq_action,
    wq_worker_tick,
)

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel

INT_MAX = 0x7FFFFFFF
WORK_CANCEL_DELAYED = 1 << 0
WORK_CANCEL_DISABLE = 1 << 1
WORK_OFFQ_DISABLE_MAX = (1 << 16) - 1

# Source locations of the kernel's checks (6.12 kernel/workqueue.c; line numbers approximate).
_L_QUEUE_WARN = 2259
_L_QUEUE_LIST = 2315
_L_DWORK_WARN = 2481
_L_FLUSH_SLEEP = 4228
_L_FLUSH_ONLINE = 4178
_L_CANCEL_SLEEP = 4359
_L_CANCEL_HARDIRQ = 4357
_L_BH_FLAGS = 5644
_L_DESTROY_BUSY = 5851
_L_SET_MAX = 5903
_L_DISABLE = 4289
_L_FLUSH_DEP = 3707


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
        from irqlab.kernel.sched.completion import completion

        self.work = work_struct(wq_barrier_func)
        self.work.barr = self  # type: ignore[attr-defined]
        self.done = completion("wq_barrier")
        self.task = task
        self.spinners: list[Any] = []


def wq_barrier_func(work: work_struct) -> None:
    """The barrier's function: complete it and release busy-waiting cancellers."""
    from irqlab.kernel.sched.completion import complete

    barr: wq_barrier = work.barr  # type: ignore[attr-defined]
    complete(barr.done)
    if barr.spinners:
        k = kernel()
        for c in barr.spinners:
            if c.percpu.get("spin") is barr:
                cpu_resume(k, c)
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


INIT_WORK_ONSTACK = INIT_WORK


def destroy_work_on_stack(work: work_struct) -> None:
    """Debug-objects bookkeeping only. Any context."""


def INIT_DELAYED_WORK(dwork: delayed_work, func: Callable[[work_struct], None]) -> delayed_work:
    """Initialise ``dwork`` to run ``func(&dwork->work)`` after its delay; returns ``dwork``."""
    from irqlab.kernel.time.timer import timer_setup

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
    return dwork.work.pending


# -- pools and pwqs -----------------------------------------------------------------------------


def _new_pool(st: WqState, cpu: int, nice: int, cpumask: int, bh: bool = False) -> worker_pool:
    pool = worker_pool(st, cpu, nice, cpumask, bh)
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
    return not pwq.nr_active and not pwq.inactive_works


def _pwq_activate_work(pwq: pool_workqueue, work: work_struct) -> None:
    k = pwq.pool.st.k
    tp = k.tp.workqueue_activate_work
    if tp.on:
        tp.emit(k.cpu.id if k.cpu is not None else 0, work=k.ptr(work))
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
    from irqlab.kernel.sched.completion import complete

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


def __queue_work(k: Kernel, cpu: int, wq: workqueue_struct, work: work_struct) -> None:
    """Pick the pwq (the one still running ``work``, for non-reentrancy) and queue ``work`` on it."""
    st: WqState = k.subsys["workqueue"]
    if wq.flags & (__WQ_DESTROYING | __WQ_DRAINING) and not _is_chained_work(k, wq):
        msg = k.format("workqueue: cannot queue %ps on wq %s\n", (work.func, wq.name))
        k.bugs.warn("kernel/workqueue.c", _L_QUEUE_WARN, msg, once_key=("wq_cannot_queue",), skip=2)
        return
    req_cpu = cpu
    if cpu == WORK_CPU_UNBOUND:
        here = k.cpu.id if k.cpu is not None else 0
        cpu = _select_unbound_cpu(st, here) if wq.flags & WQ_UNBOUND else here
    elif not 0 <= cpu < len(k.cpus):
        raise ValueError(f"queue_work_on(): there is no CPU {cpu} (this machine has {len(k.cpus)})")
    pwq = wq.cpu_pwq[cpu]
    pool = pwq.pool
    last_pool = _get_work_pool(work)
    if last_pool is not None and last_pool is not pool and not wq.flags & __WQ_ORDERED:
        w = find_worker_executing_work(last_pool, work)
        if w is not None and w.current_pwq.wq is wq:
            pwq = w.current_pwq
            pool = pwq.pool
    tp = k.tp.workqueue_queue_work
    if tp.on:
        tp.emit(k.cpu.id if k.cpu is not None else 0, work=k.ptr(work), function=k.symbol(work.func, False),
                workqueue=wq.name, req_cpu=len(k.cpus) if req_cpu == WORK_CPU_UNBOUND else req_cpu,
                cpu=pool.cpu)  # fmt: skip
    if work._list is not None:
        k.bugs.warn("kernel/workqueue.c", _L_QUEUE_LIST, None, skip=2)
        return
    color = wq.work_color
    work.color = color
    pwq.nr_in_flight[color] = pwq.nr_in_flight.get(color, 0) + 1
    wq.inflight[color] = wq.inflight.get(color, 0) + 1
    if not pwq.inactive_works and pwq_tryinc_nr_active(pwq, False):
        if not pool.worklist:
            pool.watchdog_ts = k.jiffies
        tp = k.tp.workqueue_activate_work
        if tp.on:
            tp.emit(k.cpu.id if k.cpu is not None else 0, work=k.ptr(work))
        work.inactive = False
        _insert_work(pwq, work, pool.worklist)
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
    wq = _wq(k, wq)
    if work.pending:
        return False
    work.pending = True
    if _clear_pending_if_disabled(work):
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
    from irqlab.kernel.time.timer import add_timer, add_timer_on, timer_pending

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
    return queue_delayed_work_on(cpu, system_wq, dwork, delay)


def mod_delayed_work_on(cpu: int, wq: Any, dwork: delayed_work, delay: int) -> bool:
    """Queue ``dwork``, or re-arm its timer to ``delay``; True if it was pending, False if idle. Any context."""
    k = on_cpu()
    wq = _wq(k, wq)
    ret = _work_grab_pending(k, dwork.work, WORK_CANCEL_DELAYED)
    if not _clear_pending_if_disabled(dwork.work):
        __queue_delayed_work(k, cpu, wq, dwork, delay)
    return bool(ret)


def mod_delayed_work(wq: Any, dwork: delayed_work, delay: int) -> bool:
    return mod_delayed_work_on(WORK_CPU_UNBOUND, wq, dwork, delay)


# -- grabbing PENDING, cancelling ---------------------------------------------------------------------


def _try_to_grab_pending(k: Kernel, work: work_struct, cflags: int) -> int:
    """1 if ``work`` was pending and we stole it, 0 if idle (we own PENDING now), -EAGAIN to retry."""
    from irqlab.kernel.time.timer import timer_delete

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
    from irqlab.kernel.cpu import burn

    while True:
        ret = _try_to_grab_pending(k, work, cflags)
        if ret >= 0:
            return ret
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
    from irqlab.kernel.sched.current import might_sleep_at

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
    return __cancel_work(on_cpu(), dwork.work, WORK_CANCEL_DELAYED | WORK_CANCEL_DISABLE)


def disable_delayed_work_sync(dwork: delayed_work) -> bool:
    return __cancel_work_sync(on_cpu(), dwork.work, WORK_CANCEL_DELAYED | WORK_CANCEL_DISABLE)


def enable_delayed_work(dwork: delayed_work) -> bool:
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
    from irqlab.kernel.sched.completion import wait_for_completion

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
        cpu = k.cpu
        assert cpu is not None
        barr.spinners.append(cpu)
        cpu.percpu["spin"] = barr
        start = k.engine.now
        sig = cpu_wait(k, cpu, None)
        cpu = k.cpu
        assert cpu is not None
        cpu.busy_ns += k.engine.now - start
        cpu.percpu["spin"] = None
        if sig == SIG_IRQ:
            take_interrupts(k, cpu)


def flush_work(work: work_struct) -> bool:
    """Wait for the last queueing of ``work`` to finish; True if it waited, False if it was idle. May sleep."""
    from irqlab.kernel.sched.current import might_sleep_at

    k = on_cpu()
    might_sleep_at(k, "kernel/workqueue.c", _L_FLUSH_SLEEP)
    return __flush_work(k, work, False)


def flush_delayed_work(dwork: delayed_work) -> bool:
    """Queue a pending ``dwork`` at once, then flush_work() it; True if it waited. May sleep."""
    from irqlab.kernel.time.timer import timer_delete_sync

    k = on_cpu()
    if timer_delete_sync(dwork.timer):
        assert dwork.wq is not None
        __queue_work(k, dwork.cpu, dwork.wq, dwork.work)
    return flush_work(dwork.work)


def __flush_workqueue(wq: Any) -> None:
    """Wait until every work item queued on ``wq`` before the call has finished. May sleep."""
    from irqlab.kernel.sched.completion import completion, wait_for_completion
    from irqlab.kernel.sched.current import might_sleep_at

    k = on_cpu()
    wq = _wq(k, wq)
    if not state(k).online:
        k.bugs.warn("kernel/workqueue.c", _L_FLUSH_ONLINE - 200, None, skip=2)
        return
    might_sleep_at(k, "kernel/locking/mutex.c", 283)  # mutex_lock(&wq->mutex)
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
    from irqlab.kernel.printk import KERN_WARNING, vprintk

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


# -- allocation and destruction ------------------------------------------------------------------


def _clamp_max_active(k: Kernel, max_active: int, name: str) -> int:
    from irqlab.kernel.printk import KERN_WARNING, vprintk

    if max_active < 1 or max_active > WQ_MAX_ACTIVE:
        vprintk(k, KERN_WARNING + "workqueue: max_active %d requested for %s is out of range, clamping between "
                "%d and %d\n", (max_active, name, 1, WQ_MAX_ACTIVE))  # fmt: skip
    return max(1, min(max_active, WQ_MAX_ACTIVE))


def alloc_workqueue(fmt: str, flags: int, max_active: int = 0, *args: Any) -> workqueue_struct | None:
    """Create a workqueue named ``fmt % args``; None on failure. May sleep.

    ``max_active`` 0 means WQ_DFL_ACTIVE (256); values outside 1..WQ_MAX_ACTIVE (512) are
    clamped with the kernel's warning. WQ_BH accepts only WQ_HIGHPRI and max_active 0.
    """
    k = kernel()
    st = state(k)
    if flags & WQ_BH:
        if flags & ~__WQ_BH_ALLOWS:
            k.bugs.warn("kernel/workqueue.c", _L_BH_FLAGS, None, once_key=("wq_bh_flags",), skip=1)
            return None
        if max_active:
            k.bugs.warn("kernel/workqueue.c", _L_BH_FLAGS + 2, None, once_key=("wq_bh_max",), skip=1)
            return None
    if flags & WQ_POWER_EFFICIENT and st.power_efficient:
        flags |= WQ_UNBOUND
    name = k.format(fmt, args)
    if len(name) >= WQ_NAME_LEN:
        name = name[: WQ_NAME_LEN - 1]
        if "name_len" not in st.once:
            from irqlab.kernel.printk import KERN_WARNING, vprintk

            st.once.add("name_len")
            vprintk(k, KERN_WARNING + "workqueue: name exceeds WQ_NAME_LEN. Truncating to: %s\n", (name,))
    if flags & WQ_BH:
        max_active = INT_MAX
    else:
        max_active = _clamp_max_active(k, max_active or WQ_DFL_ACTIVE, name)
    wq = workqueue_struct(st, name, flags, max_active)
    if not _alloc_and_link_pwqs(st, wq):
        return None
    _adjust_max_active(wq)
    st.workqueues.append(wq)
    if st.online and flags & WQ_MEM_RECLAIM:
        init_rescuer(wq)
    if flags & WQ_SYSFS:
        from irqlab.fs.workqueue import workqueue_sysfs_register

        workqueue_sysfs_register(k, wq)
    return wq


def alloc_ordered_workqueue(fmt: str, flags: int, *args: Any) -> workqueue_struct | None:
    """An unbound workqueue running one item at a time, in queueing order. May sleep."""
    return alloc_workqueue(fmt, WQ_UNBOUND | __WQ_ORDERED | flags, 1, *args)


def create_workqueue(name: str) -> workqueue_struct | None:
    """The legacy API: alloc_workqueue("%s", __WQ_LEGACY | WQ_MEM_RECLAIM, 1, name). May sleep."""
    return alloc_workqueue("%s", __WQ_LEGACY | WQ_MEM_RECLAIM, 1, name)


def create_freezable_workqueue(name: str) -> workqueue_struct | None:
    return alloc_workqueue("%s", __WQ_LEGACY | WQ_FREEZABLE | WQ_UNBOUND | WQ_MEM_RECLAIM, 1, name)


def create_singlethread_workqueue(name: str) -> workqueue_struct | None:
    """alloc_ordered_workqueue("%s", __WQ_LEGACY | WQ_MEM_RECLAIM, name). May sleep."""
    return alloc_ordered_workqueue("%s", __WQ_LEGACY | WQ_MEM_RECLAIM, name)


def _pwq_busy(pwq: pool_workqueue) -> bool:
    if pwq.nr_in_flight:
        return True
    if pwq is not pwq.wq.dfl_pwq and pwq.refcnt > 1:
        return True
    return not pwq_is_empty(pwq)


def destroy_workqueue(wq: Any) -> None:
    """Drain and free ``wq``; a busy pwq left over is reported and the queue is kept. May sleep.

    Delayed work whose timer is still armed is not waited for: cancel it first.
    """
    from irqlab.kernel.kthread import kthread_stop
    from irqlab.kernel.printk import KERN_WARNING, vprintk
    from irqlab.kernel.workqueue_show import show_one_workqueue, show_pwq

    k = on_cpu()
    wq = _wq(k, wq)
    st = state(k)
    if wq.wq_dev:
        from irqlab.fs.workqueue import workqueue_sysfs_unregister

        workqueue_sysfs_unregister(k, wq)
    wq.flags |= __WQ_DESTROYING
    drain_workqueue(wq)
    if wq.rescuer is not None:
        kthread_stop(wq.rescuer.task)
        wq.rescuer = None
    for pwq in wq.pwqs:
        if _pwq_busy(pwq):
            k.bugs.warn("kernel/workqueue.c", _L_DESTROY_BUSY, None, skip=1)
            vprintk(k, KERN_WARNING + "%s: %s has the following busy pwq\n", ("destroy_workqueue", wq.name))
            show_pwq(k, pwq)
            show_one_workqueue(k, wq)
            return
    st.workqueues.remove(wq)
    for pwq in wq.pwqs:
        pwq.refcnt -= 1
    wq.destroyed = True


def _update_node_max_active(wq: workqueue_struct) -> None:
    if wq.nna is not None:
        wq.nna.max = max(min(wq.max_active, wq.max_active), wq.min_active)


def _adjust_max_active(wq: workqueue_struct) -> None:
    """wq_adjust_max_active(): 0 while freezing a freezable queue, else the saved value; activate."""
    st = wq.st
    if wq.flags & WQ_FREEZABLE and st.freezing:
        new_max = new_min = 0
    else:
        new_max, new_min = wq.saved_max_active, wq.saved_min_active
    if wq.max_active == new_max and wq.min_active == new_min:
        return
    wq.max_active = new_max
    wq.min_active = new_min
    _update_node_max_active(wq)
    if not new_max:
        return
    activated = True
    while activated:
        activated = False
        for pwq in wq.pwqs:
            if pwq_activate_first_inactive(pwq, True):
                activated = True
                kick_pool(pwq.pool)


def workqueue_set_max_active(wq: Any, max_active: int) -> None:
    """Change ``wq``'s max_active (clamped as at allocation); refused for BH and ordered queues."""
    k = kernel()
    wq = _wq(k, wq)
    if wq.flags & WQ_BH:
        k.bugs.warn("kernel/workqueue.c", _L_SET_MAX, None, skip=1)
        return
    if wq.flags & __WQ_ORDERED:
        k.bugs.warn("kernel/workqueue.c", _L_SET_MAX + 3, None, skip=1)
        return
    max_active = _clamp_max_active(k, max_active, wq.name)
    wq.saved_max_active = max_active
    if wq.flags & WQ_UNBOUND:
        wq.saved_min_active = min(wq.saved_min_active, max_active)
    _adjust_max_active(wq)


def workqueue_congested(cpu: int, wq: Any) -> bool:
    """Whether ``wq``'s pwq for ``cpu`` has inactive (waiting) work items. Any context."""
    k = kernel()
    wq = _wq(k, wq)
    if cpu == WORK_CPU_UNBOUND:
        cpu = k.cpu.id if k.cpu is not None else 0
    return bool(wq.cpu_pwq[cpu].inactive_works)


# -- introspection --------------------------------------------------------------------------------


def current_work() -> work_struct | None:
    """The work item the current kworker is running, or None. Any context."""
    w = current_wq_worker(on_cpu())
    return w.current_work if w is not None else None


def current_is_workqueue_rescuer() -> bool:
    w = current_wq_worker(on_cpu())
    return w is not None and w.rescue_wq is not None


def work_busy(work: work_struct) -> int:
    """WORK_BUSY_PENDING | WORK_BUSY_RUNNING bits for ``work``. Any context (advisory)."""
    ret = WORK_BUSY_PENDING if work.pending else 0
    pool = _get_work_pool(work)
    if pool is not None and find_worker_executing_work(pool, work) is not None:
        ret |= WORK_BUSY_RUNNING
    return ret


def set_worker_desc(fmt: str, *args: Any) -> None:
    """Describe the current work item (shown in /proc/PID/comm and dumps)."""
    k = on_cpu()
    w = current_wq_worker(k)
    if w is not None:
        w.desc = k.format(fmt, args)[:31]


def schedule_on_each_cpu(func: Callable[[work_struct], None]) -> int:
    """Run ``func`` on every online CPU from system_wq and wait for all; returns 0. May sleep."""
    k = on_cpu()
    works = []
    for c in k.cpus:
        if c.online:
            w = work_struct(func)
            schedule_work_on(c.id, w)
            works.append(w)
    for w in works:
        flush_work(w)
    return 0


def show_all_workqueues() -> None:
    """Dump busy workqueues and worker pools to the kernel log (SysRq-t). Any context."""
    from irqlab.kernel.workqueue_show import show_all_workqueues as _show

    _show(kernel())


# -- freezing (kernel/power/process.c calls these around suspend) -----------------------------------


def _freeze_begin(k: Kernel) -> None:
    st = state(k)
    if st.freezing:
        k.bugs.warn("kernel/workqueue.c", 7432, None, once_key=("freeze_begin",), skip=2)
    st.freezing = True
    for wq in st.workqueues:
        _adjust_max_active(wq)


def _freeze_busy(k: Kernel) -> bool:
    st = state(k)
    return any(pwq.nr_active for wq in st.workqueues if wq.flags & WQ_FREEZABLE for pwq in wq.pwqs)


def _thaw(k: Kernel) -> None:
    st = state(k)
    if not st.freezing:
        return
    st.freezing = False
    for wq in st.workqueues:
        _adjust_max_active(wq)


def freeze_workqueues_begin() -> None:
    """Freezable workqueues queue new items as inactive from now on (max_active 0)."""
    _freeze_begin(kernel())


def freeze_workqueues_busy() -> bool:
    """True while a freezable workqueue still has active work items."""
    return _freeze_busy(kernel())


def thaw_workqueues() -> None:
    """Restore max_active of freezable workqueues and start what was collected."""
    _thaw(kernel())


# -- boot ---------------------------------------------------------------------------------------------


def workqueue_init(k: Kernel) -> None:
    """Initcall: workqueue_init_early() + workqueue_init(): pools, system workqueues, first workers."""
    st = WqState(k)
    k.subsys["workqueue"] = st
    k.subsys["workqueue_softirq_action"] = lambda highpri: workqueue_softirq_action(k, highpri)
    for cpu in range(len(k.cpus)):
        mask = 1 << cpu
        st.bh_pools.append((_new_pool(st, cpu, 0, mask, True), _new_pool(st, cpu, HIGHPRI_NICE_LEVEL, mask, True)))
        st.cpu_pools.append((_new_pool(st, cpu, 0, mask), _new_pool(st, cpu, HIGHPRI_NICE_LEVEL, mask)))
    for name, flags, mx in (
        ("events", 0, 0),
        ("events_highpri", WQ_HIGHPRI, 0),
        ("events_long", 0, 0),
        ("events_unbound", WQ_UNBOUND, WQ_MAX_ACTIVE),
        ("events_freezable", WQ_FREEZABLE, 0),
        ("events_power_efficient", WQ_POWER_EFFICIENT, 0),
        ("events_freezable_pwr_efficient", WQ_FREEZABLE | WQ_POWER_EFFICIENT, 0),
        ("events_bh", WQ_BH, 0),
        ("events_bh_highpri", WQ_BH | WQ_HIGHPRI, 0),
    ):
        wq = alloc_workqueue(name, flags, mx)
        assert wq is not None
        st.system[name] = wq
    # workqueue_init(): rescuers for early queues, then the first worker of every pool.
    for wq in st.workqueues:
        if wq.flags & WQ_MEM_RECLAIM:
            init_rescuer(wq)
    for cpu in range(len(k.cpus)):
        for pool in st.bh_pools[cpu]:
            create_worker(pool)
    for cpu in range(len(k.cpus)):
        for pool in st.cpu_pools[cpu]:
            pool.flags &= ~POOL_DISASSOCIATED
            create_worker(pool)
    for pool in list(st.unbound_pools.values()):
        create_worker(pool)
    st.online = True
    k.tick_hooks.append(wq_worker_tick)
    from irqlab.fs.workqueue import fs_hook

    k.subsys.setdefault("fs_hooks", []).append(fs_hook)


__all__ = [
    "WQ_BH",
    "WQ_UNBOUND",
    "WQ_FREEZABLE",
    "WQ_MEM_RECLAIM",
    "WQ_HIGHPRI",
    "WQ_CPU_INTENSIVE",
    "WQ_SYSFS",
    "WQ_POWER_EFFICIENT",
    "WQ_MAX_ACTIVE",
    "WQ_UNBOUND_MAX_ACTIVE",
    "WQ_DFL_ACTIVE",
    "WQ_NAME_LEN",
    "WORK_CPU_UNBOUND",
    "WORK_BUSY_PENDING",
    "WORK_BUSY_RUNNING",
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
    "alloc_workqueue",
    "alloc_ordered_workqueue",
    "create_workqueue",
    "create_freezable_workqueue",
    "create_singlethread_workqueue",
    "destroy_workqueue",
    "workqueue_set_max_active",
    "workqueue_congested",
    "queue_work_on",
    "queue_work",
    "schedule_work",
    "schedule_work_on",
    "queue_delayed_work_on",
    "queue_delayed_work",
    "schedule_delayed_work",
    "schedule_delayed_work_on",
    "mod_delayed_work_on",
    "mod_delayed_work",
    "delayed_work_timer_fn",
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
    "work_busy",
    "current_work",
    "current_is_workqueue_rescuer",
    "set_worker_desc",
    "schedule_on_each_cpu",
    "show_all_workqueues",
    "freeze_workqueues_begin",
    "freeze_workqueues_busy",
    "thaw_workqueues",
]
