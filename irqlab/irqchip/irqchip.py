"""Mirrors drivers/irqchip/irqchip.c (irqchip_init) plus init_IRQ()/init_irq_proc() of init/main.c.

Runs as the first initcall: sets up the IRQ layer's state and boot options, probes the board's
interrupt controller (``board.data["irqchip"]``: "gic-400", or "gic-v3"; a GIC-400 board booted with more
than 8 CPUs gets the controller ``board.data["irqchip_above_8_cpus"]`` names, else a clear error), creates the board's irq_sim domain
(``board.data["irq_sim"]`` lines) and the /proc/irq directories of the lines that exist at boot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from irqlab.fs.irq import register
from irqlab.irqchip.gic import gic_of_init
from irqlab.irqchip.gic_v3 import gic_v3_of_init
from irqlab.kernel.irq.irq_sim import irq_domain_create_sim
from irqlab.kernel.irq.irqdesc import irq_subsys
from irqlab.kernel.irq.irqdomain import fwnode_handle
from irqlab.kernel.irq.proc import init_irq_proc
from irqlab.kernel.irq.spurious import spurious_boot_params

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel


def irqchip_init(k: Kernel) -> None:
    """Initcall: the IRQ layer, the GIC, the irq_sim domain and the /proc and /sys files."""
    irq_subsys(k)
    data = k.board.data
    chip = data.get("irqchip")
    if chip == "gic-400" and len(k.cpus) > 8:
        # A GIC-400 has 8 CPU interfaces: a larger machine needs a GICv3, which only a board that says so has.
        chip = data.get("irqchip_above_8_cpus")
        if chip is None:
            raise ValueError(f"board {k.board.name!r} has a GIC-400, which serves at most 8 CPUs, not {len(k.cpus)}: "
                             "boot it with cpus=8 or fewer, or use the generic board, which has a GICv3 above 8 CPUs")  # fmt: skip
    if chip == "gic-400":
        gic_of_init(k)
    elif chip == "gic-v3":
        gic_v3_of_init(k)
    nsim = int(data.get("irq_sim", 0))
    if nsim:
        k.subsys["irq_sim_domain"] = irq_domain_create_sim(fwnode_handle("irq_sim"), nsim)
    spurious_boot_params(k)
    init_irq_proc(k)
    k.subsys.setdefault("fs_hooks", []).append(register)
