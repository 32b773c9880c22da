"""copy_to_user/copy_from_user. Mirrors include/linux/uaccess.h.

User buffers are bytearrays (or anything supporting slice assignment). Both
functions may fault and sleep, so calling them in atomic context gives the
might_sleep() splat (``might_fault()``). They return the number of bytes NOT copied.
"""

from __future__ import annotations

from typing import Any

from irqlab.kernel.core import on_cpu
from irqlab.kernel.sched.current import might_sleep_at


def _might_fault() -> None:
    might_sleep_at(on_cpu(), "include/linux/uaccess.h", 184)


def copy_to_user(to: Any, frm: Any, n: int) -> int:
    """Copy ``n`` bytes to a user buffer; returns the bytes not copied. May sleep."""
    _might_fault()
    if to is None:
        return n
    data = bytes(frm)[:n] if not isinstance(frm, (bytes, bytearray)) else frm[:n]
    room = max(0, min(n, len(to)))
    to[:room] = data[:room]
    return n - room


def copy_from_user(to: Any, frm: Any, n: int) -> int:
    """Copy ``n`` bytes from a user buffer; returns the bytes not copied. May sleep."""
    _might_fault()
    if frm is None:
        return n
    src = bytes(frm)
    room = max(0, min(n, len(src), len(to)))
    to[:room] = src[:room]
    return n - room


__all__ = ["copy_to_user", "copy_from_user"]
