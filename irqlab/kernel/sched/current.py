"""Driver-facing scheduler API: current, states, schedule(), wakeups, policies, might_sleep().

Mirrors include/linux/sched.h, kernel/sched/core.c and kernel/sched/syscalls.c.
"""

from __future__ import annotations

from typing import Any

from irqlab.errno import EINVAL
from irqlab.kernel.core import kernel, on_cpu
from irqlab.kernel.preempt import preempt_disable, preempt_enable_no_resched
from irqlab.kernel.sched.core import (
    SCHED_FIFO,
    SCHED_NORMAL,
    SCHED_RR,
    TASK_INTERRUPTIBLE,
    TASK_NORMAL,
    TASK_RUNNING,
    TASK_UNINTERRUPTIBLE,
    Task,
    block_forever,
    might_sleep_due,
    might_sleep_invalid,
)
from irqlab.kernel.stacktrace import caller_frame

MAX_USER_RT_PRIO = 100


class _CurrentProxy:
    """``current``: attribute access reaches the task running on this CPU."""

    __slots__ = ()

    def _task(self) -> Task:
        return on_cpu().cpu.curr  # type: ignore[union-attr]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._task(), name)

    def __eq__(self, other: object) -> bool:
        return self._task() is other

    def __hash__(self) -> int:
        return id(self._task())

    def __repr__(self) -> str:
        try:
            return repr(self._task())
        except RuntimeError:
            return "<current (outside a simulation)>"


current = _CurrentProxy()


def get_current() -> Task:
    """The task running on this CPU."""
    return on_cpu().cpu.curr  # type: ignore[union-attr]


def set_current_state(state: int) -> None:
    """Set the current task's state before calling schedule()."""
    on_cpu().cpu.curr.raw_state = state  # type: ignore[union-attr]


__set_current_state = set_current_state


def schedule() -> None:
    """Give up the CPU; blocks unless the current state is TASK_RUNNING. May sleep."""
    k = on_cpu()
    cur = k.cpu.curr  # type: ignore[union-attr]
    if cur.raw_state != TASK_RUNNING:
        block_forever(k, cur, cur.wait_desc or "schedule()")
        return
    k.sched.schedule()


def schedule_preempt_disabled() -> None:
    preempt_enable_no_resched()
    schedule()
    preempt_disable()


def yield_() -> None:
    """Yield the CPU to another runnable task of the same class."""
    k = on_cpu()
    cur = k.cpu.curr  # type: ignore[union-attr]
    if not cur.is_rt:
        cur.vruntime += k.sched.base_slice
    k.sched.preempt_schedule()


def wake_up_process(p: Task) -> int:
    """Wake a sleeping task; returns 1 if it was woken, 0 if it was already running."""
    k = kernel()
    ret = k.sched.try_to_wake_up(p, TASK_NORMAL)
    k.sched.preempt_check_local()
    return int(ret)


def wake_up_state(p: Task, state: int) -> int:
    k = kernel()
    ret = k.sched.try_to_wake_up(p, state)
    k.sched.preempt_check_local()
    return int(ret)


def cond_resched() -> int:
    """Voluntary preemption point (a no-op under full preemption, as PREEMPT_DYNAMIC=full)."""
    k = on_cpu()
    cpu = k.cpu
    if k.preempt_full:
        return 0
    if cpu.need_resched and cpu.preempt_count == 0 and not cpu.irqs_off:  # type: ignore[union-attr]
        k.sched.preempt_schedule()
        return 1
    return 0


def need_resched() -> bool:
    return on_cpu().cpu.need_resched  # type: ignore[union-attr]


def might_sleep(file: str = "", line: int = 0) -> None:
    """Debug check: complain if the caller may not sleep; a voluntary preemption point."""
    k = on_cpu()
    cpu = k.cpu
    if cpu.preempt_count or cpu.irqs_off or cpu.curr is cpu.idle:  # type: ignore[union-attr]
        if not file:
            file, line = _caller_location()
        k.bugs.might_resched(file, line)
    elif k.preempt_model == "voluntary":
        cond_resched()


def might_sleep_at(k: Any, file: str, line: int) -> None:
    """might_sleep() with the kernel's FILE:LINE of the annotated call site."""
    cpu = k.cpu
    if cpu is None:
        return
    if might_sleep_invalid(cpu):
        k.bugs.might_resched(file, line)
    elif might_sleep_due(k, cpu):
        k.sched.preempt_schedule()


def _caller_location() -> tuple[str, int]:
    f = caller_frame(2)
    name = f.f_code.co_filename.rsplit("/", 1)[-1]
    return name, f.f_lineno


def task_pid_nr(p: Task) -> int:
    return p.pid


def task_cpu(p: Task) -> int:
    return p.cpu


# -- policies (kernel/sched/syscalls.c) ----------------------------------------------------


def sched_set_fifo(p: Task) -> None:
    """SCHED_FIFO at priority MAX_RT_PRIO/2 (50), as IRQ threads use."""
    kernel().sched.setscheduler(p, SCHED_FIFO, MAX_USER_RT_PRIO // 2)


def sched_set_fifo_low(p: Task) -> None:
    """SCHED_FIFO at priority 1."""
    kernel().sched.setscheduler(p, SCHED_FIFO, 1)


def sched_set_normal(p: Task, nice: int) -> None:
    kernel().sched.setscheduler(p, SCHED_NORMAL, 0, nice)


def set_user_nice(p: Task, nice: int) -> None:
    k = kernel()
    k.sched.setscheduler(p, p.policy, p.rt_priority, max(-20, min(19, nice)))


def sched_setscheduler_nocheck(p: Task, policy: int, prio: int) -> int:
    if policy not in (SCHED_NORMAL, SCHED_FIFO, SCHED_RR):
        return -EINVAL
    kernel().sched.setscheduler(p, policy, prio)
    return 0


sched_setscheduler = sched_setscheduler_nocheck


def set_cpus_allowed_ptr(p: Task, mask: int) -> int:
    """Restrict ``p`` to the CPUs in bitmask ``mask``; 0 or -EINVAL."""
    return kernel().sched.set_cpus_allowed(p, int(mask))


def migrate_disable() -> None:
    on_cpu().cpu.curr.migration_disabled += 1  # type: ignore[union-attr]


def migrate_enable() -> None:
    cur = on_cpu().cpu.curr  # type: ignore[union-attr]
    if cur.migration_disabled:
        cur.migration_disabled -= 1


__all__ = [
    "current",
    "get_current",
    "set_current_state",
    "schedule",
    "schedule_preempt_disabled",
    "yield_",
    "wake_up_process",
    "wake_up_state",
    "cond_resched",
    "need_resched",
    "might_sleep",
    "task_pid_nr",
    "task_cpu",
    "sched_set_fifo",
    "sched_set_fifo_low",
    "sched_set_normal",
    "set_user_nice",
    "sched_setscheduler",
    "sched_setscheduler_nocheck",
    "set_cpus_allowed_ptr",
    "migrate_disable",
    "migrate_enable",
    "TASK_RUNNING",
    "TASK_INTERRUPTIBLE",
    "TASK_UNINTERRUPTIBLE",
    "SCHED_NORMAL",
    "SCHED_FIFO",
    "SCHED_RR",
]
