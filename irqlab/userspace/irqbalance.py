"""irqbalance 1.9.2 (Debian bookworm's), built for aarch64 or x86_64 as Debian builds it (no thermal events,
libnuma, the UI socket). Mirrors irqbalance.c, cputree.c, numa.c, classify.c, procinterrupts.c, irqlist.c,
placement.c and activate.c of irqbalance v1.9.2.

The daemon reads what the real one reads (/proc/interrupts, /proc/stat, /proc/irq/N/, /sys/devices/system/
cpu and node) and writes /proc/irq/N/smp_affinity, through the :class:`System` it is given (the shell's
files, its clock). Every ``sleep_interval`` seconds (10) it charges each CPU's irq+softirq time to the
interrupts that CPU served, moves interrupts off CPUs loaded above the others, and places every interrupt
that needs a home at the level its class asks for: class "other" at the package (every CPU of it), an
ethernet class at a core. ``--debug`` prints its object tree and decisions in the real tool's words.
"""

from __future__ import annotations

import math
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


def _strtoul(text: str) -> int | None:
    m = re.match(r"\s*([+-]?\d+)", text)
    return int(m.group(1)) if m else None


class Irqbalance:
    """The daemon's state: its object tree, interrupt database and options."""

    def __init__(self, sysif: System) -> None:
        self.sys = sysif
        self.one_shot_mode = self.debug_mode = self.foreground_mode = self.journal_logging = 0
        self.console = True
        self.numa_avail = False
        self.power_thresh = ULONG_MAX
        self.deepest_cache = 2
        self.cycle_count = 0
        self.sleep_interval = SLEEP_INTERVAL
        self.migrate_ratio = 0
        self.hz = 100
        self.need_rescan = self.need_rebuild = 0
        self.keep_going = True
        self.cl_banned_irqs: list[IrqInfo] = []
        self.cl_banned_modules: list[str] = []
        self.banned_irqs: list[IrqInfo] = []
        self.interrupts_db: list[IrqInfo] = []
        self.rebalance_irq_list: list[IrqInfo] = []
        self.numa_nodes: list[TopoObj] = []
        self.packages: list[TopoObj] = []
        self.cache_domains: list[TopoObj] = []
        self.cpus: list[TopoObj] = []
        self.banned_cpus = 0
        self.unbanned_cpus = 0
        self.cpu_online_map = 0
        self.proc_int_has_msi = self.msi_found_in_sysfs = 0
        self.pidfile: str | None = None
        #: log_indent: four spaces, or four dots when logging to the journal.
        self.indent = "    "
        self._seq = 0

    # -- logging (irqbalance.h log()): syslog is not kept; the console gets it in debug mode -------------
    def log(self, text: str) -> None:
        if self.console:
            self.sys.out(text)

    def _line(self, path: str) -> str | None:
        """process_one_line(): the file's first line."""
        text = self.sys.read(path)
        if not text:
            return None
        return text.splitlines(keepends=True)[0]

    # -- options ---------------------------------------------------------------------------------------
    def parse_options(self, argv: list[str]) -> int | None:
        """parse_command_line(): None to go on, else the exit status (usage, version)."""
        try:
            opts = parse_command_line(argv)
        except UsageError as e:
            self.sys.out(str(e) + USAGE)
            return 1
        for c, val in opts:
            if c == "V":
                self.sys.out("irqbalance version 1.9.2\n")
                return 0
            if c == "d":
                self.debug_mode = self.foreground_mode = 1
            elif c == "f":
                self.foreground_mode = 1
            elif c == "o":
                self.one_shot_mode = 1
            elif c == "j":
                self.journal_logging = self.foreground_mode = 1
            elif c == "m":
                self.cl_banned_modules.append(val)
            elif c == "s":
                self.pidfile = val
            elif c == "l":
                # get_irq_user_policy() ignores a script it cannot stat(); one that exists would be run per IRQ.
                if self.sys.read(val) is not None or self.sys.isdir(val):
                    self.sys.out(f"irqbalance: {val}: policy scripts cannot run on irqlab's board (no exec of files)\n")
                    return 1
            else:
                n = _strtoul(val)
                bad = n is None
                if c == "i" and not bad:
                    self.add_banned(int(n), self.cl_banned_irqs)  # type: ignore[arg-type]
                elif c == "c":
                    bad = bad or n < 1  # type: ignore[operator]
                    self.deepest_cache = n or 2
                elif c == "p":
                    if val.startswith("off"):
                        self.power_thresh, bad = ULONG_MAX, False
                    else:
                        self.power_thresh = n or 0
                elif c == "t":
                    bad = bad or n < 1  # type: ignore[operator]
                    self.sleep_interval = n or SLEEP_INTERVAL
                elif c == "e":
                    self.migrate_ratio = n or 0
                if bad:
                    self.sys.out(USAGE)
                    return 1
        env = self.sys.environ
        if env.get("INVOCATION_ID"):
            self.journal_logging = self.foreground_mode = 1
        if env.get("IRQBALANCE_ONESHOT"):
            self.one_shot_mode = 1
        if env.get("IRQBALANCE_DEBUG"):
            self.debug_mode = self.foreground_mode = 1
        return None

    # -- classify.c: the interrupt database ------------------------------------------------------------
    def add_banned(self, irq: int, lst: list[IrqInfo]) -> None:
        """__add_banned_irq()."""
        if any(i.irq == irq for i in lst):
            return
        self._seq += 1
        lst.append(IrqInfo(irq, self._seq, flags=1))
        self.log(f"IRQ {irq} was BANNED.\n")

    def get_irq_info(self, irq: int) -> IrqInfo | None:
        for lst in (self.interrupts_db, self.banned_irqs):
            for i in lst:
                if i.irq == irq:
                    return i
        return None

    def get_numa_node(self, nodeid: int) -> TopoObj | None:
        want = nodeid if self.numa_avail else NUMA_NO_NODE
        return next((n for n in self.numa_nodes if n.number == want), None)

    def check_platform_device(self, name: str, info: IrqInfo) -> None:
        path = f"/sys/devices/platform/{name}/"
        entries = self.sys.listdir(path)
        if entries is None:
            self.log(f"No directory {path}: No such file or directory\n")
            return
        for ent in entries:
            self.log(f"Checking entry {ent}\n")
            for prefix, typ, klass in (("ata", IRQ_TYPE_LEGACY, IRQ_SCSI), ("net", IRQ_TYPE_LEGACY, IRQ_ETH),
                                       ("usb", IRQ_TYPE_LEGACY, IRQ_OTHER)):  # fmt: skip
                if ent.startswith(prefix):
                    info.type, info.klass = typ, klass
                    self.log(f"IRQ {name} is of type {typ} and class {klass}\n")
                    return
        self.log(f"IRQ {name} is of type {info.type} and class {info.klass}\n")

    def guess_arm_irq_hints(self, name: str, info: IrqInfo) -> None:
        """procinterrupts.c guess_arm_irq_hints(): the first regex the name matches gives type and class."""
        for rx, refine, typ, klass in ((r"eth.*", False, IRQ_TYPE_LEGACY, IRQ_GBETH),
                                       (r"[A-Z0-9]{4}[0-9a-f]{4}", True, IRQ_TYPE_LEGACY, IRQ_OTHER),
                                       (r"PNP[0-9a-f]{4}", True, IRQ_TYPE_LEGACY, IRQ_OTHER),
                                       (r".*", False, IRQ_TYPE_LEGACY, IRQ_OTHER)):  # fmt: skip
            if re.search(rx, name):
                info.type, info.klass = typ, klass
                if refine:
                    self.check_platform_device(name, info)
                self.log(f"IRQ {name}({info.irq}) guessed as class {info.klass}\n")
                return

    def init_irq_class_and_type(self, savedline: str, info: IrqInfo) -> None:
        """procinterrupts.c init_irq_class_and_type(): the name is the last token; on aarch64 everything after
        the trigger type ("Level"/"Edge"), which strtok_r leaves empty for a one-word name."""
        tokens = savedline.split(" ")
        toks = [(t, i) for i, t in enumerate(tokens) if t]
        is_xen_dyn = "xen-dyn" in toks[0][0]
        last_token = toks[1][0] if len(toks) > 1 else ""
        rest = ""
        for tok, idx in toks[2:]:
            irq_name = last_token
            is_xen_dyn = is_xen_dyn or "xen-dyn" in irq_name
            last_token = tok
            if self.sys.aarch64 and (irq_name.startswith("Level") or irq_name.startswith("Edge")):
                rest = " ".join(tokens[idx + 1 :])
                break
        if self.sys.aarch64:
            fullname = f"{last_token} {rest}".split("\n")[0] if rest else ""
        else:
            fullname = last_token
        if "-event" in fullname and is_xen_dyn:
            info.type, info.klass = IRQ_TYPE_VIRT_EVENT, IRQ_VIRT_EVENT
        elif self.sys.aarch64:
            self.guess_arm_irq_hints(fullname, info)
        else:
            info.type, info.klass = IRQ_TYPE_LEGACY, IRQ_OTHER
        info.numa_node = self.get_numa_node(0)
        info.name = fullname

    def check_for_irq_ban(self, info: IrqInfo) -> bool:
        if any(b.irq == info.irq for b in self.cl_banned_irqs):
            return True
        return bool(info.name) and any(mod in info.name for mod in self.cl_banned_modules)

    def add_new_irq(self, hint: IrqInfo) -> None:
        """add_new_irq() for an interrupt without a PCI device (every one on these boards)."""
        if self.get_irq_info(hint.irq) is not None:
            return
        if self.check_for_irq_ban(hint):
            self.add_banned(hint.irq, self.banned_irqs)
            return
        self._seq += 1
        new = IrqInfo(hint.irq, self._seq, klass=hint.klass, type=hint.type)
        self.interrupts_db.append(new)
        new.level = MAP_CLASS_TO_LEVEL[new.klass]
        numa_node = NUMA_NO_NODE
        if self.numa_avail:
            line = self._line(f"/proc/irq/{hint.irq}/node")
            if line is not None and _strtoul(line) is not None:
                numa_node = int(_strtoul(line))  # type: ignore[arg-type]
        new.numa_node = self.get_numa_node(numa_node)
        if new.numa_node is None:
            self.log(f"IRQ {hint.irq} has an unknown node\n")
            new.numa_node = self.get_numa_node(NUMA_NO_NODE)
        self.log(f"Adding IRQ {hint.irq} to database\n")

    def _irq_lines(self) -> list[tuple[int, str, str]] | None:
        """(number, the whole line, what follows the colon) of each numbered line of /proc/interrupts."""
        text = self.sys.read("/proc/interrupts")
        if text is None:
            return None
        out = []
        for line in text.splitlines(keepends=True)[1:]:
            if not line.lstrip(" \t")[:1].isdigit():
                break
            if ":" not in line:
                continue
            num, _, rest = line.partition(":")
            out.append((int(num), line, rest))
        return out

    def rebuild_irq_db(self) -> None:
        """rebuild_irq_db(): every interrupt of /proc/interrupts, classified (no PCI devices to read first)."""
        self.interrupts_db, self.banned_irqs, self.rebalance_irq_list = [], [], []
        tmp = []
        for number, line, _ in self._irq_lines() or []:
            info = IrqInfo(number, 0)
            self.init_irq_class_and_type(line, info)
            tmp.append(info)
        for info in tmp:
            self.add_new_irq(info)

    def force_rebalance_irq(self, info: IrqInfo) -> None:
        if info.level == BALANCE_NONE:
            return
        if info.assigned_obj is None:
            if info not in self.rebalance_irq_list:
                self.rebalance_irq_list.append(info)
        else:
            self.migrate_irq(info.assigned_obj.interrupts, self.rebalance_irq_list, info)

    @staticmethod
    def migrate_irq(frm: list[IrqInfo], to: list[IrqInfo], info: IrqInfo) -> None:
        """irqlist.c migrate_irq(): move it to the end of ``to`` and mark it moved."""
        for i, x in enumerate(frm):
            if x.irq == info.irq:
                del frm[i]
                to.append(x)
                info.moved = 1
                return

    @staticmethod
    def sort_irq_list(lst: list[IrqInfo]) -> None:
        """sort_irqs(): class, then load, descending; then the later-allocated first.
        # SIMPLIFICATION: the last tie-break is allocation order, where irqbalance compares heap addresses."""
        lst.sort(key=lambda i: (-i.klass, -i.load, -i.seq))

    # -- numa.c and cputree.c: the object tree ---------------------------------------------------------
    def build_numa_node_list(self) -> None:
        self.numa_nodes = [TopoObj(OBJ_TYPE_NODE, NUMA_NO_NODE, mask=(1 << NR_CPUS) - 1)]
        if not self.numa_avail:
            return
        for ent in self.sys.listdir("/sys/devices/system/node") or []:
            path = f"/sys/devices/system/node/{ent}"
            if ent.startswith("node") and ent[4:5].isdigit() and self.sys.isdir(path):
                line = self._line(f"{path}/cpumap")
                node = TopoObj(OBJ_TYPE_NODE, int(ent[4:]), mask=cpumask_parse_user(line) if line else 0)
                self.numa_nodes.append(node)

    def setup_banned_cpus(self) -> None:
        env = self.sys.environ
        if env.get("IRQBALANCE_BANNED_CPUS"):
            self.banned_cpus = cpumask_parse_user(env["IRQBALANCE_BANNED_CPUS"])
            self.log("IRQBALANCE_BANNED_CPUS is discarded, Use IRQBALANCE_BANNED_CPULIST instead\n")
        elif env.get("IRQBALANCE_BANNED_CPULIST"):
            self.banned_cpus = cpulist_parse(env["IRQBALANCE_BANNED_CPULIST"])
        else:
            isolated = nohz_full = 0
            for path in ("/sys/devices/system/cpu/isolated", "/sys/devices/system/cpu/nohz_full"):
                line = self._line(path)
                if line is not None and line.strip():
                    if path.endswith("isolated"):
                        isolated = cpulist_parse(line)
                    else:
                        nohz_full = cpulist_parse(line)
            self.banned_cpus = isolated | nohz_full
            self.log(f"Prevent irq assignment to these isolated CPUs: {cpumask_scnprintf(isolated)}\n")
            self.log(f"Prevent irq assignment to these adaptive-ticks CPUs: {cpumask_scnprintf(nohz_full)}\n")
        self.log(f"Banned CPUs: {cpumask_scnprintf(self.banned_cpus)}\n")

    def do_one_cpu(self, path: str, cpunr: int) -> None:
        line = self._line("/sys/devices/system/cpu/online")
        online = cpulist_parse(line) if line and line.strip() else 0
        if not online >> cpunr & 1:
            return
        cpu = TopoObj(OBJ_TYPE_CPU, cpunr, mask=1 << cpunr)
        self.cpu_online_map |= 1 << cpunr
        if cpu.mask & self.banned_cpus:
            return
        line = self._line(f"{path}/topology/core_siblings")
        package_mask = cpumask_parse_user(line) if line else 1 << cpunr
        line = self._line(f"{path}/topology/physical_package_id")
        packageid = _strtoul(line) or 0 if line else 0
        # The deepest cache level up to deepest_cache (default 2: L2) defines the cache domain.
        cache_mask = 1 << cpunr
        max_cache_index, cache_index = 0, 1
        while self.sys.read(f"{path}/cache/index{cache_index}/shared_cpu_map") is not None:
            max_cache_index = cache_index
            if max_cache_index == self.deepest_cache:
                break
            cache_index += 1
        if max_cache_index > 0:
            line = self._line(f"{path}/cache/index{max_cache_index}/shared_cpu_map")
            if line:
                cache_mask = cpumask_parse_user(line)
        nodeid = NUMA_NO_NODE
        if self.numa_avail:
            for ent in self.sys.listdir(path) or []:
                if ent.startswith("node") and ent[4:].isdigit():
                    nodeid = int(ent[4:])
                    break
            node = self.get_numa_node(nodeid)
            if node is not None and bin(package_mask).count("1") > bin(node.mask).count("1"):
                package_mask &= node.mask
        cache_mask &= self.unbanned_cpus
        package_mask &= self.unbanned_cpus
        cache = next((c for c in self.cache_domains if c.mask == cache_mask), None)
        if cache is None:
            cache = TopoObj(OBJ_TYPE_CACHE, len(self.cache_domains), mask=cache_mask)
            self.cache_domains.append(cache)
        if cpu not in cache.children:
            cache.children.append(cpu)
            cpu.parent = cache
        if not self.numa_avail or nodeid > NUMA_NO_NODE:
            self.add_numa_node_to_topo_obj(cache, nodeid)
        package = next((p for p in self.packages if p.mask == package_mask), None)
        if package is None:
            package = TopoObj(OBJ_TYPE_PACKAGE, packageid, mask=package_mask)
            self.packages.append(package)
        elif packageid != package.number:
            self.log("package_mask with different physical_package_id found!\n")
        if cache not in package.children:
            package.children.append(cache)
            cache.parent = package
        if not self.numa_avail or nodeid > NUMA_NO_NODE:
            self.add_numa_node_to_topo_obj(package, nodeid)
        self.cpus.append(cpu)

    def add_numa_node_to_topo_obj(self, obj: TopoObj, nodeid: int) -> None:
        node = self.get_numa_node(nodeid)
        if node is None or (self.numa_avail and node.number == NUMA_NO_NODE):
            return
        if node not in obj.numa_nodes:
            obj.numa_nodes.append(node)
        if not self.numa_avail and obj.obj_type == OBJ_TYPE_PACKAGE and obj not in node.children:
            node.children.append(obj)
            obj.parent = node

    def connect_cpu_mem_topo(self, p: TopoObj) -> None:
        if not p.numa_nodes:
            return
        if len(p.numa_nodes) > 1:
            for c in p.children:
                self.connect_cpu_mem_topo(c)
            return
        node = p.numa_nodes[0]
        if p.obj_type == OBJ_TYPE_PACKAGE and p.parent is None:
            p.parent = node
        if p not in node.children:
            node.children.append(p)

    def parse_cpu_tree(self) -> None:
        self.setup_banned_cpus()
        self.unbanned_cpus = ~self.banned_cpus & ((1 << NR_CPUS) - 1)
        # SIMPLIFICATION: sysfs readdir order is kernfs's name-hash order; the CPUs are visited by name here.
        for ent in self.sys.listdir("/sys/devices/system/cpu") or []:
            m = re.fullmatch(r"cpu(\d+)", ent)
            if m:
                self.do_one_cpu(f"/sys/devices/system/cpu/{ent}", int(m.group(1)))
        for p in self.packages:
            self.connect_cpu_mem_topo(p)
        if self.debug_mode:
            self.dump_tree()

    def build_object_tree(self) -> None:
        self.build_numa_node_list()
        self.parse_cpu_tree()
        self.rebuild_irq_db()

    def free_object_tree(self) -> None:
        self.numa_nodes, self.packages, self.cache_domains, self.cpus = [], [], [], []
        self.cpu_online_map = 0
        self.interrupts_db, self.banned_irqs, self.rebalance_irq_list = [], [], []

    # -- dumps (cputree.c, numa.c) ---------------------------------------------------------------------
    def dump_irq(self, info: IrqInfo, spaces: int) -> None:
        node = info.numa_node.number if info.numa_node is not None else NUMA_NO_NODE
        self.log(f"{self.indent[0] * spaces}Interrupt {info.irq} node_num is {node} ({CLASSES[info.klass]}/{info.load}:"
                 f"{info.irq_count - info.last_irq_count}) \n")  # fmt: skip

    def dump_tree(self) -> None:
        ind = self.indent
        for p in self.packages:
            nodes = "".join(f"{n.number} " for n in p.numa_nodes)
            self.log(f"Package {p.number}:  numa_node {nodes}cpu mask is {cpumask_scnprintf(p.mask)} (load {p.load})\n")
            for d in p.children:
                nodes = "".join(f"{n.number} " for n in d.numa_nodes)
                self.log(f"{ind}{ind}Cache domain {d.number}:  numa_node is {nodes}cpu mask is "
                         f"{cpumask_scnprintf(d.mask)}  (load {d.load}) \n")  # fmt: skip
                for c in d.children:
                    cnodes = "".join(f"{n.number} " for n in (c.parent.numa_nodes if c.parent else []))
                    self.log(f"{ind * 4}CPU number {c.number}  numa_node is {cnodes}(load {c.load})\n")
                    for i in c.interrupts:
                        self.dump_irq(i, 18)
                for i in d.interrupts:
                    self.dump_irq(i, 10)
            for i in p.interrupts:
                self.dump_irq(i, 2)

    def dump_object_tree(self) -> None:
        for d in self.numa_nodes:
            self.log(f"NUMA NODE NUMBER: {d.number}\nLOCAL CPU MASK: {cpumask_scnprintf(d.mask)}\n\n")

    # -- procinterrupts.c: counts and loads ------------------------------------------------------------
    def parse_proc_interrupts(self) -> None:
        lines = self._irq_lines()
        if lines is None:
            return
        text = self.sys.read("/proc/interrupts") or ""
        if not self.proc_int_has_msi and "MSI" in text:
            self.proc_int_has_msi = 1
        n_online = bin(self.cpu_online_map).count("1")
        for number, line, rest in lines:
            info = self.get_irq_info(number)
            if info is None:
                hint = IrqInfo(number, 0)
                self.init_irq_class_and_type(line, hint)
                self.add_new_irq(hint)
                info = self.get_irq_info(number)
                if info is None:
                    self.need_rescan = 1
                    break
                self.force_rebalance_irq(info)
            info.existing = 1
            counts = re.match(r"((?:[ \t]*\d+(?=[ \t]))*)", rest)
            nums = [int(v) for v in (counts.group(1).split() if counts else [])]
            if len(nums) != n_online:
                self.need_rescan = 1
                break
            count = sum(nums)
            if count < info.irq_count:
                self.need_rescan = 1
                break
            info.last_irq_count, info.irq_count = info.irq_count, count
        if self.proc_int_has_msi and not self.msi_found_in_sysfs and not self.need_rescan:
            self.log("WARNING: MSI interrupts found in /proc/interrupts\n"
                     "But none found in sysfs, you need to update your kernel\n"
                     "Until then, IRQs will be improperly classified\n")  # fmt: skip
            self.msi_found_in_sysfs = 1
        if not self.need_rescan:
            self.clear_no_existing_irqs()

    def clear_no_existing_irqs(self) -> None:
        for lst, what in ((self.interrupts_db, "interrupts_db"), (self.banned_irqs, "banned_irqs")):
            for info in list(lst):
                if info.existing:
                    info.existing = 0
                    continue
                lst.remove(info)
                self.log(f"IRQ {info.irq} is removed from {what}.\n")
                if info in self.rebalance_irq_list:
                    self.rebalance_irq_list.remove(info)
                if info.assigned_obj is not None and info in info.assigned_obj.interrupts:
                    info.assigned_obj.interrupts.remove(info)

    def parse_proc_stat(self) -> None:
        text = self.sys.read("/proc/stat")
        if text is None:
            self.log("WARNING cant open /proc/stat.  balancing is broken\n")
            return
        cpucount = 0
        for line in text.splitlines()[1:]:
            if "cpu" not in line:
                break
            cpunr = _strtoul(line[3:]) or 0
            if self.banned_cpus >> cpunr & 1:
                continue
            f = line.split()
            if len(f) < 8:
                break
            irq_load, softirq_load = int(f[6]), int(f[7])
            cpu = next((c for c in self.cpus if c.number == cpunr), None)
            if cpu is None:
                break
            cpucount += 1
            if self.cycle_count:
                # Jiffies of irq and softirq time, in nanoseconds (a double product, as irqbalance's).
                cpu.load = int(((irq_load + softirq_load - cpu.last_load) & U64) * (NSEC_PER_SEC / self.hz)) & U64
            cpu.last_load = irq_load + softirq_load
        if cpucount != len(self.cpus):
            self.log("WARNING, didn't collect load info for all cpus, balancing is broken\n")
            return
        for n in self.numa_nodes:
            self._set_load(n)
        for n in self.numa_nodes:
            self._accumulate_interrupts(n)
        for lst in (self.cpus, self.cache_domains, self.packages, self.numa_nodes):
            for d in lst:
                self._compute_irq_branch_load_share(d)

    def _set_load(self, d: TopoObj) -> None:
        if d.children:
            for c in d.children:
                self._set_load(c)
            d.load = sum(c.load for c in d.children) & U64

    def _accumulate_interrupts(self, d: TopoObj) -> None:
        for c in d.children:
            self._accumulate_interrupts(c)
        d.irq_count = sum(i.irq_count - i.last_irq_count for i in d.interrupts)

    def _parent_share(self, d: TopoObj) -> int:
        total = 0
        if d.parent is not None:
            total = self._parent_share(d.parent) // max(1, len(d.parent.children))
        return total + d.irq_count

    def _children_count(self, d: TopoObj) -> int:
        return sum(self._children_count(c) for c in d.children) + d.irq_count

    def _compute_irq_branch_load_share(self, d: TopoObj) -> None:
        if not d.interrupts:
            return
        local = self._parent_share(d)
        if d.children:
            local += sum(self._children_count(c) for c in d.children)
        load_slice = d.load // local if local else 1
        for i in d.interrupts:
            i.load = ((i.irq_count - i.last_irq_count) * load_slice) & U64 or 1

    def clear_work_stats(self) -> None:
        def clear(d: TopoObj) -> None:
            for c in d.children:
                clear(c)
            for i in d.interrupts:
                i.load = 0

        for n in self.numa_nodes:
            clear(n)

    # -- irqlist.c: moving load off busy objects -------------------------------------------------------
    def find_overloaded_objs(self, objs: list[TopoObj]) -> None:
        info = {"total": 0, "min": 0, "sources": 0, "dev": 0, "adj": 0, "over": 0, "under": 0}
        for o in objs:
            if info["sources"] == 0 or o.load < info["min"]:
                info["min"] = o.load
            info["total"] += o.load
            info["sources"] += 1
        sources = info["sources"] or 1
        avg = info["total"] // sources
        deviations = sum((o.load - avg) ** 2 for o in objs) & U64
        std = 0.0 if sources == 1 else math.sqrt(float(deviations // (sources - 1)))
        for o in objs:
            if o.load + std <= avg:
                info["under"] += 1
            elif o.load - std >= avg:
                info["over"] += 1
            if o.load > info["min"] and len(o.interrupts) > 1:
                self.sort_irq_list(o.interrupts)
                info["adj"] = o.load
                for irq in list(o.interrupts):
                    self._move_candidate_irq(irq, info)

    def _move_candidate_irq(self, irq: IrqInfo, lb: dict[str, int]) -> None:
        if irq.level == BALANCE_NONE or irq.assigned_obj is None:
            return
        if len(irq.assigned_obj.interrupts) <= 1:
            return
        if irq.load <= 1:
            return
        delta = (lb["adj"] - lb["min"]) // self.migrate_ratio if self.migrate_ratio > 0 else 0
        if (lb["min"] + irq.load) & U64 < (delta + ((lb["adj"] - irq.load) & U64)) & U64:
            lb["adj"] = (lb["adj"] - irq.load) & U64
            lb["min"] = (lb["min"] + irq.load) & U64
            lb["min"] = min(lb["min"], lb["adj"])
        else:
            return
        self.log(f"Selecting irq {irq.irq} for rebalancing\n")
        self.migrate_irq(irq.assigned_obj.interrupts, self.rebalance_irq_list, irq)
        irq.assigned_obj = None

    def update_migration_status(self) -> None:
        # SIMPLIFICATION: --powerthresh's power-save mode is not modelled (off by default, as irqbalance's).
        for lst in (self.cpus, self.cache_domains, self.packages, self.numa_nodes):
            self.find_overloaded_objs(lst)

    # -- placement.c ---------------------------------------------------------------------------------
    def _find_best_object(self, d: TopoObj, place: dict[str, object]) -> None:
        if self.numa_avail and d.obj_type == OBJ_TYPE_NODE and d.number == NUMA_NO_NODE:
            return
        if d.obj_type == OBJ_TYPE_NODE and not d.mask & self.unbanned_cpus:
            return
        if d.powersave_mode:
            return
        best = place["best"]
        if d.load < place["cost"]:  # type: ignore[operator]
            place["best"], place["cost"] = d, d.load
        elif d.load == place["cost"] and isinstance(best, TopoObj) and len(d.interrupts) < len(best.interrupts):
            place["best"] = d

    def _place_irq_in_node(self, info: IrqInfo) -> None:
        if info.level == BALANCE_NONE and not self.banned_cpus:
            return
        node = info.numa_node
        assert node is not None
        if node.number != NUMA_NO_NODE or not self.numa_avail:
            if not node.mask & self.unbanned_cpus:
                self.log(f"There is no suitable CPU in node:{node.number}.\n")
                self.log(f"Irqbalance dispatch irq:{info.irq} to other node.\n")
            else:
                self.migrate_irq(self.rebalance_irq_list, node.interrupts, info)
                info.assigned_obj = node
                node.load += info.load + 1
                return
        place: dict[str, object] = {"best": None, "cost": ULONG_MAX}
        for n in self.numa_nodes:
            self._find_best_object(n, place)
        best = place["best"]
        if isinstance(best, TopoObj):
            self.migrate_irq(self.rebalance_irq_list, best.interrupts, info)
            info.assigned_obj = best
            best.load += info.load

    def _place_irq_in_object(self, d: TopoObj) -> None:
        skip = {OBJ_TYPE_NODE: BALANCE_NONE, OBJ_TYPE_PACKAGE: BALANCE_PACKAGE, OBJ_TYPE_CACHE: BALANCE_CACHE,
                OBJ_TYPE_CPU: BALANCE_CORE}[d.obj_type]  # fmt: skip
        for info in list(d.interrupts):
            if not info.moved or info.level == skip:
                continue
            place: dict[str, object] = {"best": None, "cost": ULONG_MAX}
            for c in d.children:
                self._find_best_object(c, place)
            best = place["best"]
            if isinstance(best, TopoObj):
                self.migrate_irq(d.interrupts, best.interrupts, info)
                info.assigned_obj = best
                best.load += info.load

    def calculate_placement(self) -> None:
        self.sort_irq_list(self.rebalance_irq_list)
        if self.rebalance_irq_list:
            for info in list(self.rebalance_irq_list):
                self._place_irq_in_node(info)
            for lst in (self.numa_nodes, self.packages, self.cache_domains):
                for d in lst:
                    self._place_irq_in_object(d)

    # -- activate.c ----------------------------------------------------------------------------------
    def activate_mappings(self) -> None:
        for info in list(self.interrupts_db):
            if not info.moved or info.assigned_obj is None:
                continue
            applied = self.cpu_online_map & info.assigned_obj.mask
            line = self._line(f"/proc/irq/{info.irq}/smp_affinity")
            # check_affinity(): nothing to write when the mask is already in place (or unreadable).
            if line is None or cpumask_parse_user(line) == applied:
                continue
            # fprintf() into a buffered FILE succeeds; the kernel's refusal (-EIO for a per-CPU or chained
            # interrupt) comes back from fclose(), which 1.9.2 does not check: the interrupt stays where it is.
            self.sys.write(f"/proc/irq/{info.irq}/smp_affinity", cpumask_scnprintf(applied))
            info.moved = 0

    # -- irqbalance.c --------------------------------------------------------------------------------
    def scan(self) -> None:
        """One balancing pass, every sleep_interval seconds."""
        self.log("\n\n\n-----------------------------------------------------------------------------\n")
        self.clear_work_stats()
        self.parse_proc_interrupts()
        while self.keep_going and (self.need_rescan or self.need_rebuild):
            self.need_rescan = 0
            self.cycle_count = 0
            self.log("Rescanning cpu topology \n")
            self.clear_work_stats()
            self.free_object_tree()
            self.need_rebuild = 0
            self.build_object_tree()
            for info in list(self.interrupts_db):
                self.force_rebalance_irq(info)
            self.parse_proc_interrupts()
            self.parse_proc_stat()
            self.sys.sleep(self.sleep_interval * 10**9)
            self.clear_work_stats()
            self.parse_proc_interrupts()
        self.parse_proc_stat()
        if self.cycle_count:
            self.update_migration_status()
        self.calculate_placement()
        self.activate_mappings()
        if self.debug_mode:
            self.dump_tree()
        if self.one_shot_mode:
            self.keep_going = False
        self.cycle_count += 1

    def start(self) -> int | None:
        """main() up to the main loop: None when the daemon goes on to run, else its exit status."""
        if self.journal_logging:
            self.indent = "...."
        if not self.debug_mode:
            self.console = False
        self.numa_avail = self.sys.isdir("/sys/devices/system/node")
        if not self.numa_avail:
            self.log("This machine seems not NUMA capable.\n")
        return None

    def prepare(self) -> int | None:
        """The rest of main() before the loop (in the daemon after it forked)."""
        self.build_object_tree()
        if self.debug_mode:
            self.dump_object_tree()
        if bin(self.cpu_online_map).count("1") <= 1:
            self.log("Balancing is ineffective on systems with a single cpu.  Shutting down\n")
            return 0
        for info in list(self.interrupts_db):
            self.force_rebalance_irq(info)
        self.parse_proc_interrupts()
        self.parse_proc_stat()
        # init_socket(): /run/irqbalance (the systemd unit's RuntimeDirectory) is missing when run by hand,
        # so the UI socket falls back to the abstract namespace.
        self.log("Daemon couldn't be bound to the file-based socket.\n")
        return None

    def run(self) -> int:
        """g_main_loop_run(): a scan every sleep_interval seconds until one-shot mode or a signal ends it."""
        while self.keep_going:
            self.sys.sleep(self.sleep_interval * 10**9)
            self.scan()
        return 0


__all__ = ["Irqbalance", "System", "cpumask_scnprintf", "NR_CPUS"]
