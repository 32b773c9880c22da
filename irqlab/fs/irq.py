"""/proc/irq/ and /sys/kernel/irq/. Mirrors the file side of kernel/irq/proc.c and the sysfs
attributes of kernel/irq/irqdesc.c (SPARSE_IRQ), with the kernel's format strings.

/proc/irq/N/: ``smp_affinity`` ("%*pb\\n", writable), ``smp_affinity_list`` ("%*pbl\\n", writable),
``affinity_hint``, ``node`` ("%d\\n"), ``effective_affinity``, ``effective_affinity_list``, ``spurious``
("count %u\\nunhandled %u\\nlast_unhandled %u ms\\n"), and one directory per uniquely named action.
/proc/irq/default_smp_affinity. /sys/kernel/irq/N/: ``actions``, ``chip_name``, ``hwirq``, ``name``,
``per_cpu_count``, ``type``, ``wakeup``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from irqlab.fs.interrupts import show_interrupts
from irqlab.kernel.irq.irqdesc import irq_subsys
from irqlab.kernel.irq.proc import write_default_affinity, write_irq_affinity
from irqlab.kernel.irq.types import IRQD_LEVEL, IRQD_WAKEUP_STATE, irq_desc
from irqlab.kernel.vsprintf import cpumask_hex, cpumask_list

if TYPE_CHECKING:
    from irqlab.fs.procfs import ProcFS
    from irqlab.kernel.kernel import Kernel

Entry = tuple[Callable[[], str] | None, Callable[[str], int] | None]


def _desc(k: Kernel, irq: str) -> irq_desc | None:
    return irq_subsys(k).descs.get(int(irq))  # type: ignore[no-any-return]


def irq_spurious_proc_show(k: Kernel, desc: irq_desc) -> str:
    """/proc/irq/N/spurious: last_unhandled is jiffies_to_msecs() of the raw jiffies stamp (as %u)."""
    msecs = (desc.last_unhandled * 1000 // k.hz) & 0xFFFFFFFF
    return f"count {desc.irq_count}\nunhandled {desc.irqs_unhandled}\nlast_unhandled {msecs} ms\n"


def proc_irq_file(k: Kernel, irq: str, name: str) -> Entry | None:
    """The /proc/irq/<irq>/<name> file, or None if there is no such file."""
    desc = _desc(k, irq)
    if desc is None or not desc.dir:
        return None
    n = len(k.cpus)
    common = desc.irq_common_data
    if name == "smp_affinity":
        return (lambda: cpumask_hex(common.affinity, n) + "\n",
                lambda text: write_irq_affinity(k, int(irq), text, False))  # fmt: skip
    if name == "smp_affinity_list":
        return (lambda: cpumask_list(common.affinity) + "\n",
                lambda text: write_irq_affinity(k, int(irq), text, True))  # fmt: skip
    if name == "affinity_hint":
        return (lambda: cpumask_hex(int(desc.affinity_hint or 0), n) + "\n", None)
    if name == "node":
        return (lambda: f"{common.node}\n", None)
    if name == "effective_affinity":
        return (lambda: cpumask_hex(common.effective_affinity, n) + "\n", None)
    if name == "effective_affinity_list":
        return (lambda: cpumask_list(common.effective_affinity) + "\n", None)
    if name == "spurious":
        return (lambda: irq_spurious_proc_show(k, desc), None)
    action = desc.action
    while action is not None:
        if action.dir and action.name == name:
            return (_is_a_directory(f"/proc/irq/{irq}/{name}"), None)
        action = action.next
    return None


def _is_a_directory(path: str) -> Callable[[], str]:
    def read() -> str:
        raise IsADirectoryError(f"{path} is a directory (the action's /proc/irq entry)")

    return read


def sys_irq_file(k: Kernel, irq: str, name: str) -> Entry | None:
    """The /sys/kernel/irq/<irq>/<name> attribute, or None."""
    desc = _desc(k, irq)
    if desc is None or not desc.sysfs:
        return None
    d = desc.irq_data
    if name == "per_cpu_count":
        return (lambda: ",".join(str(c) for c in desc.kstat_irqs) + "\n", None)
    if name == "chip_name":
        return (lambda: f"{d.chip.name}\n" if d.chip is not None and d.chip.name else "", None)
    if name == "hwirq":
        return (lambda: f"{d.hwirq}\n" if d.domain is not None else "", None)
    if name == "type":
        return (lambda: ("level" if d.common.state_use_accessors & IRQD_LEVEL else "edge") + "\n", None)
    if name == "wakeup":
        return (lambda: ("enabled" if d.common.state_use_accessors & IRQD_WAKEUP_STATE else "disabled") + "\n", None)
    if name == "name":
        return (lambda: f"{desc.name}\n" if desc.name else "", None)
    if name == "actions":
        return (lambda: _actions_show(desc), None)
    return None


def _actions_show(desc: irq_desc) -> str:
    names = []
    action = desc.action
    while action is not None:
        names.append(action.name or "(null)")
        action = action.next
    return ",".join(names) + "\n" if names else ""


def register(fs: ProcFS) -> None:
    """fs hook: /proc/interrupts, /proc/irq/... and /sys/kernel/irq/..."""
    k = fs.k
    fs.register("/proc/interrupts", lambda: show_interrupts(k))

    def default_show() -> str:
        return cpumask_hex(irq_subsys(k).default_affinity, len(k.cpus)) + "\n"

    fs.register("/proc/irq/default_smp_affinity", default_show, lambda text: write_default_affinity(k, text))
    fs.register_pattern(r"/proc/irq/(\d+)/([^/]+)", lambda irq, name: proc_irq_file(k, irq, name),
                        lambda: _listing(k, "/proc/irq", PROC_IRQ_FILES, True))  # fmt: skip
    fs.register_pattern(r"/sys/kernel/irq/(\d+)/([^/]+)", lambda irq, name: sys_irq_file(k, irq, name),
                        lambda: _listing(k, "/sys/kernel/irq", SYS_IRQ_FILES, False))  # fmt: skip


#: The files of /proc/irq/N (register_irq_proc()) and /sys/kernel/irq/N (irq_attrs[]).
PROC_IRQ_FILES = ("affinity_hint", "effective_affinity", "effective_affinity_list", "node", "smp_affinity",
                  "smp_affinity_list", "spurious")  # fmt: skip
SYS_IRQ_FILES = ("actions", "chip_name", "hwirq", "name", "per_cpu_count", "type", "wakeup")


def _listing(k: Kernel, base: str, names: tuple[str, ...], actions: bool) -> list[str]:
    """The paths of every descriptor's directory under ``base`` (and its action directories)."""
    out: list[str] = []
    for irq, desc in sorted(irq_subsys(k).descs.items()):
        if not (desc.dir if actions else desc.sysfs):
            continue
        out.extend(f"{base}/{irq}/{name}" for name in names)
        action = desc.action if actions else None
        while action is not None:
            if action.dir:
                out.append(f"{base}/{irq}/{action.name}/")
            action = action.next
    return out


__all__ = ["register", "irq_spurious_proc_show"]
