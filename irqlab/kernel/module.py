"""Loadable modules: insmod/rmmod of Python modules. Mirrors kernel/module/main.c.

A module is any Python module or object with ``module_init`` (returning 0 or a
negative errno) and optionally ``module_exit``. Its name is ``MODULE_NAME``,
``KBUILD_MODNAME`` or the Python module's name. Loading an out-of-tree module
taints the kernel 'O' with the kernel's one-time message, as on a real board.
Parameters declared with :func:`module_param` (kernel/params.c) are set from
insmod's ``name=value`` arguments and appear under /sys/module/NAME/parameters;
MODULE_LICENSE/AUTHOR/DESCRIPTION fill the module's .modinfo.
"""

from __future__ import annotations

import inspect
import os
import types
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from irqlab.errno import EEXIST, ENOENT, ENOSPC
from irqlab.kernel.module_param import (
    KernelParam,
    license_is_gpl_compatible,
    modinfo_of,
    module_params_of,
    param_get,
    param_set,
)
from irqlab.kernel.printk import KERN_ERR, KERN_WARNING, vprintk

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
    params: list[KernelParam] = field(default_factory=list)
    #: The module's core size as /proc/modules prints it, and its text base address.
    size: int = 0
    base: int = 0


def module_name_of(obj: Any) -> str:
    """The module's name: MODULE_NAME, KBUILD_MODNAME, else the Python module's (the file's) name."""
    for attr in ("MODULE_NAME", "KBUILD_MODNAME"):
        v = getattr(obj, attr, None)
        if isinstance(v, str) and v:
            return v
    name = getattr(obj, "__name__", None) or type(obj).__name__
    if name == "__main__" and isinstance(getattr(obj, "__file__", None), str):
        # ``python hello.py`` runs the file as __main__: its module name is the file's, as kbuild's.
        name = os.path.splitext(os.path.basename(obj.__file__))[0]
    return str(name).rsplit(".", 1)[-1].replace("-", "_")


class ModuleTable:
    """The list of loaded modules of one kernel."""

    def __init__(self, k: Kernel) -> None:
        self.k = k
        self.mods: list[Module] = []  # most recently loaded first, as the kernel's list
        self._file_cache: dict[str, str | None] = {}
        self._next_base = _MODULES_VADDR.get(k.board.arch, _MODULES_VADDR["arm64"])
        #: last_unloaded_module: name and module_flags() of the last module removed, for print_modules().
        self.last_unloaded = ""

    def register_fs(self, fs: Any) -> None:
        """Register /proc/modules and the /sys/module files of the loaded modules in ``fs``."""
        fs.register("/proc/modules", self.show_modules)
        for mod in reversed(self.mods):
            self._register_sysfs(mod)

    def show_modules(self) -> str:
        """kernel/module/procfs.c m_show(): name size refcnt users state address [taints]."""
        out = []
        for m in self.mods:
            users = "[permanent]," if not callable(getattr(m.obj, "module_exit", None)) else "-"
            state = {"going": "Unloading", "coming": "Loading"}.get(m.state, "Live")
            # module_flags(mod, buf, true): the taint letters, then '+' while loading, '-' while unloading.
            mark = {"coming": "+", "going": "-"}.get(m.state, "")
            taints = f" ({m.taints}{mark})" if m.taints else ""
            out.append(f"{m.name} {m.size} 0 {users} {state} 0x{m.base:016x}{taints}\n")
        return "".join(out)

    def _register_sysfs(self, mod: Module) -> None:
        """kernel/params.c module_param_sysfs_setup() and kernel/module/sysfs.c: /sys/module/NAME/..."""
        fs = self.k.subsys.get("fs")
        if fs is None:
            return
        base = f"/sys/module/{mod.name}"
        fs.register(base + "/initstate", lambda: mod.state + "\n")
        fs.register(base + "/refcnt", lambda: "0\n")
        fs.register(base + "/taint", lambda: mod.taints + "\n")
        fs.register(base + "/coresize", lambda: f"{mod.size}\n")
        version = dict(modinfo_of(mod.obj)).get("version")
        if version is not None:  # kernel/module/main.c modinfo_version: only for a module with MODULE_VERSION()
            fs.register(base + "/version", lambda: version + "\n")
        for kp in mod.params:
            if kp.perm == 0:
                continue  # no sysfs entry for perm 0, as param_sysfs_setup() skips it
            read = (lambda kp=kp: param_get(kp, mod.obj) + "\n") if kp.perm & 0o444 else None
            write = (lambda text, kp=kp: self._param_store(mod, kp, text)) if kp.perm & 0o222 else None
            fs.register(f"{base}/parameters/{kp.name}", read, write)

    def _param_store(self, mod: Module, kp: KernelParam, text: str) -> int:
        """param_attr_store(): parse with the parameter's type; len(text) or -EINVAL."""
        val = text[:-1] if text.endswith("\n") else text
        err = param_set(kp, mod.obj, val)
        return err if err < 0 else len(text)

    def parse_args(self, mod: Module, args: dict[str, Any]) -> int:
        """kernel/params.c parse_args() for insmod's arguments: 0, or -errno after the kernel's message."""
        known = {kp.name: kp for kp in mod.params}
        for name, value in args.items():
            val = _arg_text(value)
            kp = known.get(name)
            if kp is None:
                # kernel/module/main.c unknown_module_param_cb(): warned about, then ignored.
                vprintk(self.k, KERN_WARNING + "%s: unknown parameter '%s' ignored\n", (mod.name, name))
                continue
            err = param_set(kp, mod.obj, val)
            if err == -ENOSPC:
                vprintk(self.k, KERN_ERR + "%s: `%s' too large for parameter `%s'\n", (mod.name, val, name))
                return err
            if err < 0:
                vprintk(self.k, KERN_ERR + "%s: `%s' invalid for parameter `%s'\n", (mod.name, val, name))
                return err
        return 0

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

    def prepare(self, obj: Any, args: dict[str, Any] | None = None) -> tuple[Module | None, int]:
        """Register ``obj`` as a coming module with insmod's ``args`` (parameter name -> value);
        returns (module, 0) or (None, -errno)."""
        if not callable(getattr(obj, "module_init", None)):
            raise TypeError(
                f"{obj!r} has no module_init(): a module is a Python module or object with "
                "module_init() returning 0 or -errno (and optionally module_exit())"
            )
        name = module_name_of(obj)
        if self.find(name) is not None:
            return None, -EEXIST
        mod = Module(name, obj, params=module_params_of(obj))
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
        # load_module(): module_license_taint_check() and the out-of-tree taint come before parse_args().
        licence = dict(modinfo_of(obj)).get("license")
        # SIMPLIFICATION: a module without MODULE_LICENSE() is accepted untainted (modpost refuses to build it).
        if licence is not None and not license_is_gpl_compatible(licence):
            if not self.k.bugs.taint & 1:
                vprintk(self.k, KERN_WARNING + "%s: module license '%s' taints kernel.\n", (name, licence))
                vprintk(self.k, KERN_WARNING + "Disabling lock debugging due to kernel taint\n", ())
            self.k.bugs.add_taint(0)
            mod.taints = "PO"
        if not self.k.bugs.taint >> 12 & 1:
            vprintk(self.k, KERN_WARNING + "%s: loading out-of-tree module taints kernel.\n", (name,))
        self.k.bugs.add_taint(12)
        err = self.parse_args(mod, args or {})
        if err < 0:
            return None, err
        mod.size = _core_size(mod)
        mod.base = self._next_base
        self._next_base += (mod.size + 0xFFFF) & ~0xFFFF
        self.mods.insert(0, mod)
        self._file_cache.clear()
        self._register_sysfs(mod)
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
        fs = self.k.subsys.get("fs")
        if fs is not None:
            fs.unregister_tree(f"/sys/module/{mod.name}")


#: Where module text is mapped: arm64's module region and x86-64's MODULES_VADDR.
_MODULES_VADDR = {"arm64": 0xFFFFFFC07A000000, "x86": 0xFFFFFFFFC0000000}


def _core_size(mod: Module) -> int:
    """A stand-in for the module's core size: its source length rounded up to pages, at least 3 pages."""
    # SIMPLIFICATION: a Python module has no .text/.data layout; /proc/modules' size is derived from its source.
    total = 0
    for f in sorted(mod.files):
        try:
            total += os.path.getsize(f)
        except OSError:
            continue
    return max(3, (total + 4095) // 4096) * 4096


def _arg_text(value: Any) -> str:
    """An insmod argument as the text the kernel parses (True -> "1", False -> "0", 20 -> "20")."""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


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
