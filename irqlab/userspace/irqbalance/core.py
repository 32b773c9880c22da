"""The daemon's state and the helpers every part of it uses: its log, process_one_line(), the interrupt and
NUMA-node look-ups, __add_banned_irq() (irqbalance.h, cputree.c, classify.c, numa.c of irqbalance v1.9.2)."""

from __future__ import annotations

from irqlab.userspace.irqbalance.types import (
    NUMA_NO_NODE,
    SLEEP_INTERVAL,
    ULONG_MAX,
    IrqInfo,
    System,
    TopoObj,
)


class IrqbalanceCore:
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

    def log(self, text: str) -> None:
        if self.console:
            self.sys.out(text)

    def _line(self, path: str) -> str | None:
        """process_one_line(): the file's first line."""
        text = self.sys.read(path)
        if not text:
            return None
        return text.splitlines(keepends=True)[0]

    def get_irq_info(self, irq: int) -> IrqInfo | None:
        for lst in (self.interrupts_db, self.banned_irqs):
            for i in lst:
                if i.irq == irq:
                    return i
        return None

    def get_numa_node(self, nodeid: int) -> TopoObj | None:
        want = nodeid if self.numa_avail else NUMA_NO_NODE
        return next((n for n in self.numa_nodes if n.number == want), None)

    def add_banned(self, irq: int, lst: list[IrqInfo]) -> None:
        """__add_banned_irq()."""
        if any(i.irq == irq for i in lst):
            return
        self._seq += 1
        lst.append(IrqInfo(irq, self._seq, flags=1))
        self.log(f"IRQ {irq} was BANNED.\n")


__all__ = ["IrqbalanceCore"]
