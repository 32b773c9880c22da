"""/sys/devices/system/cpu and /sys/devices/system/node: the CPU topology user space reads (irqbalance,
lscpu). Mirrors drivers/base/cpu.c (online, possible, present, isolated), drivers/base/topology.c
(cpuN/topology/), drivers/base/cacheinfo.c (cpuN/cache/indexM/) and drivers/base/node.c (nodeN/).

The board's data may describe its caches as ``caches``: (level, type, shared by every CPU) per index;
the default is a Cortex-A76's (and a typical x86 core's): private L1d, L1i and L2, an L3 shared by all.
One package, one NUMA node (CONFIG_NUMA, no fake nodes).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from irqlab.kernel.vsprintf import cpumask_hex, cpumask_list

if TYPE_CHECKING:
    from irqlab.fs.procfs import ProcFS
    from irqlab.kernel.kernel import Kernel

#: cacheinfo leaves of a core: (level, type, shared by all CPUs).
DEFAULT_CACHES = ((1, "Data", False), (1, "Instruction", False), (2, "Unified", False), (3, "Unified", True))

CPU = "/sys/devices/system/cpu"
NODE = "/sys/devices/system/node"


def register(fs: ProcFS, k: Kernel) -> None:
    """Register the topology files of every possible CPU and of node 0."""
    n = len(k.cpus)
    every = (1 << n) - 1

    def online() -> int:
        return sum(1 << c.id for c in k.cpus if c.online)

    def hexmask(mask: int) -> str:
        return cpumask_hex(mask, n) + "\n"

    # drivers/base/cpu.c: "%*pbl\n" of cpu_online_mask, cpu_possible_mask, cpu_present_mask; isolated is
    # the CPUs outside the housekeeping set (none without isolcpus=).
    fs.register(f"{CPU}/online", lambda: cpumask_list(online()) + "\n")
    fs.register(f"{CPU}/possible", lambda: cpumask_list(every) + "\n")
    fs.register(f"{CPU}/present", lambda: cpumask_list(every) + "\n")
    fs.register(f"{CPU}/isolated", lambda: "\n")

    def text(value: str) -> Callable[[], str]:
        return lambda: value

    caches = k.board.data.get("caches", DEFAULT_CACHES)
    for c in k.cpus:
        base = f"{CPU}/cpu{c.id}"
        mine = 1 << c.id
        fs.register(f"{base}/topology/physical_package_id", lambda: "0\n")
        fs.register(f"{base}/topology/core_id", text(f"{c.id}\n"))
        fs.register(f"{base}/topology/core_siblings", lambda: hexmask(every))
        fs.register(f"{base}/topology/core_siblings_list", lambda: cpumask_list(every) + "\n")
        fs.register(f"{base}/topology/thread_siblings", text(hexmask(mine)))
        fs.register(f"{base}/topology/thread_siblings_list", text(cpumask_list(mine) + "\n"))
        for i, (level, kind, shared) in enumerate(caches):
            mask = every if shared else mine
            leaf = f"{base}/cache/index{i}"
            fs.register(f"{leaf}/level", text(f"{level}\n"))
            fs.register(f"{leaf}/type", text(f"{kind}\n"))
            fs.register(f"{leaf}/shared_cpu_map", text(hexmask(mask)))
            fs.register(f"{leaf}/shared_cpu_list", text(cpumask_list(mask) + "\n"))
        # register_cpu_under_node(): cpuN/node0 links to the node's directory.
        fs.register(f"{base}/node0/cpumap", lambda: hexmask(every))
    fs.register(f"{NODE}/online", lambda: "0\n")
    fs.register(f"{NODE}/possible", lambda: "0\n")
    fs.register(f"{NODE}/node0/cpumap", lambda: hexmask(every))
    fs.register(f"{NODE}/node0/cpulist", lambda: cpumask_list(every) + "\n")


__all__ = ["register", "DEFAULT_CACHES"]
