"""module_param(), MODULE_PARM_DESC() and the .modinfo tags. Mirrors kernel/params.c and include/linux/module.h.

In C these are macros that place a ``struct kernel_param`` and ``.modinfo`` strings in the module's
object file. Here they record the same data in the calling module's globals, at import time, so a
driver reads as it would in C::

    debounce_ms = 50
    module_param("debounce_ms", int, 0o644)
    MODULE_PARM_DESC("debounce_ms", "Debounce time in ms")
    MODULE_LICENSE("GPL")

The parameter's value is the module-level variable itself: insmod arguments and writes to
/sys/module/NAME/parameters/debounce_ms assign it, the driver reads it as a plain global.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

from irqlab.errno import EINVAL, ENOSPC

#: include/linux/moduleparam.h's standard types, with the C type modinfo shows in parentheses.
PARAM_TYPES = {"byte": "byte", "short": "short", "ushort": "ushort", "int": "int", "uint": "uint",
               "long": "long", "ulong": "ulong", "ullong": "ullong", "hexint": "hexint", "charp": "charp",
               "bool": "bool", "invbool": "invbool"}  # fmt: skip
#: Integer ranges per type (param_set_<type>() rejects values out of range with -EINVAL).
_RANGES = {"byte": (0, 0xFF), "short": (-(1 << 15), (1 << 15) - 1), "ushort": (0, 0xFFFF),
           "int": (-(1 << 31), (1 << 31) - 1), "uint": (0, 0xFFFFFFFF), "hexint": (0, 0xFFFFFFFF),
           "long": (-(1 << 63), (1 << 63) - 1), "ulong": (0, (1 << 64) - 1), "ullong": (0, (1 << 64) - 1)}  # fmt: skip
#: The Python types accepted in place of a type name.
_PY_TYPES: dict[Any, str] = {int: "int", bool: "bool", str: "charp"}

_PARAMS_ATTR = "__module_params__"
_MODINFO_ATTR = "__modinfo__"


@dataclass
class KernelParam:
    """struct kernel_param: the variable's name, its type name, sysfs permissions and description."""

    name: str
    type: str
    perm: int
    desc: str = ""


def _caller_globals() -> dict[str, Any]:
    return sys._getframe(2).f_globals


def module_param(name: str, type: Any, perm: int) -> None:
    """module_param(name, type, perm): make module-level variable ``name`` a parameter.

    ``type`` is a kernel type name ("int", "uint", "bool", "charp", "ulong", ...) or int/bool/str;
    ``perm`` the sysfs mode (0 = no sysfs file, 0o444 read-only, 0o644 root-writable). Called at
    module level, before the variable is used; the variable must already exist.
    """
    if not isinstance(name, str):
        raise TypeError("module_param() takes the variable's name as a string, as the macro takes the "
                        f"identifier: module_param(\"debounce_ms\", int, 0o644), not {name!r}")  # fmt: skip
    tname = _PY_TYPES.get(type, type)
    if tname not in PARAM_TYPES:
        raise ValueError(f"module_param({name!r}): unknown type {type!r}; use one of {', '.join(PARAM_TYPES)} "
                         "(or int, bool, str)")  # fmt: skip
    if not isinstance(perm, int) or perm & ~0o777:
        raise ValueError(f"module_param({name!r}): perm must be a mode such as 0o644 or 0o444, not {perm!r}")
    if perm & 0o002:
        # include/linux/moduleparam.h: BUILD_BUG_ON_ZERO((perm) & 2) -- no world-writable parameters.
        raise ValueError(f"module_param({name!r}): perm {perm:#o} is world-writable, which the kernel refuses to build")
    g = _caller_globals()
    if name not in g:
        raise NameError(f"module_param({name!r}): define the variable first, e.g. {name} = 0")
    params: list[KernelParam] = g.setdefault(_PARAMS_ATTR, [])
    params[:] = [p for p in params if p.name != name]
    params.append(KernelParam(name, tname, perm))


def MODULE_PARM_DESC(name: str, desc: str) -> None:
    """MODULE_PARM_DESC(name, desc): the description modinfo prints for parameter ``name``."""
    g = _caller_globals()
    for p in g.get(_PARAMS_ATTR, []):
        if p.name == name:
            p.desc = desc
            return
    g.setdefault(_MODINFO_ATTR, []).append(("parmdesc", f"{name}:{desc}"))


def _modinfo(tag: str, value: str) -> None:
    if not isinstance(value, str):
        raise TypeError(f"MODULE_{tag.upper()}() takes a string, not {value!r}")
    sys._getframe(2).f_globals.setdefault(_MODINFO_ATTR, []).append((tag, value))


def MODULE_LICENSE(license: str) -> None:
    """MODULE_LICENSE("GPL"): a license that is not GPL-compatible taints the kernel 'P' at load."""
    _modinfo("license", license)


def MODULE_AUTHOR(author: str) -> None:
    """MODULE_AUTHOR("Name <mail>"): shown by modinfo."""
    _modinfo("author", author)


def MODULE_DESCRIPTION(description: str) -> None:
    """MODULE_DESCRIPTION("..."): shown by modinfo."""
    _modinfo("description", description)


def MODULE_VERSION(version: str) -> None:
    """MODULE_VERSION("1.0"): shown by modinfo and /sys/module/NAME/version."""
    _modinfo("version", version)


def MODULE_ALIAS(alias: str) -> None:
    """MODULE_ALIAS("platform:foo"): shown by modinfo."""
    _modinfo("alias", alias)


def module_params_of(obj: Any) -> list[KernelParam]:
    """The parameters ``obj`` (a module or namespace) declared, in declaration order."""
    return list(getattr(obj, _PARAMS_ATTR, None) or [])


def modinfo_of(obj: Any) -> list[tuple[str, str]]:
    """The .modinfo tags ``obj`` declared, in declaration order."""
    return list(getattr(obj, _MODINFO_ATTR, None) or [])


def license_is_gpl_compatible(license: str) -> bool:
    """include/linux/license.h license_is_gpl_compatible()."""
    return license in ("GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL")


def _strtobool(val: str) -> bool | None:
    """lib/kstrtox.c kstrtobool(): y/Y/1/on -> True, n/N/0/off -> False, else None."""
    v = val.lower()
    if v[:1] in ("y", "1") or v[:2] == "on":
        return True
    if v[:1] in ("n", "0") or v[:3] == "off":
        return False
    return None


def param_set(kp: KernelParam, obj: Any, val: str) -> int:
    """param_set_<type>(): parse ``val`` and assign the module's variable; 0, -EINVAL or -ENOSPC."""
    t = kp.type
    value: Any
    if t in ("bool", "invbool"):
        # param_set_bool(): no "=value" means set.
        b = _strtobool(val) if val != "" else True
        if b is None:
            return -EINVAL
        value = b if t == "bool" else not b
    elif t == "charp":
        if len(val) > 1024:  # param_set_charp(): "string parameter too long"
            return -ENOSPC
        value = val
    else:
        try:
            n = int(val.strip(), 0)  # kstrtoint(val, 0, ...): base from the prefix (0x, 0)
        except ValueError:
            return -EINVAL
        lo, hi = _RANGES[t]
        if not lo <= n <= hi:
            return -EINVAL
        value = n
    _store(obj, kp.name, value)
    return 0


def _code_globals(obj: Any) -> dict[str, Any] | None:
    """The globals the module's own code reads: those of its module_init (for a namespace wrapping a
    file's globals, they are not the namespace's attributes)."""
    g = getattr(getattr(obj, "module_init", None), "__globals__", None)
    return g if isinstance(g, dict) and g is not getattr(obj, "__dict__", None) else None


def _store(obj: Any, name: str, value: Any) -> None:
    setattr(obj, name, value)
    g = _code_globals(obj)
    if g is not None and name in g:
        g[name] = value


def param_get(kp: KernelParam, obj: Any) -> str:
    """param_get_<type>(): the variable as the sysfs file shows it (without the newline)."""
    g = _code_globals(obj)
    v = g[kp.name] if g is not None and kp.name in g else getattr(obj, kp.name, None)
    if kp.type == "bool":
        return "Y" if v else "N"
    if kp.type == "invbool":
        return "N" if v else "Y"
    if kp.type == "charp":
        return "(null)" if v is None else str(v)
    if kp.type == "hexint":
        return f"{int(v or 0):#x}"
    return str(int(v or 0))


__all__ = ["module_param", "MODULE_PARM_DESC", "MODULE_LICENSE", "MODULE_AUTHOR", "MODULE_DESCRIPTION",
           "MODULE_VERSION", "MODULE_ALIAS"]  # fmt: skip
