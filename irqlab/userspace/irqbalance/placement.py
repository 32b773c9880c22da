"""Mirrors irqlist.c, placement.c and activate.c of irqbalance v1.9.2: moving interrupts off objects loaded
above the others, placing each interrupt that needs a home at its balance level, writing the masks."""

from __future__ import annotations

import math

from irqlab.userspace.irqbalance.classify import Classify
from irqlab.userspace.irqbalance.types import (
    BALANCE_CACHE,
    BALANCE_CORE,
    BALANCE_NONE,
    BALANCE_PACKAGE,
    NUMA_NO_NODE,
    OBJ_TYPE_CACHE,
    OBJ_TYPE_CPU,
    OBJ_TYPE_NODE,
    OBJ_TYPE_PACKAGE,
    U64,
    ULONG_MAX,
    IrqInfo,
    TopoObj,
    cpumask_parse_user,
    cpumask_scnprintf,
)


class Placement(Classify):
    """Balancing decisions and their activation."""

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


__all__ = ["Placement"]
