"""Mirrors kernel/softirq.c (the tasklet part) and the tasklet API of include/linux/interrupt.h.

A tasklet is scheduled on the CPU that calls ``tasklet_schedule()``: it is appended to
that CPU's ``tasklet_vec`` (``tasklet_hi_vec`` for ``tasklet_hi_schedule()``) and
TASKLET_SOFTIRQ (HI_SOFTIRQ) is raised, which from process context also wakes
``ksoftirqd/N``. The softirq takes the whole list; a tasklet that is disabled or still
running on another CPU goes back on the tail of the list and the softirq is raised again,
so one tasklet never runs on two CPUs at once. SCHED is cleared before the callback runs,
so a tasklet that reschedules itself runs once more. Since 6.9 the BH workqueues run first
in both softirqs (``workqueue_softirq_action()``).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, cast

from irqlab.kernel.atomic import atomic_t
from irqlab.kernel.container import Embeddable, container_of
from irqlab.kernel.core import kernel, on_cpu
from irqlab.kernel.cpu import (
    HARDIRQ_MASK,
    NMI_MASK,
    SOFTIRQ_MASK,
    cpu_resume,
    cpu_spin,
    take_interrupts,
)
from irqlab.kernel.printk import KERN_NOTICE, vprintk
from irqlab.kernel.sched.core import MAX_SCHEDULE_TIMEOUT, TASK_UNINTERRUPTIBLE
from irqlab.kernel.sched.wait import _wait, wait_queue_head, wake_up_all
from irqlab.kernel.softirq import HI_SOFTIRQ, TASKLET_SOFTIRQ, raise_softirq_on
from irqlab.kernel.stacktrace import ENABLED as KSTACK
from irqlab.kernel.stacktrace import pop, push, unwind

if TYPE_CHECKING:
    from irqlab.kernel.cpu import CPU
    from irqlab.kernel.kernel import Kernel

TASKLET_STATE_SCHED: Final = 0  # Tasklet is scheduled for execution
TASKLET_STATE_RUN: Final = 1  # Tasklet is running (SMP only)

_SCHED: Final = 1 << TASKLET_STATE_SCHED
_RUN: Final = 1 << TASKLET_STATE_RUN

# Source locations the kernel's debug checks name (6.12; the line numbers are approximate).
_WAIT_BIT_H = ("include/linux/wait_bit.h", 192)  # wait_on_bit_lock(): might_sleep()
_UNLOCK_WAIT = ("kernel/softirq.c", 940)  # tasklet_unlock_wait(): wait_var_event() -> might_sleep()
_CLEAR_SCHED_WARN = ("kernel/softirq.c", 805)  # tasklet_clear_sched(): WARN_ONCE

_INTERRUPT_MASK: Final = NMI_MASK | HARDIRQ_MASK | SOFTIRQ_MASK


class tasklet_struct(Embeddable):
    """struct tasklet_struct: ``state`` holds the SCHED and RUN bits, ``count`` the disable depth."""

    def __init__(self, callback: Callable[[Any], None] | None = None, *, data: Any = 0,
                 use_callback: bool = True, disabled: bool = False) -> None:  # fmt: skip
        self.state = 0
        self.count = atomic_t(1 if disabled else 0)
        self.use_callback = use_callback
        self.callback: Callable[[tasklet_struct], None] | None = callback if use_callback else None
        self.func: Callable[[int], None] | None = None if use_callback else callback
        self.data = data
        self.name = getattr(callback, "__name__", "") if callback is not None else ""
        # wait_var_event()/wait_on_bit() waiters and CPUs spinning in tasklet_unlock_spin_wait()
        self._waiters: Any = None
        self._spinners: list[CPU] = []

    def __repr__(self) -> str:
        bits = [n for b, n in ((_SCHED, "SCHED"), (_RUN, "RUN")) if self.state & b]
        return f"<tasklet_struct {self.name or hex(id(self))} state={'|'.join(bits) or '0'} count={self.count.counter}>"


# -- initialisation ------------------------------------------------------------------------


def tasklet_setup(t: tasklet_struct, callback: Callable[[tasklet_struct], None]) -> None:
    """Initialise ``t`` to call ``callback(t)`` (5.9+ API). Any context."""
    t.state = 0
    t.count = atomic_t(0)
    t.callback = callback
    t.func = None
    t.use_callback = True
    t.data = 0
    t.name = getattr(callback, "__name__", "")
    t._spinners = []


def tasklet_init(t: tasklet_struct, func: Callable[[Any], None], data: Any = 0) -> None:
    """Initialise ``t`` to call ``func(data)`` (the old API; ``data`` is the kernel's unsigned long, any object
    here, as drivers pass a pointer cast to it). Any context."""
    t.state = 0
    t.count = atomic_t(0)
    t.func = func
    t.callback = None
    t.use_callback = False
    t.data = data
    t.name = getattr(func, "__name__", "")
    t._spinners = []


def _declare(name: Any, fn: Any, old: bool, disabled: bool) -> tasklet_struct:
    # DECLARE_TASKLET(name, cb): the name is the C variable; Python assigns the result instead.
    if fn is None:
        name, fn = None, name
    if not callable(fn):
        raise TypeError(f"DECLARE_TASKLET*() needs the tasklet function, not {fn!r}")
    t = tasklet_struct(fn, use_callback=not old, disabled=disabled)
    if isinstance(name, str) and name:
        t.name = name
        t.static_symbol = True
    return t


def _tasklet_sym(k: Any, t: tasklet_struct) -> str:
    """What tasklet_entry's %ps prints for the tasklet: a static tasklet's symbol, else the raw address."""
    if getattr(t, "static_symbol", False):
        fn: Any = t.callback if t.use_callback else t.func
        code = getattr(getattr(fn, "__func__", fn), "__code__", None)
        mod = k.modules.module_of_file(code.co_filename) if code is not None else None
        return f"{t.name} [{mod}]" if mod else t.name
    return f"0xffff0000{int(k.ptr(t), 16) & 0xFFFFFFFF:08x}"


def DECLARE_TASKLET(name: Any, callback: Any = None) -> tasklet_struct:
    """``t = DECLARE_TASKLET("t", callback)``: a tasklet calling ``callback(t)``."""
    return _declare(name, callback, False, False)


def DECLARE_TASKLET_DISABLED(name: Any, callback: Any = None) -> tasklet_struct:
    """Like DECLARE_TASKLET, but starting disabled (count 1): enable it with tasklet_enable()."""
    return _declare(name, callback, False, True)


def DECLARE_TASKLET_OLD(name: Any, func: Any = None) -> tasklet_struct:
    """``t = DECLARE_TASKLET_OLD("t", func)``: a tasklet calling ``func(0)`` (the pre-5.9 form)."""
    return _declare(name, func, True, False)


def DECLARE_TASKLET_DISABLED_OLD(name: Any, func: Any = None) -> tasklet_struct:
    """Like DECLARE_TASKLET_OLD, but starting disabled (count 1)."""
    return _declare(name, func, True, True)


def from_tasklet(var_type: Any, t: tasklet_struct, member: str) -> Any:
    """container_of(t, type, member): the struct embedding tasklet ``t``.

    Accepts the C argument order ``from_tasklet(var, callback_tasklet, tasklet_fieldname)``,
    where ``var`` is the container's type (or an instance of it).
    """
    typ = var_type if isinstance(var_type, type) else type(var_type) if var_type is not None else None
    return container_of(t, typ, member)


# -- scheduling ---------------------------------------------------------------------------


def _schedule_common(k: Kernel, t: tasklet_struct, hi: bool) -> None:
    """__tasklet_schedule_common(): append to this CPU's list and raise the softirq, IRQs off."""
    cpu = k.cpu
    assert cpu is not None
    was_off = cpu.irqs_off
    cpu.irqs_off = True
    (cpu.tasklet_hi_vec if hi else cpu.tasklet_vec).append(t)
    # raise_softirq_irqoff(): from process context this also wakes ksoftirqd/N. The
    # wakeup's preemption waits for the next preemption point (IRQs are off here).
    raise_softirq_on(k, cpu, HI_SOFTIRQ if hi else TASKLET_SOFTIRQ)
    cpu.irqs_off = was_off
    if not was_off and cpu.irq_pending:
        take_interrupts(k, cpu)


def tasklet_schedule(t: tasklet_struct) -> None:
    """Schedule ``t`` on this CPU (TASKLET_SOFTIRQ); a no-op if it is already scheduled. Any context."""
    k = on_cpu()  # fails (outside every CPU) before any state changes
    if not t.state & _SCHED:
        t.state |= _SCHED
        _schedule_common(k, t, False)


def tasklet_hi_schedule(t: tasklet_struct) -> None:
    """Schedule ``t`` on this CPU in HI_SOFTIRQ; a no-op if it is already scheduled. Any context."""
    k = on_cpu()  # fails (outside every CPU) before any state changes
    if not t.state & _SCHED:
        t.state |= _SCHED
        _schedule_common(k, t, True)


def __tasklet_schedule(t: tasklet_struct) -> None:
    _schedule_common(on_cpu(), t, False)


def __tasklet_hi_schedule(t: tasklet_struct) -> None:
    _schedule_common(on_cpu(), t, True)


# -- state bits ---------------------------------------------------------------------------


def tasklet_trylock(t: tasklet_struct) -> bool:
    """Set RUN; returns False if it was already set (running on another CPU). Any context."""
    if t.state & _RUN:
        return False
    t.state |= _RUN
    return True


def _wake_var(k: Kernel, t: tasklet_struct) -> None:
    """wake_up_var(&t->state): wake sleepers and release CPUs spinning on the state."""
    if t._waiters is not None and t._waiters.head:
        wake_up_all(t._waiters)
    if t._spinners:
        for c in t._spinners:
            marker = c.percpu.get("spin")
            if marker is t or (type(marker) is list and t in marker):
                cpu_resume(k, c)
        t._spinners = []


def tasklet_unlock(t: tasklet_struct) -> None:
    """Clear RUN and wake whoever waits for it. Any context."""
    t.state &= ~_RUN
    _wake_var(kernel(), t)


def _clear_sched(k: Kernel, t: tasklet_struct) -> bool:
    """tasklet_clear_sched(): clear SCHED and wake its waiters; WARN_ONCE if it was not set."""
    if t.state & _SCHED:
        t.state &= ~_SCHED
        _wake_var(k, t)
        return True
    cb = t.callback if t.use_callback else t.func
    msg = k.format("tasklet SCHED state not set: %s %pS\n", ("callback" if t.use_callback else "func", cb))
    k.bugs.warn(_CLEAR_SCHED_WARN[0], _CLEAR_SCHED_WARN[1], msg, once_key="tasklet_clear_sched", skip=1)
    return False


def _wait_state(k: Kernel, t: tasklet_struct, cond: Callable[[], bool], where: tuple[str, int], what: str) -> None:
    """wait_var_event()/wait_on_bit(): might_sleep(), then sleep until ``cond()``. May sleep."""
    if t._waiters is None:
        t._waiters = wait_queue_head(f"tasklet {t.name}")
    _wait(t._waiters, cond, TASK_UNINTERRUPTIBLE, MAX_SCHEDULE_TIMEOUT, False, what, where[0], where[1])


def tasklet_unlock_wait(t: tasklet_struct) -> None:
    """Wait until ``t`` is not running on any CPU. May sleep."""
    k = on_cpu()
    _wait_state(k, t, lambda: not t.state & _RUN, _UNLOCK_WAIT, f"tasklet_unlock_wait({t.name})")


def tasklet_unlock_spin_wait(t: tasklet_struct) -> None:
    """Busy-wait until ``t`` is not running (for atomic callers; do not use in new code)."""
    k = on_cpu()
    while t.state & _RUN:
        t._spinners.append(k.cpu)  # type: ignore[arg-type]
        cpu_spin(k, t)


# -- enable / disable / kill ----------------------------------------------------------------


def tasklet_disable_nosync(t: tasklet_struct) -> None:
    """Disable ``t`` without waiting for a running instance. Any context."""
    t.count.counter += 1


def tasklet_disable(t: tasklet_struct) -> None:
    """Disable ``t`` and wait until it is not running. May sleep."""
    tasklet_disable_nosync(t)
    tasklet_unlock_wait(t)


def tasklet_disable_in_atomic(t: tasklet_struct) -> None:
    """Disable ``t`` and busy-wait until it is not running. Any context (do not use in new code)."""
    tasklet_disable_nosync(t)
    tasklet_unlock_spin_wait(t)


def tasklet_enable(t: tasklet_struct) -> None:
    """Drop one disable level; a scheduled tasklet never left its list, so it just runs. Any context."""
    t.count.counter -= 1
    if t._spinners:
        _wake_var(kernel(), t)


def tasklet_kill(t: tasklet_struct) -> None:
    """Wait until ``t`` is neither scheduled nor running, leaving it unscheduled. May sleep.

    From interrupt context the kernel complains ("Attempt to kill tasklet from interrupt")
    and carries on; the sleeps that follow are then reported as invalid.
    """
    k = on_cpu()
    cpu = k.cpu
    assert cpu is not None
    if cpu.preempt_count & _INTERRUPT_MASK:
        vprintk(k, KERN_NOTICE + "softirq: Attempt to kill tasklet from interrupt\n", ())
    # wait_on_bit_lock(&t->state, TASKLET_STATE_SCHED, TASK_UNINTERRUPTIBLE)
    _wait_state(k, t, lambda: not t.state & _SCHED, _WAIT_BIT_H, f"tasklet_kill({t.name})")
    t.state |= _SCHED
    tasklet_unlock_wait(t)
    _clear_sched(k, t)


# -- the softirqs -------------------------------------------------------------------------


def _action_common(k: Kernel, hi: bool, nr: int) -> None:
    """tasklet_action_common(): run this CPU's list once; requeue busy or disabled tasklets."""
    kdepth = push("tasklet_action_common") if KSTACK else 0
    cpu = k.cpu
    assert cpu is not None
    if hi:
        lst, cpu.tasklet_hi_vec = cpu.tasklet_hi_vec, deque()
    else:
        lst, cpu.tasklet_vec = cpu.tasklet_vec, deque()
    tp_entry = k.tp.tasklet_entry
    tp_exit = k.tp.tasklet_exit
    requeued: list[tasklet_struct] = []
    while lst:
        t: tasklet_struct = lst.popleft()
        if tasklet_trylock(t):
            if not t.count.counter:
                if _clear_sched(k, t):
                    fn: Any = t.callback if t.use_callback else t.func
                    if tp_entry.on:
                        tp_entry.emit(cpu.id, tasklet=_tasklet_sym(k, t), function=k.symbol(fn, False))
                    pc = cpu.preempt_count
                    # SIMPLIFICATION: an oops in one tasklet unwinds that tasklet only.
                    try:
                        if t.use_callback:
                            fn(t)
                        else:
                            fn(t.data)
                    except BaseException as exc:  # noqa: BLE001 - driver faults become oopses
                        if KSTACK:
                            unwind(kdepth, exc, own=True)
                        k.fault(exc, "softirq")
                        cast("CPU", k.cpu).preempt_count = pc
                        cast("CPU", k.cpu).irqs_off = False
                    cpu = k.cpu
                    assert cpu is not None
                    if tp_exit.on:
                        tp_exit.emit(cpu.id, tasklet=_tasklet_sym(k, t), function=k.symbol(fn, False))
                tasklet_unlock(t)
                continue
            tasklet_unlock(t)
        # Disabled, or running on another CPU: back on the tail, and raise the softirq again
        # (__raise_softirq_irqoff: no ksoftirqd wakeup from here).
        (cpu.tasklet_hi_vec if hi else cpu.tasklet_vec).append(t)
        cpu.softirq_pending |= 1 << nr
        tp = k.tp.softirq_raise
        if tp.on:
            tp.emit(cpu.id, vec=nr, action="HI" if hi else "TASKLET")
        requeued.append(t)
    if requeued:
        _spin_pass(k, requeued)
    if KSTACK:
        pop(kdepth)


def _spin_pass(k: Kernel, requeued: list[tasklet_struct]) -> None:
    """The CPU keeps re-running the softirq while a tasklet is busy elsewhere or disabled."""
    # SIMPLIFICATION: instead of sub-microsecond passes, one pass lasts until the next tick,
    # an interrupt, or the tasklet being unlocked or enabled, whichever comes first.
    cpu = k.cpu
    assert cpu is not None
    until = (k.engine.now // k.tick_nsec + 1) * k.tick_nsec
    for t in requeued:
        t._spinners.append(cpu)
    cpu_spin(k, requeued, until)
    for t in requeued:
        if cpu in t._spinners:
            t._spinners.remove(cpu)


def tasklet_action() -> None:
    """TASKLET_SOFTIRQ: BH workqueue items first, then this CPU's tasklets."""
    kdepth = push("tasklet_action") if KSTACK else 0
    k = on_cpu()
    _bh_work(k, False)
    _action_common(k, False, TASKLET_SOFTIRQ)
    if KSTACK:
        pop(kdepth)


def tasklet_hi_action() -> None:
    """HI_SOFTIRQ: highpri BH workqueue items first, then this CPU's hi tasklets."""
    kdepth = push("tasklet_hi_action") if KSTACK else 0
    k = on_cpu()
    _bh_work(k, True)
    _action_common(k, True, HI_SOFTIRQ)
    if KSTACK:
        pop(kdepth)


def _bh_work(k: Kernel, highpri: bool) -> None:
    hook = k.subsys.get("workqueue_softirq_action")
    if hook is not None:
        hook(highpri)


def softirq_init(k: Kernel) -> None:
    """Initcall: open TASKLET_SOFTIRQ and HI_SOFTIRQ (softirq_init() in init/main.c)."""
    k.softirq.actions[TASKLET_SOFTIRQ] = tasklet_action
    k.softirq.names[TASKLET_SOFTIRQ] = "tasklet_action"
    k.softirq.actions[HI_SOFTIRQ] = tasklet_hi_action
    k.softirq.names[HI_SOFTIRQ] = "tasklet_hi_action"


__all__ = [
    "tasklet_struct",
    "TASKLET_STATE_SCHED",
    "TASKLET_STATE_RUN",
    "tasklet_setup",
    "tasklet_init",
    "DECLARE_TASKLET",
    "DECLARE_TASKLET_DISABLED",
    "DECLARE_TASKLET_OLD",
    "DECLARE_TASKLET_DISABLED_OLD",
    "from_tasklet",
    "tasklet_schedule",
    "tasklet_hi_schedule",
    "tasklet_trylock",
    "tasklet_unlock",
    "tasklet_unlock_wait",
    "tasklet_unlock_spin_wait",
    "tasklet_disable_nosync",
    "tasklet_disable",
    "tasklet_disable_in_atomic",
    "tasklet_enable",
    "tasklet_kill",
]
