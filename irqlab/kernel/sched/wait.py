"""Wait queues and wait_event*(). Mirrors kernel/sched/wait.c and include/linux/wait.h.

The C macros take a condition expression; here the condition is a callable
evaluated each time the waiter wakes: ``wait_event(wq, lambda: dev.ready)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from irqlab.kernel.core import kernel, on_cpu
from irqlab.kernel.sched.core import (
    MAX_SCHEDULE_TIMEOUT,
    TASK_IDLE,
    TASK_INTERRUPTIBLE,
    TASK_NORMAL,
    TASK_RUNNING,
    TASK_UNINTERRUPTIBLE,
    Task,
    might_sleep_due,
)
from irqlab.kernel.sched.current import might_sleep_at
from irqlab.kernel.time.timer import schedule_timeout

WQ_FLAG_EXCLUSIVE: Final = 0x01

Cond = Callable[[], Any]


class wait_queue_entry:
    __slots__ = ("task", "flags")

    def __init__(self, task: Task, flags: int = 0) -> None:
        self.task = task
        self.flags = flags


class wait_queue_head:
    """struct wait_queue_head."""

    def __init__(self, name: str = "") -> None:
        self.name = name
        self.head: list[wait_queue_entry] = []

    def __repr__(self) -> str:
        return f"<wait_queue_head {self.name or hex(id(self))} waiters={len(self.head)}>"


wait_queue_head_t = wait_queue_head


def init_waitqueue_head(wq: wait_queue_head) -> None:
    wq.head = []


def DECLARE_WAIT_QUEUE_HEAD(name: str = "") -> wait_queue_head:
    return wait_queue_head(name)


def waitqueue_active(wq: wait_queue_head) -> bool:
    return bool(wq.head)


def __wake_up(wq: wait_queue_head, mode: int, nr_exclusive: int) -> int:
    k = kernel()
    woken = 0
    for e in list(wq.head):
        if k.sched.try_to_wake_up(e.task, mode):
            woken += 1
            if e.flags & WQ_FLAG_EXCLUSIVE:
                nr_exclusive -= 1
                if nr_exclusive == 0:
                    break
    k.sched.preempt_check_local()
    return woken


def wake_up(wq: wait_queue_head) -> None:
    """Wake all non-exclusive waiters and one exclusive waiter."""
    __wake_up(wq, TASK_NORMAL, 1)


def wake_up_nr(wq: wait_queue_head, nr: int) -> None:
    __wake_up(wq, TASK_NORMAL, nr)


def wake_up_all(wq: wait_queue_head) -> None:
    __wake_up(wq, TASK_NORMAL, 0)


def wake_up_interruptible(wq: wait_queue_head) -> None:
    """Wake interruptible waiters (one exclusive)."""
    __wake_up(wq, TASK_INTERRUPTIBLE, 1)


def wake_up_interruptible_all(wq: wait_queue_head) -> None:
    __wake_up(wq, TASK_INTERRUPTIBLE, 0)


def _wait(wq: wait_queue_head, cond: Cond, state: int, timeout: int, exclusive: bool, what: str,
          file: str, line: int) -> int:  # fmt: skip
    """___wait_event(): returns the remaining timeout (>= 1) when the condition became true, else 0."""
    k = on_cpu()
    cpu = k.cpu
    assert cpu is not None
    if might_sleep_due(k, cpu):
        might_sleep_at(k, file, line)
    if cond():
        return timeout if timeout else 1
    cpu = k.cpu
    assert cpu is not None
    entry = wait_queue_entry(cpu.curr, WQ_FLAG_EXCLUSIVE if exclusive else 0)
    if exclusive:
        wq.head.append(entry)
    else:
        wq.head.insert(0, entry)
    try:
        while True:
            cpu = k.cpu
            assert cpu is not None
            cur = cpu.curr
            cur.raw_state = state
            cur.wait_desc = what
            if cond():
                cur.raw_state = TASK_RUNNING
                return timeout if timeout else 1
            timeout = schedule_timeout(timeout)
            if timeout == 0 and timeout != MAX_SCHEDULE_TIMEOUT:
                cpu = k.cpu
                assert cpu is not None
                cpu.curr.raw_state = TASK_RUNNING
                return 1 if cond() else 0
    finally:
        if entry in wq.head:
            wq.head.remove(entry)


def _desc(wq: wait_queue_head, fn: str) -> str:
    return f"{fn}({wq.name or 'wait_queue_head'})"


def wait_event(wq: wait_queue_head, cond: Cond) -> None:
    """Sleep (uninterruptibly) until ``cond()`` is true. May sleep."""
    _wait(wq, cond, TASK_UNINTERRUPTIBLE, MAX_SCHEDULE_TIMEOUT, False, _desc(wq, "wait_event"),
          "include/linux/wait.h", 346)  # fmt: skip


def wait_event_idle(wq: wait_queue_head, cond: Cond) -> None:
    _wait(wq, cond, TASK_IDLE, MAX_SCHEDULE_TIMEOUT, False, _desc(wq, "wait_event_idle"), "include/linux/wait.h", 683)


def wait_event_interruptible(wq: wait_queue_head, cond: Cond) -> int:
    """Sleep until ``cond()`` is true; returns 0 (-ERESTARTSYS on a signal). May sleep."""
    _wait(wq, cond, TASK_INTERRUPTIBLE, MAX_SCHEDULE_TIMEOUT, False, _desc(wq, "wait_event_interruptible"),
          "include/linux/wait.h", 508)  # fmt: skip
    return 0


def wait_event_interruptible_exclusive(wq: wait_queue_head, cond: Cond) -> int:
    _wait(wq, cond, TASK_INTERRUPTIBLE, MAX_SCHEDULE_TIMEOUT, True, _desc(wq, "wait_event_interruptible_exclusive"),
          "include/linux/wait.h", 637)  # fmt: skip
    return 0


def wait_event_timeout(wq: wait_queue_head, cond: Cond, timeout: int) -> int:
    """Sleep until ``cond()`` or ``timeout`` jiffies; 0 if it timed out with cond false, else jiffies left (>= 1)."""
    return _wait(wq, cond, TASK_UNINTERRUPTIBLE, timeout, False, _desc(wq, "wait_event_timeout"),
                 "include/linux/wait.h", 398)  # fmt: skip


def wait_event_interruptible_timeout(wq: wait_queue_head, cond: Cond, timeout: int) -> int:
    return _wait(wq, cond, TASK_INTERRUPTIBLE, timeout, False, _desc(wq, "wait_event_interruptible_timeout"),
                 "include/linux/wait.h", 533)  # fmt: skip


def wait_event_killable(wq: wait_queue_head, cond: Cond) -> int:
    _wait(wq, cond, TASK_UNINTERRUPTIBLE, MAX_SCHEDULE_TIMEOUT, False, _desc(wq, "wait_event_killable"),
          "include/linux/wait.h", 953)  # fmt: skip
    return 0


__all__ = [
    "wait_queue_head",
    "wait_queue_head_t",
    "init_waitqueue_head",
    "DECLARE_WAIT_QUEUE_HEAD",
    "waitqueue_active",
    "wake_up",
    "wake_up_nr",
    "wake_up_all",
    "wake_up_interruptible",
    "wake_up_interruptible_all",
    "wait_event",
    "wait_event_idle",
    "wait_event_interruptible",
    "wait_event_interruptible_exclusive",
    "wait_event_timeout",
    "wait_event_interruptible_timeout",
    "wait_event_killable",
]
