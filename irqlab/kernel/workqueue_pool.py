"""Mirrors kernel/workqueue.c (6.12): worker pools, workers, concurrency management, rescuers, BH pools.

Each CPU has two BH pools (run from TASKLET_SOFTIRQ / HI_SOFTIRQ by one pseudo worker)
and two kworker pools (nice 0 and nice -20); unbound pools are shared by attributes.
A per-CPU pool keeps ``nr_running`` at one while it has work: the scheduler calls
:func:`wq_worker_sleeping` when a busy worker blocks, which wakes the next idle worker,
and :func:`wq_worker_running` when it runs again. The last idle worker of a pool turns
manager and creates a new one before it starts working, so workers appear on demand;
idle workers beyond the kernel's ratio are culled after IDLE_WORKER_TIMEOUT. When a
worker cannot be created (the simulated memory-pressure switch), the mayday timer
summons the rescuers of the WQ_MEM_RECLAIM workqueues with work on the pool.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from irqlab.kernel.cpu import raise_interrupt
from irqlab.kernel.irq.irq_sim import irq_work, irq_work_run
from irqlab.kernel.kernel import IPI_IRQ_WORK
from irqlab.kernel.kthread import kthread_stop
from irqlab.kernel.printk import KERN_ERR, KERN_WARNING, vprintk
from irqlab.kernel.sched.core import SCHED_NORMAL
from irqlab.kernel.softirq import HI_SOFTIRQ, TASKLET_SOFTIRQ, raise_softirq_on
from irqlab.kernel.time.timer import mod_timer, timer_list, timer_pending

# SIMPLIFICATION: pool->lock, wq->mutex, wq_pool_mutex and the workqueue/work lockdep maps
# are not modelled: each operation is atomic in simulated time. CPU hotplug does not
# disassociate a CPU's pools. The watchdog and the per-pwq statistics are not kept.

if TYPE_CHECKING:
    from irqlab.kernel.cpu import CPU
    from irqlab.kernel.kernel import Kernel
    from irqlab.kernel.sched.core import Task

# -- include/linux/workqueue.h ------------------------------------------------------------
WQ_BH: Final = 1 << 0
WQ_UNBOUND: Final = 1 << 1
WQ_FREEZABLE: Final = 1 << 2
WQ_MEM_RECLAIM: Final = 1 << 3
WQ_HIGHPRI: Final = 1 << 4
WQ_CPU_INTENSIVE: Final = 1 << 5
WQ_SYSFS: Final = 1 << 6
WQ_POWER_EFFICIENT: Final = 1 << 7
__WQ_DESTROYING: Final = 1 << 15
__WQ_DRAINING: Final = 1 << 16
__WQ_ORDERED: Final = 1 << 17
__WQ_LEGACY: Final = 1 << 18
__WQ_BH_ALLOWS: Final = WQ_BH | WQ_HIGHPRI

WQ_MAX_ACTIVE: Final = 512  # 6.12 (2048 from 6.13)
WQ_UNBOUND_MAX_ACTIVE: Final = WQ_MAX_ACTIVE
WQ_DFL_ACTIVE: Final = WQ_MAX_ACTIVE // 2
WQ_DFL_MIN_ACTIVE: Final = 8
WQ_NAME_LEN: Final = 32
WORK_NR_COLORS: Final = 16
WORK_BUSY_PENDING: Final = 1 << 0
WORK_BUSY_RUNNING: Final = 1 << 1
#: queue_work_on(WORK_CPU_UNBOUND, ...): the local CPU for per-CPU queues (NR_CPUS in C).
WORK_CPU_UNBOUND: Final = 64

# -- kernel/workqueue.c -------------------------------------------------------------------
POOL_BH: Final = 1 << 0
POOL_MANAGER_ACTIVE: Final = 1 << 1
POOL_DISASSOCIATED: Final = 1 << 2

WORKER_DIE: Final = 1 << 1
WORKER_IDLE: Final = 1 << 2
WORKER_PREP: Final = 1 << 3
WORKER_CPU_INTENSIVE: Final = 1 << 6
WORKER_UNBOUND: Final = 1 << 7
WORKER_REBOUND: Final = 1 << 8
WORKER_NOT_RUNNING: Final = WORKER_PREP | WORKER_CPU_INTENSIVE | WORKER_UNBOUND | WORKER_REBOUND

NR_STD_WORKER_POOLS: Final = 2
MAX_IDLE_WORKERS_RATIO: Final = 4
HIGHPRI_NICE_LEVEL: Final = -20
RESCUER_NICE_LEVEL: Final = -20
BH_WORKER_RESTARTS: Final = 10
WCI_MAX_ENTS: Final = 128

PF_WQ_WORKER: Final = 0x00000020
PF_NO_SETAFFINITY: Final = 0x04000000


def idle_worker_timeout_jiffies(hz: int) -> int:
    """IDLE_WORKER_TIMEOUT = 300 * HZ."""
    return 300 * hz


def mayday_initial_timeout(hz: int) -> int:
    """MAYDAY_INITIAL_TIMEOUT: HZ/100, at least two ticks."""
    return hz // 100 if hz // 100 >= 2 else 2


class worker_pool:
    """struct worker_pool."""

    def __init__(self, st: WqState, cpu: int, nice: int, cpumask: int, bh: bool = False) -> None:
        self.st = st
        self.cpu = cpu
        self.node = 0  # one NUMA node (CONFIG_NUMA=y on the Pi 5 kernel)
        self.id = len(st.pools)
        st.pools.append(self)
        self.flags = POOL_DISASSOCIATED | (POOL_BH if bh else 0)
        self.nice = nice
        self.cpumask = cpumask
        self.watchdog_ts = 0
        self.nr_running = 0
        self.worklist: deque[Any] = deque()
        self.nr_workers = 0
        self.nr_idle = 0
        self.idle_list: list[worker] = []  # LIFO: most recently idled first
        #: timer_list(idle_worker_timeout), set by _new_pool() (workqueue_queue.py) with the cull work.
        self.idle_timer: Any = None
        self.mayday_timer = timer_list(pool_mayday_timeout)
        self.mayday_timer.pool = self  # type: ignore[attr-defined]
        self.idle_cull_work: Any = None  # a work_struct, set by the workqueue module
        self.busy_hash: dict[Any, worker] = {}
        self.manager: worker | None = None
        self.workers: list[worker] = []
        self.ids: set[int] = set()
        self.irq_work: Any = None  # bh_pool_irq_works[cpu][highpri]

    def __repr__(self) -> str:
        return f"<worker_pool {self.id} cpu={self.cpu} nice={self.nice} workers={self.nr_workers} idle={self.nr_idle}>"


class worker:
    """struct worker: a kworker, a BH pseudo worker (no task) or a rescuer."""

    def __init__(self) -> None:
        self.scheduled: deque[Any] = deque()
        self.task: Task | None = None
        self.pool: worker_pool | None = None
        self.current_work: Any = None
        self.current_func: Callable[..., Any] | None = None
        self.current_pwq: Any = None
        self.current_at = 0
        self.current_start = 0
        self.current_color = 0
        self.desc = ""
        self.sleeping = 0
        self.last_func: Callable[..., Any] | None = None
        self.flags = WORKER_PREP
        self.id = -1
        self.rescue_wq: Any = None
        self.last_active = 0

    def __repr__(self) -> str:
        name = self.task.comm if self.task is not None else "bh"
        return f"<worker {name} flags={self.flags:#x}>"


class WqState:
    """Per-kernel workqueue state (``k.subsys["workqueue"]``)."""

    def __init__(self, k: Kernel) -> None:
        self.k = k
        #: worker_thread(), the kworker body create_worker() starts: set by workqueue_init() (workqueue.py).
        self.worker_thread: Callable[[worker], int]
        self.pools: list[worker_pool] = []
        self.bh_pools: list[tuple[worker_pool, worker_pool]] = []
        self.cpu_pools: list[tuple[worker_pool, worker_pool]] = []
        self.unbound_pools: dict[tuple[int, int], worker_pool] = {}
        self.workqueues: list[Any] = []
        self.system: dict[str, Any] = {}
        self.freezing = False
        self.online = False
        self.mem_pressure = False
        self.once: set[str] = set()
        self.wci: dict[Any, int] = {}
        self.unbound_cpumask = (1 << len(k.cpus)) - 1
        p = k.boot_params
        self.power_efficient = (p.get("workqueue.power_efficient") or "n")[:1].lower() in ("y", "1")
        self.cpu_intensive_warning_thresh = int(p.get("workqueue.cpu_intensive_warning_thresh") or 4)
        self.cpu_intensive_thresh_us = _cpu_intensive_thresh(k)

    def set_memory_pressure(self, on: bool) -> None:
        """Make new kworker creation fail (as kthread_create() failing with -ENOMEM) while ``on``."""
        self.mem_pressure = bool(on)


def _cpu_intensive_thresh(k: Kernel) -> int:
    """wq_cpu_intensive_thresh_init(): 10 ms, scaled up to 1 s when BogoMIPS < 4000.

    The kernel computes BogoMIPS as ``loops_per_jiffy / 500000 * HZ`` in integers; on arm64
    loops_per_jiffy is the architected timer rate / HZ (216000 for 54 MHz at HZ=250), so
    the quotient is 0, BogoMIPS counts as 1 and the threshold becomes 1 s.
    """
    v = k.boot_params.get("workqueue.cpu_intensive_thresh_us")
    if v is not None:
        return int(v)
    lpj = int(k.board.data.get("loops_per_jiffy", k.board.data.get("timer_hz", 54_000_000) // k.hz))
    bogo = max(lpj // 500000 * k.hz, 1)
    thresh = 10 * 1000
    if bogo < 4000:
        thresh = min(thresh * 4000 // bogo, 1_000_000)
    return thresh


def state(k: Kernel) -> WqState:
    """The workqueue state of kernel ``k``."""
    st: WqState = k.subsys["workqueue"]
    return st


# -- pool policy (called with pool->lock held in C; atomic here) --------------------------------


def need_more_worker(pool: worker_pool) -> bool:
    """Work is waiting and no worker of the pool is running."""
    return bool(pool.worklist) and not pool.nr_running


def may_start_working(pool: worker_pool) -> bool:
    """An idle worker is left (otherwise the starter must create one first)."""
    return pool.nr_idle > 0


def keep_working(pool: worker_pool) -> bool:
    """A running worker continues while work waits and it is the only one running."""
    return bool(pool.worklist) and pool.nr_running <= 1


def need_to_create_worker(pool: worker_pool) -> bool:
    """Work waits, nobody runs and nobody is idle."""
    return need_more_worker(pool) and not may_start_working(pool)


def too_many_workers(pool: worker_pool) -> bool:
    """More than two idle workers and at least a quarter idle: cull the oldest."""
    nr_idle = pool.nr_idle + (1 if pool.flags & POOL_MANAGER_ACTIVE else 0)
    nr_busy = pool.nr_workers - nr_idle
    return nr_idle > 2 and (nr_idle - 2) * MAX_IDLE_WORKERS_RATIO >= nr_busy


def worker_set_flags(w: worker, flags: int) -> None:
    """Set worker flags; entering NOT_RUNNING drops the pool's nr_running."""
    if flags & WORKER_NOT_RUNNING and not w.flags & WORKER_NOT_RUNNING:
        w.pool.nr_running -= 1  # type: ignore[union-attr]
    w.flags |= flags


def worker_clr_flags(w: worker, flags: int) -> None:
    """Clear worker flags; leaving NOT_RUNNING raises the pool's nr_running."""
    oflags = w.flags
    w.flags &= ~flags
    if flags & WORKER_NOT_RUNNING and oflags & WORKER_NOT_RUNNING and not w.flags & WORKER_NOT_RUNNING:
        w.pool.nr_running += 1  # type: ignore[union-attr]


def worker_enter_idle(w: worker) -> None:
    """Put ``w`` at the head of the idle list; arm the idle timer if there are too many."""
    pool = w.pool
    assert pool is not None
    k = pool.st.k
    if w.flags & WORKER_IDLE:
        k.bugs.warn("kernel/workqueue.c", 975, None, once_key="worker_enter_idle", skip=1)
        return
    w.flags |= WORKER_IDLE
    pool.nr_idle += 1
    w.last_active = k.jiffies
    pool.idle_list.insert(0, w)
    if too_many_workers(pool) and not timer_pending(pool.idle_timer):
        mod_timer(pool.idle_timer, k.jiffies + idle_worker_timeout_jiffies(k.hz))


def worker_leave_idle(w: worker) -> None:
    """Take ``w`` off the idle list."""
    pool = w.pool
    assert pool is not None
    if not w.flags & WORKER_IDLE:
        pool.st.k.bugs.warn("kernel/workqueue.c", 1005, None, once_key="worker_leave_idle", skip=1)
        return
    worker_clr_flags(w, WORKER_IDLE)
    pool.nr_idle -= 1
    pool.idle_list.remove(w)


def find_worker_executing_work(pool: worker_pool, work: Any) -> worker | None:
    """The pool's worker running ``work`` (same function), or None."""
    w = pool.busy_hash.get(work)
    if w is not None and w.current_func is work.func:
        return w
    return None


def move_linked_works(work: Any, dst: deque[Any]) -> None:
    """Move ``work`` and the works LINKED after it (flush barriers) to the tail of ``dst``."""
    src: deque[Any] = work._list
    idx = 0 if src[0] is work else src.index(work)
    while True:
        w = src[idx]
        del src[idx]
        dst.append(w)
        w._list = dst
        if not w.linked:
            break


def assign_work(work: Any, w: worker) -> bool:
    """Give ``work`` to ``w``, or to the worker of the pool already running it (returns False)."""
    pool = w.pool
    assert pool is not None
    collision = pool.busy_hash.get(work)  # find_worker_executing_work(), inlined
    if collision is not None and collision.current_func is work.func:
        move_linked_works(work, collision.scheduled)
        return False
    move_linked_works(work, w.scheduled)
    return True


def kick_bh_pool(pool: worker_pool) -> None:
    """Raise the BH pool's softirq on its CPU (via an IPI when it is another CPU)."""
    k = pool.st.k
    nr = HI_SOFTIRQ if pool.nice == HIGHPRI_NICE_LEVEL else TASKLET_SOFTIRQ
    cpu = k.cpu
    if cpu is None or pool.cpu != cpu.id:
        _irq_work_queue_on(k, pool)
        return
    raise_softirq_on(k, cpu, nr)


def _irq_work_queue_on(k: Kernel, pool: worker_pool) -> None:
    """irq_work_queue_on(bh_pool_irq_work(pool), pool->cpu): the target CPU raises the softirq from
    its IRQ-work interrupt (bh_pool_kick_normal/highpri)."""
    work = pool.irq_work
    if work is None:
        target = k.cpus[pool.cpu]
        nr = HI_SOFTIRQ if pool.nice == HIGHPRI_NICE_LEVEL else TASKLET_SOFTIRQ
        work = pool.irq_work = irq_work(lambda w: raise_softirq_on(k, target, nr))
    if work.pending:
        return
    work.pending = True
    cpu = k.cpus[pool.cpu]
    lst = cpu.percpu.setdefault("irq_work_list", [])
    lst.append(work)
    if len(lst) == 1:
        if k.ipi_hook is not None:
            k.send_ipi(cpu, IPI_IRQ_WORK)
        else:
            raise_interrupt(k, cpu, irq_work_run)


def kick_pool(pool: worker_pool) -> bool:
    """Wake the most recently idled worker if the pool needs one; returns whether it did."""
    if not pool.worklist or pool.nr_running or not pool.idle_list:
        return False
    if pool.flags & POOL_BH:
        kick_bh_pool(pool)
        return True
    task = pool.idle_list[0].task
    assert task is not None
    pool.st.k.sched.try_to_wake_up(task)
    return True


# -- concurrency management hooks (called by the scheduler) -------------------------------------


def wq_worker_sleeping(task: Task) -> None:
    """A busy worker is about to block: drop nr_running and start another worker if needed."""
    w: worker = task.args[0]
    if w.flags & WORKER_NOT_RUNNING or w.sleeping:
        return
    w.sleeping = 1
    pool = w.pool
    assert pool is not None
    pool.nr_running -= 1
    kick_pool(pool)


def wq_worker_running(task: Task) -> None:
    """A worker that blocked runs again: count it in nr_running again."""
    w: worker = task.args[0]
    if not w.sleeping:
        return
    if not w.flags & WORKER_NOT_RUNNING:
        w.pool.nr_running += 1  # type: ignore[union-attr]
    w.current_at = task.sum_exec_runtime
    w.sleeping = 0


_SCHED_HOOKS = (wq_worker_sleeping, wq_worker_running)


def wq_worker_tick(cpu: CPU) -> None:
    """From the tick: mark a concurrency-managed work item that hogs the CPU as CPU_INTENSIVE."""
    task = cpu.curr
    if not task.flags & PF_WQ_WORKER:
        return
    w: worker = task.args[0]
    if w.current_pwq is None:
        return
    st: WqState = task.k.subsys["workqueue"]
    thresh = st.cpu_intensive_thresh_us
    if not thresh:
        return
    if w.flags & WORKER_NOT_RUNNING or w.sleeping or task.sum_exec_runtime - w.current_at < thresh * 1000:
        return
    worker_set_flags(w, WORKER_CPU_INTENSIVE)
    wq_cpu_intensive_report(st, w.current_func)
    kick_pool(w.pool)  # type: ignore[arg-type]


def wq_cpu_intensive_report(st: WqState, func: Any) -> None:
    """CONFIG_WQ_CPU_INTENSIVE_REPORT: report a hogging function with exponential backoff."""
    if func not in st.wci:
        if len(st.wci) >= WCI_MAX_ENTS:
            return
        st.wci[func] = 0
    cnt = st.wci[func] = st.wci[func] + 1
    th = st.cpu_intensive_warning_thresh
    if th and cnt >= th and _is_power_of_2(cnt + 1 - th):
        vprintk(st.k, KERN_WARNING + "workqueue: %ps hogged CPU for >%luus %llu times, consider switching to "
                "WQ_UNBOUND\n", (func, st.cpu_intensive_thresh_us, cnt))  # fmt: skip


def _is_power_of_2(n: int) -> bool:
    return n > 0 and n & (n - 1) == 0


# -- creating and destroying workers --------------------------------------------------------------


def format_worker_id(w: worker, pool: worker_pool | None) -> str:
    """kworker/%d:%d[H], kworker/u%d:%d or kworker/R-%s."""
    if w.rescue_wq is not None:
        return f"kworker/R-{w.rescue_wq.name}"
    if pool is None:
        return "kworker/dying"
    if pool.cpu >= 0:
        return f"kworker/{pool.cpu}:{w.id}{'H' if pool.nice < 0 else ''}"
    return f"kworker/u{pool.id}:{w.id}"


def _ida_alloc(pool: worker_pool) -> int:
    i = 0
    while i in pool.ids:
        i += 1
    pool.ids.add(i)
    return i


def create_worker(pool: worker_pool) -> worker | None:
    """Create a worker (a kworker task unless BH), attach it idle and start it. May sleep.

    Returns None when the kthread cannot be created (the simulated memory pressure).
    """
    st = pool.st
    k = st.k
    w = worker()
    w.id = _ida_alloc(pool)
    if not pool.flags & POOL_BH:
        name = format_worker_id(w, pool)
        # SIMPLIFICATION: kthread_create() succeeds at once (no kthreadd round trip) unless the
        # memory-pressure switch is on, when it fails as with -ENOMEM.
        if st.mem_pressure and st.online:
            pool.ids.discard(w.id)
            _err_once(st, "create", "workqueue: Failed to create a worker thread: %pe", (-12,))
            return None
        # worker_thread() (workqueue_worker.py, built on this module) comes through the state's ops.

        t = k.create_task(st.worker_thread, (w,), name)
        k.sched.setscheduler(t, SCHED_NORMAL, 0, pool.nice)
        t.cpus_allowed = pool.cpumask
        if pool.cpu >= 0:
            t.cpu = pool.cpu
            t.data["bound"] = True
            t.flags |= PF_NO_SETAFFINITY
        t.data["wq_worker"] = w
        w.task = t
    # worker_attach_to_pool()
    if pool.flags & POOL_DISASSOCIATED:
        w.flags |= WORKER_UNBOUND
    pool.workers.append(w)
    w.pool = pool
    pool.nr_workers += 1
    worker_enter_idle(w)
    if w.task is not None:
        k.sched.wake_up_new_task(w.task)
        _register_comm(k, w)
    return w


def _err_once(st: WqState, key: str, fmt: str, args: tuple[Any, ...]) -> None:
    if key in st.once:
        return
    st.once.add(key)
    vprintk(st.k, KERN_ERR + fmt, args)


def wq_worker_comm(task: Task) -> str:
    """/proc/PID/comm of a kworker: its name plus "+wq" while it runs an item, "-wq" after."""
    w: worker | None = task.data.get("wq_worker")
    if w is None or not task.flags & PF_WQ_WORKER:
        return task.comm
    pool = w.pool
    buf = format_worker_id(w, pool)
    if pool is not None and w.desc:
        buf += ("+" if w.current_work is not None else "-") + w.desc
    return buf


def _register_comm(k: Kernel, w: worker) -> None:
    """/proc/PID/comm of a kworker shows wq_worker_comm(): "+wq" while busy, "-wq" after."""
    fs = k.subsys.get("fs")
    if fs is not None and w.task is not None:
        task = w.task
        fs.register(f"/proc/{task.pid}/comm", lambda: wq_worker_comm(task) + "\n")


def set_worker_dying(w: worker, cull: list[worker]) -> None:
    """Mark an idle worker for culling and move it to ``cull``."""
    pool = w.pool
    assert pool is not None
    if w.current_work is not None or w.scheduled or not w.flags & WORKER_IDLE:
        pool.st.k.bugs.warn("kernel/workqueue.c", 2880, None, skip=1)
        return
    pool.nr_workers -= 1
    pool.nr_idle -= 1
    w.flags |= WORKER_DIE
    pool.idle_list.remove(w)
    cull.append(w)


def idle_cull_fn(work: Any) -> None:
    """Stop the workers that have been idle for IDLE_WORKER_TIMEOUT. May sleep."""
    pool: worker_pool = work.pool
    k = pool.st.k
    cull: list[worker] = []
    while too_many_workers(pool):
        w = pool.idle_list[-1]
        expires = w.last_active + idle_worker_timeout_jiffies(k.hz)
        if k.jiffies < expires:
            mod_timer(pool.idle_timer, expires)
            break
        set_worker_dying(w, cull)
    for w in cull:
        pool.workers.remove(w)
    for w in cull:
        assert w.task is not None
        kthread_stop(w.task)


# -- mayday ------------------------------------------------------------------------------------------


def send_mayday(pwq: Any) -> None:
    """Ask ``pwq``'s workqueue rescuer for help (once per pwq until served)."""
    wq = pwq.wq
    if wq.rescuer is None:
        return
    if not pwq.mayday_node:
        pwq.refcnt += 1
        pwq.mayday_node = True
        wq.maydays.append(pwq)
        pwq.pool.st.k.sched.try_to_wake_up(wq.rescuer.task)


def pool_mayday_timeout(t: Any) -> None:
    """The pool still cannot create a worker: call the rescuers of everything on its worklist."""
    pool: worker_pool = t.pool
    k = pool.st.k
    if need_to_create_worker(pool):
        for work in list(pool.worklist):
            send_mayday(work.pwq)
    mod_timer(pool.mayday_timer, k.jiffies + k.hz // 10)  # MAYDAY_INTERVAL
