"""A new task's first frames: ret_from_fork (arch/arm64/kernel/entry.S, arch/x86/entry/entry_64.S) and
kthread() (kernel/kthread.c).

Each is the base of a fiber (the engine calls it as the fiber's own function, see ``Engine.fiber(base=True)``):
:func:`ret_from_fork` of the idle task's, :func:`kthread` of every other task's. They are kept interpreted, so
that every task's fiber has a Python frame at its base even when everything it runs is compiled (a compiled
idle loop, ksoftirqd, a kworker): the kernel stack's entries record the innermost Python frame when they are
pushed (irqlab/kernel/stacktrace.py), and ``sys._getframe()`` on a fiber without one raises. The module is one
of ``stacktrace.SHADOWED``: ret_from_fork's frame never appears in a call trace (the trace's closing
``ret_from_fork`` line is printed by the trace code), kthread's appears as ``kthread``.

Every switch of a task copies its C stack out and back down to its base, so nothing lies under the base, and
the base does in its own frame what a compiled function would add a C frame for: an interpreted frame costs
the C stack one eval loop whatever it runs, and a plain call from it to an interpreted function costs none
(the eval loop runs the callee in place). On the compiled build the C stack under an interpreted task
function's code is 544 bytes (greenlet's bootstrap and this frame's eval loop), against 1,696 with the engine's
own fiber body, a ``functools.partial``, ret_from_fork's eval loop, a compiled kthread() and the task function's
own eval loop (docs/performance.md, "The C stack a switch copies").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from greenlet import GreenletExit, greenlet

from irqlab.errno import EINTR
from irqlab.kernel import stacktrace
from irqlab.kernel.stacktrace import ENABLED as KSTACK
from irqlab.sim.engine import fiber_end, fiber_start

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel
    from irqlab.kernel.sched.core import Task


def ret_from_fork(starter: greenlet, fn: Callable[[Any], None], arg: Any) -> None:
    """Run a new task's first function: ``fn(arg)`` (the idle task's do_idle(); other tasks start in
    :func:`kthread`). Context: the task's fiber, its base, started by the engine's ``starter`` (see
    ``Engine.fiber``), entered for the first time.

    The kernel stack keeps this frame (its entries' innermost frame) after the fiber is gone, so the frame
    drops its references (the task's kernel) as it leaves: a dead machine's kernel is then freed."""
    try:
        fiber_start(starter)
        try:
            fn(arg)
        finally:
            if KSTACK:
                stacktrace.pop(0)  # the fiber is killed (the machine closed): its kernel stack left empty
    except GreenletExit:
        pass
    finally:
        del starter, fn, arg
        fiber_end()


def kthread(starter: greenlet, k: Kernel, t: Task) -> None:
    """kernel/kthread.c kthread(), ret_from_fork's first call: run the task's function, turn a fault into an oops,
    exit. Context: the task's fiber, its base (see the module's docstring), started by the engine's ``starter``.

    The task's function is called with its arguments spelled out (up to three): the pure-Python build then runs
    it in this frame's eval loop, and the compiled build calls a compiled one directly. The frame drops its
    references as it leaves (see :func:`ret_from_fork`)."""
    fn: Any = None  # the task's function (Task.fn, declared optional)
    args: tuple[Any, ...] = ()
    try:
        fiber_start(starter)
        kdepth = stacktrace.push("kthread") if KSTACK else 0
        try:
            k.sched.schedule_tail()
            try:
                if t.should_stop:
                    t.result = -EINTR
                else:
                    fn, args = t.fn, t.args
                    n = len(args)
                    if n == 0:
                        t.result = fn()
                    elif n == 1:
                        t.result = fn(args[0])
                    elif n == 2:
                        t.result = fn(args[0], args[1])
                    elif n == 3:
                        t.result = fn(args[0], args[1], args[2])
                    else:
                        t.result = fn(*args)
            except GreenletExit:
                raise
            except BaseException as exc:  # noqa: BLE001 - driver faults become oopses
                if KSTACK:
                    stacktrace.unwind(kdepth, exc, own=True)
                t.exception = exc
                k.fault(exc, "process")
            k.do_exit(t)
        finally:
            if KSTACK:
                stacktrace.pop(kdepth)  # the fiber is killed (reaped or closed): its kernel stack left empty
    except GreenletExit:
        pass
    finally:
        del starter, k, t, fn, args
        fiber_end()
