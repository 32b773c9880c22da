"""Loadable modules: insmod/rmmod of Python modules. Mirrors kernel/module/main.c.

A module is any Python module or object with ``module_init`` (returning 0 or a
negative errno) and optionally ``module_exit``. Its name is ``MODULE_NAME``,
``KBUILD_MODNAME`` or the Python module's name. Loading an out-of-tree module
taints the kernel 'O' with the kernel's one-time message, as on a real board.
"""

from __future__ import annotations

import inspect
import os
import types
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from irqlab.errno import EEXIST, ENOENT
from irqlab.kernel.printk import KERN_WARNING, vprintk

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel


@dataclass
class Module:
    """struct module."""

    name: str
    obj: Any
    files: set[str] = field(default_factory=set)
    state: str = "coming"  # coming, live, going
    taints: str = "O"


def module_name_of(obj: Any) -> str:
    for attr in ("MODULE_NAME", "KBUILD_MODNAME"):
        v = getattr(obj, attr, None)
        if isinstance(v, str) and v:
            return v
    name = getattr(obj, "__name__", None) or type(obj).__name__
    return str(name).rsplit(".", 1)[-1].replace("-", "_")


class ModuleTable:
    """The list of loaded modules of one kernel."""

    def __init__(self, k: Kernel) -> None:
        self.k = k
        self.mods: list[Module] = []  # most recently loaded first, as the kernel's list
        self._file_cache: dict[str, str | None] = {}
        #: last_unloaded_module: name and module_flags() of the last module removed, for print_modules().
        self.last_unloaded = ""

    def find(self, name: str) -> Module | None:
        for m in self.mods:
            if m.name == name:
                return m
        return None

    def linked_in(self) -> list[str]:
        return [m.name + (f"({m.taints})" if m.taints else "") for m in self.mods]

    def module_of_file(self, filename: str) -> str | None:
        if filename in self._file_cache:
            return self._file_cache[filename]
        res = None
        for m in self.mods:
            if filename in m.files:
                res = m.name
                break
        self._file_cache[filename] = res
        return res

    def prepare(self, obj: Any) -> tuple[Module | None, int]:
        """Register ``obj`` as a coming module; returns (module, 0) or (None, -errno)."""
        if not callable(getattr(obj, "module_init", None)):
            raise TypeError(
                f"{obj!r} has no module_init(): a module is a Python module or object with "
                "module_init() returning 0 or -errno (and optionally module_exit())"
            )
        name = module_name_of(obj)
        if self.find(name) is not None:
            return None, -EEXIST
        mod = Module(name, obj)
        for attr in ("__file__",):
            f = getattr(obj, attr, None)
            if f:
                mod.files.add(os.path.abspath(f))
        try:
            src = inspect.getsourcefile(obj if inspect.ismodule(obj) else type(obj))
            if src:
                mod.files.add(os.path.abspath(src))
        except TypeError:
            pass
        own = getattr(obj, "__name__", None)
        for v in vars(obj).values() if hasattr(obj, "__dict__") else ():
            fn = v.__func__ if isinstance(v, types.MethodType) else v
            if not isinstance(fn, types.FunctionType):
                continue  # data, classes, and proxies such as `current` (no code of their own)
            if fn.__module__ != own and str(fn.__module__).startswith("irqlab."):
                continue  # a kernel API the module imported (msleep, pr_info, ...), not the module's own code
            mod.files.add(fn.__code__.co_filename)
        self.mods.insert(0, mod)
        self._file_cache.clear()
        if not self.k.bugs.taint >> 12 & 1:
            vprintk(self.k, KERN_WARNING + "%s: loading out-of-tree module taints kernel.\n", (name,))
        self.k.bugs.add_taint(12)
        return mod, 0

    def remove(self, name: str) -> tuple[Module | None, int]:
        mod = self.find(name)
        if mod is None:
            return None, -ENOENT
        return mod, 0

    def unlink(self, mod: Module) -> None:
        if mod in self.mods:
            self.mods.remove(mod)
        self._file_cache.clear()


def do_init_module(k: Kernel, mod: Module) -> int:
    """Runs in the insmod task: call module_init and settle the module's state."""
    ret = mod.obj.module_init()
    if ret is None:
        ret = 0
    if not isinstance(ret, int):
        raise TypeError(f"module_init() of {mod.name} returned {ret!r}; return 0 or a negative errno")
    if ret < 0:
        k.modules.unlink(mod)
        return ret
    if ret > 0:
        vprintk(k, KERN_WARNING + "%s: '%s'->init suspiciously returned %d, it should follow 0/-E convention\n"
                "%s: loading module anyway...\n", ("do_init_module", mod.name, ret, "do_init_module"))  # fmt: skip
        ret = 0
    mod.state = "live"
    return 0


def do_delete_module(k: Kernel, mod: Module) -> int:
    """Runs in the rmmod task: call module_exit and unlink the module."""
    mod.state = "going"
    ex = getattr(mod.obj, "module_exit", None)
    try:
        if callable(ex):
            ex()
    finally:
        k.modules.unlink(mod)
    k.modules.last_unloaded = mod.name + (f"({mod.taints})" if mod.taints else "")
    return 0
