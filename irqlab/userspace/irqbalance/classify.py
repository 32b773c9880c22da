"""Mirrors classify.c and procinterrupts.c of irqbalance v1.9.2: the interrupt database (each interrupt's class,
balance level and NUMA node, the banned ones), the counts of /proc/interrupts and the load /proc/stat gives
each object and interrupt."""

from __future__ import annotations

import re

from irqlab.userspace.irqbalance.cputree import CpuTree
from irqlab.userspace.irqbalance.types import (
    BALANCE_NONE,
    IRQ_ETH,
    IRQ_GBETH,
    IRQ_OTHER,
    IRQ_SCSI,
    IRQ_TYPE_LEGACY,
    IRQ_TYPE_VIRT_EVENT,
    IRQ_VIRT_EVENT,
    MAP_CLASS_TO_LEVEL,
    NSEC_PER_SEC,
    NUMA_NO_NODE,
    U64,
    IrqInfo,
    TopoObj,
    strtoul,
)


class Classify(CpuTree):
    """The interrupt database and the loads."""

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
            if line is not None and strtoul(line) is not None:
                numa_node = int(strtoul(line))  # type: ignore[arg-type]
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
            cpunr = strtoul(line[3:]) or 0
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


__all__ = ["Classify"]
