"""Mirrors kernel/workqueue.c (6.12): the state dumps show_all_workqueues() and show_pwq().

The lines are the kernel's ``pr_info``/``pr_cont`` output, e.g.::

    Showing busy workqueues and worker pools:
    workqueue events: flags=0x0
      pwq 2: cpus=0 node=0 flags=0x0 nice=0 active=1 refcnt=2
        in-flight: 37:my_work_fn [mydrv]
    pool 2: cpus=0 node=0 flags=0x0 nice=0 hung=0s workers=2 idle: 38
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from irqlab.kernel.printk import KERN_INFO, vprintk
from irqlab.kernel.time.jiffies import jiffies_to_msecs
from irqlab.kernel.vsprintf import cpumask_list
from irqlab.kernel.workqueue_pool import (
    HIGHPRI_NICE_LEVEL,
    POOL_BH,
    WQ_FREEZABLE,
    worker,
    worker_pool,
)
from irqlab.kernel.workqueue_queue import pwq_is_empty

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel

_END = object()  # (work_func_t)-1: flush the run-length state


def _info(k: Kernel, line: str) -> None:
    vprintk(k, KERN_INFO + "%s\n", (line,))


def pool_info(pool: worker_pool) -> str:
    """pr_cont_pool_info()."""
    s = f" cpus={cpumask_list(pool.cpumask)} node={pool.node} flags=0x{pool.flags:x}"
    if pool.flags & POOL_BH:
        return s + (" bh-hi" if pool.nice == HIGHPRI_NICE_LEVEL else " bh")
    return s + f" nice={pool.nice}"


def worker_id(w: worker) -> str:
    """pr_cont_worker_id()."""
    pool = w.pool
    if pool is not None and pool.flags & POOL_BH:
        return "bh-hi" if pool.nice == HIGHPRI_NICE_LEVEL else "bh"
    assert w.task is not None
    return f"{w.task.pid}{'(RESCUER)' if w.rescue_wq is not None else ''}"


class _Pcws:
    """struct pr_cont_work_struct: runs of the same function print as "3*fn"."""

    def __init__(self, k: Kernel, out: list[str]) -> None:
        self.k = k
        self.out = out
        self.comma = False
        self.func: Any = None
        self.ctr = 0

    def flush(self, comma: bool, func: Any) -> None:
        if self.ctr:
            if func is self.func:
                self.ctr += 1
                return
            sym = self.k.symbol(self.func, False)
            c = "," if self.comma else ""
            self.out.append(f"{c} {sym}" if self.ctr == 1 else f"{c} {self.ctr}*{sym}")
            self.ctr = 0
        if func is _END:
            return
        self.comma = comma
        self.func = func
        self.ctr = 1

    def work(self, comma: bool, work: Any) -> None:
        barr = getattr(work, "barr", None)
        if barr is not None:
            self.flush(comma, _END)
            pid = barr.task.pid if barr.task is not None else 0
            self.out.append(f"{',' if comma else ''} BAR({pid})")
        else:
            if not comma:
                self.flush(comma, _END)
            self.flush(comma, work.func)


def show_pwq(k: Kernel, pwq: Any) -> None:
    """Print one pool_workqueue: its in-flight, pending and inactive work items."""
    pool = pwq.pool
    _info(k, f"  pwq {pool.id}:{pool_info(pool)} active={pwq.nr_active} refcnt={pwq.refcnt}"
             f"{' MAYDAY' if pwq.mayday_node else ''}")  # fmt: skip
    busy = [w for w in pool.busy_hash.values() if w.current_pwq is pwq]
    if busy:
        out: list[str] = ["    in-flight:"]
        pcws = _Pcws(k, out)
        comma = False
        for w in busy:
            out.append(f" {',' if comma else ''}")
            out.append(worker_id(w))
            out.append(":" + k.symbol(w.current_func, False))
            for work in w.scheduled:
                pcws.work(False, work)
            pcws.flush(comma, _END)
            comma = True
        _info(k, "".join(out))
    pending = [w for w in pool.worklist if w.pwq is pwq]
    if pending:
        out = ["    pending:"]
        pcws = _Pcws(k, out)
        comma = False
        for work in pending:
            pcws.work(comma, work)
            comma = not work.linked
        pcws.flush(comma, _END)
        _info(k, "".join(out))
    if pwq.inactive_works:
        out = ["    inactive:"]
        pcws = _Pcws(k, out)
        comma = False
        for work in pwq.inactive_works:
            pcws.work(comma, work)
            comma = not work.linked
        pcws.flush(comma, _END)
        _info(k, "".join(out))


def show_one_workqueue(k: Kernel, wq: Any) -> None:
    """Print ``wq`` and its non-idle pwqs (nothing for an idle workqueue)."""
    if all(pwq_is_empty(p) for p in wq.pwqs):
        return
    _info(k, f"workqueue {wq.name}: flags=0x{wq.flags:x}")
    for pwq in wq.pwqs:
        if not pwq_is_empty(pwq):
            show_pwq(k, pwq)


def show_one_worker_pool(k: Kernel, pool: worker_pool) -> None:
    """Print a pool that has busy workers: how long its first item waited, its idle workers."""
    if pool.nr_workers == pool.nr_idle:
        return
    hung = jiffies_to_msecs(k.jiffies - pool.watchdog_ts) // 1000 if pool.worklist else 0
    line = f"pool {pool.id}:{pool_info(pool)} hung={hung}s workers={pool.nr_workers}"
    if pool.manager is not None and pool.manager.task is not None:
        line += f" manager: {pool.manager.task.pid}"
    first = True
    for w in pool.idle_list:
        line += f" {'idle: ' if first else ''}{worker_id(w)}"
        first = False
    _info(k, line)


def show_all_workqueues(k: Kernel) -> None:
    """show_all_workqueues(): every busy workqueue, then every pool with busy workers."""
    st = k.subsys["workqueue"]
    _info(k, "Showing busy workqueues and worker pools:")
    for wq in st.workqueues:
        show_one_workqueue(k, wq)
    for pool in st.pools:
        show_one_worker_pool(k, pool)


def show_freezable_workqueues(k: Kernel) -> None:
    """What try_to_freeze_tasks() prints when freezable workqueues stay busy."""
    st = k.subsys["workqueue"]
    _info(k, "Showing freezable workqueues that are still busy:")
    for wq in st.workqueues:
        if wq.flags & WQ_FREEZABLE:
            show_one_workqueue(k, wq)
