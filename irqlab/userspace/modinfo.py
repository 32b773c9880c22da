"""kmod's modinfo(8) (tools/modinfo.c of kmod 30): a driver module's .modinfo fields and how they print.

Shared by ``irqlab modinfo FILE`` and the shell's ``modinfo``. The module object is the imported driver
file (its module_param() and MODULE_*() calls recorded the data); nothing here runs module_init().
"""

from __future__ import annotations

from irqlab.kernel.module import module_name_of
from irqlab.kernel.module_param import modinfo_of, module_params_of

#: The machine string at the end of vermagic (include/linux/vermagic.h MODULE_ARCH_VERMAGIC via UTS_MACHINE).
_ARCH = {"arm64": "aarch64", "x86": ""}


def vermagic(release: str, arch: str, preempt: str) -> str:
    """include/linux/vermagic.h VERMAGIC_STRING for a kernel: release, SMP, preempt, unload, modversions."""
    flag = {"full": "preempt ", "rt": "preempt_rt ", "voluntary": "", "none": ""}[preempt]
    # Debian's and Raspberry Pi OS's kernels are built with CONFIG_MODVERSIONS; both are PREEMPT builds
    # (Debian's amd64 kernel is PREEMPT_DYNAMIC, whose vermagic says "preempt" too).
    if arch == "x86":
        flag = "preempt "
    return f"{release} SMP {flag}mod_unload modversions {_ARCH.get(arch, '')}"


def modinfo_lines(mod: object, filename: str, release: str, arch: str, preempt: str) -> list[tuple[str, str]]:
    """(field, value) pairs in modinfo's order: filename, the MODULE_*() tags (the last declared first,
    as they lie in the .modinfo section), depends, name, vermagic, then one parm per parameter."""
    out = [("filename", filename)]
    # SIMPLIFICATION: no srcversion, intree, sig_* or alias fields; the tags come last-declared first as GCC
    # lays them out in .modinfo for one object file.
    for tag, value in reversed(modinfo_of(mod)):
        if tag != "parmdesc":
            out.append((tag, value))
    out.append(("depends", ""))
    if arch == "x86":
        out.append(("retpoline", "Y"))
    out.append(("name", module_name_of(mod)))
    out.append(("vermagic", vermagic(release, arch, preempt)))
    stray = dict(v.split(":", 1) for t, v in modinfo_of(mod) if t == "parmdesc")
    for kp in module_params_of(mod):
        desc = kp.desc or stray.get(kp.name, "")
        out.append(("parm", f"{kp.name}:{desc + ' ' if desc else ''}({kp.type})"))
    return out


def format_modinfo(lines: list[tuple[str, str]], field: str | None = None) -> str:
    """modinfo_do()'s output: ``key:`` padded to 16 columns and the value, or only ``field``'s values."""
    if field:
        return "".join(f"{v}\n" for f, v in lines if f == field)
    return "".join(f"{f + ':':<16}{v}\n" for f, v in lines)


__all__ = ["vermagic", "modinfo_lines", "format_modinfo"]
