"""Mutexes and semaphores. Mirrors kernel/locking/mutex.c, mutex-debug.c and semaphore.c.

A contended mutex blocks its caller; unlock hands the mutex to the first waiter
(FIFO). Locking from atomic context gives the might_sleep() splat; unlocking a mutex
the caller does not own gives the DEBUG_MUTEXES warning.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from irqlab.errno import EINTR, ETIME
from irqlab.kernel.core import kernel, on_cpu
from irqlab.kernel.printk import KERN_WARNING
from irqlab.kernel.sched.core import MAX_SCHEDULE_TIMEOUT, TASK_RUNNING, TASK_UNINTERRUPTIBLE, Task, block_forever
from irqlab.kernel.sched.current import might_sleep_at
from irqlab.kernel.time.timer import schedule_timeout


class mutex:
    """struct mutex."""

    #: lockdep's wait types of a sleeping lock (inner:outer), as print_lock_name() shows them.
    lockdep_wait = "{3:3}"  # LD_WAIT_SLEEP: 3 with PROVE_RAW_LOCK_NESTING=n, 6.12's default

    def __init__(self, name: str = "") -> None:
        self.name = name
        self.owner: Task | None = None
        self.waiters: deque[Task] = deque()

    def __repr__(self) -> str:
        return f"<mutex {self.name or hex(id(self))} owner={self.owner.comm if self.owner else None}>"


def mutex_init(lock: mutex, name: str = "") -> None:
    lock.owner = None
    lock.waiters = deque()
    if name:
        lock.name = name


def DEFINE_MUTEX(name: str = "") -> mutex:
    lock = mutex(name)
    lock.lockdep_static = True  # type: ignore[attr-defined]  # a static lock's class is named without '&'
    return lock


def _acquire_ip(k: Any) -> str:
    """%pS of _RET_IP_ in mutex_lock(): the caller of the locking function."""
    trace = k.bugs.stack(4)  # stack, _acquire_ip, _lock, mutex_lock*, then its caller
    return trace[0] if trace else "0x0"


def _name(lock: mutex) -> str:
    return lock.name or f"mutex#{id(lock) & 0xFFFF:x}"


# SIMPLIFICATION: a contended mutex blocks at once (no optimistic spinning) and is handed over in FIFO order.
def _lock(lock: mutex, what: str) -> int:
    k = on_cpu()
    might_sleep_at(k, "kernel/locking/mutex.c", 283)
    cur = k.cpu.curr  # type: ignore[union-attr]
    if lock.owner is None:
        lock.owner = cur
        k.locking.note_acquire(lock)
        return 0
    if lock.owner is cur:
        # lockdep.c print_deadlock_bug(), with print_kernel_ident() and print_deadlock_scenario().
        lines = [
            "",
            "============================================",
            "WARNING: possible recursive locking detected",
            k.bugs.kernel_ident(),
            "--------------------------------------------",
            f"{cur.comm}/{cur.pid} is trying to acquire lock:",
            f"{k.ptr(lock)} ({k.locking._name(lock)}){k.locking.class_str(lock)}, at: {_acquire_ip(k)}",
            "",
            "but task is already holding lock:",
            f"{k.ptr(lock)} ({k.locking._name(lock)}){k.locking.class_str(lock)}",
            "",
            "other info that might help us debug this:",
            " Possible unsafe locking scenario:",
            "",
            "       CPU0",
            "       ----",
            f"  lock({k.locking._name(lock)});",
            f"  lock({k.locking._name(lock)});",
            "",
            " *** DEADLOCK ***",
            "",
            " May be due to missing lock nesting notation",
            "",
        ]
        lines += k.locking.held_locks_lines(cur) or [f"no locks held by {cur.comm}/{cur.pid}."]
        lines += ["", "stack backtrace:"] + k.bugs.dump_stack_lines(k.bugs.stack(2))
        k.locking.enabled = False  # debug_locks_off_graph_unlock()

        k.bugs._emit(KERN_WARNING, "\n".join(lines))
        k.bugs._finish("WARNING: possible recursive locking detected", lines[1:])
    # __mutex_lock_common(): queue on the wait list and sleep until mutex_unlock() hands the mutex over
    # (it takes the waiter off the list). A task that already owns it sleeps there for good, as in the
    # kernel: it would be the one to unlock it.
    lock.waiters.append(cur)
    while cur in lock.waiters:
        owner = lock.owner
        holder = "itself" if owner is cur else owner.comm if owner is not None else "?"
        cur.raw_state = TASK_UNINTERRUPTIBLE
        block_forever(k, cur, f"{what}({_name(lock)}) held by {holder}")
        cur = k.cpu.curr  # type: ignore[union-attr]
    k.locking.note_acquire(lock)
    return 0


def mutex_lock(lock: mutex) -> None:
    """Take ``lock``, sleeping while another task holds it. May sleep."""
    _lock(lock, "mutex_lock")


def mutex_lock_interruptible(lock: mutex) -> int:
    """Like mutex_lock; returns 0 (-EINTR on a signal). May sleep."""
    return _lock(lock, "mutex_lock_interruptible")


def mutex_lock_killable(lock: mutex) -> int:
    return _lock(lock, "mutex_lock_killable")


def mutex_trylock(lock: mutex) -> int:
    """Take ``lock`` if free: 1 on success, 0 if contended."""
    k = on_cpu()
    if lock.owner is not None:
        return 0
    lock.owner = k.cpu.curr  # type: ignore[union-attr]
    k.locking.note_acquire(lock)
    return 1


def mutex_unlock(lock: mutex) -> None:
    """Release ``lock``, handing it to the first waiter."""
    k = on_cpu()
    cur = k.cpu.curr  # type: ignore[union-attr]
    if lock.owner is not cur:
        k.bugs.warn("kernel/locking/mutex.c", 929, "DEBUG_LOCKS_WARN_ON(__owner_task(owner) != current)",
                    once_key=("mutex_unlock_owner",), skip=2)  # fmt: skip
    k.locking.note_release(lock)
    if lock.waiters:
        nxt = lock.waiters.popleft()
        lock.owner = nxt
        k.sched.try_to_wake_up(nxt)
        k.sched.preempt_check_local()
    else:
        lock.owner = None


def mutex_is_locked(lock: mutex) -> bool:
    return lock.owner is not None


# -- semaphores -----------------------------------------------------------------------------


class semaphore:
    """struct semaphore."""

    def __init__(self, val: int = 1, name: str = "") -> None:
        self.count = val
        self.name = name
        self.waiters: deque[Task] = deque()


def sema_init(sem: semaphore, val: int) -> None:
    sem.count = val
    sem.waiters = deque()


def DEFINE_SEMAPHORE(name: str = "", n: int = 1) -> semaphore:
    return semaphore(n, name)


def _down(sem: semaphore, timeout: int, what: str) -> int:
    k = on_cpu()
    might_sleep_at(k, "kernel/locking/semaphore.c", 58)
    if sem.count > 0:
        sem.count -= 1
        return 0
    cur = k.cpu.curr  # type: ignore[union-attr]
    entry = [cur, False]
    sem.waiters.append(entry)  # type: ignore[arg-type]
    while not entry[1]:
        cur = k.cpu.curr  # type: ignore[union-attr]
        cur.raw_state = TASK_UNINTERRUPTIBLE
        cur.wait_desc = f"{what}({sem.name or 'semaphore'})"
        timeout = schedule_timeout(timeout)
        if not entry[1] and timeout <= 0:
            sem.waiters.remove(entry)  # type: ignore[arg-type]
            cur.raw_state = TASK_RUNNING
            return -ETIME
    return 0


def down(sem: semaphore) -> None:
    """Acquire the semaphore, sleeping until it is available. May sleep."""
    _down(sem, MAX_SCHEDULE_TIMEOUT, "down")


def down_interruptible(sem: semaphore) -> int:
    """0 once acquired (-EINTR on a signal). May sleep."""
    ret = _down(sem, MAX_SCHEDULE_TIMEOUT, "down_interruptible")
    return ret if ret != -ETIME else -EINTR


def down_killable(sem: semaphore) -> int:
    return _down(sem, MAX_SCHEDULE_TIMEOUT, "down_killable")


def down_timeout(sem: semaphore, timeout: int) -> int:
    """0 once acquired, -ETIME after ``timeout`` jiffies. May sleep."""
    return _down(sem, timeout, "down_timeout")


def down_trylock(sem: semaphore) -> int:
    """0 if acquired, 1 if not (note the inverted sense, as in the kernel)."""
    if sem.count > 0:
        sem.count -= 1
        return 0
    return 1


def up(sem: semaphore) -> None:
    """Release the semaphore; wakes the first waiter. Any context."""
    k = kernel()
    if sem.waiters:
        entry = sem.waiters.popleft()
        entry[1] = True  # type: ignore[index]
        k.sched.try_to_wake_up(entry[0])  # type: ignore[index]
        k.sched.preempt_check_local()
    else:
        sem.count += 1


__all__ = [
    "mutex",
    "mutex_init",
    "DEFINE_MUTEX",
    "mutex_lock",
    "mutex_lock_interruptible",
    "mutex_lock_killable",
    "mutex_trylock",
    "mutex_unlock",
    "mutex_is_locked",
    "semaphore",
    "sema_init",
    "DEFINE_SEMAPHORE",
    "down",
    "down_interruptible",
    "down_killable",
    "down_timeout",
    "down_trylock",
    "up",
]
