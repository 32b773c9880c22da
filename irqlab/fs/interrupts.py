"""/proc/interrupts. Mirrors fs/proc/interrupts.c, show_interrupts() of kernel/irq/proc.c (6.12 row format)
and arm64's arch_show_interrupts() (arch/arm64/kernel/smp.c).

Rows: ``"%*d: "``, ``"%10u "`` per online CPU, the chip (``" %8s"`` of its name, or its
irq_print_chip text), the hwirq (``" %*lu"`` when the line has a domain), ``" %-8s"`` Level/Edge,
``"-%-8s"`` of the flow name if any, then ``"  %s"``/``", %s"`` of the action names. A line is shown
only while it has an action that is not the chained one (6.11's "genirq/proc: Simplify
irqdesc::kstat_irqs handling further"): after free_irq() its row goes, whatever it counted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from irqlab.kernel.irq.chip import chained_action
from irqlab.kernel.irq.irqdesc import irq_subsys
from irqlab.kernel.irq.types import IRQ_HIDDEN, IRQD_LEVEL, irq_desc, irqaction
from irqlab.kernel.kernel import IPI_NAMES

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel

#: arm64 ipi_types[] (6.12): IPI0..IPI7.
IPI_TYPES = IPI_NAMES

# arch/x86/kernel/irq.c: the x86 rows of /proc/interrupts (and of /proc/stat's per-CPU totals).
X86_ROWS = (
    ("NMI", "nmi", "Non-maskable interrupts"),
    ("LOC", "apic_timer_irqs", "Local timer interrupts"),
    ("SPU", "irq_spurious", "Spurious interrupts"),
    ("PMI", "pmi", "Performance monitoring interrupts"),
    ("IWI", "irq_work", "IRQ work interrupts"),
    ("RTR", "icr_retries", "APIC ICR read retries"),
    ("RES", 0, "Rescheduling interrupts"),
    ("CAL", 1, "Function call interrupts"),
    ("TLB", "tlb", "TLB shootdowns"),
    ("TRM", "thermal", "Thermal event interrupts"),
    ("THR", "threshold", "Threshold APIC interrupts"),
    ("DFR", "deferred", "Deferred Error APIC interrupts"),
    ("MCE", "mce", "Machine check exceptions"),
    ("MCP", "mcp", "Machine check polls"),
)


def x86_arch_show_interrupts(k: Kernel, prec: int, online: list[int]) -> str:
    """arch/x86/kernel/irq.c arch_show_interrupts()."""
    out = []
    for name, key, text in X86_ROWS:
        row = [f"{name:>{prec}s}: "]
        for c in online:
            cpu = k.cpus[c]
            v = cpu.ipi_counts[key] if isinstance(key, int) else cpu.percpu.get(key, 0)
            row.append(f"{v:10d} ")
        row.append(f"  {text}\n")
        out.append("".join(row))

    out.append(f"{'ERR':>{prec}s}: {irq_subsys(k).irq_err_count:10d}\n")
    out.append(f"{'MIS':>{prec}s}: {0:10d}\n")
    return "".join(out)


def interrupts_prec(nr_irqs: int) -> int:
    """The width of the irq-number column: 3, plus one per decade from 1000 up to nr_irqs (max 10)."""
    prec, j = 3, 1000
    while prec < 10 and j <= nr_irqs:
        prec += 1
        j *= 10
    return prec


def show_irq_row(k: Kernel, irq: int, desc: irq_desc, prec: int, online: list[int]) -> str:
    """One /proc/interrupts row (with its newline), or "" when the line is not shown."""
    # kernel/irq/proc.c show_interrupts(): "if (!desc->action || irq_desc_is_chained(desc) || !desc->kstat_irqs)".
    if desc.status_use_accessors & IRQ_HIDDEN or desc.action is None or desc.action is chained_action:
        return ""
    counts = desc.kstat_irqs
    parts = [f"{irq:>{prec}d}: "]
    for c in online:
        parts.append(f"{counts[c]:10d} ")
    d = desc.irq_data
    chip = d.chip
    if chip is not None:
        if chip.irq_print_chip is not None:
            parts.append(str(chip.irq_print_chip(d)))
        elif chip.name:
            parts.append(f" {chip.name:>8s}")
        else:
            parts.append(f" {'-':>8s}")
    else:
        parts.append(f" {'None':>8s}")
    if d.domain is not None:
        parts.append(f" {d.hwirq:>{prec}d}")
    else:
        parts.append(" " + " " * prec)
    if k.board.arch != "x86":  # GENERIC_IRQ_SHOW_LEVEL: arm64 selects it, x86 does not
        parts.append(f" {'Level' if desc.irq_common_data.state_use_accessors & IRQD_LEVEL else 'Edge':<8s}")
    if desc.name:
        parts.append(f"-{desc.name:<8s}")
    names = []
    action: irqaction | None = desc.action
    while action is not None:
        names.append(action.name)
        action = action.next
    parts.append("  " + ", ".join(names) + "\n")
    return "".join(parts)


def arch_show_interrupts(k: Kernel, prec: int, online: list[int]) -> str:
    """arm64: the IPI0..IPI7 rows and the Err row."""
    gic = k.subsys.get("gic")
    out = []
    for i, name in enumerate(IPI_TYPES):
        row = [f"{'IPI':>{prec - 1}s}{i}:{' ' if prec >= 4 else ''}"]
        desc = None
        if gic is not None and gic.ipi_base:
            desc = irq_subsys(k).descs.get(gic.ipi_base + i)
        for c in online:
            cnt = desc.kstat_irqs[c] if desc is not None else k.cpus[c].ipi_counts[i]
            row.append(f"{cnt:10d} ")
        row.append(f"      {name}\n")
        out.append("".join(row))
    out.append(f"{'Err':>{prec}s}: {irq_subsys(k).irq_err_count:10d}\n")
    return "".join(out)


def show_interrupts(k: Kernel) -> str:
    """The whole of /proc/interrupts."""
    st = irq_subsys(k)
    prec = interrupts_prec(st.nr_irqs)
    online = [c.id for c in k.cpus if c.online]
    out = [" " * (prec + 8) + "".join(f"CPU{c:<8d}" for c in online) + "\n"]
    descs = st.descs
    for irq in sorted(descs):
        if irq >= st.nr_irqs:
            break
        row = show_irq_row(k, irq, descs[irq], prec, online)
        if row:
            out.append(row)
    if k.board.arch == "x86":
        out.append(x86_arch_show_interrupts(k, prec, online))
    else:
        out.append(arch_show_interrupts(k, prec, online))
    return "".join(out)


__all__ = ["show_interrupts", "interrupts_prec", "IPI_TYPES", "X86_ROWS"]
