"""Completions. Mirrors kernel/sched/completion.c."""

from __future__ import annotations

from collections import deque
from typing import Final

from irqlab.kernel.core import kernel, on_cpu
from irqlab.kernel.sched.core import (
    MAX_SCHEDULE_TIMEOUT,
    TASK_INTERRUPTIBLE,
    TASK_NORMAL,
    TASK_RUNNING,
    TASK_UNINTERRUPTIBLE,
    Task,
    might_sleep_due,
)
from irqlab.kernel.sched.current import might_sleep_at
from irqlab.kernel.stacktrace import ENABLED as KSTACK
from irqlab.kernel.stacktrace import pop, popped, push
from irqlab.kernel.time.timer import schedule_timeout

UINT_MAX: Final = 0xFFFFFFFF

#: The waiter queue's methods, unbound: compiled code calls them directly rather than looking each up on the
#: deque's type at every wait and wakeup.
_append: Final = deque.append
_popleft: Final = deque.popleft


class completion:
    """struct completion."""

    def __init__(self, name: str = "") -> None:
        self.done = 0
        self.name = name
        self.waiters: deque[Task] = deque()
        #: The last wait's description, with the (wait function, name) it was made from: a task waiting
        #: here again reuses it rather than building the same string at every wait.
        self.desc_what = ""
        self.desc_name = ""
        self.desc = ""

    def __repr__(self) -> str:
        return f"<completion {self.name or ''} done={self.done} waiters={len(self.waiters)}>"


def init_completion(x: completion) -> None:
    x.done = 0
    x.waiters = deque()


reinit_completion = init_completion


def DECLARE_COMPLETION(name: str = "") -> completion:
    return completion(name)


def complete(x: completion) -> None:
    """Signal one waiter (or the next wait) that the event happened. Any context."""
    sched = kernel().sched
    if x.done != UINT_MAX:
        x.done += 1
    waiters = x.waiters
    while waiters:
        t = _popleft(waiters)
        if sched.try_to_wake_up(t, TASK_NORMAL):
            break
    sched.preempt_check_local()


def complete_all(x: completion) -> None:
    """Signal all current and future waiters. Any context."""
    k = kernel()
    x.done = UINT_MAX
    while x.waiters:
        k.sched.try_to_wake_up(x.waiters.popleft(), TASK_NORMAL)
    k.sched.preempt_check_local()


def completion_done(x: completion) -> bool:
    return x.done != 0


def try_wait_for_completion(x: completion) -> bool:
    if not x.done:
        return False
    if x.done != UINT_MAX:
        x.done -= 1
    return True


def _wait_desc(x: completion, what: str) -> str:
    """What a task waiting on ``x`` in ``what`` waits on (hung-task and stall reports): ``what(name)``."""
    name = x.name
    if what != x.desc_what or name != x.desc_name:
        x.desc_what = what
        x.desc_name = name
        x.desc = f"{what}({name or 'completion'})"
    return x.desc


def _wait_for_common(x: completion, timeout: int, state: int, what: str) -> int:
    k = on_cpu()
    cpu = k.cpu
    assert cpu is not None
    if might_sleep_due(k, cpu):
        might_sleep_at(k, "kernel/sched/completion.c", 148)
        cpu = k.cpu  # a voluntary preemption may have moved the task
        assert cpu is not None
    if not x.done:
        while True:
            cur = cpu.curr
            waiters = x.waiters
            if cur not in waiters:
                _append(waiters, cur)
            cur.raw_state = state
            cur.wait_desc = _wait_desc(x, what)
            timeout = schedule_timeout(timeout, True)  # nested: its caller, wait_for_completion*(), pushed its entry
            cpu = k.cpu  # the CPU the task was woken on
            assert cpu is not None
            if x.done or not timeout:
                break
        cur = cpu.curr
        cur.raw_state = TASK_RUNNING
        if cur in x.waiters:
            x.waiters.remove(cur)
        if not x.done:
            return 0
    if x.done != UINT_MAX:
        x.done -= 1
    return timeout if timeout else 1


def wait_for_completion(x: completion) -> None:
    """Wait (uninterruptibly) until ``x`` is completed. May sleep."""
    kdepth = push("wait_for_completion") if KSTACK else 0
    _wait_for_common(x, MAX_SCHEDULE_TIMEOUT, TASK_UNINTERRUPTIBLE, "wait_for_completion")
    if KSTACK:
        pop(kdepth)


def wait_for_completion_timeout(x: completion, timeout: int) -> int:
    """0 if timed out, else the jiffies left (at least 1). May sleep."""
    kdepth = push("wait_for_completion_timeout") if KSTACK else 0
    if KSTACK:
        return popped(kdepth, _wait_for_common(x, timeout, TASK_UNINTERRUPTIBLE, "wait_for_completion_timeout"))
    return _wait_for_common(x, timeout, TASK_UNINTERRUPTIBLE, "wait_for_completion_timeout")


def wait_for_completion_interruptible(x: completion) -> int:
    kdepth = push("wait_for_completion_interruptible") if KSTACK else 0
    _wait_for_common(x, MAX_SCHEDULE_TIMEOUT, TASK_INTERRUPTIBLE, "wait_for_completion_interruptible")
    if KSTACK:
        pop(kdepth)
    return 0


def wait_for_completion_interruptible_timeout(x: completion, timeout: int) -> int:
    kdepth = push("wait_for_completion_interruptible_timeout") if KSTACK else 0
    if KSTACK:
        return popped(kdepth, _wait_for_common(x, timeout, TASK_INTERRUPTIBLE, "wait_for_completion_interruptible_timeout"))
    return _wait_for_common(x, timeout, TASK_INTERRUPTIBLE, "wait_for_completion_interruptible_timeout")


def wait_for_completion_killable(x: completion) -> int:
    kdepth = push("wait_for_completion_killable") if KSTACK else 0
    _wait_for_common(x, MAX_SCHEDULE_TIMEOUT, TASK_UNINTERRUPTIBLE, "wait_for_completion_killable")
    if KSTACK:
        pop(kdepth)
    return 0


__all__ = [
    "completion",
    "init_completion",
    "reinit_completion",
    "DECLARE_COMPLETION",
    "complete",
    "complete_all",
    "completion_done",
    "try_wait_for_completion",
    "wait_for_completion",
    "wait_for_completion_timeout",
    "wait_for_completion_interruptible",
    "wait_for_completion_interruptible_timeout",
    "wait_for_completion_killable",
]
