"""High-resolution timers and the per-CPU clock event device. Mirrors kernel/time/hrtimer.c.

Hard hrtimers expire in the timer interrupt; soft ones (HRTIMER_MODE_SOFT, and all
that are not _HARD on PREEMPT_RT) in HRTIMER_SOFTIRQ. A timer with a range
(``usleep_range``) fires at its hard expiry unless an earlier timer interrupt finds
it past its soft expiry, as ``__hrtimer_run_queues`` does.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from irqlab.kernel.container import Embeddable, container_of
from irqlab.kernel.core import current_kernel, kernel, on_cpu
from irqlab.kernel.cpu import burn
from irqlab.kernel.sched.core import TASK_IDLE, TASK_INTERRUPTIBLE, TASK_UNINTERRUPTIBLE, Task, block_forever
from irqlab.kernel.softirq import HRTIMER_SOFTIRQ, raise_softirq_on
from irqlab.kernel.stacktrace import ENABLED as KSTACK
from irqlab.kernel.stacktrace import depth, pop, popped, push, unwind
from irqlab.sim.engine import PRIO_IRQ  # the Final itself: compiled code inlines it

if TYPE_CHECKING:
    from irqlab.kernel.cpu import CPU
    from irqlab.kernel.kernel import Kernel

#: heapq's functions, bound once (compiled code would look them up on the module at each call).
_heapify: Final = heapq.heapify
_heappop: Final = heapq.heappop
_heappush: Final = heapq.heappush

HRTIMER_MODE_ABS: Final = 0x00
HRTIMER_MODE_REL: Final = 0x01
HRTIMER_MODE_PINNED: Final = 0x02
HRTIMER_MODE_SOFT: Final = 0x04
HRTIMER_MODE_HARD: Final = 0x08
HRTIMER_MODE_ABS_PINNED: Final = HRTIMER_MODE_ABS | HRTIMER_MODE_PINNED
HRTIMER_MODE_REL_PINNED: Final = HRTIMER_MODE_REL | HRTIMER_MODE_PINNED
HRTIMER_MODE_ABS_SOFT: Final = HRTIMER_MODE_ABS | HRTIMER_MODE_SOFT
HRTIMER_MODE_REL_SOFT: Final = HRTIMER_MODE_REL | HRTIMER_MODE_SOFT
HRTIMER_MODE_ABS_HARD: Final = HRTIMER_MODE_ABS | HRTIMER_MODE_HARD
HRTIMER_MODE_REL_HARD: Final = HRTIMER_MODE_REL | HRTIMER_MODE_HARD
HRTIMER_MODE_ABS_PINNED_HARD: Final = HRTIMER_MODE_ABS_PINNED | HRTIMER_MODE_HARD
HRTIMER_MODE_REL_PINNED_HARD: Final = HRTIMER_MODE_REL_PINNED | HRTIMER_MODE_HARD

HRTIMER_NORESTART: Final = 0
HRTIMER_RESTART: Final = 1

CLOCK_REALTIME: Final = 0
CLOCK_MONOTONIC: Final = 1
CLOCK_BOOTTIME: Final = 7
CLOCK_TAI: Final = 11


class hrtimer(Embeddable):
    """struct hrtimer."""

    def __init__(self) -> None:
        self.function: Callable[[hrtimer], int] | None = None
        self._softexpires = 0
        self.node_expires = 0
        self.is_soft = False
        self.is_hard = False
        self.clockid = CLOCK_MONOTONIC
        self._entry: list[Any] | None = None
        self._cpu = 0
        self.running = False
        #: Housekeeping that recurs forever (the watchdogs): does not keep a run without ``until`` going.
        self.background = False
        #: The task a sleeper's timer wakes (struct hrtimer_sleeper's task), None once woken or for any other
        #: timer: declared, so that compiled code reads it natively and no sleeper allocates an attribute dict.
        self.sleeper_task: Task | None = None

    def __repr__(self) -> str:
        fn = getattr(self.function, "__qualname__", self.function)
        return f"<hrtimer {fn} expires={self.node_expires}{' queued' if self._entry else ''}>"


class HrtimerBase:
    """A CPU's hrtimer_cpu_base: hard and soft queues ordered by (hard expiry, seq).

    ``softirq_activated`` is set when the timer interrupt raised HRTIMER_SOFTIRQ for expired soft
    timers and cleared once the softirq ran them: meanwhile the soft queue does not program the clock
    event device (kernel/time/hrtimer.c, hrtimer_interrupt() and __hrtimer_get_next_event()).
    """

    __slots__ = ("cpu", "hard", "soft", "seq", "running", "softirq_activated", "dead", "in_hrtirq", "stale", "fg")

    def __init__(self, cpu: int) -> None:
        self.cpu = cpu
        self.hard: list[list[Any]] = []
        self.soft: list[list[Any]] = []
        self.seq = 0
        self.running: hrtimer | None = None
        self.softirq_activated = False
        #: Cancelled entries left in ``hard`` and ``soft`` (an upper bound: :meth:`top` pops some uncounted).
        self.dead = 0
        #: cpu_base->in_hrtirq: hrtimer_interrupt() is expiring this base's hard timers and reprograms the
        #: clock event once when it is done, so nothing started meanwhile programs it.
        self.in_hrtirq = False
        #: The clock event may be programmed for a timer no longer queued (or for timers that no longer all
        #: recur in the background): the next enqueue re-evaluates it whatever the new timer's expiry.
        self.stale = False
        #: Queued timers, both queues, that keep a run going (not ``background``).
        self.fg = 0

    def purge(self) -> None:
        """Drop the cancelled entries from both queues, in place (a running queue keeps its list)."""
        for heap in (self.hard, self.soft):
            heap[:] = [e for e in heap if e[2] is not None]  # the live ones: ``fg`` is unchanged
            _heapify(heap)
        self.dead = 0

    @staticmethod
    def top(heap: list[list[Any]]) -> list[Any] | None:
        while heap and heap[0][2] is None:
            _heappop(heap)
        return heap[0] if heap else None


def hrtimer_init(timer: hrtimer, clock_id: int, mode: int) -> None:
    """Initialise ``timer`` for ``clock_id`` in ``mode``."""
    k = kernel()
    timer.clockid = clock_id
    timer.is_soft = bool(mode & HRTIMER_MODE_SOFT)
    timer.is_hard = bool(mode & HRTIMER_MODE_HARD)
    if not timer.is_hard and k.preempt_rt:
        timer.is_soft = True
    timer._entry = None


def hrtimer_setup(timer: hrtimer, function: Callable[[hrtimer], int], clock_id: int, mode: int) -> None:
    """Initialise ``timer`` and set its callback (6.13+ spelling, accepted here too)."""
    hrtimer_init(timer, clock_id, mode)
    timer.function = function


def _enqueue(k: Kernel, cpu: CPU, timer: hrtimer) -> None:
    """enqueue_hrtimer() on ``cpu``'s base, then hrtimer_reprogram() (kernel/time/hrtimer.c): the clock event
    is programmed only when the timer expires before what it is programmed for (``cpu.clockevent_at``,
    cpu_base->expires_next), never while hrtimer_interrupt() runs the base (cpu_base->in_hrtirq: it
    reprograms once at its end), and a soft timer not while HRTIMER_SOFTIRQ is pending for the soft base
    (softirq_activated: hrtimer_run_softirq() reprograms when done). After the removal of the timer the clock
    event is programmed for (``stale``) it is re-evaluated whatever the new expiry, as
    __hrtimer_start_range_ns() does with force_local.

    SIMPLIFICATION: the kernel programs only the calling CPU's device and never queues a timer that would
    expire first on another CPU's base (switch_hrtimer_base(), hrtimer_check_target()); here a timer queued
    on another CPU's base (a tick started on its CPU's behalf, a migration) programs that CPU's device."""
    base: HrtimerBase = cpu.hrtimer_base
    base.seq += 1
    expires = timer.node_expires
    entry = [expires, base.seq, timer]
    timer._entry = entry
    timer._cpu = cpu.id
    bg = timer.background
    if not bg:
        base.fg += 1
    if timer.is_soft:
        _heappush(base.soft, entry)
        if base.softirq_activated and not base.stale:
            return
    else:
        _heappush(base.hard, entry)
    if base.in_hrtirq:
        return
    ev = cpu.clockevent
    # A clock event already programmed no later stays; one for background timers only is programmed again
    # as an ordinary event when a timer that keeps a run going joins them (Engine.at_background()).
    if ev is not None and expires >= cpu.clockevent_at and not base.stale and (ev[5] is not None or bg):
        return
    program_clockevent(k, cpu)


#: Cancelled entries a CPU's hrtimer queues may hold before they are rebuilt without them (see _remove()).
_PURGE_MIN: Final = 64


def _remove(k: Kernel, timer: hrtimer) -> bool:
    e = timer._entry
    if e is None:
        return False
    e[2] = None
    timer._entry = None
    # __remove_hrtimer() (kernel/time/hrtimer.c) takes the node out of the timerqueue at once; here the entry
    # stays in the heap until it reaches the top. A timer started far ahead and cancelled again and again (the
    # fair server's zero-laxity timer, 950 ms ahead, at each RT/fair alternation of a busy CPU) would leave one
    # entry per start for 950 ms: memory and program_clockevent()'s heap pops grow with the rate of starts. Rebuild
    # the queues once cancelled entries are the majority (amortised O(1) per cancel).
    cpu = k.cpus[timer._cpu]
    base: HrtimerBase = cpu.hrtimer_base
    if not timer.background:
        base.fg -= 1
        if base.fg == 0:
            base.stale = True  # the clock event may now serve background timers only
    # SIMPLIFICATION: remove_hrtimer() reprograms the clock event when the calling CPU removes, from its own
    # base, the timer the device is programmed for (hrtimer_force_reprogram()); here every removal leaves the
    # device programmed, as the kernel does for a remote removal, and the next enqueue on the base
    # re-evaluates it (stale).
    if e[0] == cpu.clockevent_at:
        base.stale = True
    base.dead += 1
    if base.dead > _PURGE_MIN and 2 * base.dead > len(base.hard) + len(base.soft):
        base.purge()
    return True


def hrtimer_start_range_ns(timer: hrtimer, tim: int, delta_ns: int, mode: int) -> None:
    """Arm ``timer`` to fire between ``tim`` and ``tim + delta_ns``."""
    k = current_kernel.k
    if k is None:
        k = kernel()  # raises NotInSimulationError
    cpu = k.cpu
    if cpu is None:
        cpu = k.cpus[timer._cpu]
        if not cpu.online:
            cpu = k.first_online_cpu()
    hrtimer_start_on(k, cpu, timer, tim, delta_ns, mode)


def hrtimer_start_on(k: Kernel, cpu: CPU, timer: hrtimer, tim: int, delta_ns: int, mode: int) -> None:
    """Arm ``timer`` on ``cpu``'s base. The per-CPU tick uses it: the kernel always (re)starts a CPU's
    tick on that CPU itself (tick_sched_timer, tick_nohz_restart, tick_setup_sched_timer at bring-up),
    so a tick armed on its owner's behalf from another CPU or from outside every CPU must land there."""
    # __hrtimer_start_range_ns(): a queued timer is first taken out by remove_hrtimer(), traced as hrtimer_cancel
    # (debug_deactivate()); one the clock event is programmed for is removed without reprogramming and the device
    # is reprogrammed once after the enqueue (force_local; here: stale).
    if timer._entry is not None:
        _remove(k, timer)
        debug_deactivate(k, timer)
    if mode & HRTIMER_MODE_REL:
        tim += k.engine.now
    timer._softexpires = tim
    timer.node_expires = tim + delta_ns
    tp = k.tp.hrtimer_start
    if tp.on:
        # debug_activate() under the hrtimer base lock (IRQs off), with the caller's mode.
        tp.emit_at(k.cpu.id if k.cpu is not None else cpu.id, 1, True, hrtimer=k.ptr(timer),
                   function=k.symbol(timer.function, False), expires=timer.node_expires,
                   softexpires=timer._softexpires, mode=mode & 0xF)  # fmt: skip
    _enqueue(k, cpu, timer)


def hrtimer_start(timer: hrtimer, tim: int, mode: int) -> None:
    """Arm ``timer`` to fire at ``tim`` (absolute or relative ns per ``mode``)."""
    hrtimer_start_range_ns(timer, tim, 0, mode)


def hrtimer_try_to_cancel(timer: hrtimer) -> int:
    """1 if cancelled, 0 if inactive, -1 if its callback is running."""
    if timer.running:
        return -1
    if timer._entry is not None:
        k = current_kernel.k
        if k is None:
            k = kernel()  # raises NotInSimulationError
        _remove(k, timer)
        debug_deactivate(k, timer)  # remove_hrtimer() under the base lock
        return 1
    return 0


def debug_deactivate(k: Kernel, timer: hrtimer) -> None:
    """debug_deactivate(): the hrtimer_cancel event remove_hrtimer() traces for ``timer``."""
    tp = k.tp.hrtimer_cancel
    if tp.on:
        cpu = k.cpu
        tp.emit_at(cpu.id if cpu is not None else 0, 1, True, hrtimer=k.ptr(timer))


def hrtimer_cancel(timer: hrtimer) -> int:
    """Cancel ``timer`` and wait for a running callback; returns 1 if it was active."""
    while True:
        ret = hrtimer_try_to_cancel(timer)
        if ret >= 0:
            return ret
        burn(on_cpu(), 1000, True)


def hrtimer_active(timer: hrtimer) -> bool:
    return timer._entry is not None or timer.running


def hrtimer_is_queued(timer: hrtimer) -> bool:
    return timer._entry is not None


def hrtimer_callback_running(timer: hrtimer) -> bool:
    return timer.running


def hrtimer_get_expires(timer: hrtimer) -> int:
    return timer.node_expires


def hrtimer_get_softexpires(timer: hrtimer) -> int:
    return timer._softexpires


def hrtimer_set_expires(timer: hrtimer, t: int) -> None:
    timer._softexpires = timer.node_expires = t


def hrtimer_get_remaining(timer: hrtimer) -> int:
    return timer.node_expires - kernel().engine.now


def hrtimer_forward(timer: hrtimer, now: int, interval: int) -> int:
    """Push the expiry forward by whole ``interval``s past ``now``; returns the overrun count."""
    delta = now - timer.node_expires
    if delta < 0:
        return 0
    if interval <= 0:
        raise ValueError("hrtimer_forward() needs a positive interval")
    orun = delta // interval + 1
    timer.node_expires += orun * interval
    timer._softexpires += orun * interval
    return orun


def hrtimer_forward_now(timer: hrtimer, interval: int) -> int:
    return hrtimer_forward(timer, kernel().engine.now, interval)


def from_hrtimer(var_type: Any, timer: hrtimer, member: str) -> Any:
    t = var_type if isinstance(var_type, type) else type(var_type) if var_type is not None else None
    return container_of(timer, t, member)


# -- expiry ----------------------------------------------------------------------------------

#: No timer queued: later than any expiry.
_KTIME_MAX: Final = 1 << 62


def program_clockevent(k: Kernel, cpu: CPU) -> None:
    """Program the CPU's clock event device for its earliest hrtimer.

    While HRTIMER_SOFTIRQ is pending for expired soft timers they are left out, as
    __hrtimer_get_next_event() leaves out the soft bases while cpu_base->softirq_activated is set:
    otherwise an expired soft timer would re-fire the timer interrupt before the softirq can run.
    """
    base: HrtimerBase = cpu.hrtimer_base
    base.stale = False
    h = HrtimerBase.top(base.hard)
    s = None if base.softirq_activated else HrtimerBase.top(base.soft)
    # The expiries as typed ints: compiled code compares them natively.
    hx: int = h[0] if h is not None else _KTIME_MAX
    sx: int = s[0] if s is not None else _KTIME_MAX
    nxt = hx if hx <= sx else sx
    if nxt == _KTIME_MAX:
        if cpu.clockevent is not None:
            k.engine.cancel(cpu.clockevent)
            cpu.clockevent = None
            cpu.clockevent_at = -1
        return
    first = h if h is not None and hx <= sx else s
    first_timer: hrtimer | None = first[2] if first is not None else None
    bg = first_timer is not None and first_timer.background and base.fg == 0
    ev = cpu.clockevent
    if ev is not None and cpu.clockevent_at == nxt and (ev[5] is None) == bg:
        return
    eng = k.engine
    eng.cancel(ev)
    cpu.clockevent_at = nxt
    now = eng.now
    when = nxt if nxt >= now else now
    if bg:
        cpu.clockevent = eng.at_background(when, PRIO_IRQ, _clockevent_fire, k, cpu)
    else:
        cpu.clockevent = eng.at(when, PRIO_IRQ, _clockevent_fire, k, cpu)


def _clockevent_fire(k: Kernel, cpu: CPU) -> None:
    cpu.clockevent = None
    cpu.clockevent_at = -1
    k.timer_interrupt(cpu)


def _run_queue(k: Kernel, cpu: CPU, heap: list[list[Any]], now: int) -> None:
    base: HrtimerBase = cpu.hrtimer_base
    tps = k.tp
    tp_entry = tps.hrtimer_expire_entry
    tp_exit = tps.hrtimer_expire_exit
    while True:
        e = HrtimerBase.top(heap)
        if e is None:
            return
        timer: hrtimer = e[2]
        if now < timer._softexpires:
            return
        _heappop(heap)
        timer._entry = None
        if not timer.background:
            base.fg -= 1
        timer.running = True
        base.running = timer
        fn = timer.function
        if tp_entry.on:
            tp_entry.emit(cpu.id, hrtimer=k.ptr(timer), function=k.symbol(fn, False), now=now)
        pc = cpu.preempt_count
        restart = HRTIMER_NORESTART
        kdepth = depth() if KSTACK else 0
        try:
            restart = fn(timer)  # type: ignore[misc]
        except BaseException as exc:  # noqa: BLE001 - driver faults become oopses
            if KSTACK:
                unwind(kdepth, exc)
            k.fault(exc, "hardirq" if heap is base.hard else "softirq")
            cpu.preempt_count = pc
        cpu = k.cpu  # type: ignore[assignment]
        timer.running = False
        base.running = None
        if tp_exit.on:
            tp_exit.emit(cpu.id, hrtimer=k.ptr(timer))
        if restart == HRTIMER_RESTART and timer._entry is None:
            _enqueue(k, cpu, timer)


def hrtimer_interrupt(cpu: CPU) -> None:
    """The clock event interrupt: expire hard hrtimers, kick soft ones, reprogram."""
    kdepth = push("hrtimer_interrupt") if KSTACK else 0
    k = cpu.k
    now = k.engine.now
    # hrtimer_interrupt(): expired soft timers raise HRTIMER_SOFTIRQ once (softirq_activated) before
    # the hard queue runs; the soft queue is reprogrammed only after the softirq has run it.
    base: HrtimerBase = cpu.hrtimer_base
    if not base.softirq_activated:
        s = HrtimerBase.top(base.soft)
        if s is not None and s[0] <= now:
            base.softirq_activated = True
            raise_softirq_on(k, cpu, HRTIMER_SOFTIRQ)
    # in_hrtirq while the hard queue runs: the timers its callbacks (re)start do not program the clock event,
    # which tick_program_event() programs once below for the next expiry (hrtimer_interrupt()).
    base.in_hrtirq = True
    try:
        _run_queue(k, cpu, base.hard, now)
    finally:
        base.in_hrtirq = False
    cpu = k.cpu  # type: ignore[assignment]
    program_clockevent(k, cpu)
    if KSTACK:
        pop(kdepth)


def hrtimer_run_softirq() -> None:
    """HRTIMER_SOFTIRQ: expire soft hrtimers."""
    kdepth = push("hrtimer_run_softirq") if KSTACK else 0
    k = on_cpu()
    cpu = k.cpu
    assert cpu is not None
    base: HrtimerBase = cpu.hrtimer_base
    _run_queue(k, cpu, base.soft, k.engine.now)
    # hrtimer_run_softirq(): softirq_activated = 0, then hrtimer_update_softirq_timer(), on the CPU the
    # softirq finished on (a callback that slept may have moved it).
    cpu = k.cpu  # type: ignore[assignment]
    base = cpu.hrtimer_base
    base.softirq_activated = False
    program_clockevent(k, cpu)  # type: ignore[arg-type]
    if KSTACK:
        pop(kdepth)


# -- sleeping on an hrtimer --------------------------------------------------------------------


class hrtimer_sleeper:
    def __init__(self, task: Any) -> None:
        self.timer = hrtimer()
        self.task = task


def _sleeper_woken(timer: hrtimer) -> bool:
    """Whether a sleeper's timer has woken its task. A function, not an inline test: after the sleeper sets
    ``sleeper_task``, the type checker takes it to stay a task, and compiled code would then read it as one."""
    return timer.sleeper_task is None


def hrtimer_wakeup(timer: hrtimer) -> int:
    t = timer.sleeper_task
    if t is not None:
        timer.sleeper_task = None
        kernel().sched.try_to_wake_up(t)
    return HRTIMER_NORESTART


def schedule_hrtimeout_range(expires: int | None, delta: int, mode: int, desc: str = "") -> int:
    """Sleep (state set by the caller) until an hrtimer fires; 0 when it expired. May sleep."""
    kdepth = push("schedule_hrtimeout_range") if KSTACK else 0
    k = on_cpu()
    cpu = k.cpu
    assert cpu is not None
    cur = cpu.curr
    if expires is None:
        block_forever(k, cur, desc or "schedule_hrtimeout(NULL)")
        if KSTACK:
            pop(kdepth)
        return -4
    t = hrtimer()
    hrtimer_init(t, CLOCK_MONOTONIC, mode | HRTIMER_MODE_HARD)
    t.function = hrtimer_wakeup
    t.sleeper_task = cur
    if desc:
        cur.wait_desc = desc
    hrtimer_start_on(k, cpu, t, expires, delta, mode)  # hrtimer_start_range_ns() on this CPU
    k.sched.schedule()
    hrtimer_cancel(t)
    if KSTACK:
        return popped(kdepth, 0 if _sleeper_woken(t) else -4)
    return 0 if _sleeper_woken(t) else -4


#: The default timer slack of a task (include/linux/sched.h, init_task.timer_slack_ns): 50 us.
DEFAULT_TIMER_SLACK_NS: Final = 50_000


def hrtimer_nanosleep(expires: int, mode: int) -> int:
    """Sleep on an hrtimer until ``expires`` (ns; absolute with HRTIMER_MODE_ABS); the clock_nanosleep() path.
    Returns 0 when the timer expired. May sleep.

    kernel/time/hrtimer.c hrtimer_nanosleep(): the range is the task's timer slack (rt_task(): none);
    __hrtimer_init_sleeper(): on PREEMPT_RT only RT tasks sleep on hard (hardirq-expired) timers,
    the others on soft ones expired in HRTIMER_SOFTIRQ; elsewhere a sleeper's timer is hard.
    """
    k = on_cpu()
    cpu = k.cpu
    assert cpu is not None
    cur = cpu.curr
    slack = 0 if cur.is_rt else cur.data.get("timer_slack_ns", DEFAULT_TIMER_SLACK_NS)
    t = hrtimer()
    hard = not k.preempt_rt or cur.is_rt
    hrtimer_init(t, CLOCK_MONOTONIC, mode | (HRTIMER_MODE_HARD if hard else HRTIMER_MODE_SOFT))
    t.function = hrtimer_wakeup
    t.sleeper_task = cur
    cur.wait_desc = "hrtimer_nanosleep"
    # do_nanosleep(): set_current_state(TASK_INTERRUPTIBLE), start the sleeper, schedule().
    cur.raw_state = TASK_INTERRUPTIBLE
    hrtimer_start_range_ns(t, expires, slack, mode)
    if not _sleeper_woken(t):
        k.sched.schedule()
    hrtimer_cancel(t)
    return 0 if _sleeper_woken(t) else -4


def usleep_range_state(min_us: int, max_us: int, state: int) -> None:
    """Sleep between ``min_us`` and ``max_us`` µs (usually near ``max_us``). May sleep."""
    kdepth = push("usleep_range_state") if KSTACK else 0
    k = on_cpu()
    exp = min_us * 1000
    delta = (max_us - min_us) * 1000
    deadline = k.engine.now + exp
    desc = f"usleep_range({min_us}, {max_us})"
    while True:
        cpu = k.cpu
        assert cpu is not None
        cpu.curr.raw_state = state
        if not schedule_hrtimeout_range(deadline, delta, HRTIMER_MODE_ABS, desc):
            break
    if KSTACK:
        pop(kdepth)


def usleep_range(min_us: int, max_us: int) -> None:
    """Sleep between ``min_us`` and ``max_us`` µs on an hrtimer. May sleep."""
    usleep_range_state(min_us, max_us, TASK_UNINTERRUPTIBLE)


def usleep_idle_range(min_us: int, max_us: int) -> None:
    usleep_range_state(min_us, max_us, TASK_IDLE)


__all__ = [
    "hrtimer",
    "hrtimer_init",
    "hrtimer_setup",
    "hrtimer_start",
    "hrtimer_start_range_ns",
    "hrtimer_cancel",
    "hrtimer_try_to_cancel",
    "hrtimer_active",
    "hrtimer_is_queued",
    "hrtimer_callback_running",
    "hrtimer_get_expires",
    "hrtimer_get_softexpires",
    "hrtimer_set_expires",
    "hrtimer_get_remaining",
    "hrtimer_forward",
    "hrtimer_forward_now",
    "from_hrtimer",
    "usleep_range",
    "usleep_range_state",
    "usleep_idle_range",
    "schedule_hrtimeout_range",
    "hrtimer_nanosleep",
    "HRTIMER_MODE_ABS",
    "HRTIMER_MODE_REL",
    "HRTIMER_MODE_PINNED",
    "HRTIMER_MODE_SOFT",
    "HRTIMER_MODE_HARD",
    "HRTIMER_MODE_ABS_PINNED",
    "HRTIMER_MODE_REL_PINNED",
    "HRTIMER_MODE_ABS_SOFT",
    "HRTIMER_MODE_REL_SOFT",
    "HRTIMER_MODE_ABS_HARD",
    "HRTIMER_MODE_REL_HARD",
    "HRTIMER_MODE_REL_PINNED_HARD",
    "HRTIMER_NORESTART",
    "HRTIMER_RESTART",
    "CLOCK_MONOTONIC",
    "CLOCK_REALTIME",
    "CLOCK_BOOTTIME",
    "CLOCK_TAI",
]
