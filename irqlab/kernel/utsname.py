"""Mirrors kernel/utsname.c and init/version.c (init_uts_ns) with kernel/sys.c sethostname(): the one
utsname of the machine, which uname(2), /proc/sys/kernel/{hostname,osrelease,ostype,version} and every
tool's nodename read.

The kernel starts with CONFIG_DEFAULT_HOSTNAME, "(none)"; the board's OS then sets its hostname at boot
(systemd reads /etc/hostname): board data ``hostname`` names it ("raspberrypi" on Raspberry Pi OS, "debian"
as Debian's installer suggests). The version string names the preemption model the kernel was built with
(init/version-timestamp.c, scripts/mkcompile_h).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from irqlab.errno import EINVAL

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel

#: include/uapi/linux/utsname.h __NEW_UTS_LEN.
NEW_UTS_LEN = 64
DEFAULT_HOSTNAME = "(none)"
#: UTS_MACHINE of each architecture.
MACHINE = {"arm64": "aarch64", "x86": "x86_64"}


@dataclass
class new_utsname:  # noqa: N801 - the kernel's struct name
    """struct new_utsname."""

    sysname: str
    nodename: str
    release: str
    version: str
    machine: str
    domainname: str = "(none)"


def utsname(k: Kernel) -> new_utsname:
    """init_utsname() of the machine (created at its first use from the board's build and hostname)."""
    uts = k.subsys.get("utsname")
    if uts is None:
        b = k.board
        words = b.version.split()
        if "PREEMPT_DYNAMIC" not in words:
            # A static build names its one model; a PREEMPT_DYNAMIC one says so whatever preempt= chose.
            words = [w for w in words if w not in ("PREEMPT", "PREEMPT_RT")]
            flag = {"full": ["PREEMPT"], "rt": ["PREEMPT_RT"]}.get(k.preempt_model, [])
            if "SMP" in words:
                i = words.index("SMP") + 1
                words[i:i] = flag
        uts = new_utsname("Linux", str(b.data.get("hostname", DEFAULT_HOSTNAME)), b.release, " ".join(words),
                          MACHINE.get(b.arch, b.arch))  # fmt: skip
        k.subsys["utsname"] = uts
    return uts  # type: ignore[no-any-return]


def sethostname(k: Kernel, name: str) -> int:
    """kernel/sys.c sethostname(): 0, or -EINVAL for a name longer than __NEW_UTS_LEN."""
    if len(name.encode()) > NEW_UTS_LEN:
        return -EINVAL
    utsname(k).nodename = name
    return 0


__all__ = ["new_utsname", "utsname", "sethostname", "NEW_UTS_LEN", "DEFAULT_HOSTNAME"]
