"""A new task's first frame: ret_from_fork (arch/arm64/kernel/entry.S, arch/x86/entry/entry_64.S).

The base of every task's fiber (the engine calls it as the fiber's own function, see ``Engine.fiber(base=True)``),
kept interpreted, so that every task's fiber has a Python frame at its base even when everything it runs is
compiled (a compiled idle loop, ksoftirqd, a kworker): the kernel stack's entries record the innermost Python
frame when they are pushed (irqlab/kernel/stacktrace.py), and ``sys._getframe()`` on a fiber without one
raises. Its frame never appears in a call trace (the module is one of ``stacktrace.SHADOWED``; the trace's
closing ``ret_from_fork`` line is printed by the trace code). Every switch of the task copies its C stack out
and back down to here, so nothing else lies under it: the engine's own fiber body and a ``functools.partial``
would add about 460 bytes each way on the compiled build.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from greenlet import GreenletExit, greenlet

from irqlab.sim.engine import fiber_end, fiber_start


def ret_from_fork(starter: greenlet, fn: Callable[[Any], None], arg: Any) -> None:
    """Run a new task's first function: ``fn(arg)`` (a plain call: the pure-Python build runs it in this frame's
    eval loop instead of a nested one). Context: the task's fiber, started by the engine's ``starter`` (see
    ``Engine.fiber``), entered for the first time.

    The kernel stack keeps this frame (its entries' innermost frame) after the fiber is gone, so the frame
    drops its references (the task's kernel) as it leaves: a dead machine's kernel is then freed."""
    try:
        fiber_start(starter)
        fn(arg)
    except GreenletExit:
        pass
    finally:
        del fn, arg
        fiber_end()
