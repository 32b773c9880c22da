"""Spinlocks and rwlocks. Mirrors kernel/locking/spinlock.c, spinlock_debug.c and spinlock_rt.c.

A CPU that finds a lock held by another CPU spins, burning simulated time (and taking
interrupts if they are enabled) until the holder hands the lock over; waiters are
served in FIFO order, as a queued spinlock does. Taking a lock the same CPU already
holds is reported as CONFIG_DEBUG_SPINLOCK does and unwinds the context.
With ``preempt="rt"``, ``spinlock_t`` is a sleeping lock (an rt_mutex) and the
``_irq``/``_irqsave`` variants leave interrupts enabled, as on PREEMPT_RT;
``raw_spinlock_t`` always spins.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from irqlab.kernel.core import on_cpu
from irqlab.kernel.cpu import (
    SOFTIRQ_DISABLE_OFFSET,
    cpu_resume,
    cpu_spin,
    cpu_spin_release,
)
from irqlab.kernel.preempt import local_irq_enable, local_irq_restore, local_irq_save, preempt_enable
from irqlab.kernel.printk import KERN_EMERG
from irqlab.kernel.sched.core import TASK_UNINTERRUPTIBLE, block_forever
from irqlab.kernel.softirq import local_bh_enable_ip

if TYPE_CHECKING:
    from irqlab.kernel.cpu import CPU
    from irqlab.kernel.kernel import Kernel
    from irqlab.kernel.sched.core import Task


class raw_spinlock:
    """raw_spinlock_t: always a spinning lock."""

    raw = True

    def __init__(self, name: str = "") -> None:
        self.name = name
        self.owner_cpu = -1
        self.owner: Task | None = None
        self.waiters: deque[CPU] = deque()
        # sleeping-lock state for spinlock_t on PREEMPT_RT
        self.rt_waiters: deque[Task] = deque()

    def __repr__(self) -> str:
        who = f"CPU{self.owner_cpu}" if self.owner_cpu >= 0 else "unlocked"
        return f"<{type(self).__name__} {self.name or hex(id(self))} {who}>"


raw_spinlock_t = raw_spinlock


class spinlock(raw_spinlock):
    """spinlock_t: a spinning lock (a sleeping rt_mutex on PREEMPT_RT)."""

    raw = False


spinlock_t = spinlock


def spin_lock_init(lock: raw_spinlock, name: str = "") -> None:
    """Initialise ``lock`` (unlocked)."""
    lock.owner_cpu = -1
    lock.owner = None
    lock.waiters = deque()
    lock.rt_waiters = deque()
    if name:
        lock.name = name


raw_spin_lock_init = spin_lock_init


def DEFINE_SPINLOCK(name: str = "") -> spinlock:
    lock = spinlock(name)
    lock.lockdep_static = True  # type: ignore[attr-defined]  # a static lock's class is named without '&'
    return lock


def DEFINE_RAW_SPINLOCK(name: str = "") -> raw_spinlock:
    lock = raw_spinlock(name)
    lock.lockdep_static = True  # type: ignore[attr-defined]  # a static lock's class is named without '&'
    return lock


def _lock_name(lock: raw_spinlock) -> str:
    return lock.name or f"lock#{id(lock) & 0xFFFF:x}"


def _spin_dump_lines(k: Kernel, lock: raw_spinlock, msg: str) -> list[str]:
    """spin_dump()'s header: the report line and the lock's magic, owner and owner CPU."""
    cpu = k.cpu
    assert cpu is not None
    cur = cpu.curr
    owner = lock.owner
    return [
        f"BUG: spinlock {msg} on CPU#{cpu.id}, {cur.comm}/{cur.pid}",
        f" lock: {_lock_name(lock)}+0x0/0x40, .magic: dead4ead, .owner: "
        f"{owner.comm if owner else '<none>'}/{owner.pid if owner else -1}, .owner_cpu: {lock.owner_cpu}",
    ]


# SIMPLIFICATION: after the DEBUG_SPINLOCK report a real CPU would hang; irqlab unwinds the context as an oops.
def _spin_bug(k: Kernel, lock: raw_spinlock, msg: str) -> None:
    lines = _spin_dump_lines(k, lock, msg)
    raise k.bugs.fatal(lines[0], lines[1:])


def _acquire(k: Kernel, lock: raw_spinlock) -> None:
    cpu = k.cpu
    assert cpu is not None
    k.locking.note_acquire(lock)
    if lock.owner_cpu < 0:
        lock.owner_cpu = cpu.id
        lock.owner = cpu.curr
        return
    if lock.owner is cpu.curr:
        _spin_bug(k, lock, "recursion")
    if lock.owner_cpu == cpu.id:
        _spin_bug(k, lock, "cpu recursion")
    spin_until_handed_over(k, lock, f"spin_lock({_lock_name(lock)}) held by CPU{lock.owner_cpu}")


def spin_until_handed_over(k: Kernel, lock: raw_spinlock, what: str) -> None:
    """Contended: queue this CPU and spin (burning time, taking interrupts if enabled) until
    the holder hands the lock over; then the current task owns it."""
    cpu = k.cpu
    lock.waiters.append(cpu)  # type: ignore[arg-type]
    fiber = cpu.curr.fiber
    cpu.curr.fiber_blocked = True  # a wakeup meanwhile clears blocked_on (Scheduler.try_to_wake_up())
    fiber.blocked_on = what
    fiber.stuck_if_idle = True
    while lock.owner_cpu != cpu.id:
        cpu = cpu_spin(k, lock)
    fiber.blocked_on = None
    fiber.stuck_if_idle = False
    lock.owner = cpu.curr


def _spin_dump(k: Kernel, lock: raw_spinlock, msg: str) -> None:
    """spin_bug() of kernel/locking/spinlock_debug.c: the first debug-lock report turns debug_locks off
    (debug_locks_off(), shared with lockdep), so later ones print nothing; spin_dump() then prints the
    lock and a stack dump. Not an oops: the caller carries on."""
    if not k.locking.enabled:
        return
    k.locking.enabled = False
    lines = _spin_dump_lines(k, lock, msg)
    lines += k.bugs.dump_stack_lines(k.bugs.stack(3))
    k.bugs._emit(KERN_EMERG, "\n".join(lines))
    k.bugs._finish(lines[0], lines)


def _release(k: Kernel, lock: raw_spinlock) -> None:
    """debug_spin_unlock(): check the lock is held, by this task, on this CPU (reporting the first failed
    check, e.g. "wrong CPU" after a sleep in atomic context resumed on another CPU), then unlock anyway."""
    cpu = k.cpu
    assert cpu is not None
    if lock.owner_cpu < 0:
        _spin_dump(k, lock, "already unlocked")
    elif lock.owner is not cpu.curr:
        _spin_dump(k, lock, "wrong owner")
    elif lock.owner_cpu != cpu.id:
        _spin_dump(k, lock, "wrong CPU")
    k.locking.note_release(lock)
    if lock.owner_cpu < 0:
        return
    hand_over(k, lock)


def hand_over(k: Kernel, lock: raw_spinlock) -> None:
    """Unlock: the first spinning CPU, if any, becomes the owner and stops spinning."""
    if lock.waiters:
        nxt = lock.waiters.popleft()
        lock.owner_cpu = nxt.id
        lock.owner = nxt.curr
        if nxt.percpu.get("spin") is lock:
            cpu_resume(k, nxt)
    else:
        lock.owner_cpu = -1
        lock.owner = None


# -- PREEMPT_RT sleeping spinlock_t ----------------------------------------------------------


# SIMPLIFICATION: PREEMPT_RT sleeping spinlocks without priority inheritance.
def _rt_lock(k: Kernel, lock: raw_spinlock) -> None:
    cpu = k.cpu
    assert cpu is not None
    cur = cpu.curr
    cur.migration_disabled += 1
    k.locking.note_acquire(lock)
    if lock.owner is None:
        lock.owner = cur
        lock.owner_cpu = cpu.id
        return
    if lock.owner is cur:
        _spin_bug(k, lock, "recursion")
    lock.rt_waiters.append(cur)
    while lock.owner is not cur:
        cur.raw_state = TASK_UNINTERRUPTIBLE
        block_forever(k, cur, f"rt_spin_lock({_lock_name(lock)})")
    lock.owner_cpu = k.cpu.id  # type: ignore[union-attr]


def _rt_unlock(k: Kernel, lock: raw_spinlock) -> None:
    cpu = k.cpu
    assert cpu is not None
    cur = cpu.curr
    k.locking.note_release(lock)
    if lock.rt_waiters:
        nxt = lock.rt_waiters.popleft()
        lock.owner = nxt
        k.sched.try_to_wake_up(nxt)
    else:
        lock.owner = None
        lock.owner_cpu = -1
    if cur.migration_disabled:
        cur.migration_disabled -= 1
    k.sched.preempt_check_local()


def _is_rt_lock(k: Kernel, lock: raw_spinlock) -> bool:
    return k.preempt_rt and not lock.raw


# -- the API ---------------------------------------------------------------------------------


def spin_lock(lock: raw_spinlock) -> None:
    """Take ``lock``, disabling preemption (spinning while another CPU holds it)."""
    k = on_cpu()
    if _is_rt_lock(k, lock):
        _rt_lock(k, lock)
        return
    k.cpu.preempt_count += 1  # type: ignore[union-attr]
    _acquire(k, lock)


def spin_unlock(lock: raw_spinlock) -> None:
    k = on_cpu()
    if _is_rt_lock(k, lock):
        _rt_unlock(k, lock)
        return
    _release(k, lock)
    preempt_enable()


def spin_lock_irq(lock: raw_spinlock) -> None:
    """Disable local interrupts, then take ``lock``."""
    k = on_cpu()
    if _is_rt_lock(k, lock):
        _rt_lock(k, lock)
        return
    k.cpu.irqs_off = True  # type: ignore[union-attr]
    k.cpu.preempt_count += 1  # type: ignore[union-attr]
    _acquire(k, lock)


def spin_unlock_irq(lock: raw_spinlock) -> None:
    k = on_cpu()
    if _is_rt_lock(k, lock):
        _rt_unlock(k, lock)
        return
    _release(k, lock)
    local_irq_enable()
    preempt_enable()


def spin_lock_irqsave(lock: raw_spinlock) -> int:
    """Save and disable local interrupts, then take ``lock``; returns the flags to restore."""
    k = on_cpu()
    if _is_rt_lock(k, lock):
        _rt_lock(k, lock)
        return 0
    cpu = k.cpu
    flags = 1 if cpu.irqs_off else 0  # type: ignore[union-attr]
    cpu.irqs_off = True  # type: ignore[union-attr]
    cpu.preempt_count += 1  # type: ignore[union-attr]
    _acquire(k, lock)
    return flags


def spin_unlock_irqrestore(lock: raw_spinlock, flags: int) -> None:
    k = on_cpu()
    if _is_rt_lock(k, lock):
        _rt_unlock(k, lock)
        return
    _release(k, lock)
    local_irq_restore(flags)
    preempt_enable()


def spin_lock_bh(lock: raw_spinlock) -> None:
    """Disable bottom halves, then take ``lock``."""
    k = on_cpu()
    k.cpu.preempt_count += SOFTIRQ_DISABLE_OFFSET  # type: ignore[union-attr]
    if _is_rt_lock(k, lock):
        _rt_lock(k, lock)
        return
    _acquire(k, lock)


def spin_unlock_bh(lock: raw_spinlock) -> None:
    k = on_cpu()
    if _is_rt_lock(k, lock):
        _rt_unlock(k, lock)
    else:
        _release(k, lock)
    local_bh_enable_ip(k, SOFTIRQ_DISABLE_OFFSET)


def spin_trylock(lock: raw_spinlock) -> int:
    """Take ``lock`` if it is free; returns 1 on success, 0 otherwise."""
    k = on_cpu()
    cpu = k.cpu
    assert cpu is not None
    if _is_rt_lock(k, lock):
        if lock.owner is not None:
            return 0
        _rt_lock(k, lock)
        return 1
    if lock.owner_cpu >= 0:
        return 0
    cpu.preempt_count += 1
    _acquire(k, lock)
    return 1


def spin_trylock_irqsave(lock: raw_spinlock) -> tuple[int, int]:
    """Returns (taken, flags); interrupts stay as they were when the lock was not taken."""
    k = on_cpu()
    cpu = k.cpu
    assert cpu is not None
    flags = 1 if cpu.irqs_off else 0
    cpu.irqs_off = True
    if spin_trylock(lock):
        return 1, flags
    cpu.irqs_off = bool(flags)
    return 0, flags


def spin_is_locked(lock: raw_spinlock) -> bool:
    return lock.owner_cpu >= 0 or lock.owner is not None


raw_spin_lock = spin_lock
raw_spin_unlock = spin_unlock
raw_spin_lock_irq = spin_lock_irq
raw_spin_unlock_irq = spin_unlock_irq
raw_spin_lock_irqsave = spin_lock_irqsave
raw_spin_unlock_irqrestore = spin_unlock_irqrestore
raw_spin_trylock = spin_trylock


def assert_spin_locked(lock: raw_spinlock) -> None:
    if not spin_is_locked(lock):
        k = on_cpu()
        raise k.bugs.fatal("kernel BUG at include/linux/spinlock.h:416!")


# -- rwlock_t ----------------------------------------------------------------------------------


class rwlock:
    """rwlock_t: many readers or one writer."""

    def __init__(self, name: str = "") -> None:
        self.name = name
        self.readers = 0
        self.writer_cpu = -1
        self.waiters: deque[CPU] = deque()


rwlock_t = rwlock


def rwlock_init(lock: rwlock) -> None:
    lock.readers = 0
    lock.writer_cpu = -1
    lock.waiters = deque()


def DEFINE_RWLOCK(name: str = "") -> rwlock:
    lock = rwlock(name)
    lock.lockdep_static = True  # type: ignore[attr-defined]  # a static lock's class is named without '&'
    return lock


def _rw_wait(k: Kernel, lock: rwlock, ready: object) -> None:
    cpu = k.cpu
    assert cpu is not None
    lock.waiters.append(cpu)
    while not ready():  # type: ignore[operator]
        cpu = cpu_spin(k, lock)
    if cpu in lock.waiters:
        lock.waiters.remove(cpu)


def _rw_kick(k: Kernel, lock: rwlock) -> None:
    cpu_spin_release(k, list(lock.waiters), lock)


def _read_acquire(k: Kernel, lock: rwlock) -> None:
    if lock.writer_cpu >= 0:
        if lock.writer_cpu == k.cpu.id:  # type: ignore[union-attr]
            raise k.bugs.fatal(f"BUG: rwlock recursion on CPU#{k.cpu.id}")  # type: ignore[union-attr]
        _rw_wait(k, lock, lambda: lock.writer_cpu < 0)
    lock.readers += 1


def _write_acquire(k: Kernel, lock: rwlock) -> None:
    cpu = k.cpu
    assert cpu is not None
    if lock.writer_cpu == cpu.id:
        raise k.bugs.fatal(f"BUG: rwlock recursion on CPU#{cpu.id}")
    if lock.writer_cpu >= 0 or lock.readers:
        _rw_wait(k, lock, lambda: lock.writer_cpu < 0 and not lock.readers)
    lock.writer_cpu = k.cpu.id  # type: ignore[union-attr]


def read_lock(lock: rwlock) -> None:
    k = on_cpu()
    k.cpu.preempt_count += 1  # type: ignore[union-attr]
    _read_acquire(k, lock)


def read_unlock(lock: rwlock) -> None:
    k = on_cpu()
    lock.readers -= 1
    _rw_kick(k, lock)
    preempt_enable()


def write_lock(lock: rwlock) -> None:
    k = on_cpu()
    k.cpu.preempt_count += 1  # type: ignore[union-attr]
    _write_acquire(k, lock)


def write_unlock(lock: rwlock) -> None:
    k = on_cpu()
    lock.writer_cpu = -1
    _rw_kick(k, lock)
    preempt_enable()


def read_lock_irqsave(lock: rwlock) -> int:
    flags = local_irq_save()
    read_lock(lock)
    return flags


def read_unlock_irqrestore(lock: rwlock, flags: int) -> None:
    read_unlock(lock)
    local_irq_restore(flags)


def write_lock_irqsave(lock: rwlock) -> int:
    flags = local_irq_save()
    write_lock(lock)
    return flags


def write_unlock_irqrestore(lock: rwlock, flags: int) -> None:
    write_unlock(lock)
    local_irq_restore(flags)


def read_lock_irq(lock: rwlock) -> None:
    on_cpu().cpu.irqs_off = True  # type: ignore[union-attr]
    read_lock(lock)


def read_unlock_irq(lock: rwlock) -> None:
    read_unlock(lock)
    local_irq_enable()


def write_lock_irq(lock: rwlock) -> None:
    on_cpu().cpu.irqs_off = True  # type: ignore[union-attr]
    write_lock(lock)


def write_unlock_irq(lock: rwlock) -> None:
    write_unlock(lock)
    local_irq_enable()


def read_lock_bh(lock: rwlock) -> None:
    k = on_cpu()
    k.cpu.preempt_count += SOFTIRQ_DISABLE_OFFSET  # type: ignore[union-attr]
    _read_acquire(k, lock)


def read_unlock_bh(lock: rwlock) -> None:
    k = on_cpu()
    lock.readers -= 1
    _rw_kick(k, lock)
    local_bh_enable_ip(k, SOFTIRQ_DISABLE_OFFSET)


def write_lock_bh(lock: rwlock) -> None:
    k = on_cpu()
    k.cpu.preempt_count += SOFTIRQ_DISABLE_OFFSET  # type: ignore[union-attr]
    _write_acquire(k, lock)


def write_unlock_bh(lock: rwlock) -> None:
    k = on_cpu()
    lock.writer_cpu = -1
    _rw_kick(k, lock)
    local_bh_enable_ip(k, SOFTIRQ_DISABLE_OFFSET)


__all__ = [
    "spinlock",
    "spinlock_t",
    "raw_spinlock",
    "raw_spinlock_t",
    "spin_lock_init",
    "raw_spin_lock_init",
    "DEFINE_SPINLOCK",
    "DEFINE_RAW_SPINLOCK",
    "spin_lock",
    "spin_unlock",
    "spin_lock_irq",
    "spin_unlock_irq",
    "spin_lock_irqsave",
    "spin_unlock_irqrestore",
    "spin_lock_bh",
    "spin_unlock_bh",
    "spin_trylock",
    "spin_trylock_irqsave",
    "spin_is_locked",
    "assert_spin_locked",
    "raw_spin_lock",
    "raw_spin_unlock",
    "raw_spin_lock_irq",
    "raw_spin_unlock_irq",
    "raw_spin_lock_irqsave",
    "raw_spin_unlock_irqrestore",
    "raw_spin_trylock",
    "rwlock",
    "rwlock_t",
    "rwlock_init",
    "DEFINE_RWLOCK",
    "read_lock",
    "read_unlock",
    "write_lock",
    "write_unlock",
    "read_lock_irq",
    "read_unlock_irq",
    "write_lock_irq",
    "write_unlock_irq",
    "read_lock_irqsave",
    "read_unlock_irqrestore",
    "write_lock_irqsave",
    "write_unlock_irqrestore",
    "read_lock_bh",
    "read_unlock_bh",
    "write_lock_bh",
    "write_unlock_bh",
]
