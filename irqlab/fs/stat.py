"""/proc/stat. Mirrors fs/proc/stat.c show_stat() (6.12).

``cpu`` (the sum over possible CPUs, two spaces after the name) and ``cpuN`` (online CPUs) lines carry
user nice system idle iowait irq softirq steal guest guest_nice in USER_HZ ticks; ``intr`` the total
then one count per irq number up to nr_irqs; ``ctxt``, ``btime``, ``processes``, ``procs_running``,
``procs_blocked``; ``softirq`` the total then one count per vector.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from irqlab.fs.interrupts import X86_ROWS
from irqlab.kernel.irq.irqdesc import irq_subsys
from irqlab.kernel.irq.types import IRQ_PER_CPU, IRQ_PER_CPU_DEVID, irq_desc
from irqlab.kernel.sched.cputime import (
    CPUTIME_GUEST,
    CPUTIME_GUEST_NICE,
    CPUTIME_IDLE,
    CPUTIME_IOWAIT,
    CPUTIME_IRQ,
    CPUTIME_NICE,
    CPUTIME_SOFTIRQ,
    CPUTIME_STEAL,
    CPUTIME_SYSTEM,
    CPUTIME_USER,
    kcpustat_cpu_fetch,
    nsec_to_clock_t,
)
from irqlab.kernel.sched.loadavg import nr_running
from irqlab.kernel.softirq import NR_SOFTIRQS
from irqlab.kernel.time.timekeeping import DEFAULT_BTIME, boot_time

if TYPE_CHECKING:
    from irqlab.kernel.cpu import CPU
    from irqlab.kernel.kernel import Kernel


def arch_irq_stat_cpu(k: Kernel, cpu: CPU) -> int:
    """Interrupts of ``cpu`` counted outside the irq descriptors: x86's irq_stat rows (NMI, LOC, ...,
    RES, CAL); on arm64 the IPIs when the controller does not give them descriptors."""
    if k.board.arch == "x86":
        total = 0
        for _name, key, _text in X86_ROWS:
            total += cpu.ipi_counts[key] if isinstance(key, int) else cpu.percpu.get(key, 0)
        return total
    gic = k.subsys.get("gic")
    if gic is not None and gic.ipi_base:
        return 0
    return sum(cpu.ipi_counts)


def kstat_irqs_usr(desc: irq_desc) -> int:
    """kernel/irq/irqdesc.c kstat_irqs(): tot_count, or the per-CPU sum for per-CPU lines."""
    if desc.status_use_accessors & (IRQ_PER_CPU | IRQ_PER_CPU_DEVID):
        return sum(desc.kstat_irqs)
    return int(desc.tot_count)


#: The column order of the cpu lines: user nice system idle iowait irq softirq steal guest guest_nice.
_COLUMNS = (CPUTIME_USER, CPUTIME_NICE, CPUTIME_SYSTEM, CPUTIME_IDLE, CPUTIME_IOWAIT, CPUTIME_IRQ,
            CPUTIME_SOFTIRQ, CPUTIME_STEAL, CPUTIME_GUEST, CPUTIME_GUEST_NICE)  # fmt: skip


def _times(vals: list[int]) -> str:
    return "".join(f" {nsec_to_clock_t(vals[i])}" for i in _COLUMNS)


def show_stat(k: Kernel) -> str:
    """The whole of /proc/stat."""
    total = [0] * 10
    irq_sum = 0
    softirq_sums = [0] * NR_SOFTIRQS
    per_cpu: list[tuple[int, list[int]]] = []
    for c in k.cpus:  # for_each_possible_cpu
        vals = kcpustat_cpu_fetch(k, c)
        for i in range(10):
            total[i] += vals[i]
        irq_sum += arch_irq_stat_cpu(k, c)
        for j in range(NR_SOFTIRQS):
            softirq_sums[j] += c.softirq_counts[j]
        if c.online:
            per_cpu.append((c.id, vals))
    st = irq_subsys(k)
    counts = [0] * st.nr_irqs
    for irq, desc in st.descs.items():
        # kstat_cpu_irqs_sum(): every count of every descriptor on every CPU.
        # SIMPLIFICATION: a freed descriptor's counts leave the sum with it (the kernel's per-CPU sum keeps them).
        irq_sum += sum(desc.kstat_irqs)
        if irq < st.nr_irqs:
            counts[irq] = kstat_irqs_usr(desc)
    if k.board.arch == "x86":
        irq_sum += st.irq_err_count  # arch_irq_stat()
    out = [f"cpu {_times(total)}\n"]
    for cid, vals in per_cpu:
        out.append(f"cpu{cid}{_times(vals)}\n")
    out.append(f"intr {irq_sum}" + "".join(f" {n}" for n in counts) + "\n")
    out.append(
        f"ctxt {sum(c.nr_switches for c in k.cpus)}\n"
        f"btime {boot_time(k)}\n"
        f"processes {k.total_forks}\n"
        f"procs_running {nr_running(k)}\n"
        # nr_iowait(): no task waits on block I/O in irqlab.
        "procs_blocked 0\n"
    )
    out.append(f"softirq {sum(softirq_sums)}" + "".join(f" {n}" for n in softirq_sums) + "\n")
    return "".join(out)


__all__ = ["show_stat", "boot_time", "DEFAULT_BTIME"]
