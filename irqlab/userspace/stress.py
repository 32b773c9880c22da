"""Load programs in the manner of stress-ng's CPU stressors: busy user tasks that never sleep.

``cpu_hog`` is a SCHED_OTHER task computing in 1 ms stretches (preemptible and interruptible, as user
code is); ``rt_hog`` sets itself SCHED_FIFO at a priority, pins itself to a CPU and spins there.
Both reach the kernel only through :mod:`irqlab.userspace.syscalls`.
"""

from __future__ import annotations

from irqlab.userspace import syscalls as sc

#: One stretch of computation between the loop's checks (ns).
CHUNK_NS = 1_000_000


def cpu_hog(until_ns: int) -> int:
    """Compute until CLOCK_MONOTONIC reaches ``until_ns``; returns the stretches done."""
    n = 0
    while sc.clock_gettime(sc.CLOCK_MONOTONIC) < until_ns:
        sc.user_work(CHUNK_NS)
        n += 1
    return n


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
