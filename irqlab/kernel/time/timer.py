"""timer_list timers on the timer wheel, schedule_timeout and msleep. Mirrors kernel/time/timer.c (6.12).

Timers expire in TIMER_SOFTIRQ on the tick of the CPU they were queued on. Their
bucket is computed exactly as ``calc_wheel_index()`` does, so a timer never fires
early and far timers are rounded up to their wheel level's granularity.
"""

from __future__ import annotations

import functools
import heapq
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from irqlab.kernel.container import Embeddable, container_of
from irqlab.kernel.core import kernel, on_cpu
from irqlab.kernel.cpu import HARDIRQ_MASK, SOFTIRQ_OFFSET, spin_poll
from irqlab.kernel.printk import KERN_ERR, vprintk
from irqlab.kernel.sched.core import (
    MAX_SCHEDULE_TIMEOUT,
    TASK_IDLE,
    TASK_INTERRUPTIBLE,
    TASK_RUNNING,
    TASK_UNINTERRUPTIBLE,
    Task,
    block_forever,
)
from irqlab.kernel.softirq import TIMER_SOFTIRQ, raise_softirq_on
from irqlab.kernel.stacktrace import ENABLED as KSTACK
from irqlab.kernel.stacktrace import pop, popped, push, push_nested, unwind
from irqlab.kernel.time.jiffies import jiffies_to_msecs, msecs_to_jiffies

if TYPE_CHECKING:
    from irqlab.kernel.cpu import CPU
    from irqlab.kernel.kernel import Kernel

#: heapq's functions, bound once (compiled code would look them up on the module at each call).
_heappop: Final = heapq.heappop
_heappush: Final = heapq.heappush

TIMER_CPUMASK: Final = 0x0003FFFF
TIMER_MIGRATING: Final = 0x00040000
TIMER_DEFERRABLE: Final = 0x00080000
TIMER_PINNED: Final = 0x00100000
TIMER_IRQSAFE: Final = 0x00200000

LVL_CLK_SHIFT: Final = 3
LVL_BITS: Final = 6
LVL_SIZE: Final = 1 << LVL_BITS


def _lvl_start(n: int) -> int:
    return (LVL_SIZE - 1) << ((n - 1) * LVL_CLK_SHIFT)


def calc_wheel_index(expires: int, clk: int, hz: int) -> tuple[int, int]:
    """calc_wheel_index(): the wheel slot of a timer expiring at ``expires`` and the jiffy its bucket is collected
    (bucket_expiry), as enqueue_timer() traces them."""
    depth = 9 if hz > 100 else 8
    delta = expires - clk
    if delta < 0:
        return clk & (LVL_SIZE - 1), clk
    lvl = depth - 1
    for n in range(depth - 1):
        if delta < _lvl_start(n + 1):
            lvl = n
            break
    else:
        cutoff = _lvl_start(depth)
        if delta >= cutoff:
            expires = clk + cutoff - (1 << ((depth - 1) * LVL_CLK_SHIFT))
    shift = lvl * LVL_CLK_SHIFT
    e = (expires >> shift) + 1
    return lvl * LVL_SIZE + (e & (LVL_SIZE - 1)), e << shift


def calc_wheel_bucket(expires: int, clk: int, hz: int) -> int:
    """The jiffy at which a timer expiring at ``expires`` is collected (calc_wheel_index())."""
    return calc_wheel_index(expires, clk, hz)[1]


class timer_list(Embeddable):
    """struct timer_list."""


    def __init__(self, function: Callable[[Any], None] | None = None, flags: int = 0) -> None:
        self.function = function
        self.expires = 0
        self.flags = flags
        self._base: TimerBase | None = None
        self._bucket = 0
        self._seq = 0

    def __repr__(self) -> str:
        fn = getattr(self.function, "__qualname__", self.function)
        return f"<timer_list {fn} expires={self.expires} {'pending' if self._base else 'idle'}>"


class TimerBase:
    """A CPU's timer wheel (struct timer_base)."""

    __slots__ = ("cpu", "buckets", "heap", "running_timer", "clk", "seq")

    def __init__(self, cpu: int) -> None:
        self.cpu = cpu
        self.buckets: dict[int, list[timer_list]] = {}
        self.heap: list[int] = []
        self.running_timer: timer_list | None = None
        self.clk = 0
        self.seq = 0

    def enqueue(self, t: timer_list, bucket: int) -> None:
        lst = self.buckets.get(bucket)
        if lst is None:
            lst = self.buckets[bucket] = []
            _heappush(self.heap, bucket)
        self.seq += 1
        t._seq = self.seq
        t._bucket = bucket
        t._base = self
        lst.append(t)

    def detach(self, t: timer_list) -> None:
        lst = self.buckets.get(t._bucket)
        if lst is not None:
            lst.remove(t)
            if not lst:
                del self.buckets[t._bucket]
        t._base = None

    def next_expiry(self) -> int | None:
        heap = self.heap
        while heap and heap[0] not in self.buckets:
            _heappop(heap)
        return heap[0] if heap else None


def _trace_start(k: Kernel, cpu: int, t: timer_list, clk: int) -> None:
    tp = k.tp.timer_start
    if tp.on:
        # enqueue_timer(): after timer_set_idx(), under the base lock (IRQs off); flags hold the base CPU
        # and the wheel index.
        idx, bucket_expiry = calc_wheel_index(t.expires, clk, k.hz)
        flags = (t.flags & ~(TIMER_CPUMASK | 0xFFC00000)) | cpu | idx << 22
        tp.emit_at(k.cpu.id if k.cpu is not None else cpu, 1, True, timer=k.ptr(t),
                   function=k.symbol(t.function, False), expires=t.expires, bucket_expiry=bucket_expiry,
                   now=k.jiffies, flags=flags)  # fmt: skip


def timer_setup(timer: timer_list, callback: Callable[[Any], None], flags: int = 0) -> None:
    """Initialise ``timer`` to call ``callback(timer)`` on expiry."""
    timer.function = callback
    timer.flags = flags
    timer._base = None
    timer.expires = 0


def init_timer(timer: timer_list) -> None:
    timer._base = None


def _mod_timer(k: Kernel, timer: timer_list, expires: int, cpu: CPU | None = None) -> int:
    if timer.function is None:
        k.bugs.warn("kernel/time/timer.c", 1123, None, skip=3)
    was_pending = timer._base is not None
    if was_pending:
        timer._base.detach(timer)  # type: ignore[union-attr]
    if cpu is None:
        cpu = k.cpu if k.cpu is not None else k.first_online_cpu()
    base: TimerBase = cpu.timer_base
    timer.expires = expires
    j = k.jiffies
    # SIMPLIFICATION: the wheel's base->clk forwarding is approximated by max(base clock, jiffies).
    clk = max(base.clk, j)
    base.enqueue(timer, calc_wheel_bucket(expires, clk, k.hz))
    _trace_start(k, cpu.id, timer, clk)
    if cpu is not k.cpu:
        k.tick.nohz_reprogram(cpu)
    return 1 if was_pending else 0


def mod_timer(timer: timer_list, expires: int) -> int:
    """(Re)arm ``timer`` to expire at jiffies ``expires``; returns 1 if it was pending."""
    k = kernel()
    if timer._base is not None and timer.expires == expires:
        return 1
    return _mod_timer(k, timer, expires)


def mod_timer_pending(timer: timer_list, expires: int) -> int:
    if timer._base is None:
        return 0
    return mod_timer(timer, expires)


def timer_reduce(timer: timer_list, expires: int) -> int:
    if timer._base is not None and timer.expires <= expires:
        return 1
    return mod_timer(timer, expires)


def add_timer(timer: timer_list) -> None:
    """Start a timer that is not pending (BUG if it is)."""
    k = kernel()
    if timer._base is not None:
        raise k.bugs.fatal("kernel BUG at kernel/time/timer.c:1253!")
    _mod_timer(k, timer, timer.expires)


def add_timer_global(timer: timer_list) -> None:
    add_timer(timer)


def add_timer_local(timer: timer_list) -> None:
    add_timer(timer)


def add_timer_on(timer: timer_list, cpu: int) -> None:
    """Start a timer on a specific CPU."""
    k = kernel()
    if not (type(cpu) is int and 0 <= cpu < len(k.cpus)):
        raise ValueError(f"add_timer_on(): there is no CPU {cpu!r} (this machine has CPUs 0-{len(k.cpus) - 1})")
    if timer._base is not None:
        raise k.bugs.fatal("kernel BUG at kernel/time/timer.c:1294!")
    _mod_timer(k, timer, timer.expires, k.cpus[cpu])


def timer_pending(timer: timer_list) -> bool:
    return timer._base is not None


def timer_delete(timer: timer_list) -> int:
    """Deactivate a timer; returns 1 if it was pending. Does not wait for a running callback."""
    k = kernel()
    if timer._base is None:
        return 0
    timer._base.detach(timer)
    tp = k.tp.timer_cancel
    if tp.on:
        # detach_if_pending() under the base lock.
        tp.emit_at(k.cpu.id if k.cpu else 0, 1, True, timer=k.ptr(timer))
    return 1


del_timer = timer_delete


def timer_delete_sync(timer: timer_list) -> int:
    """Deactivate a timer and wait for its callback to finish on other CPUs."""
    kdepth = push("timer_delete_sync") if KSTACK else 0
    k = on_cpu()
    cpu = k.cpu
    assert cpu is not None
    if cpu.preempt_count & HARDIRQ_MASK and not timer.flags & TIMER_IRQSAFE:
        k.bugs.warn("kernel/time/timer.c", 1633, None, once_key=("timer_delete_sync", id(timer)), skip=2)
    ret = timer_delete(timer)
    # __timer_delete_sync(): while the callback runs (on any CPU, this one included: from the callback
    # itself, or from an interrupt on top of it, this never ends, as in the kernel), cpu_relax() and retry.
    # On PREEMPT_RT a task that preempted ksoftirqd mid-callback on this CPU blocks on the expiry lock
    # instead (del_timer_wait_running()), which lets the callback finish.
    here = k.preempt_rt and not cpu.preempt_count & (HARDIRQ_MASK | SOFTIRQ_OFFSET)
    spin_poll(k, lambda: not any(c.timer_base.running_timer is timer and not (here and c is k.cpu)
                                 for c in k.cpus), 1000)  # fmt: skip
    if KSTACK:
        pop(kdepth)
    return ret


del_timer_sync = timer_delete_sync
timer_shutdown_sync = timer_delete_sync
timer_shutdown = timer_delete


def from_timer(var_type: Any, timer: timer_list, member: str) -> Any:
    """container_of(timer, type, member): the struct embedding ``timer``.

    Accepts the C argument order ``from_timer(var, callback_timer, timer_fieldname)`` where
    ``var`` is the container's type (or an instance of it).
    """
    t = var_type if isinstance(var_type, type) else type(var_type) if var_type is not None else None
    return container_of(timer, t, member)


timer_container_of = from_timer


def run_timer_softirq() -> None:
    """TIMER_SOFTIRQ: run this CPU's expired timers (LIFO within a bucket, as hlist_add_head)."""
    kdepth = push("run_timer_softirq") if KSTACK else 0
    k = on_cpu()
    cpu = k.cpu
    assert cpu is not None
    base: TimerBase = cpu.timer_base
    j = k.jiffies
    tp_entry = k.tp.timer_expire_entry
    tp_exit = k.tp.timer_expire_exit
    base.clk = j + 1
    while True:
        b = base.next_expiry()
        if b is None or b > j:
            break
        timers = base.buckets.pop(b)
        _heappop(base.heap)
        while timers:
            t = timers.pop()
            t._base = None
            fn = t.function
            base.running_timer = t
            if tp_entry.on:
                # expire_timers(): baseclk = base->clk - 1, the bucket being run.
                tp_entry.emit(cpu.id, timer=k.ptr(t), function=k.symbol(fn, False), now=k.jiffies,
                              baseclk=base.clk - 1)  # fmt: skip
            pc = cpu.preempt_count
            try:
                fn(t)  # type: ignore[misc]
            except BaseException as exc:  # noqa: BLE001 - driver faults become oopses
                if KSTACK:
                    unwind(kdepth, exc, own=True)
                k.fault(exc, "softirq")
                cpu.preempt_count = pc
            cpu = k.cpu
            assert cpu is not None
            if cpu.preempt_count != pc:
                k.bugs.warn("kernel/time/timer.c", 1736,
                            f"timer: {k.symbol(fn, True)} preempt leak: {pc:08x} -> {cpu.preempt_count:08x}",
                            skip=2)  # fmt: skip
                cpu.preempt_count = pc
            base.running_timer = None
            if tp_exit.on:
                tp_exit.emit(cpu.id, timer=k.ptr(t))
    base.clk = j + 1
    if KSTACK:
        pop(kdepth)


def run_local_timers(k: Kernel, cpu: CPU) -> None:
    """From the tick: raise TIMER_SOFTIRQ when a timer of this CPU has expired."""
    nxt = cpu.timer_base.next_expiry()
    if nxt is not None and nxt <= k.jiffies:
        raise_softirq_on(k, cpu, TIMER_SOFTIRQ)


# -- sleeping on a timer ----------------------------------------------------------------------


class process_timer(timer_list):
    """struct process_timer (kernel/time/timer.c): schedule_timeout()'s timer and the task it wakes, on the sleeper's
    stack. The task is a declared field, so that a sleep allocates no attribute dict beside its timer (whose
    release, a sleep later, touched memory gone cold with thousands of sleepers)."""

    def __init__(self, task: Task) -> None:
        super().__init__(process_timeout)
        self.task = task


def process_timeout(t: timer_list) -> None:
    """kernel/time/timer.c process_timeout(): from_timer() to the process_timer, wake_up_process() its task."""
    assert isinstance(t, process_timer)
    kernel().sched.try_to_wake_up(t.task)


def schedule_timeout(timeout: int, nested: bool = False) -> int:
    """Sleep until ``timeout`` jiffies have passed (state set by the caller). May sleep.

    Returns the jiffies left (0 when the timeout expired). ``nested``: the caller is a kernel function that pushed
    its call-trace entry (see stacktrace.push_nested()).
    """
    kdepth = (push_nested("schedule_timeout") if nested else push("schedule_timeout")) if KSTACK else 0
    k = on_cpu()
    cpu = k.cpu
    assert cpu is not None
    if timeout == MAX_SCHEDULE_TIMEOUT:
        cur = cpu.curr
        block_forever(k, cur, cur.wait_desc or "schedule_timeout(MAX_SCHEDULE_TIMEOUT)", True)
        if KSTACK:
            pop(kdepth)
        return timeout
    if timeout < 0:
        vprintk(k, KERN_ERR + "schedule_timeout: wrong timeout value %lx\n", (timeout,))
        cpu = k.cpu
        assert cpu is not None
        cpu.curr.raw_state = TASK_RUNNING
        if KSTACK:
            pop(kdepth)
        return 0
    expire = timeout + k.jiffies
    t = process_timer(cpu.curr)
    _mod_timer(k, t, expire)
    k.sched.schedule(True)  # nested: this function pushed its entry
    if t._base is not None:
        t._base.detach(t)
    left = expire - k.jiffies
    if KSTACK:
        return popped(kdepth, left if left > 0 else 0)
    return left if left > 0 else 0


def _set_state_and_sleep(state: int, timeout: int, desc: str) -> int:
    k = on_cpu()
    cpu = k.cpu
    assert cpu is not None
    cur = cpu.curr
    cur.raw_state = state
    cur.wait_desc = desc
    return schedule_timeout(timeout)


def schedule_timeout_uninterruptible(timeout: int) -> int:
    return _set_state_and_sleep(TASK_UNINTERRUPTIBLE, timeout, "schedule_timeout_uninterruptible")


def schedule_timeout_interruptible(timeout: int) -> int:
    return _set_state_and_sleep(TASK_INTERRUPTIBLE, timeout, "schedule_timeout_interruptible")


def schedule_timeout_idle(timeout: int) -> int:
    return _set_state_and_sleep(TASK_IDLE, timeout, "schedule_timeout_idle")


@functools.lru_cache(maxsize=512)
def _sleep_desc(fn: str, msecs: int) -> str:
    """The wait description ``fn(msecs)`` of msleep() and msleep_interruptible(), formatted once per argument: one
    formatted per sleep is freed when the sleeper is woken, a sleep later, by then gone cold with thousands of
    sleepers (a performance trick; the text is the same)."""
    return f"{fn}({msecs})"


def msleep(msecs: int) -> None:
    """Sleep at least ``msecs`` ms, in whole jiffies. May sleep.

    6.12 sleeps ``msecs_to_jiffies(msecs) + 1`` jiffies (the +1 was dropped in 6.13),
    so msleep(1) at HZ=250 takes 8-12 ms.
    """
    kdepth = push("msleep") if KSTACK else 0
    timeout = msecs_to_jiffies(msecs) + 1
    while timeout:
        timeout = _set_state_and_sleep(TASK_UNINTERRUPTIBLE, timeout, _sleep_desc("msleep", msecs))
    if KSTACK:
        pop(kdepth)


def msleep_interruptible(msecs: int) -> int:
    """Like msleep; returns the ms left when woken early (never, without signals)."""
    kdepth = push("msleep_interruptible") if KSTACK else 0
    timeout = msecs_to_jiffies(msecs) + 1
    while timeout:
        timeout = _set_state_and_sleep(TASK_INTERRUPTIBLE, timeout, _sleep_desc("msleep_interruptible", msecs))
    if KSTACK:
        return popped(kdepth, jiffies_to_msecs(timeout))
    return jiffies_to_msecs(timeout)


def ssleep(seconds: int) -> None:
    msleep(seconds * 1000)


__all__ = [
    "timer_list",
    "timer_setup",
    "init_timer",
    "mod_timer",
    "mod_timer_pending",
    "timer_reduce",
    "add_timer",
    "add_timer_on",
    "add_timer_global",
    "add_timer_local",
    "del_timer",
    "del_timer_sync",
    "timer_delete",
    "timer_delete_sync",
    "timer_shutdown",
    "timer_shutdown_sync",
    "timer_pending",
    "from_timer",
    "timer_container_of",
    "schedule_timeout",
    "schedule_timeout_uninterruptible",
    "schedule_timeout_interruptible",
    "schedule_timeout_idle",
    "msleep",
    "msleep_interruptible",
    "ssleep",
    "TIMER_DEFERRABLE",
    "TIMER_PINNED",
    "TIMER_IRQSAFE",
]
