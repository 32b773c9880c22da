"""stress-ng's stressors (0.15.06), the one model of them: the shell's ``stress-ng`` runs them as its workers
and the latency tools' loads (``hog:N``, ``stress:N``, ``rt:CPU:PRIO``) spawn them.

A stressor is a loop of bogo operations until its deadline: ``cpu`` computes, ``io`` computes a little
then waits in sync(), ``vm`` touches pages, ``hdd`` writes then waits. ``cpu_hog`` is the cpu stressor as
a SCHED_OTHER task; ``rt_hog`` sets itself SCHED_FIFO at a priority, pins itself to a CPU and spins there;
``syscall_hog`` mixes user work with system calls. All reach the kernel only through
:mod:`irqlab.userspace.syscalls`.
"""

from __future__ import annotations

from collections.abc import Callable

from irqlab.userspace import syscalls as sc

#: One stretch of computation between the loop's checks (ns): where a pending signal is delivered.
CHUNK_NS = 1_000_000

#: CPU time one bogo op of each stressor costs on this model's Cortex-A76 (its loop body), and the
#: time it then blocks (the io stressor's sync() waits for the device).
# SIMPLIFICATION: stressors are costed loops, not their real code: the cpu stressor's default
# method mix, the io stressor's sync(2) (no storage device is modelled, so it raises no device
# interrupts, only wakeups and timer activity) and the vm stressor's page touching.
STRESSORS = {"cpu": (1_000_000, 0), "io": (30_000, 1_000_000), "vm": (2_000_000, 0), "hdd": (200_000, 2_000_000)}


def _no_signal() -> None:
    return None


def stressor(name: str, until_ns: int, check: Callable[[], None] = _no_signal,
             ops: list[int] | None = None) -> int:  # fmt: skip
    """Bogo ops of stressor ``name`` until CLOCK_MONOTONIC reaches ``until_ns`` (the timeout's SIGALRM cuts
    the last op short at the deadline); returns their number, also kept in ``ops[0]`` as they complete. ``check()`` runs where a
    signal would be delivered (between 1 ms slices of computation, before a wait) and may raise. May sleep."""
    busy, wait = STRESSORS[name]
    n = 0
    while (now := sc.clock_gettime(sc.CLOCK_MONOTONIC)) < until_ns:
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
        n += 1
        if ops is not None:
            ops[0] = n
    check()
    return n


def cpu_hog(until_ns: int) -> int:
    """The cpu stressor until CLOCK_MONOTONIC reaches ``until_ns``; returns the bogo ops done."""
    return stressor("cpu", until_ns)


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
        sc.user_work(USER_STRETCH_NS)
        sc.syscall_work(min(SYSCALL_CAP_NS, int(SYSCALL_SCALE_NS * rng.paretovariate(SYSCALL_SHAPE))))
        n += 1
    return n
