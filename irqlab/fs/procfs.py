"""A path registry for /proc, /sys and debugfs files. Mirrors fs/proc/generic.c and fs/sysfs.

Subsystems register files as (read, write) callables; ``m.read(path)`` and
``m.write(path, text)`` reach them. A write returns ``len(text)`` or ``-errno``, as
write(2) would.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from irqlab.errno import EACCES, ENOENT
from irqlab.fs import proc_core, sysctl, tracefs, workqueue

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel

Reader = Callable[[], str]
Writer = Callable[[str], int]


#: The filesystem side of the kernel subsystems, by the name a subsystem adds to ``k.subsys["fs_hooks"]``
#: when it initialises (register_sysctl_init()'s role): the kernel never names the code that shows it. Layers
#: above fs (drivers, irqchips) add their function itself.
FS_HOOKS: dict[str, Callable[[ProcFS], None]] = {
    "workqueue": workqueue.fs_hook,
    "watchdog_sysctl_init": sysctl.watchdog_sysctl_init,
    "hung_task_sysctl_init": sysctl.hung_task_sysctl_init,
    "rcu_stall_sysctl_init": sysctl.rcu_stall_sysctl_init,
    "sched_bandwidth_sysctl_init": sysctl.sched_bandwidth_sysctl_init,
}


class ProcFS:
    """Files by path, plus pattern files such as /proc/<pid>/comm."""

    def __init__(self, k: Kernel) -> None:
        self.k = k
        self.files: dict[str, tuple[Reader | None, Writer | None]] = {}
        self.patterns: list[tuple[re.Pattern[str], Callable[..., tuple[Reader | None, Writer | None] | None]]] = []
        #: Functions listing the paths that pattern files currently have (for readdir).
        self.listings: list[Callable[[], Iterable[str]]] = []

        proc_core.register(self, k)
        tracefs.register(self, k)

    def register(self, path: str, read: Reader | None, write: Writer | None = None) -> None:
        self.files[path] = (read, write)

    def unregister(self, path: str) -> None:
        self.files.pop(path, None)

    def unregister_tree(self, prefix: str) -> None:
        for p in [p for p in self.files if p == prefix or p.startswith(prefix.rstrip("/") + "/")]:
            del self.files[p]

    def register_pattern(self, regex: str, factory: Callable[..., tuple[Reader | None, Writer | None] | None],
                         listing: Callable[[], Iterable[str]] | None = None) -> None:  # fmt: skip
        """Files whose paths match ``regex``; ``listing()`` gives the paths that exist now, so that
        their directories can be read (``ls /proc/irq/42``)."""
        self.patterns.append((re.compile(regex + r"$"), factory))
        if listing is not None:
            self.listings.append(listing)

    def _lookup(self, path: str) -> tuple[Reader | None, Writer | None] | None:
        path = path.rstrip("/") if path != "/" else path
        ent = self.files.get(path)
        if ent is not None:
            return ent
        for rx, factory in self.patterns:
            m = rx.match(path)
            if m:
                res = factory(*m.groups())
                if res is not None:
                    return res
        return None

    def exists(self, path: str) -> bool:
        return self._lookup(path) is not None

    def listdir(self, path: str) -> list[str]:
        prefix = path.rstrip("/") + "/"
        paths = list(self.files)
        for listing in self.listings:
            paths.extend(listing())
        names = {p[len(prefix):].split("/")[0] for p in paths if p.startswith(prefix)}
        return sorted(names)

    def read(self, path: str) -> str:
        ent = self._lookup(path)
        if ent is None:
            near = [p for p in self.files if p.startswith(path.rsplit("/", 1)[0] + "/")][:8]
            hint = f"; files here: {', '.join(sorted(near))}" if near else ""
            raise FileNotFoundError(f"no such file {path!r} in the simulated /proc, /sys or debugfs{hint}")
        read, _ = ent
        if read is None:
            raise PermissionError(f"{path} is write-only")
        return read()

    def write(self, path: str, text: str) -> int:
        ent = self._lookup(path)
        if ent is None:
            return -ENOENT
        _, write = ent
        if write is None:
            return -EACCES
        return write(text)
