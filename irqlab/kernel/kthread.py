"""Kernel threads. Mirrors kernel/kthread.c."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from irqlab.kernel.core import kernel, on_cpu
from irqlab.kernel.sched.completion import wait_for_completion
from irqlab.kernel.sched.core import Task
from irqlab.kernel.vsprintf import vsprintf


def kthread_create(threadfn: Callable[[Any], Any], data: Any, namefmt: str, *args: Any) -> Task:
    """Create a stopped kernel thread running ``threadfn(data)``; wake it with wake_up_process()."""
    k = kernel()
    name = vsprintf(namefmt, args) if args else namefmt
    return k.create_task(threadfn, (data,), name)


def kthread_create_on_cpu(threadfn: Callable[[Any], Any], data: Any, cpu: int, namefmt: str) -> Task:
    t = kthread_create(threadfn, data, namefmt.replace("%u", str(cpu)).replace("%d", str(cpu)))
    kthread_bind(t, cpu)
    return t


def kthread_run(threadfn: Callable[[Any], Any], data: Any, namefmt: str, *args: Any) -> Task:
    """Create and wake a kernel thread."""
    t = kthread_create(threadfn, data, namefmt, *args)
    kernel().sched.wake_up_new_task(t)
    kernel().sched.preempt_check_local()
    return t


def kthread_bind(p: Task, cpu: int) -> None:
    """Bind a not-yet-running kthread to ``cpu``."""
    k = kernel()
    if not 0 <= cpu < len(k.cpus):
        raise ValueError(f"kthread_bind(): there is no CPU {cpu} (this machine has {len(k.cpus)})")
    p.cpus_allowed = 1 << cpu
    p.cpu = cpu
    p.data["bound"] = True


def kthread_bind_mask(p: Task, mask: int) -> None:
    p.cpus_allowed = int(mask)
    p.data["bound"] = True


def kthread_should_stop() -> bool:
    """True once kthread_stop() was called on the current thread."""
    return bool(on_cpu().cpu.curr.should_stop)  # type: ignore[union-attr]


def kthread_stop(k_task: Task) -> Any:
    """Ask a kthread to stop, wake it and wait for it to exit; returns its result. May sleep."""
    k = kernel()
    k_task.should_stop = True
    k.sched.try_to_wake_up(k_task)
    if k_task.state.value != "dead":
        wait_for_completion(k_task.exited)
    return k_task.result


def kthread_data(p: Task) -> Any:
    return p.args[0] if p.args else None


__all__ = [
    "kthread_create",
    "kthread_create_on_cpu",
    "kthread_run",
    "kthread_bind",
    "kthread_bind_mask",
    "kthread_should_stop",
    "kthread_stop",
    "kthread_data",
]
