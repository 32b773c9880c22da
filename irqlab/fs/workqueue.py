"""Workqueue sysfs files. Mirrors the CONFIG_SYSFS part of kernel/workqueue.c.

A WQ_SYSFS workqueue appears as /sys/devices/virtual/workqueue/<name>/ (also reached as
/sys/bus/workqueue/devices/<name>/) with ``per_cpu`` and ``max_active``; unbound ones
add ``nice``, ``cpumask``, ``affinity_scope`` and ``affinity_strict``. The directory also
holds the global ``cpumask``, ``cpumask_requested`` and ``cpumask_isolated``.
Busy kworkers show their workqueue in /proc/PID/comm ("kworker/0:1+events").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from irqlab.errno import EACCES, EINVAL
from irqlab.kernel.vsprintf import cpumask_hex
from irqlab.kernel.workqueue import WQ_BH, WQ_UNBOUND, workqueue_set_max_active
from irqlab.kernel.workqueue_pool import __WQ_ORDERED, _register_comm

if TYPE_CHECKING:
    from irqlab.fs.procfs import ProcFS
    from irqlab.kernel.kernel import Kernel

_DIRS = ("/sys/devices/virtual/workqueue", "/sys/bus/workqueue/devices")


def _hexmask(k: Kernel, mask: int) -> str:
    return cpumask_hex(mask, len(k.cpus)) + "\n"


def _files(k: Kernel, wq: Any) -> dict[str, tuple[Callable[[], str], Callable[[str], int] | None]]:
    def max_active_store(text: str) -> int:
        m = re.match(r"\s*([-+]?\d+)", text)
        if m is None or int(m.group(1)) <= 0:
            return -EINVAL
        workqueue_set_max_active(wq, int(m.group(1)))
        return len(text)

    # Changing max_active breaks ordering and means nothing for BH: the file is 0444 then.
    ro = bool(wq.flags & (WQ_BH | __WQ_ORDERED))
    files: dict[str, tuple[Callable[[], str], Callable[[str], int] | None]] = {
        "per_cpu": (lambda: f"{int(not wq.flags & WQ_UNBOUND)}\n", None),
        "max_active": (lambda: f"{wq.saved_max_active}\n", None if ro else max_active_store),
    }
    if wq.flags & WQ_UNBOUND:
        pool = wq.dfl_pwq.pool
        # SIMPLIFICATION: the unbound attributes are shown but not writable.
        files["nice"] = (lambda: f"{pool.nice}\n", _readonly)
        files["cpumask"] = (lambda: _hexmask(k, pool.cpumask), _readonly)
        files["affinity_scope"] = (lambda: "default (cache)\n", _readonly)
        files["affinity_strict"] = (lambda: "0\n", _readonly)
    return files


def _readonly(text: str) -> int:
    return -EACCES


def _register(fs: ProcFS, k: Kernel, wq: Any) -> None:
    for base in _DIRS:
        for name, (rd, wr) in _files(k, wq).items():
            fs.register(f"{base}/{wq.name}/{name}", rd, wr)


def workqueue_sysfs_register(k: Kernel, wq: Any) -> int:
    """Expose ``wq`` under /sys/bus/workqueue/devices; returns 0."""
    wq.wq_dev = True
    fs = k.subsys.get("fs")
    if fs is not None:
        _register(fs, k, wq)
    return 0


def workqueue_sysfs_unregister(k: Kernel, wq: Any) -> None:
    """Remove ``wq``'s sysfs directory."""
    wq.wq_dev = False
    fs = k.subsys.get("fs")
    if fs is not None:
        for base in _DIRS:
            fs.unregister_tree(f"{base}/{wq.name}")


def fs_hook(fs: ProcFS) -> None:
    """Register the files of workqueues and kworkers created before the filesystem existed."""

    k = fs.k
    st = k.subsys["workqueue"]
    k.subsys["wq_sysfs"] = (workqueue_sysfs_register, workqueue_sysfs_unregister)
    fs.register("/sys/devices/virtual/workqueue/cpumask", lambda: _hexmask(k, st.unbound_cpumask), _readonly)
    fs.register("/sys/devices/virtual/workqueue/cpumask_requested", lambda: _hexmask(k, st.unbound_cpumask))
    fs.register("/sys/devices/virtual/workqueue/cpumask_isolated", lambda: _hexmask(k, 0))
    for wq in st.workqueues:
        if wq.wq_dev:
            _register(fs, k, wq)
    for pool in st.pools:
        for w in pool.workers:
            if w.task is not None:
                _register_comm(k, w)
