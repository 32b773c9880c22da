"""WARN_ON, WARN, BUG. Mirrors include/asm-generic/bug.h and lib/bug.c.

``WARN_ON(cond)`` prints the kernel's splat (with the caller's Python file and line
standing for __FILE__:__LINE__), taints W and returns ``cond``; the ``_ONCE`` forms
report once per call site. ``BUG()`` prints "kernel BUG at" and an oops, and unwinds
the calling context.
"""

from __future__ import annotations

from typing import Any

from irqlab.kernel.core import kernel
from irqlab.kernel.panic import DriverFault
from irqlab.kernel.printk import KERN_DEFAULT
from irqlab.kernel.stacktrace import caller_frame


def _site(depth: int = 2) -> tuple[str, int, Any]:
    f = caller_frame(depth)
    return _short(f.f_code.co_filename), f.f_lineno, (f.f_code, f.f_lineno)


def _short(path: str) -> str:
    parts = path.replace("\\", "/").split("/")
    return "/".join(parts[-2:]) if len(parts) >= 2 else path


def _fmt(fmt: str | None, args: tuple[Any, ...]) -> str | None:
    if fmt is None:
        return None
    return kernel().format(fmt, args)


def WARN_ON(condition: Any) -> bool:
    """Report a warning if ``condition`` is true; returns bool(condition)."""
    if condition:
        file, line, _ = _site()
        kernel().bugs.warn(file, line, None, skip=2)
    return bool(condition)


def WARN_ON_ONCE(condition: Any) -> bool:
    if condition:
        file, line, key = _site()
        kernel().bugs.warn(file, line, None, once_key=key, skip=2)
    return bool(condition)


def WARN(condition: Any, fmt: str, *args: Any) -> bool:
    """Report a warning with a message if ``condition`` is true."""
    if condition:
        file, line, _ = _site()
        kernel().bugs.warn(file, line, _fmt(fmt, args), skip=2)
    return bool(condition)


def WARN_ONCE(condition: Any, fmt: str, *args: Any) -> bool:
    if condition:
        file, line, key = _site()
        kernel().bugs.warn(file, line, _fmt(fmt, args), once_key=key, skip=2)
    return bool(condition)


def BUG() -> None:
    """Report 'kernel BUG at FILE:LINE!' and oops; the current context is unwound."""
    file, line, _ = _site()
    raise DriverFault(f"kernel BUG at {file}:{line}!", cut_here=True)


def BUG_ON(condition: Any) -> None:
    if condition:
        file, line, _ = _site()
        raise DriverFault(f"kernel BUG at {file}:{line}!", cut_here=True)


def dump_stack() -> None:
    """Print the current CPU, task and call trace."""
    k = kernel()
    k.bugs._emit(KERN_DEFAULT, "\n".join(k.bugs.dump_stack_lines(k.bugs.stack(2))))


def add_taint(flag: int, lockdep_ok: int = 0) -> None:
    kernel().bugs.add_taint(flag)


__all__ = ["WARN_ON", "WARN_ON_ONCE", "WARN", "WARN_ONCE", "BUG", "BUG_ON", "dump_stack", "add_taint"]
