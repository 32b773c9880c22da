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

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from irqlab.kernel import workqueue_flush, workqueue_queue
from irqlab.kernel.core import current_kernel, kernel, on_cpu
from irqlab.kernel.kthread import kthread_stop
from irqlab.kernel.printk import KERN_WARNING, vprintk
from irqlab.kernel.workqueue_flush import *  # noqa: F403  (re-exported through __all__)
from irqlab.kernel.workqueue_flush import drain_workqueue, flush_work
from irqlab.kernel.workqueue_pool import (
    __WQ_BH_ALLOWS,
    __WQ_DESTROYING,
    __WQ_LEGACY,
    __WQ_ORDERED,
    HIGHPRI_NICE_LEVEL,
    POOL_DISASSOCIATED,
    WORK_BUSY_PENDING,
    WORK_BUSY_RUNNING,
    WORK_CPU_UNBOUND,
    WQ_BH,
    WQ_CPU_INTENSIVE,
    WQ_DFL_ACTIVE,
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
    kick_pool,
    state,
    wq_worker_tick,
)
from irqlab.kernel.workqueue_queue import *  # noqa: F403  (re-exported through __all__)
from irqlab.kernel.workqueue_queue import (
    _alloc_and_link_pwqs,
    _get_work_pool,
    _new_pool,
    _wq,
    current_wq_worker,
    pool_workqueue,
    pwq_activate_first_inactive,
    pwq_is_empty,
    schedule_work_on,
    work_struct,
    workqueue_struct,
)
from irqlab.kernel.workqueue_show import show_all_workqueues as _show
from irqlab.kernel.workqueue_show import show_one_workqueue, show_pwq
from irqlab.kernel.workqueue_worker import init_rescuer, worker_thread, workqueue_softirq_action

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel

INT_MAX = 0x7FFFFFFF

# 6.12 kernel/workqueue.c line numbers of the checks below (approximate).
_L_BH_FLAGS = 5644
_L_DESTROY_BUSY = 5851
_L_SET_MAX = 5903


# -- allocation and destruction ------------------------------------------------------------------


def _clamp_max_active(k: Kernel, max_active: int, name: str) -> int:
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
        wq.wq_dev = True  # workqueue_sysfs_register(): the sysfs view (fs/workqueue.py), once mounted, adds it
        if (sysfs := k.subsys.get("wq_sysfs")) is not None:
            sysfs[0](k, wq)
    return wq


def alloc_ordered_workqueue(fmt: str, flags: int, *args: Any) -> workqueue_struct | None:
    """An unbound workqueue running one item at a time, in queueing order. May sleep."""
    return alloc_workqueue(fmt, WQ_UNBOUND | __WQ_ORDERED | flags, 1, *args)


def create_workqueue(name: str) -> workqueue_struct | None:
    """The legacy API: alloc_workqueue("%s", __WQ_LEGACY | WQ_MEM_RECLAIM, 1, name). May sleep."""
    return alloc_workqueue("%s", __WQ_LEGACY | WQ_MEM_RECLAIM, 1, name)


def create_freezable_workqueue(name: str) -> workqueue_struct | None:
    """The legacy freezable queue: unbound, max_active 1, with a rescuer. May sleep."""
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
    k = on_cpu()
    wq = _wq(k, wq)
    st = state(k)
    if wq.wq_dev:
        wq.wq_dev = False  # workqueue_sysfs_unregister(): the mounted sysfs view removes the directory
        if (sysfs := k.subsys.get("wq_sysfs")) is not None:
            sysfs[1](k, wq)
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
    """True when the current task is a rescuer running a work item. Any context."""
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


class _entered:
    """Make ``k`` the current kernel for a scenario-side call."""

    def __init__(self, k: Kernel) -> None:
        self.k = k
        self.prev: Kernel | None = None

    def __enter__(self) -> None:
        self.prev = current_kernel.k
        current_kernel.k = self.k

    def __exit__(self, *exc: object) -> None:
        current_kernel.k = self.prev


# -- scenario helpers (outside every CPU): Machine.show_workqueues(), freeze_workqueues(), thaw_workqueues() --
def scenario_show_all(k: Kernel) -> None:
    """show_all_workqueues(): dump busy workqueues and worker pools to the kernel log."""
    with _entered(k):
        _show(k)


def scenario_freeze(k: Kernel) -> None:
    """freeze_workqueues_begin(): freezable workqueues stop starting new work items."""
    # SIMPLIFICATION: driven from the scenario; the suspend path does not freeze workqueues.
    with _entered(k):
        _freeze_begin(k)


def scenario_busy(k: Kernel) -> bool:
    """freeze_workqueues_busy(): True while a freezable workqueue still runs work."""
    return _freeze_busy(k)


def scenario_thaw(k: Kernel) -> None:
    """thaw_workqueues(): restore max_active and start the collected work items."""
    with _entered(k):
        _thaw(k)


def workqueue_init(k: Kernel) -> None:
    """Initcall: workqueue_init_early() + workqueue_init(): pools, system workqueues, first workers."""
    st = WqState(k)
    st.worker_thread = worker_thread  # the kworker body create_worker() starts (workqueue_pool.py sits below it)
    k.subsys["workqueue"] = st
    k.subsys["workqueue_softirq_action"] = lambda highpri: workqueue_softirq_action(k, highpri)
    for cpu in range(len(k.cpus)):
        mask = 1 << cpu
        st.bh_pools.append((_new_pool(st, cpu, 0, mask, True), _new_pool(st, cpu, HIGHPRI_NICE_LEVEL, mask, True)))
        st.cpu_pools.append((_new_pool(st, cpu, 0, mask), _new_pool(st, cpu, HIGHPRI_NICE_LEVEL, mask)))
    # SIMPLIFICATION: only 6.12's system_* workqueues (no mm_percpu_wq, kblockd...) and no
    # pool_workqueue_release kthread.
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

    # The sysfs view (fs/workqueue.py) adds its files when the filesystem mounts.

    k.subsys.setdefault("fs_hooks", []).append("workqueue")


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
    "alloc_workqueue",
    "alloc_ordered_workqueue",
    "create_workqueue",
    "create_freezable_workqueue",
    "create_singlethread_workqueue",
    "destroy_workqueue",
    "workqueue_set_max_active",
    "workqueue_congested",
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
# Re-exported: the queueing, flushing and cancelling API lives in workqueue_queue and workqueue_flush.
__all__ += workqueue_queue.__all__
__all__ += workqueue_flush.__all__
