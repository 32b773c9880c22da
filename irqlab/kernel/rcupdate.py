"""Mirrors include/linux/rcupdate.h and kernel/rcu/tree_plugin.h: the RCU read side of a PREEMPT_RCU kernel.

``rcu_read_lock()``/``rcu_read_unlock()`` mark a read-side critical section; they nest, never
sleep and may be used in any context, interrupt handlers included. Both the Pi 5 kernel (PREEMPT)
and Debian's (PREEMPT_DYNAMIC) build preemptible RCU, so the nesting is counted in the current
task (``current->rcu_read_lock_nesting``), not in preempt_count: the reader may be preempted.
``rcu_dereference()`` and ``rcu_assign_pointer()`` are plain reads and writes here.
# SIMPLIFICATION: readers only: no grace periods (synchronize_rcu(), call_rcu(), kfree_rcu()), and
# sleeping inside a reader is not reported ("RCU nest depth" stays 0 in might_sleep() splats).
"""

from __future__ import annotations

from typing import Any

from irqlab.kernel.core import on_cpu

_KEY = "rcu_read_lock_nesting"


def rcu_read_lock() -> None:
    """Enter an RCU read-side critical section (nests). Any context; never sleeps."""
    task = on_cpu().cpu.curr  # type: ignore[union-attr]
    task.data[_KEY] = task.data.get(_KEY, 0) + 1


def rcu_read_unlock() -> None:
    """Leave an RCU read-side critical section. Any context. An unbalanced unlock WARNs once."""
    k = on_cpu()
    task = k.cpu.curr  # type: ignore[union-attr]
    depth = task.data.get(_KEY, 0) - 1
    if depth < 0:
        k.bugs.warn("kernel/rcu/tree_plugin.h", 429, None, once_key="rcu_read_unlock_underflow")
        depth = 0
    if depth:
        task.data[_KEY] = depth
    else:
        task.data.pop(_KEY, None)
        rs = k.subsys.get("rcu_stall")
        if rs is not None:
            rs.rcu_read_unlock_special(k.cpu)


def rcu_read_lock_held() -> bool:
    """True inside rcu_read_lock() on the current context. Any context."""
    k = on_cpu()
    return bool(k.cpu.curr.data.get(_KEY, 0))  # type: ignore[union-attr]


def rcu_preempt_depth() -> int:
    """The current task's read-side nesting depth. Any context."""
    k = on_cpu()
    return int(k.cpu.curr.data.get(_KEY, 0))  # type: ignore[union-attr]


def rcu_dereference(p: Any) -> Any:
    """Fetch an RCU-protected pointer (a plain read). Any context."""
    return p


def rcu_assign_pointer(holder: Any, attr: str, value: Any) -> None:
    """``rcu_assign_pointer(holder->attr, value)``: publish a pointer (a plain write). Any context."""
    setattr(holder, attr, value)


__all__ = ["rcu_read_lock", "rcu_read_unlock", "rcu_read_lock_held", "rcu_preempt_depth", "rcu_dereference",
           "rcu_assign_pointer"]  # fmt: skip
