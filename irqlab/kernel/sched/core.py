"""Tasks, run queues and the scheduler. Mirrors kernel/sched/core.c (with rt.c and fair.c).

SCHED_FIFO/SCHED_RR by priority, SCHED_NORMAL sharing a CPU by weight; wakeup
preemption; newly-idle and tick-kicked load balancing; the debug checks
``might_sleep()`` and "scheduling while atomic".
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Final

from greenlet import greenlet

from irqlab.errno import EINVAL
from irqlab.kernel.cachecost import SWITCH_PATH
from irqlab.kernel.cpu import CPU, HARDIRQ_MASK, SIG_DONE, cpu_wait, irq_exit_preempt_check, take_interrupts
from irqlab.kernel.sched.fair import cfs_rq
from irqlab.kernel.sched.rt import MAX_RT_PRIO, rt_rq
from irqlab.kernel.stacktrace import ENABLED as KSTACK
from irqlab.kernel.stacktrace import pop, push, push_nested

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel
    from irqlab.kernel.rcu.tree_stall import RcuStall
    from irqlab.kernel.sched.deadline import SchedBandwidth
    from irqlab.sim import Engine, Fiber
    from irqlab.trace.tracepoint import Tracepoint


# include/linux/sched.h task states
TASK_RUNNING: Final = 0x0000
TASK_INTERRUPTIBLE: Final = 0x0001
TASK_UNINTERRUPTIBLE: Final = 0x0002
TASK_DEAD: Final = 0x0080
TASK_WAKEKILL: Final = 0x0100
TASK_NOLOAD: Final = 0x0400
TASK_NEW: Final = 0x0800
TASK_KILLABLE: Final = TASK_WAKEKILL | TASK_UNINTERRUPTIBLE
TASK_IDLE: Final = TASK_UNINTERRUPTIBLE | TASK_NOLOAD
TASK_NORMAL: Final = TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE

# include/uapi/linux/sched.h policies
SCHED_NORMAL: Final = 0
SCHED_FIFO: Final = 1
SCHED_RR: Final = 2
SCHED_BATCH: Final = 3
SCHED_IDLE: Final = 5

MAX_SCHEDULE_TIMEOUT: Final = (1 << 63) - 1

PF_IDLE: Final = 0x00000002
PF_EXITING: Final = 0x00000004
PF_WQ_WORKER: Final = 0x00000020
PF_KTHREAD: Final = 0x00200000
PF_NO_SETAFFINITY: Final = 0x04000000

# kernel/sched/core.c sched_prio_to_weight[], nice -20 .. 19
SCHED_PRIO_TO_WEIGHT = (
    88761, 71755, 56483, 46273, 36291,
    29154, 23254, 18705, 14949, 11916,
    9548, 7620, 6100, 4904, 3906,
    3121, 2501, 1991, 1586, 1277,
    1024, 820, 655, 526, 423,
    335, 272, 215, 172, 137,
    110, 87, 70, 56, 45,
    36, 29, 23, 18, 15,
)  # fmt: skip
NICE_0_LOAD: Final = 1024
RR_TIMESLICE_NS: Final = 100_000_000  # RR_TIMESLICE = 100 ms


class TaskState(enum.StrEnum):
    """A task's state as tests and scenarios see it (ps's R/S/D/X)."""

    NEW = "new"
    RUNNING = "running"
    RUNNABLE = "runnable"
    SLEEPING = "sleeping"
    BLOCKED = "blocked"
    DEAD = "dead"


POLICY_NAMES = {"normal": SCHED_NORMAL, "fifo": SCHED_FIFO, "rr": SCHED_RR, "batch": SCHED_BATCH, "idle": SCHED_IDLE}


class Task:
    """A task_struct: a kernel thread or a user task, running on a fiber."""

    # The fields a context switch reads and writes in the task it switches to, declared here so that the
    # compiled Task lays them out first and together (its flags side by side): three cache lines rather
    # than six, which is what each switch fetches when thousands of tasks have pushed the next one's out of
    # the caches (a performance trick). Then those that a switch writes in the task it leaves (the switch
    # counts, the sleep's description) and those that an RT wakeup reads (select_task_rq(), the RT array's
    # index, check_preempt()), within the same lines or the next. __init__ sets them.
    vruntime: int
    cfs_seq: int
    exec_start: int
    sum_exec_runtime: int
    slice_start: int
    weight: int
    raw_state: int
    cpu: int
    saved_pc: int
    glet: greenlet
    cfs_prev: Task | None
    cfs_next: Task | None
    sched_hooks: tuple[Callable[[Task], None], Callable[[Task], None]] | None
    is_rt: bool
    on_rq: bool
    saved_irqs_off: bool
    migrate_pending: bool
    rr_requeue: bool
    fiber_blocked: bool
    nvcsw: int
    nivcsw: int
    wait_desc: str
    rt_priority: int
    cpus_allowed: int
    fiber: Fiber

    def __init__(
        self,
        k: Kernel,
        pid: int,
        comm: str,
        fn: Callable[..., Any] | None,
        args: tuple[Any, ...],
        *,
        kthread: bool = True,
        user: bool = False,
    ) -> None:
        self.k = k
        self.pid = pid
        self.comm = comm[:15]
        self.fn = fn
        self.args = args
        self.policy = SCHED_NORMAL
        #: True for SCHED_FIFO/SCHED_RR (kept in step with policy by Scheduler.setscheduler).
        self.is_rt = False
        self.rt_priority = 0
        self.nice = 0
        self.weight = NICE_0_LOAD
        self.vruntime = 0
        #: The task's enqueue sequence in its CPU's fair timeline, which orders equal vruntimes there
        #: (kernel/sched/fair.py; se->run_node's place among equal keys).
        self.cfs_seq = 0
        #: The tasks queued before and after it there, in enqueue order (kernel/sched/fair.py).
        self.cfs_prev = None
        self.cfs_next = None
        self.sum_exec_runtime = 0
        self.exec_start = 0
        self.slice_start = 0
        self.rr_slice = RR_TIMESLICE_NS
        #: The task's state word (__state in task_struct): TASK_RUNNING, TASK_INTERRUPTIBLE, ...
        self.raw_state = TASK_NEW
        self.cpu = 0
        self.cpus_allowed = (1 << len(k.cpus)) - 1
        self.on_rq = False
        self.is_user = user
        self.flags = PF_KTHREAD if kthread and not user else 0
        self.saved_pc = 0
        self.saved_irqs_off = False
        self.result: Any = None
        self.exception: BaseException | None = None
        self.fiber = None  # type: ignore[assignment]
        #: Whether the fiber's ``blocked_on`` may be set (block_forever() and a contended spin set it): a wakeup
        #: clears it only then, so that waking a task that slept otherwise does not read its Fiber.
        self.fiber_blocked = False
        #: The fiber's greenlet, which a context switch resumes (set with ``fiber``; read by the switch without going
        #: through the Fiber, one object fewer for each task it resumes).
        self.glet = None  # type: ignore[assignment]
        self.should_stop = False
        self.exited: Any = None  # completion, set by kthread code
        self.wait_desc = ""
        self.nvcsw = 0
        self.nivcsw = 0
        #: Tick-sampled user and system time (ns), cputime_adjust()'s previous result, se.nr_migrations.
        self.utime = 0
        self.stime = 0
        self.prev_cputime = (0, 0)
        self.nr_migrations = 0
        #: start_boottime (ns since boot).
        self.start_time = k.engine.now
        self.migration_disabled = 0
        #: Move to an allowed CPU at the next schedule() (set_cpus_allowed() on the running task, CPU hot-unplug).
        self.migrate_pending = False
        #: An SCHED_RR task whose slice ran out goes to the tail of its priority's queue at the next schedule().
        self.rr_requeue = False
        #: Hooks for workqueue concurrency management: (sleeping, running) callables.
        self.sched_hooks = None
        #: Free-form per-task data for subsystems (e.g. the worker a kworker runs).
        self.data: dict[str, Any] = {}
        #: The simulated shell's process this task runs (irqlab/userspace/shell), or None: declared, since the
        #: compiled Task takes no attribute its class does not declare.
        self.shell_proc: Any = None

    # -- state -------------------------------------------------------------------
    @property
    def state(self) -> TaskState:
        """running / runnable / sleeping (S) / blocked (D) / dead / new."""
        s = self.raw_state
        if s & TASK_DEAD:
            return TaskState.DEAD
        if s & TASK_NEW:
            return TaskState.NEW
        if s == TASK_RUNNING:
            cpu = self.k.cpus[self.cpu]
            return TaskState.RUNNING if cpu.curr is self else TaskState.RUNNABLE
        if s & TASK_UNINTERRUPTIBLE:
            return TaskState.BLOCKED
        return TaskState.SLEEPING

    @property
    def prio(self) -> int:
        """The user-visible priority: rt_priority for FIFO/RR tasks, nice for the others."""
        return self.rt_priority if self.is_rt else self.nice

    @property
    def policy_name(self) -> str:
        return {SCHED_NORMAL: "SCHED_NORMAL", SCHED_FIFO: "SCHED_FIFO", SCHED_RR: "SCHED_RR",
                SCHED_BATCH: "SCHED_BATCH", SCHED_IDLE: "SCHED_IDLE"}[self.policy]  # fmt: skip

    @property
    def kernel_prio(self) -> int:
        """The kernel's internal prio (lower is more important): 99-rt for RT, 120+nice otherwise."""
        return MAX_RT_PRIO - 1 - self.rt_priority if self.is_rt else 120 + self.nice

    def __repr__(self) -> str:
        return f"<Task {self.comm}/{self.pid} {self.state.value} cpu{self.cpu}>"


class RunQueue:
    """Per-CPU run queue of *waiting* tasks (the running task is ``cpu.curr``): struct rq's ``rt``
    (a priority array, kernel/sched/rt.py) and ``cfs`` (a vruntime-ordered timeline, kernel/sched/fair.py)."""

    __slots__ = ("cpu", "rt", "cfs", "min_vruntime")

    def __init__(self, cpu: CPU) -> None:
        self.cpu = cpu
        self.rt = rt_rq()
        self.cfs = cfs_rq()
        self.min_vruntime = 0

    def __len__(self) -> int:
        return self.rt.rt_nr_running + self.cfs.queued

    def enqueue(self, p: Task, head: bool = False) -> None:
        if p.is_rt:
            self.rt.enqueue(p, head)
        else:
            self.cfs.enqueue(p)
        p.on_rq = True

    def dequeue(self, p: Task) -> None:
        if p.is_rt:
            self.rt.dequeue(p)
        else:
            self.cfs.dequeue(p)

    def best_rt(self) -> Task | None:
        return self.rt.pick_next_rt_entity()

    def best_cfs(self) -> Task | None:
        return self.cfs.pick_first_entity()

    def iter_tasks(self) -> Iterator[Task]:
        """The waiting tasks: RT by priority (most important first, FIFO within one), then the fair
        ones in the order they were queued."""
        yield from self.rt
        yield from self.cfs

    def tasks(self) -> list[Task]:
        return list(self.iter_tasks())


class Scheduler:
    """The scheduler of one simulated kernel."""

    def __init__(self, k: Kernel) -> None:
        self.k = k
        #: The kernel's engine and the scheduler's tracepoints, bound once (each lives as long as the kernel).
        self.engine: Engine = k.engine
        tp = k.tp
        self.tp_sched_switch: Tracepoint = tp.sched_switch
        self.tp_sched_waking: Tracepoint = tp.sched_waking
        self.tp_sched_wakeup: Tracepoint = tp.sched_wakeup
        n = len(k.cpus)
        factor = 1 + (n.bit_length() - 1)  # 1 + ilog2(ncpus), as sched_update_scaling
        self.base_slice = 750_000 * factor
        self.sched_latency = 6_000_000 * factor
        self.wakeup_gran = 1_000_000 * factor
        self.cswitch_cost = k.costs.get("context_switch", 0)
        self.cswitch_jitter = k.costs.get("context_switch_jitter", 0)
        self.prev_might_sleep_jiffy = 0
        #: RT bandwidth and the fair server (kernel/sched/deadline.py), set at boot.
        self.bandwidth: SchedBandwidth | None = None
        #: The RCU stall detector (kernel/rcu/tree_stall.py), whose rcu_note_context_switch() every context switch
        #: calls; set by it at boot. Typed, so that compiled code calls the method directly.
        self.rcu: RcuStall | None = None

    # -- accounting -------------------------------------------------------------------
    def update_curr(self, cpu: CPU) -> None:
        curr = cpu.curr
        now = self.engine.now
        delta = now - curr.exec_start
        if delta <= 0 or curr is cpu.idle:
            curr.exec_start = now
            return
        curr.exec_start = now
        curr.sum_exec_runtime += delta
        if curr.is_rt:
            bw = self.bandwidth
            if bw is not None:
                bw.update_curr_rt(cpu, curr, delta)
        else:
            # calc_delta_fair(): a nice-0 task's virtual time runs at wall speed.
            weight = curr.weight
            curr.vruntime += delta if weight == NICE_0_LOAD else delta * NICE_0_LOAD // weight
            self._update_min_vruntime(cpu)

    def _update_min_vruntime(self, cpu: CPU) -> None:
        rq = cpu.rq
        cfs = rq.cfs
        first = cfs.pick_first_entity() if cfs.queued else None
        lo = first.vruntime if first is not None else -1
        curr = cpu.curr
        if curr is not cpu.idle and not curr.is_rt and curr.raw_state == TASK_RUNNING:
            if lo < 0 or curr.vruntime < lo:
                lo = curr.vruntime
        if lo > rq.min_vruntime:
            rq.min_vruntime = lo

    # -- the core switch ----------------------------------------------------------------
    # Each entry point loops as kernel/sched/core.c's do: __schedule() runs again, not nested, while the interrupts
    # its finish_task_switch() took (inside schedule()'s preempt_disable()) ask for a preemption on their way out
    # (__schedule_loop(), preempt_schedule_common(), preempt_schedule_irq()).
    def schedule(self, nested: bool = False) -> None:
        """Voluntarily give up the CPU (blocks if the current state is not TASK_RUNNING). May sleep. ``nested``: the
        caller is a kernel function that pushed its call-trace entry (see stacktrace.push_nested()) and pops it, this
        one's with it, as soon as this returns, running nothing that takes a call trace in between."""
        kdepth = -1  # nested: the caller's pop() takes this entry too
        if KSTACK:
            if nested:
                push_nested("schedule")
            else:
                kdepth = push("schedule")
        preempt = False
        while self._schedule(preempt):
            preempt = True
        if kdepth >= 0:
            pop(kdepth)

    def preempt_schedule(self) -> None:
        kdepth = push("preempt_schedule") if KSTACK else 0
        while self._schedule(True):
            pass
        if KSTACK:
            pop(kdepth)

    def preempt_schedule_irq(self) -> None:
        kdepth = push("preempt_schedule_irq") if KSTACK else 0
        while self._schedule(True):
            pass
        if KSTACK:
            pop(kdepth)

    def _schedule(self, preempt: bool) -> bool:
        """One pass of __schedule(); returns whether the interrupts taken at its end want the task preempted."""
        k = self.k
        cpu = k.cpu
        assert cpu is not None
        prev = cpu.curr
        stop_work = cpu.stop_work
        if stop_work is not None:
            cpu.stop_work = None
            stop_work(cpu)  # the CPU's stopper runs first (kernel/stop_machine.c, see kernel/watchdog.py)
        if not preempt and (cpu.preempt_count != 0 or (prev is cpu.idle and prev.raw_state != TASK_RUNNING)):
            _schedule_debug(k, cpu, prev)
        self.update_curr(cpu)
        rq = cpu.rq
        if not preempt and prev.raw_state != TASK_RUNNING:
            prev.on_rq = False
            hooks = prev.sched_hooks
            if hooks is not None:
                hooks[0](prev)
        elif prev is not cpu.idle:
            if prev.migrate_pending:
                prev.migrate_pending = False
                dest = self.select_task_rq(prev)
                self._activate(dest, prev)
                if dest is not cpu:
                    self.check_preempt(dest, prev)
            else:
                requeue_tail = prev.rr_requeue
                prev.rr_requeue = False
                rq.enqueue(prev, prev.is_rt and not requeue_tail)
        cpu.need_resched = False
        nxt = self._pick_next(cpu)
        if nxt is prev:
            return False
        rcu = self.rcu
        if rcu is not None:
            rcu.note_context_switch(cpu)
        if preempt:
            prev.nivcsw += 1
        else:
            prev.nvcsw += 1
        cpu.nr_switches += 1
        self._context_switch(cpu, prev, nxt, preempt)
        # switch_to(), made here rather than in _context_switch(), whose frame would lie on the C stack every switch
        # copies out and back. nxt is parked (picked from the run queue, not prev): switch_parked() skips the guards.
        # No value: the task switched in reads none (see Engine.switch).
        self.engine.switch_parked(nxt.glet, None)
        # -- we are `prev` again, switched back in by some CPU --
        return self.finish_task_switch() and irq_exit_preempt_check(k)

    def _pick_next(self, cpu: CPU) -> Task:
        rq = cpu.rq
        bw = self.bandwidth
        # pick_next_task(): the RT class first (sched_find_first_bit() on its array), then the fair leftmost.
        rt = rq.rt
        p = rt.pick_next_rt_entity() if rt.bitmap and (bw is None or bw.rt_allowed(cpu)) else None
        if p is None and rq.cfs.queued:
            p = rq.cfs.pick_first_entity()
        if p is None:
            p = self._newidle_balance(cpu)
            if p is None:
                return cpu.idle
        rq.dequeue(p)
        if bw is not None:
            bw.picked(cpu, p)
        return p

    def _context_switch(self, cpu: CPU, prev: Task, nxt: Task, preempt: bool = False) -> None:
        """context_switch() up to switch_to(), which _schedule() makes on return: hand the CPU to ``nxt``."""
        if self.tp_sched_switch.on:
            _trace_sched_switch(self.tp_sched_switch, cpu, prev, nxt, preempt)
        # SIMPLIFICATION: after "scheduling while atomic" the kernel resets preempt_count; irqlab keeps each
        # context's count and IRQ state across the sleep so the machine stays usable.
        prev.saved_pc = cpu.preempt_count
        prev.saved_irqs_off = cpu.irqs_off
        if prev.saved_pc & HARDIRQ_MASK:
            # prev slept inside an interrupt handler ("scheduling while atomic"): that interrupt entry stays
            # suspended on prev's stack, so the root irqchip must deliver the CPU's next interrupts afresh.
            for hook in self.k.subsys.get("hardirq_sleep_hooks", ()):
                hook(cpu)
        cpu.preempt_count = nxt.saved_pc
        cpu.irqs_off = True
        cpu.curr = nxt
        nxt.cpu = cpu.id
        nxt.on_rq = True
        eng = self.engine
        nxt.exec_start = eng.now
        nxt.slice_start = nxt.sum_exec_runtime

    def schedule_tail(self) -> None:
        """A new task's first steps (ret_from_fork -> schedule_tail()): finish_task_switch(), then the
        preempt_enable() that may preempt it at once."""
        if self.finish_task_switch() and irq_exit_preempt_check(self.k):
            self.preempt_schedule_irq()

    def finish_task_switch(self) -> bool:
        """Runs in the task that was just switched in: pay the switch cost, reap, re-enable IRQs and take the
        interrupts that came meanwhile. Returns whether it took any: their return-path preemption check is the
        caller's, outside __schedule() (as preempt_count holds it off until then in the kernel)."""
        k = self.k
        cpu = k.cpu
        assert cpu is not None
        curr = cpu.curr
        cache = k.cache_cost
        if self.cswitch_cost or cache is not None:
            cost = self.cswitch_cost
            if self.cswitch_jitter:
                cost += int(self.engine.rng.expovariate(1.0 / self.cswitch_jitter))
            if cache is not None:
                # The switch path and the woken task refetch what a memory-hungry task evicted (kernel/cachecost.py).
                cost += cache.penalty(cpu, SWITCH_PATH)
                cache.switched(cpu, curr)
            cpu.irqs_off = True
            cpu_wait(k, cpu, self.engine.now + cost)
            cpu = k.cpu
            assert cpu is not None
        reap_list = k.reap_list
        if reap_list:
            for dead in reap_list:
                k.reap(dead)
            reap_list.clear()
        cpu.irqs_off = curr.saved_irqs_off
        hooks = curr.sched_hooks
        if hooks is not None:
            hooks[1](curr)
        if cpu.irq_pending and not cpu.irqs_off:
            # SIMPLIFICATION: the kernel takes these inside schedule()'s preempt_disable() (preempt_count 1); here
            # the count stays the task's own, and only the return-path preemption is held off.
            take_interrupts(k, cpu, False)
            return True
        return False

    # -- waking ---------------------------------------------------------------------
    def try_to_wake_up(self, p: Task, state_mask: int = TASK_NORMAL) -> bool:
        """Wake ``p`` if its state matches ``state_mask``; returns whether it was woken."""
        if not (p.raw_state & state_mask):
            return False
        k = self.k
        tp = self.tp_sched_waking
        if tp.on:
            # try_to_wake_up(): under guard(preempt) and p->pi_lock (IRQs off), before the wakeup.
            tp.emit_at(k.cpu.id if k.cpu is not None else p.cpu, 2, True, comm=p.comm, pid=p.pid,
                       prio=p.kernel_prio, target_cpu=p.cpu)  # fmt: skip
        p.raw_state = TASK_RUNNING
        p.wait_desc = ""
        if p.fiber_blocked:
            p.fiber_blocked = False
            p.fiber.blocked_on = None
        tp = self.tp_sched_wakeup
        if p.on_rq:
            # Still current somewhere (woken before it called schedule()).
            if tp.on:
                # ttwu_runnable(): under guard(preempt), pi_lock and the rq lock, IRQs off.
                # SIMPLIFICATION: traced on the waker's CPU; no TTWU_QUEUE wakelist IPI to the target.
                tp.emit_at(self.k.cpu.id if self.k.cpu is not None else p.cpu, 3, True, comm=p.comm, pid=p.pid,
                           prio=p.kernel_prio, target_cpu=p.cpu)  # fmt: skip
            return True
        cpu = self.select_task_rq(p)
        self._activate(cpu, p)
        if tp.on:
            # ttwu_do_wakeup(): under guard(preempt), pi_lock and the rq lock, IRQs off.
            tp.emit_at(k.cpu.id if k.cpu is not None else cpu.id, 3, True, comm=p.comm, pid=p.pid,
                       prio=p.kernel_prio, target_cpu=cpu.id)  # fmt: skip
        self.check_preempt(cpu, p)
        return True

    def wake_up_new_task(self, p: Task) -> None:
        k = self.k
        p.raw_state = TASK_RUNNING
        cpu = self.select_task_rq(p)
        p.vruntime = cpu.rq.min_vruntime
        p.cpu = cpu.id
        cpu.rq.enqueue(p)
        tp = k.tp.sched_wakeup_new
        if tp.on:
            # wake_up_new_task(): pi_lock and the rq lock held, IRQs off.
            tp.emit_at(k.cpu.id if k.cpu is not None else cpu.id, 2, True, comm=p.comm, pid=p.pid,
                       prio=p.kernel_prio, target_cpu=cpu.id)  # fmt: skip
        self.check_preempt(cpu, p)

    def _activate(self, cpu: CPU, p: Task) -> None:
        if p.cpu != cpu.id:
            p.nr_migrations += 1  # set_task_cpu()
        if not p.is_rt:
            rq = cpu.rq
            if p.cpu != cpu.id:
                old = self.k.cpus[p.cpu].rq
                p.vruntime = p.vruntime - old.min_vruntime + rq.min_vruntime
            # place_entity(): a sleeper gets at most half a latency period of credit.
            floor = rq.min_vruntime - self.sched_latency // 2
            if p.vruntime < floor:
                p.vruntime = floor
        p.cpu = cpu.id
        cpu.rq.enqueue(p)

    # SIMPLIFICATION: CFS-style vruntime comparison with a wakeup granularity, not EEVDF's lag/deadline rules.
    def check_preempt(self, cpu: CPU, p: Task) -> None:
        curr = cpu.curr
        if curr is cpu.idle:
            self.resched_cpu(cpu)
        elif p.is_rt:
            if not curr.is_rt or p.rt_priority > curr.rt_priority:
                self.resched_cpu(cpu)
        elif curr.is_rt:
            if self.bandwidth is not None and self.bandwidth.fair_wakeup_preempts(cpu):
                self.resched_cpu(cpu)
        else:
            self.update_curr(cpu)
            # wakeup_gran(): the granularity in the wakee's virtual time (calc_delta_fair()), so a nice -20
            # waker preempts after a small fraction of what a nice 0 one needs.
            gran = self.wakeup_gran if p.weight == NICE_0_LOAD else self.wakeup_gran * NICE_0_LOAD // p.weight
            if curr.vruntime - p.vruntime > gran:
                self.resched_cpu(cpu)

    def resched_cpu(self, cpu: CPU) -> None:
        """Mark ``cpu`` for rescheduling; another CPU is told by a reschedule IPI."""
        if cpu.need_resched:
            return
        cpu.need_resched = True
        k = self.k
        if cpu is not k.cpu:
            k.send_ipi(cpu, 0)

    def preempt_check_local(self) -> None:
        """Preemption point after a local wakeup (the preempt_enable() closing try_to_wake_up)."""
        k = self.k
        cpu = k.cpu
        if (
            cpu is not None
            and cpu.need_resched
            and cpu.preempt_count == 0
            and not cpu.irqs_off
            and k.preempt_full
            and cpu.curr is not cpu.idle
        ):
            self.preempt_schedule()

    # -- placement and balancing ---------------------------------------------------------
    @staticmethod
    def _is_idle(c: CPU) -> bool:
        return c.curr is c.idle and not c.need_resched and len(c.rq) == 0

    def select_task_rq(self, p: Task) -> CPU:
        cpus = self.k.cpus
        allowed_mask = p.cpus_allowed
        prev = cpus[p.cpu]
        prev_ok = prev.online and allowed_mask >> prev.id & 1
        if prev_ok and (
            not allowed_mask & (allowed_mask - 1)  # bound to prev alone (nr_cpus_allowed == 1): every rule picks it
            or p.migration_disabled
            or (prev.curr is prev.idle and not prev.need_resched and not prev.rq.cfs.queued and not prev.rq.rt.bitmap)
        ):
            return prev
        if not allowed_mask & (allowed_mask - 1) and allowed_mask.bit_length() <= len(cpus):
            # Bound to one CPU (a per-CPU kworker, an IRQ thread): every rule below picks that CPU.
            only = cpus[allowed_mask.bit_length() - 1]
            if only.online:
                return only
        # The online CPUs in the mask; with none, the kernel falls back to any online CPU.
        mask = 0
        for c in cpus:
            if c.online and allowed_mask >> c.id & 1:
                mask |= 1 << c.id
        if not mask:
            for c in cpus:
                if c.online:
                    mask |= 1 << c.id
        prev_in = mask >> prev.id & 1
        if prev_in and (p.migration_disabled or self._is_idle(prev)):
            return prev
        n = len(cpus)
        start = prev.id
        for i in range(n):
            c = cpus[(start + i) % n]
            if mask >> c.id & 1 and self._is_idle(c):
                return c
        if p.is_rt:
            # find_lowest_rq(): a CPU whose current task p would preempt.
            for i in range(n):
                c = cpus[(start + i) % n]
                if mask >> c.id & 1 and (not c.curr.is_rt or c.curr.rt_priority < p.rt_priority):
                    return c
        if prev_in:
            return prev
        return cpus[(mask & -mask).bit_length() - 1]

    def _can_migrate(self, p: Task, to: CPU) -> bool:
        return bool(p.cpus_allowed >> to.id & 1) and not p.migration_disabled

    # SIMPLIFICATION: no sched domains; a newly idle CPU pulls the first migratable waiting task of the busiest
    # run queue, and busy CPUs kick idle ones from their tick (scheduler_tick below).
    def _newidle_balance(self, cpu: CPU) -> Task | None:
        """Pull a waiting task from the busiest run queue onto this newly idle CPU."""
        if not cpu.online:
            return None
        cpus = self.k.cpus
        for src in cpus:
            if src is not cpu and (src.rq.rt.rt_nr_running or src.rq.cfs.queued):
                break
        else:
            return None  # every other run queue is empty (the common case: no sort, no allocation)
        best: Task | None = None
        best_src: CPU | None = None
        for src in sorted(cpus, key=_busiest_first):
            if src is cpu or not len(src.rq):
                continue
            for p in src.rq.iter_tasks():
                if self._can_migrate(p, cpu):
                    if best is None or (p.is_rt and (not best.is_rt or p.rt_priority > best.rt_priority)):
                        best, best_src = p, src
                    break
            if best is not None and not best.is_rt:
                break
        if best is None or best_src is None:
            return None
        best_src.rq.dequeue(best)
        if not best.is_rt:
            best.vruntime = best.vruntime - best_src.rq.min_vruntime + cpu.rq.min_vruntime
        best.cpu = cpu.id
        cpu.rq.enqueue(best)
        tp = self.k.tp.sched_migrate_task
        if tp.on:
            # set_task_cpu() from the balancer: both rq locks held, IRQs off.
            tp.emit_at(cpu.id, 2, True, comm=best.comm, pid=best.pid, prio=best.kernel_prio, orig_cpu=best_src.id,
                       dest_cpu=cpu.id)  # fmt: skip
        return best

    def scheduler_tick(self, cpu: CPU) -> None:
        """Called from the tick in hardirq context."""
        self.update_curr(cpu)
        curr = cpu.curr
        rq = cpu.rq
        if curr.policy == SCHED_RR:
            curr.rr_slice -= self.k.tick_nsec
            if curr.rr_slice <= 0:
                curr.rr_slice = RR_TIMESLICE_NS
                if rq.rt.has_prio(curr.rt_priority):
                    self.resched_cpu(cpu)
                    curr.rr_requeue = True
        elif curr is not cpu.idle and not curr.is_rt and rq.cfs.queued:
            if curr.sum_exec_runtime - curr.slice_start >= self.base_slice:
                best = rq.best_cfs()
                if best is not None and best.vruntime < curr.vruntime:
                    self.resched_cpu(cpu)
        # Kick an idle CPU to pull waiting work (nohz idle balance, simplified).
        if len(rq):
            # Only idle CPUs can be kicked: find them first, so a long queue costs nothing when none is.
            idle = [c for c in self.k.cpus if c is not cpu and self._is_idle(c) and c.online]
            if idle:
                for p in rq.iter_tasks():
                    for c in idle:
                        if self._can_migrate(p, c):
                            self.resched_cpu(c)
                            return

    # -- policy -------------------------------------------------------------------------
    def setscheduler(self, p: Task, policy: int, prio: int = 0, nice: int | None = None) -> None:
        if policy in (SCHED_FIFO, SCHED_RR) and not 1 <= prio <= 99:
            raise ValueError(f"an RT priority must be within 1..99, not {prio}")
        queued = p.on_rq and self.k.cpus[p.cpu].curr is not p and p.raw_state == TASK_RUNNING
        cpu = self.k.cpus[p.cpu]
        if queued:
            cpu.rq.dequeue(p)
        p.policy = policy
        p.is_rt = policy in (SCHED_FIFO, SCHED_RR)
        p.rt_priority = prio if p.is_rt else 0
        if nice is not None:
            if not -20 <= nice <= 19:
                raise ValueError(f"nice must be within -20..19, not {nice}")
            p.nice = nice
            p.weight = SCHED_PRIO_TO_WEIGHT[nice + 20]
        if queued:
            cpu.rq.enqueue(p)
            self.check_preempt(cpu, p)

    def set_cpus_allowed(self, p: Task, mask: int) -> int:
        online = sum(1 << c.id for c in self.k.cpus if c.online)
        if not mask & online:
            return -EINVAL
        p.cpus_allowed = mask
        cpu = self.k.cpus[p.cpu]
        if not mask >> p.cpu & 1 and p.raw_state == TASK_RUNNING and p.on_rq and cpu.curr is not p:
            cpu.rq.dequeue(p)
            p.on_rq = False
            dest = self.select_task_rq(p)
            self._activate(dest, p)
            self.check_preempt(dest, p)
        elif not mask >> p.cpu & 1 and cpu.curr is p:
            # Running on a now-forbidden CPU: move at the next schedule.
            self.resched_cpu(cpu)
            p.migrate_pending = True
        return 0


def block_forever(k: Kernel, p: Task, desc: str, nested: bool = False) -> None:
    """schedule() without a timeout for the current task ``p``, its sleeping state already set: it sleeps
    until someone wakes it. Should the run dry up meanwhile, ``Engine.run`` raises StalledError naming
    ``p`` and ``desc`` (what it waits on). Every wait with no timeout (mutex, completion, wait_event,
    semaphore, a bare schedule()) goes through here. May sleep. ``nested``: as for Scheduler.schedule()."""
    p.wait_desc = desc
    f = p.fiber
    p.fiber_blocked = True
    f.blocked_on = desc
    f.stuck_if_idle = True
    try:
        k.sched.schedule(nested)
    finally:
        f.stuck_if_idle = False


def _schedule_debug(k: Kernel, cpu: CPU, prev: Task) -> None:
    """schedule_debug() and the idle-task check of a voluntary __schedule() with preemption off or from the idle
    task (kept out of __schedule()'s frame, which every switch copies)."""
    if cpu.preempt_count != 0 and not prev.raw_state & TASK_DEAD:
        k.bugs.schedule_bug(prev, cpu.preempt_count + 1)
    if prev is cpu.idle and prev.raw_state != TASK_RUNNING:
        prev.raw_state = TASK_RUNNING
        raise k.bugs.fatal("bad: scheduling from the idle thread!")


def _trace_sched_switch(tp: Tracepoint, cpu: CPU, prev: Task, nxt: Task, preempt: bool) -> None:
    """The sched_switch event of context_switch() (kept out of its frame, which every switch copies)."""
    # __schedule() traces with IRQs off and the rq lock held, inside schedule()'s preempt_disable()
    # (the idle task's own count stands for it in schedule_idle()); a preemption reports "R+"
    # (__trace_sched_switch_state(); schedule_idle() is no preemption). The idle task is "swapper/N" in the
    # event's comm fields.
    state = "R+" if preempt and prev is not cpu.idle and prev.raw_state == TASK_RUNNING else _state_char(prev)
    tp.emit_at(cpu.id, 1 if prev is cpu.idle else 2, True, prev_comm=_comm(cpu, prev), prev_pid=prev.pid,
               prev_prio=prev.kernel_prio, prev_state=state, next_comm=_comm(cpu, nxt), next_pid=nxt.pid,
               next_prio=nxt.kernel_prio)  # fmt: skip


def might_sleep_invalid(cpu: CPU) -> bool:
    """Whether sleeping on ``cpu`` now is a "sleeping function called from invalid context" bug
    (__might_resched(): preemption or IRQs off, or the idle task)."""
    return bool(cpu.preempt_count or cpu.irqs_off or cpu.curr is cpu.idle)


def might_sleep_due(k: Kernel, cpu: CPU) -> bool:
    """Whether might_sleep() on ``cpu`` has anything to do: report an invalid context (might_sleep_invalid())
    or, under voluntary preemption, reschedule (might_resched()). Compiled callers test this before calling
    the interpreted sched.current.might_sleep_at(), so that its frame is on the stack whenever it reports."""
    return might_sleep_invalid(cpu) or (cpu.need_resched and k.preempt_model == "voluntary")


def _busiest_first(c: CPU) -> tuple[int, int]:
    """The newly idle balancer's order of source run queues: the longest first, then by CPU number."""
    return -len(c.rq), c.id


def _comm(cpu: CPU, p: Task) -> str:
    """The comm a sched event stores: the idle task's is swapper/N."""
    return f"swapper/{cpu.id}" if p is cpu.idle else p.comm


def _state_char(p: Task) -> str:
    s = p.raw_state
    if s == TASK_RUNNING:
        return "R"
    if s & TASK_DEAD:
        return "X"
    if s & TASK_UNINTERRUPTIBLE:
        return "I" if s & TASK_NOLOAD else "D"
    return "S"


__all__ = [
    "Task",
    "TaskState",
    "RunQueue",
    "Scheduler",
    "TASK_RUNNING",
    "TASK_INTERRUPTIBLE",
    "TASK_UNINTERRUPTIBLE",
    "TASK_DEAD",
    "TASK_IDLE",
    "TASK_NORMAL",
    "TASK_NOLOAD",
    "TASK_KILLABLE",
    "TASK_NEW",
    "SCHED_NORMAL",
    "SCHED_FIFO",
    "SCHED_RR",
    "SCHED_BATCH",
    "SCHED_IDLE",
    "MAX_RT_PRIO",
    "MAX_SCHEDULE_TIMEOUT",
    "POLICY_NAMES",
    "SIG_DONE",
]
