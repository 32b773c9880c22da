"""Mirrors kernel/irq/resend.c: replaying an edge that arrived while the line was disabled.

Level lines are never resent (the hardware still asserts them). An edge line marked PENDING is
retriggered by its chip (or a parent's) when it can; otherwise it goes on the resend list and the
resend tasklet runs its flow handler from TASKLET_SOFTIRQ with local interrupts off.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from irqlab.errno import EBUSY, EINVAL
from irqlab.kernel.core import on_cpu
from irqlab.kernel.cpu import raise_interrupt, take_interrupts
from irqlab.kernel.irq.internals import desc_lock_irqsave, desc_unlock_irqrestore
from irqlab.kernel.irq.irqdesc import irq_subsys, irq_to_desc
from irqlab.kernel.irq.types import (
    IRQ_LEVEL,
    IRQ_NESTED_THREAD,
    IRQD_ACTIVATED,
    IRQD_HANDLE_ENFORCE_IRQCTX,
    IRQD_IRQ_DISABLED,
    IRQS_PENDING,
    IRQS_REPLAY,
    irq_data,
    irq_desc,
)
from irqlab.kernel.tasklet import tasklet_schedule, tasklet_setup, tasklet_struct

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel


# kernel/irq/chip.c's, here because resend builds on it and chip.py builds on this module (chip.py
# re-exports it).
def irq_chip_retrigger_hierarchy(data: irq_data) -> int:
    """Retrigger through the first parent level whose chip can; 0 if none can."""
    d = data.parent_data
    while d is not None:
        if d.chip is not None and d.chip.irq_retrigger is not None:
            return int(d.chip.irq_retrigger(d))
        d = d.parent_data
    return 0



def resend_irqs(t: Any) -> None:
    """The resend tasklet: run the flow handler of every line on the resend list (IRQs off)."""
    k = on_cpu()
    st = irq_subsys(k)
    cpu = k.cpu
    assert cpu is not None
    was_off = cpu.irqs_off
    cpu.irqs_off = True
    while st.resend_list:
        desc = st.resend_list.pop(0)
        desc.resend_node = False
        desc.handle_irq(desc)
    cpu = k.cpu
    assert cpu is not None
    cpu.irqs_off = was_off
    if not was_off and cpu.irq_pending:
        take_interrupts(k, cpu)


def _resend_tasklet(k: Kernel) -> Any:
    st = irq_subsys(k)
    if st.resend_tasklet is None:
        t = tasklet_struct(resend_irqs)
        tasklet_setup(t, resend_irqs)
        st.resend_tasklet = t
    return st.resend_tasklet


def irq_sw_resend(desc: irq_desc) -> int:
    """Queue ``desc`` for the resend tasklet (a nested line resends its parent). 0 or -EINVAL."""
    k = desc.k
    if desc.irq_common_data.state_use_accessors & IRQD_HANDLE_ENFORCE_IRQCTX:
        return -EINVAL
    if desc.status_use_accessors & IRQ_NESTED_THREAD:
        if not desc.parent_irq:
            return -EINVAL
        parent = irq_to_desc(desc.parent_irq)
        if parent is None:
            return -EINVAL
        desc = parent
    st = irq_subsys(k)
    if not desc.resend_node:
        desc.resend_node = True
        st.resend_list.insert(0, desc)  # hlist_add_head()
    if k.cpu is None:
        # No CPU executes (boot or a scenario action): the tasklet is raised on CPU 0.
        _schedule_on_cpu0(k)
    else:
        tasklet_schedule(_resend_tasklet(k))
    return 0


def _schedule_on_cpu0(k: Kernel) -> None:
    """# SIMPLIFICATION: a resend with no CPU executing (scenario code enabling a line) queues the
    tasklet on the first online CPU and kicks that CPU with an interrupt that raises TASKLET_SOFTIRQ."""
    t = _resend_tasklet(k)

    def kick(cpu: Any) -> None:
        tasklet_schedule(t)

    raise_interrupt(k, k.first_online_cpu(), kick)


def clear_irq_resend(desc: irq_desc) -> None:
    """Take ``desc`` off the resend list (the line is being shut down)."""
    if desc.resend_node:
        st = irq_subsys(desc.k)
        if desc in st.resend_list:
            st.resend_list.remove(desc)
        desc.resend_node = False


def try_retrigger(desc: irq_desc) -> int:
    chip = desc.irq_data.chip
    if chip.irq_retrigger is not None:
        return int(chip.irq_retrigger(desc.irq_data))
    return irq_chip_retrigger_hierarchy(desc.irq_data)


def check_irq_resend(desc: irq_desc, inject: bool) -> int:
    """Replay a PENDING edge (hardware retrigger or the tasklet). 0, -EINVAL (level line) or -EBUSY."""
    if desc.status_use_accessors & IRQ_LEVEL:
        desc.istate &= ~IRQS_PENDING
        return -EINVAL
    if desc.istate & IRQS_REPLAY:
        return -EBUSY
    if not desc.istate & IRQS_PENDING and not inject:
        return 0
    desc.istate &= ~IRQS_PENDING
    err = 0
    if not try_retrigger(desc):
        err = irq_sw_resend(desc)
    if not err:
        desc.istate |= IRQS_REPLAY
    return err


def irq_inject_interrupt(irq: int) -> int:
    """Inject an interrupt for debugging (only on lines whose flow handler tolerates it). 0 or -errno."""
    desc = irq_to_desc(irq)
    if desc is None:
        return -EINVAL
    k = desc.k
    flags = desc_lock_irqsave(k, desc)
    st = desc.irq_common_data.state_use_accessors
    if not st & IRQD_ACTIVATED or st & IRQD_IRQ_DISABLED:
        err = -EINVAL
    else:
        err = check_irq_resend(desc, True)
    desc_unlock_irqrestore(k, desc, flags)
    return err


__all__ = ["irq_inject_interrupt"]
