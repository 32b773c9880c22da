"""Mirrors cputree.c and numa.c of irqbalance v1.9.2: the object tree of NUMA nodes, packages, cache domains
and CPUs read from /sys/devices/system, the banned CPUs, and the tree's --debug dumps."""

from __future__ import annotations

import re

from irqlab.userspace.irqbalance.core import IrqbalanceCore
from irqlab.userspace.irqbalance.types import (
    CLASSES,
    NR_CPUS,
    NUMA_NO_NODE,
    OBJ_TYPE_CACHE,
    OBJ_TYPE_CPU,
    OBJ_TYPE_NODE,
    OBJ_TYPE_PACKAGE,
    IrqInfo,
    TopoObj,
    cpulist_parse,
    cpumask_parse_user,
    cpumask_scnprintf,
    strtoul,
)


class CpuTree(IrqbalanceCore):
    """Building, clearing and dumping the object tree."""

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
        packageid = strtoul(line) or 0 if line else 0
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

    def clear_work_stats(self) -> None:
        def clear(d: TopoObj) -> None:
            for c in d.children:
                clear(c)
            for i in d.interrupts:
                i.load = 0

        for n in self.numa_nodes:
            clear(n)


__all__ = ["CpuTree"]
