"""stress-ng's stressors (0.15.06), the one model of them: the shell's ``stress-ng`` runs them as its workers
and the latency tools' loads (``hog:N``, ``vm:N``, ``stress:N``, ``rt:CPU:PRIO``) spawn them.

A stressor is a loop of bogo operations until its deadline: ``cpu`` computes in 1 ms stretches (preemptible and
interruptible, as user code is) over a working set of :data:`CPU_HOG_WSS`; ``vm`` maps, touches, sweeps and unmaps
:data:`VM_BYTES` over and over; ``io`` computes a little then waits in sync(); ``hdd`` writes then waits.
``cpu_hog`` and ``vm_hog`` are the cpu and vm stressors as tasks of their own; ``rt_hog`` sets itself SCHED_FIFO at
a priority, pins itself to a CPU and spins there; ``syscall_hog`` mixes computation with long system calls.
All reach the kernel only through :mod:`irqlab.userspace.syscalls`.
"""

from __future__ import annotations

from collections.abc import Callable

from irqlab.userspace import syscalls as sc

#: One stretch of computation between the loop's checks (ns): where a pending signal is delivered.
CHUNK_NS = 1_000_000

#: The working set of a ``--cpu`` worker (bytes). stress-ng's default method "all" cycles through its CPU methods:
#: most work in a few KB to 64 KB (the FFT's 4096 points, hashes, integer and float loops), matrixprod on three
#: 128x128 matrices (~384 KB), the sieve on 10 M bits (1.25 MB). 256 KB is their middle: it fills the L1 and
#: half of a Pi 5 core's L2, and stays in the shared L3.
CPU_HOG_WSS = 256 * 1024

#: stress-ng ``--vm``: each worker maps ``--vm-bytes`` (default 256 MB) of anonymous memory, touches every page,
#: runs its method over it (reads and writes) and, without ``--vm-keep``, unmaps it and starts again.
VM_BYTES = 256 * 1024 * 1024
#: First touch of a page: do_anonymous_page() clears 4 KB and charges it (mm/memory.c), ~1.5 µs on the Pi 5.
PAGE_FAULT_NS = 1_500
#: The method's pass over the buffer: bytes a µs one core streams while the other cores stream too.
VM_STREAM_BYTES_PER_US = 2_000

#: The stressors that are costed loops: CPU time one bogo op costs on this model's Cortex-A76 (its loop body),
#: and the time it then blocks (the io stressor's sync() waits for the device).
# SIMPLIFICATION: the io and hdd stressors are costed loops, not their real code: sync(2) (no storage device is
# modelled, so they raise no device interrupts, only wakeups and timer activity) and the hdd stressor's writes.
COSTED = {"io": (30_000, 1_000_000), "hdd": (200_000, 2_000_000)}
#: The stressors stress-ng accepts here (``--cpu N``, ``--vm N``, ``--io N``, ``--hdd N``).
STRESSORS = ("cpu", "io", "vm", "hdd")


def _no_signal() -> None:
    return None


def _compute(ns: int, wss: int, until_ns: int, check: Callable[[], None] = _no_signal) -> bool:
    """``ns`` of user work over ``wss`` in CHUNK_NS stretches; False once CLOCK_MONOTONIC reaches ``until_ns``."""
    while ns > 0:
        check()
        if sc.clock_gettime(sc.CLOCK_MONOTONIC) >= until_ns:
            return False
        step = min(ns, CHUNK_NS)
        sc.user_work(step, wss)
        ns -= step
    return True


def _cpu_op(until_ns: int, check: Callable[[], None], wss: int) -> bool:
    """One stretch of the cpu stressor's methods."""
    check()
    sc.user_work(CHUNK_NS, wss)
    return True


def _vm_op(until_ns: int, check: Callable[[], None], vm_bytes: int) -> bool:
    """One round of the vm stressor: map and touch ``vm_bytes``, sweep it, munmap() it."""
    # SIMPLIFICATION: each first-touch page fault (a ~1.5 µs kernel section, returning to user mode) is folded
    # into the program's preemptible time, so a wakeup is never held by one of them.
    if not _compute(vm_bytes // 4096 * PAGE_FAULT_NS, vm_bytes, until_ns, check):
        return False
    if not _compute(vm_bytes * 1000 // VM_STREAM_BYTES_PER_US, vm_bytes, until_ns, check):
        return False
    sc.munmap(vm_bytes)
    return True


def _costed_op(name: str, until_ns: int, check: Callable[[], None]) -> bool:
    """One bogo op of a costed stressor, cut short at the deadline (the timeout's SIGALRM)."""
    busy, wait = COSTED[name]
    now = sc.clock_gettime(sc.CLOCK_MONOTONIC)
    left = min(busy, until_ns - now)
    while left > 0:
        check()
        step = min(left, CHUNK_NS)
        sc.user_work(step)
        left -= step
    if wait:
        check()
        now = sc.clock_gettime(sc.CLOCK_MONOTONIC)
        sc.clock_nanosleep(sc.CLOCK_MONOTONIC, sc.TIMER_ABSTIME, min(now + wait, max(now, until_ns)))
    return True


def stressor(name: str, until_ns: int, check: Callable[[], None] = _no_signal, ops: list[int] | None = None, *,
             wss: int = CPU_HOG_WSS, vm_bytes: int = VM_BYTES) -> int:  # fmt: skip
    """Bogo ops of stressor ``name`` until CLOCK_MONOTONIC reaches ``until_ns``; returns their number, also kept in
    ``ops[0]`` as they complete. ``check()`` runs where a signal would be delivered (between 1 ms stretches of
    computation, before a wait) and may raise. May sleep."""
    n = 0
    while sc.clock_gettime(sc.CLOCK_MONOTONIC) < until_ns:
        if name == "cpu":
            done = _cpu_op(until_ns, check, wss)
        elif name == "vm":
            done = _vm_op(until_ns, check, vm_bytes)
        else:
            done = _costed_op(name, until_ns, check)
        if not done:
            break
        n += 1
        if ops is not None:
            ops[0] = n
    check()
    return n


def cpu_hog(until_ns: int, wss: int = CPU_HOG_WSS) -> int:
    """The cpu stressor: compute over ``wss`` bytes until CLOCK_MONOTONIC reaches ``until_ns``; returns the
    stretches done."""
    return stressor("cpu", until_ns, wss=wss)


def vm_hog(until_ns: int, vm_bytes: int = VM_BYTES) -> int:
    """The vm stressor (stress-ng's ``--vm`` worker) until ``until_ns``: map and touch ``vm_bytes``, sweep it,
    munmap() it, again. Returns the rounds completed."""
    return stressor("vm", until_ns, vm_bytes=vm_bytes)


def rt_hog(cpu: int, prio: int, until_ns: int) -> int:
    """SCHED_FIFO ``prio`` on CPU ``cpu``, computing until ``until_ns``; returns the stretches done
    (or a negative errno if the priority or CPU was refused)."""
    ret = sc.sched_setaffinity(0, 1 << cpu)
    if ret:
        return ret
    ret = sc.sched_setscheduler(0, sc.SCHED_FIFO, prio)
    if ret:
        return ret
    return cpu_hog(until_ns)


#: The system-call mix of :func:`syscall_hog`: Pareto-distributed kernel sections, scale 10 µs, shape 1.5
#: (median 16 µs, 3% above 100 µs, 0.1% above 1 ms), capped at 2 ms, between 100 µs stretches of user work.
SYSCALL_SCALE_NS = 10_000
SYSCALL_SHAPE = 1.5
SYSCALL_CAP_NS = 2_000_000
USER_STRETCH_NS = 100_000


def syscall_hog(until_ns: int, seed: int) -> int:
    """A stress-ng-like mix (``--cpu`` with ``--syscall``/``--vm`` company): 100 µs of user work, then a system
    call whose kernel section is drawn from the seeded Pareto mix above; until ``until_ns``. Returns the
    number of system calls made. ``seed`` gives the program its own random stream (not the kernel's)."""
    import random

    rng = random.Random(seed)
    n = 0
    while sc.clock_gettime(sc.CLOCK_MONOTONIC) < until_ns:
        sc.user_work(USER_STRETCH_NS, CPU_HOG_WSS)
        sc.syscall_work(min(SYSCALL_CAP_NS, int(SYSCALL_SCALE_NS * rng.paretovariate(SYSCALL_SHAPE))))
        n += 1
    return n
