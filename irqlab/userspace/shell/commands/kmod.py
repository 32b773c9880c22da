"""kmod 30's lsmod and modinfo (Debian bookworm's): lsmod reads /proc/modules, modinfo a driver file's
.modinfo (tools/lsmod.c, tools/modinfo.c)."""

from __future__ import annotations

from irqlab.userspace import syscalls as sc
from irqlab.userspace.modinfo import format_modinfo, modinfo_lines
from irqlab.userspace.shell.commands.kernel_tools import _module_file, load_module_file
from irqlab.userspace.shell.process import Proc


def lsmod(p: Proc) -> int:
    """lsmod: "Module  Size  Used by", then name, size, use count and holders of each loaded module."""
    if len(p.argv) > 1:
        p.err(f"Usage: {p.argv[0]}\n")
        return 1
    try:
        text = p.shell.vfs.read_text("/proc/modules")
    except OSError as e:
        p.err(f"Error: could not get list of modules: {e.strerror}\n")
        return 1
    out = ["Module                  Size  Used by\n"]
    for line in text.splitlines():
        f = line.split()
        name, size, refcnt, users = f[0], int(f[1]), int(f[2]), f[3]
        holders = [h for h in users.split(",") if h and h not in ("-", "[permanent]")]
        out.append(f"{name:<19s} {size:8d}  {refcnt}" + (" " + ",".join(holders) if holders else "") + "\n")
    p.out("".join(out))
    return 0


def _running_kernel() -> tuple[str, str, str]:
    """(release, arch, preempt model) of the running kernel, from uname(2)."""
    uts = sc.uname()
    words = uts["version"].split()
    preempt = "rt" if "PREEMPT_RT" in words else "full" if "PREEMPT" in words else "voluntary"
    arch = {"aarch64": "arm64", "x86_64": "x86"}.get(uts["machine"], uts["machine"])
    return uts["release"], arch, preempt


def modinfo(p: Proc) -> int:
    """modinfo [-F FIELD] [-a|-d|-l|-p|-n] FILE|NAME: a driver file given on irqlab shell's command line,
    by its file name (``gpiomod.ko`` finds ``gpiomod.py``) or its module name."""
    args = p.argv[1:]
    field: str | None = None
    names = []
    short = {"-a": "author", "--author": "author", "-d": "description", "--description": "description",
             "-l": "license", "--license": "license", "-p": "parm", "--parameters": "parm",
             "-n": "filename", "--filename": "filename"}  # fmt: skip
    i = 0
    while i < len(args):
        a = args[i]
        if a in short:
            field = short[a]
        elif a in ("-F", "--field"):
            if i + 1 >= len(args):
                p.err("modinfo: option requires an argument -- 'F'\n")
                return 1
            field = args[i + 1]
            i += 1
        elif a.startswith("--field="):
            field = a.split("=", 1)[1]
        elif a.startswith("-"):
            p.err(f"modinfo: unrecognized option '{a}'\n")
            return 1
        else:
            names.append(a)
        i += 1
    if not names:
        p.err("modinfo: ERROR: missing module or filename.\n")
        return 1
    release, arch, preempt = _running_kernel()
    rc = 0
    for name in names:
        found = _module_file(p, name)
        if found is None:
            p.err(f"modinfo: ERROR: Module {name} not found.\n")
            rc = 1
            continue
        stem, path = found
        shown = name if name.endswith((".ko", ".py")) or "/" in name else f"{stem}.py"
        mod = load_module_file(stem, path)
        p.out(format_modinfo(modinfo_lines(mod, p.shell.vfs.abspath(shown), release, arch, preempt), field))
    return rc


COMMANDS = {"lsmod": lsmod, "modinfo": modinfo}
