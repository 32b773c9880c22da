"""irqbalance's types and helpers: constants.h, types.h, the log mask and option parsing of irqbalance.h and
irqbalance.c, and bitmap.c's cpumask formats (irqbalance v1.9.2)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

#: cpumask.h NR_CPUS: the width of the masks irqbalance prints.
NR_CPUS = 4096
NUMA_NO_NODE = -1
SLEEP_INTERVAL = 10
NSEC_PER_SEC = 1e9
ULONG_MAX = (1 << 64) - 1
U64 = (1 << 64) - 1

BALANCE_NONE, BALANCE_PACKAGE, BALANCE_CACHE, BALANCE_CORE = 0, 1, 2, 3
IRQ_OTHER, IRQ_LEGACY, IRQ_SCSI, IRQ_VIDEO, IRQ_ETH, IRQ_GBETH, IRQ_10GBETH, IRQ_VIRT_EVENT = range(8)
IRQ_TYPE_LEGACY, IRQ_TYPE_MSI, IRQ_TYPE_MSIX, IRQ_TYPE_VIRT_EVENT = range(4)
OBJ_TYPE_CPU, OBJ_TYPE_CACHE, OBJ_TYPE_PACKAGE, OBJ_TYPE_NODE = range(4)

#: classify.c classes[] and map_class_to_level[].
CLASSES = ("other", "legacy", "storage", "video", "ethernet", "gbit-ethernet", "10gbit-ethernet", "virt-event")
MAP_CLASS_TO_LEVEL = (BALANCE_PACKAGE, BALANCE_CACHE, BALANCE_CORE, BALANCE_CORE, BALANCE_CORE, BALANCE_CORE,
                      BALANCE_CORE, BALANCE_CORE)  # fmt: skip

USAGE = ("irqbalance [--oneshot | -o] [--debug | -d] [--foreground | -f] [--journal | -j]\n"
         "\t[--powerthresh= | -p <off> | <n>] [--banirq= | -i <n>] [--banmod= | -m <module>] "
         "[--policyscript= | -l <script>]\n"
         "\t[--pid= | -s <file>] [--deepestcache= | -c <n>] [--interval= | -t <n>] [--migrateval= | -e <n>]\n")  # fmt: skip
_LONG = {"oneshot": "o", "debug": "d", "foreground": "f", "powerthresh": "p", "banirq": "i", "deepestcache": "c",
         "policyscript": "l", "pid": "s", "journal": "j", "banmod": "m", "interval": "t", "version": "V",
         "migrateval": "e"}  # fmt: skip
_WITH_ARG = "ipsclmte"


class UsageError(Exception):
    """A command line irqbalance's getopt_long() refuses: it prints the message and usage, and exits 1."""


@dataclass
class System:
    """What the daemon reaches the machine through: files, the clock, its output and environment."""

    read: Callable[[str], str | None]
    write: Callable[[str, str], int]
    listdir: Callable[[str], list[str] | None]
    isdir: Callable[[str], bool]
    out: Callable[[str], None]
    sleep: Callable[[int], None]
    environ: dict[str, str]
    aarch64: bool


@dataclass(eq=False)
class TopoObj:
    """struct topo_obj: a NUMA node, package, cache domain or CPU."""

    obj_type: int
    number: int
    mask: int = 0
    load: int = 0
    last_load: int = 0
    irq_count: int = 0
    powersave_mode: int = 0
    interrupts: list[IrqInfo] = field(default_factory=list)
    parent: TopoObj | None = None
    children: list[TopoObj] = field(default_factory=list)
    numa_nodes: list[TopoObj] = field(default_factory=list)


@dataclass(eq=False)
class IrqInfo:
    """struct irq_info: one interrupt irqbalance knows."""

    irq: int
    seq: int
    klass: int = IRQ_OTHER
    type: int = IRQ_TYPE_LEGACY
    level: int = 0
    flags: int = 0
    numa_node: TopoObj | None = None
    irq_count: int = 0
    last_irq_count: int = 0
    load: int = 0
    moved: int = 0
    existing: int = 0
    assigned_obj: TopoObj | None = None
    name: str = ""


def cpumask_scnprintf(mask: int, nbits: int = NR_CPUS) -> str:
    """bitmap.c bitmap_scnprintf(): 32-bit chunks as %08x, most significant first, leading zero chunks left out."""
    out = []
    first = True
    for i in range(((nbits + 31) // 32 - 1) * 32, -1, -32):
        val = mask >> i & 0xFFFFFFFF
        if val or not first or i == 0:
            out.append(f"{val:08x}")
            first = False
    return ",".join(out)


def cpumask_parse_user(text: str) -> int:
    """bitmap.c __bitmap_parse(): comma-separated 32-bit hex chunks."""
    mask = 0
    for chunk in text.strip().split(","):
        mask = mask << 32 | (int(chunk, 16) if chunk else 0)
    return mask


def cpulist_parse(text: str) -> int:
    """bitmap.c bitmap_parselist(): "0-2,5"."""
    mask = 0
    for part in text.strip().split(","):
        if not part:
            continue
        lo, _, hi = part.partition("-")
        for c in range(int(lo), int(hi or lo) + 1):
            mask |= 1 << c
    return mask


def parse_command_line(argv: list[str]) -> list[tuple[str, str]]:
    """getopt_long(argc, argv, "odfjVi:p:s:c:l:m:t:e:", lopts): the options as (letter, argument)."""
    opts: list[tuple[str, str]] = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a.startswith("--"):
            name, eq, val = a[2:].partition("=")
            matches = [n for n in _LONG if n.startswith(name)] if name not in _LONG else [name]
            if len(matches) != 1:
                raise UsageError(f"irqbalance: unrecognized option '{a}'\n" if not matches
                                 else f"irqbalance: option '{a}' is ambiguous\n")  # fmt: skip
            letter = _LONG[matches[0]]
            if letter in _WITH_ARG and not eq:
                if i + 1 >= len(argv):
                    raise UsageError(f"irqbalance: option '--{matches[0]}' requires an argument\n")
                val = argv[i + 1]
                i += 1
            opts.append((letter, val))
        elif a.startswith("-") and len(a) > 1:
            j = 1
            while j < len(a):
                c = a[j]
                if c not in "odfjV" + _WITH_ARG:
                    raise UsageError(f"irqbalance: invalid option -- '{c}'\n")
                if c in _WITH_ARG:
                    val = a[j + 1 :]
                    if not val:
                        if i + 1 >= len(argv):
                            raise UsageError(f"irqbalance: option requires an argument -- '{c}'\n")
                        val = argv[i + 1]
                        i += 1
                    opts.append((c, val))
                    break
                opts.append((c, ""))
                j += 1
        i += 1
    return opts


def strtoul(text: str) -> int | None:
    m = re.match(r"\s*([+-]?\d+)", text)
    return int(m.group(1)) if m else None


__all__ = [
    "System",
    "TopoObj",
    "IrqInfo",
    "UsageError",
    "cpumask_scnprintf",
    "cpumask_parse_user",
    "cpulist_parse",
    "parse_command_line",
    "NR_CPUS",
    "NUMA_NO_NODE",
    "USAGE",
    "CLASSES",
    "MAP_CLASS_TO_LEVEL",
]
