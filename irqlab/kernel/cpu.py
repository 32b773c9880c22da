"""Per-CPU state and execution: mirrors the per-CPU parts of kernel/sched and arch entry code.

A CPU runs exactly one context at a time: its current task, or a hardirq/softirq
running *on that task's stack* (inline in the task's fiber, as Linux runs them on
whatever they interrupted). Simulated time passes only while a CPU waits:

* busy work (:func:`burn`): the CPU computes for a while; with IRQs enabled an
  interrupt is taken at the instant it arrives and the rest of the work resumes after;
* idling (the idle task): the CPU sleeps until an interrupt arrives;
* spinning on a lock held by another CPU.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from irqlab.kernel.stacktrace import ENABLED as KSTACK
from irqlab.kernel.stacktrace import IRQ_ENTRY, pop, push, unwind
from irqlab.sim import PRIO_CPU, PRIO_IRQ, InternalError
from irqlab.sim.engine import Resume

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel
    from irqlab.kernel.sched.core import RunQueue, Task
    from irqlab.sim import Engine

# -- include/linux/preempt.h ---------------------------------------------------
PREEMPT_BITS: Final = 8
SOFTIRQ_BITS: Final = 8
HARDIRQ_BITS: Final = 4
NMI_BITS: Final = 4
PREEMPT_SHIFT: Final = 0
SOFTIRQ_SHIFT: Final = PREEMPT_SHIFT + PREEMPT_BITS  # 8
HARDIRQ_SHIFT: Final = SOFTIRQ_SHIFT + SOFTIRQ_BITS  # 16
NMI_SHIFT: Final = HARDIRQ_SHIFT + HARDIRQ_BITS  # 20
PREEMPT_MASK: Final = ((1 << PREEMPT_BITS) - 1) << PREEMPT_SHIFT  # 0x000000ff
SOFTIRQ_MASK: Final = ((1 << SOFTIRQ_BITS) - 1) << SOFTIRQ_SHIFT  # 0x0000ff00
HARDIRQ_MASK: Final = ((1 << HARDIRQ_BITS) - 1) << HARDIRQ_SHIFT  # 0x000f0000
NMI_MASK: Final = ((1 << NMI_BITS) - 1) << NMI_SHIFT  # 0x00f00000
PREEMPT_OFFSET: Final = 1 << PREEMPT_SHIFT
SOFTIRQ_OFFSET: Final = 1 << SOFTIRQ_SHIFT
HARDIRQ_OFFSET: Final = 1 << HARDIRQ_SHIFT
NMI_OFFSET: Final = 1 << NMI_SHIFT
SOFTIRQ_DISABLE_OFFSET: Final = 2 * SOFTIRQ_OFFSET

# Signals carried by a resume into a parked CPU context.
SIG_DONE: Final = 0
SIG_IRQ: Final = 1

# The tags of the events that only resume a parked CPU context (engine.Resume.tag), which cpu_wait() runs itself
# when one is due next: a wait that ran out (_wait_done), an interrupt kick (_kick), cpu_resume() (_resume).
_TAG_WAIT_DONE: Final = 1
_TAG_KICK: Final = 2
_TAG_RESUME: Final = 3

Handler = Callable[["CPU"], None]


class CPU:
    """One simulated CPU: preempt_count, IRQ flag, current task, run queue, pending work."""

    __slots__ = (
        "k",
        "id",
        "preempt_count",
        "irqs_off",
        "curr",
        "idle",
        "rq",
        "need_resched",
        "irq_pending",
        "parked",
        "interruptible",
        "resume_sig",
        "irq_exit_debt",
        "eng",
        "wait_args",
        "softirq_pending",
        "softirq_counts",
        "ksoftirqd",
        "online",
        "hrtimer_base",
        "timer_base",
        "tick",
        "tick_stopped",
        "clockevent",
        "clockevent_at",
        "ipi_counts",
        "busy_ns",
        "tasklet_vec",
        "tasklet_hi_vec",
        "percpu",
        "cpustat",
        "irqtime_start",
        "irqtime_tick_delta",
        "idle_sleeptime",
        "idle_entrytime",
        "nr_switches",
        "stop_work",
        "wait_ev",
        "kick_ev",
    )

    def __init__(self, k: Kernel, cpu_id: int) -> None:
        self.k = k
        self.id = cpu_id
        self.preempt_count = 0
        self.irqs_off = False
        self.curr: Task = None  # type: ignore[assignment]  # set when the idle task is created
        self.idle: Task = None  # type: ignore[assignment]
        self.rq: RunQueue = None  # type: ignore[assignment]
        self.need_resched = False
        self.irq_pending: deque[Handler] = deque()
        self.parked = False
        self.interruptible = False
        #: The signal the context parked in a wait on this CPU resumes with (set by whoever resumes it: the switch
        #: carries no value, which would cost an argument tuple per switch).
        self.resume_sig = SIG_DONE
        #: CPU time the interrupt controller's driver still owes when it returns (its last acknowledge register
        #: read), which irq_exit() pays in one wait with its own cost: nothing runs on the CPU in between (IRQs
        #: masked), so the one wait ends at the same instant as the two would.
        self.irq_exit_debt = 0
        #: The kernel's engine, and the arguments of this CPU's wait and interrupt-kick events (built once).
        self.eng: Engine = k.engine
        self.wait_args = (k, self)
        self.softirq_pending = 0
        self.softirq_counts = [0] * 10
        self.ksoftirqd: Task | None = None
        self.online = True
        self.hrtimer_base: Any = None
        self.timer_base: Any = None
        self.tick: Any = None
        self.tick_stopped = False
        self.clockevent: list[Any] | None = None
        self.clockevent_at = -1
        self.ipi_counts = [0] * 8
        self.busy_ns = 0
        self.tasklet_vec: deque[Any] = deque()
        self.tasklet_hi_vec: deque[Any] = deque()
        #: Free-form per-CPU storage for subsystems (DEFINE_PER_CPU equivalents).
        self.percpu: dict[str, Any] = {}
        #: kernel_cpustat.cpustat[] in ns (kernel/sched/cputime.c), indexed by CPUTIME_*.
        self.cpustat = [0] * 10
        #: CONFIG_IRQ_TIME_ACCOUNTING: the last entry/exit stamp and the interrupt time not yet seen by a tick.
        self.irqtime_start = 0
        self.irqtime_tick_delta = 0
        #: NO_HZ idle accounting (tick_sched idle_sleeptime / idle_entrytime; -1 when not idle).
        self.idle_sleeptime = 0
        self.idle_entrytime = -1
        #: rq->nr_switches.
        self.nr_switches = 0
        #: Work queued on the CPU's stopper (stop_one_cpu_nowait()): runs before anything else at the next
        #: preemption point or schedule() (see kernel/watchdog.py).
        self.stop_work: Callable[[CPU], None] | None = None
        #: The events of this CPU's waits and of its interrupt kicks, allocated once and queued again at each wait
        #: that goes through the queue (a kick that finds this CPU's kick still queued allocates another).
        self.wait_ev = Resume(PRIO_CPU, _wait_done, self.wait_args, _TAG_WAIT_DONE)
        self.kick_ev = Resume(PRIO_IRQ, _kick, self.wait_args, _TAG_KICK)

    def __repr__(self) -> str:
        return f"<CPU{self.id} curr={self.curr.comm if self.curr else None} pc={self.preempt_count:#x}>"


# -- waiting and resuming -----------------------------------------------------------


def cpu_wait(k: Kernel, cpu: CPU, until: int | None) -> int:
    """Park the context running on ``cpu`` until ``until`` (or until resumed).

    Returns SIG_DONE when the wait ran out (or was ended by :func:`cpu_resume`) and
    SIG_IRQ when an interrupt arrived while IRQs were enabled.

    A wait that no other event can interrupt moves the clock directly (Engine.wait_until). Otherwise the
    context parks, which ends the event that resumed it: when the engine's next due event only resumes a
    parked CPU context (a wait that ran out, an interrupt kick, a :func:`cpu_resume`), this fiber runs it
    itself and switches straight to that context, instead of switching to the engine's loop, which would
    then switch there: the same events, in the same order, at the same instants, one switch fewer.
    """
    eng = cpu.eng
    irqs_on = not cpu.irqs_off
    if irqs_on and cpu.irq_pending:
        # An interrupt is pending already: it is taken at once (the wait is not queued: it would be cancelled).
        if until is not None and until < eng.now:
            raise InternalError(f"wait until {until} ns ends in the past ({eng.now} ns)")
        cpu.interruptible = True
        return SIG_IRQ
    if until is not None and not eng.wait_until(until, cpu.wait_ev):
        return SIG_DONE
    cpu.interruptible = irqs_on
    cpu.parked = True
    # -- park --
    k.cpu = None  # type: ignore[assignment]  # as between two events of the loop (the stop predicate runs)
    while True:
        due = eng.pop_due()
        if due is None:
            break
        args = due.args
        c: CPU = args[1]
        tag = due.tag
        if tag == _TAG_WAIT_DONE:
            sig = SIG_DONE
        elif tag == _TAG_KICK:
            if not _kick_claims(eng, c):
                continue
            sig = SIG_IRQ
        else:  # _TAG_RESUME
            sig = args[2]
        # what _resume() does
        c.parked = False
        k.cpu = c
        if c is cpu:  # its own context: already running
            return sig
        c.resume_sig = sig
        eng.switch_parked(c.curr.glet, None)
        return cpu.resume_sig
    k.cpu = cpu
    eng.switch_parked(eng.main, None)
    return cpu.resume_sig


def _wait_done(k: Kernel, cpu: CPU) -> None:
    _resume(k, cpu, SIG_DONE)


def _resume(k: Kernel, cpu: CPU, sig: int) -> None:
    cpu.parked = False
    k.cpu = cpu
    cpu.resume_sig = sig
    try:
        k.engine.switch_parked(cpu.curr.glet, None)
    finally:
        k.cpu = None  # type: ignore[assignment]


def cpu_resume(k: Kernel, cpu: CPU) -> None:
    """End an open-ended wait of ``cpu`` (e.g. a spinner that got its lock) now."""
    if not cpu.parked:
        return
    k.engine.cancel(cpu.wait_ev)  # the wait's event, if queued (an open-ended wait queues none)
    cpu.parked = False
    eng = k.engine
    eng.queue_resume(eng.now, Resume(PRIO_CPU, _resume, (k, cpu, SIG_DONE), _TAG_RESUME))


def raise_interrupt(k: Kernel, cpu: CPU, handler: Handler) -> None:
    """Hardware side: make ``handler`` pending as an interrupt on ``cpu``.

    ``handler(cpu)`` runs in hardirq context when the CPU takes the interrupt: at once
    if the CPU is idle or computing with IRQs enabled, otherwise when it re-enables IRQs.
    """
    cpu.irq_pending.append(handler)
    if cpu.parked and cpu.interruptible:
        # Delivered by an event of its own, so that whatever raised it (a hardware model's
        # event, another CPU) finishes at this instant before the CPU starts the handler.
        eng = cpu.eng
        ev = cpu.kick_ev
        if ev.queued:  # a kick of this CPU is queued already: this one is another event
            ev = Resume(PRIO_IRQ, _kick, cpu.wait_args, _TAG_KICK)
        eng.queue_resume(eng.now, ev)


def _kick_claims(eng: Engine, cpu: CPU) -> bool:
    """Whether an interrupt kick still finds ``cpu`` parked, interruptible and with an interrupt pending; if so,
    its wait is cancelled (the caller then resumes it with SIG_IRQ)."""
    if cpu.parked and cpu.interruptible and cpu.irq_pending:
        eng.cancel(cpu.wait_ev)  # the wait's event, if queued
        return True
    return False


def _kick(k: Kernel, cpu: CPU) -> None:
    if _kick_claims(k.engine, cpu):
        _resume(k, cpu, SIG_IRQ)


def burn(k: Kernel, ns: int, wall: bool) -> None:
    """Keep the current CPU busy.

    ``wall=False`` (``cpu_work``): consume ``ns`` of CPU time; time spent in
    interrupts or in other tasks while preempted does not count.
    ``wall=True`` (``udelay``/``mdelay``): spin until ``ns`` of wall time have passed
    since the call, as arm64's timer-based ``__delay`` does.
    """
    if ns <= 0:
        return
    eng = k.engine
    end = eng.now + ns
    while True:
        cpu = k.cpu
        assert cpu is not None
        start = eng.now
        sig = cpu_wait(k, cpu, end)
        cpu = k.cpu
        assert cpu is not None
        cpu.busy_ns += eng.now - start
        if sig == SIG_DONE:
            return
        remaining = end - eng.now
        take_interrupts(k, cpu)
        if wall:
            if eng.now >= end:
                return
        else:
            end = eng.now + remaining


def spin_skip(k: Kernel, step: int) -> None:
    """Let the current CPU's busy-wait run ahead: move the clock as far as ``step``-ns polls would go
    before anything else could happen (the next event, the run's end), counting the time as busy.

    Only for a loop whose exit condition reads state that nothing but another event can change (not the
    clock, not a counter of its own): its polls until then would all see the same state, so the outcome
    is exactly that of the small steps. Performance shortcut: seconds of spinning cost one call."""
    cpu = k.cpu
    if cpu is None or (cpu.irq_pending and not cpu.irqs_off):
        return
    eng = k.engine
    n = eng.idle_steps(step)
    if n:
        eng.skip(n * step, n)
        cpu.busy_ns += n * step


def spin_poll(k: Kernel, cond: Callable[[], bool], step: int) -> None:
    """``while (!cond()) cpu_relax();`` for irqlab's own busy-waits: poll ``cond`` every ``step`` ns of
    spinning (interrupts are taken meanwhile if IRQs are enabled). ``cond`` must read only state that
    other contexts change, never the clock; the loop then runs ahead with :func:`spin_skip`."""
    while not cond():
        if k.cpu is None:
            return
        spin_skip(k, step)
        burn(k, step, True)


def cpu_spin(k: Kernel, on: object, until: int | None = None) -> CPU:
    """Busy-wait on ``on`` (a lock, a barrier, a tasklet, ...) until ``until``, or until :func:`cpu_resume`
    or :func:`cpu_spin_release` ends the wait. The time counts as busy; an interrupt that arrives while
    IRQs are enabled is taken before returning. Returns the CPU the caller runs on afterwards."""
    cpu = k.cpu
    cpu.percpu["spin"] = on
    start = k.engine.now
    sig = cpu_wait(k, cpu, until)  # type: ignore[arg-type]
    cpu = k.cpu
    cpu.busy_ns += k.engine.now - start
    cpu.percpu["spin"] = None
    if sig == SIG_IRQ:
        take_interrupts(k, cpu)  # type: ignore[arg-type]
        cpu = k.cpu
    return cpu  # type: ignore[return-value]


def cpu_spin_release(k: Kernel, cpus: list[CPU], on: object) -> None:
    """End the :func:`cpu_spin` of every CPU in ``cpus`` that is spinning on ``on`` now."""
    for c in cpus:
        if c.percpu.get("spin") is on:
            cpu_resume(k, c)


def take_interrupts(k: Kernel, cpu: CPU, preempt: bool = True) -> None:
    """Take every pending interrupt on ``cpu`` (IRQs enabled), then maybe preempt.

    This is the arch entry path: irq_enter, the handler, irq_exit (which runs
    pending softirqs), then preemption on return if the interrupted context allows it.
    irq_enter/irq_exit are kernel/softirq.c's, reached through ``k.irq_entry_ops`` (set when the
    Kernel is built), as the hardware reaches the entry code through the vector table it was given.
    ``preempt=False`` leaves the return-path check to the caller (irq_exit_preempt_check()): the
    scheduler's finish_task_switch() takes interrupts inside __schedule()'s preempt_disable().
    """
    # The interrupt's entry on the kernel stack: where a call trace passes from the interrupt's stack to the
    # interrupted context's (stacktrace.IRQ_ENTRY; the pure-Python build finds this function's frame).
    kdepth = push(IRQ_ENTRY) if KSTACK else 0
    try:
        # The context runs on whichever CPU it is on *now*: a handler that slept ("scheduling while atomic")
        # may resume on another CPU, and must not go on draining the old CPU's pending interrupts there.
        irq_enter, irq_exit = k.irq_entry_ops
        while cpu.irq_pending and not cpu.irqs_off:
            handler = cpu.irq_pending.popleft()
            irq_enter(k, cpu)
            try:
                handler(cpu)
            except BaseException as exc:  # noqa: BLE001 - driver faults become oopses
                if KSTACK:
                    unwind(kdepth, exc, own=True)
                k.fault(exc, "hardirq")
            cpu = k.cpu  # type: ignore[assignment]
            irq_exit(k, cpu)
            cpu = k.cpu  # type: ignore[assignment]
        if preempt and irq_exit_preempt_check(k):
            k.sched.preempt_schedule_irq()
    finally:
        if KSTACK:
            pop(kdepth)


def irq_exit_preempt_check(k: Kernel) -> bool:
    """The interrupt return path's last step (arm64 __exit_to_kernel_mode() / exit_to_user_mode()): run the
    CPU's stopper if one is due, and return whether the interrupted context is to be preempted now."""
    cpu = k.cpu
    assert cpu is not None
    if cpu.stop_work is not None and cpu.preempt_count == 0 and not cpu.irqs_off:
        curr = cpu.curr
        if k.preempt_full or curr.is_user or curr is cpu.idle:
            stop, cpu.stop_work = cpu.stop_work, None
            stop(cpu)
    if cpu.need_resched and cpu.preempt_count == 0 and not cpu.irqs_off:
        curr = cpu.curr
        # The idle task is not preempted here: back in the idle loop it restarts the tick
        # (tick_nohz_idle_exit) and then schedules, as do_idle() does.
        # A user task is preempted on its return to user mode, unless it is inside a system call: then,
        # without kernel preemption, it runs on to the syscall's exit (exit_to_user_mode()).
        return bool(k.preempt_full or (curr.is_user and not curr.data.get("in_syscall"))) and curr is not cpu.idle
    return False
