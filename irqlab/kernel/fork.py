"""A new task's first frame: ret_from_fork (arch/arm64/kernel/entry.S, arch/x86/entry/entry_64.S).

Kept interpreted, so that every task's fiber has a Python frame at its base even when everything it runs is
compiled (a compiled idle loop, ksoftirqd, a kworker): the kernel stack's entries record the innermost Python
frame when they are pushed (irqlab/kernel/stacktrace.py), and ``sys._getframe()`` on a fiber without one
raises. Its frame never appears in a call trace (the module is one of ``stacktrace.SHADOWED``; the trace's
closing ``ret_from_fork`` line is printed by the trace code).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def ret_from_fork(fn: Callable[..., None], *args: Any) -> None:
    """Run a new task's first function: ``fn(*args)``. Context: the task's fiber, entered for the first time.

    The kernel stack keeps this frame (its entries' innermost frame) after the fiber is gone, so the frame
    drops its references (the task's kernel) as it leaves: a dead machine's kernel is then freed."""
    try:
        fn(*args)
    finally:
        del fn, args
