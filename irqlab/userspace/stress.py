"""Load programs in the manner of stress-ng's stressors: busy user tasks that never sleep.

``cpu_hog`` is stress-ng's ``--cpu`` worker: a SCHED_OTHER task computing in 1 ms stretches (preemptible and
interruptible, as user code is) over a working set of :data:`CPU_HOG_WSS`; ``rt_hog`` sets itself SCHED_FIFO at a
priority, pins itself to a CPU and spins there; ``vm_hog`` is stress-ng's ``--vm`` worker (map, touch, sweep and
unmap :data:`VM_BYTES` over and over); ``syscall_hog`` mixes computation with long system calls.
All reach the kernel only through :mod:`irqlab.userspace.syscalls`.
"""

from __future__ import annotations

from irqlab.userspace import syscalls as sc

#: One stretch of computation between the loop's checks (ns).
CHUNK_NS = 1_000_000


#: The working set of a ``--cpu`` worker (bytes). stress-ng's default method "all" cycles through its CPU methods:
#: most work in a few KB to 64 KB (the FFT's 4096 points, hashes, integer and float loops), matrixprod on three
#: 128x128 matrices (~384 KB), the sieve on 10 M bits (1.25 MB). 256 KB is their middle: it fills the L1 and
#: half of a Pi 5 core's L2, and stays in the shared L3.
CPU_HOG_WSS = 256 * 1024


def cpu_hog(until_ns: int, wss: int = CPU_HOG_WSS) -> int:
    """Compute over ``wss`` bytes until CLOCK_MONOTONIC reaches ``until_ns``; returns the stretches done."""
    n = 0
    while sc.clock_gettime(sc.CLOCK_MONOTONIC) < until_ns:
        sc.user_work(CHUNK_NS, wss)
        n += 1
    return n


#: stress-ng ``--vm``: each worker maps ``--vm-bytes`` (default 256 MB) of anonymous memory, touches every page,
#: runs its method over it (reads and writes) and, without ``--vm-keep``, unmaps it and starts again.
VM_BYTES = 256 * 1024 * 1024
#: First touch of a page: do_anonymous_page() clears 4 KB and charges it (mm/memory.c), ~1.5 µs on the Pi 5.
PAGE_FAULT_NS = 1_500
#: The method's pass over the buffer: bytes a µs one core streams while the other cores stream too.
VM_STREAM_BYTES_PER_US = 2_000


def _compute(ns: int, wss: int, until_ns: int) -> bool:
    """``ns`` of user work over ``wss`` in CHUNK_NS stretches; False once CLOCK_MONOTONIC reaches ``until_ns``."""
    while ns > 0:
        if sc.clock_gettime(sc.CLOCK_MONOTONIC) >= until_ns:
            return False
        step = min(ns, CHUNK_NS)
        sc.user_work(step, wss)
        ns -= step
    return True


def vm_hog(until_ns: int, vm_bytes: int = VM_BYTES) -> int:
    """stress-ng's ``--vm`` worker until ``until_ns``: map and touch ``vm_bytes``, sweep it, munmap() it, again.
    Returns the rounds completed."""
    pages = vm_bytes // 4096
    n = 0
    while sc.clock_gettime(sc.CLOCK_MONOTONIC) < until_ns:
        # SIMPLIFICATION: each first-touch page fault (a ~1.5 µs kernel section, returning to user mode) is folded
        # into the program's preemptible time, so a wakeup is never held by one of them.
        if not _compute(pages * PAGE_FAULT_NS, vm_bytes, until_ns):
            break
        if not _compute(vm_bytes * 1000 // VM_STREAM_BYTES_PER_US, vm_bytes, until_ns):
            break
        sc.munmap(vm_bytes)
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
        sc.user_work(USER_STRETCH_NS, CPU_HOG_WSS)
        sc.syscall_work(min(SYSCALL_CAP_NS, int(SYSCALL_SCALE_NS * rng.paretovariate(SYSCALL_SHAPE))))
        n += 1
    return n
