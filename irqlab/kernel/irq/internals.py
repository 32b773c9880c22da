"""Mirrors kernel/irq/internals.h: descriptor locking, bus locking and small state helpers.

``desc->lock`` is a raw spinlock. Its fast path is inline (the hot path takes it twice per
interrupt); a CPU that finds it held by another CPU spins until the holder hands it over
(FIFO), the way the queued spinlock does. Boot-time and scenario code (no CPU) never contends.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from irqlab.kernel.cpu import take_interrupts
from irqlab.kernel.irq.types import (
    IRQD_IRQ_DISABLED,
    IRQD_IRQ_MASKED,
    IRQD_IRQ_STARTED,
    irq_desc,
)
from irqlab.kernel.locking.spinlock import _spin_bug, hand_over, spin_until_handed_over

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel

# irq_get_desc_lock() check flags
IRQ_GET_DESC_CHECK_GLOBAL: Final = 1 << 0
IRQ_GET_DESC_CHECK_PERCPU: Final = 1 << 1

# irq_startup() arguments
IRQ_RESEND = True
IRQ_NORESEND = False
IRQ_START_FORCE = True
IRQ_START_COND = False


def desc_lock(k: Kernel, desc: irq_desc) -> None:
    """raw_spin_lock(&desc->lock) (interrupts are already off, or no CPU is executing)."""
    cpu = k.cpu
    if cpu is None:
        return
    lock = desc.lock
    if lock.owner_cpu < 0:
        lock.owner_cpu = cpu.id
        lock.owner = cpu.curr
        return
    _desc_spin(k, desc)


def desc_unlock(k: Kernel, desc: irq_desc) -> None:
    """raw_spin_unlock(&desc->lock): hand the lock to the first spinning CPU, if any."""
    if k.cpu is None:
        return
    lock = desc.lock
    if lock.waiters:
        hand_over(k, lock)
    else:
        # hand_over() with no CPU spinning, inlined (a performance trick): the lock is simply free.
        lock.owner_cpu = -1
        lock.owner = None


def _desc_spin(k: Kernel, desc: irq_desc) -> None:
    cpu = k.cpu
    assert cpu is not None
    lock = desc.lock
    if lock.owner_cpu == cpu.id:
        _spin_bug(k, lock, "recursion")
    spin_until_handed_over(k, lock, f"raw_spin_lock(&desc->lock) of irq {desc.irq_data.irq} held by CPU{lock.owner_cpu}")


def desc_lock_irqsave(k: Kernel, desc: irq_desc) -> int:
    """raw_spin_lock_irqsave(&desc->lock): returns the saved interrupt flag."""
    cpu = k.cpu
    if cpu is None:
        return 0
    flags = 1 if cpu.irqs_off else 0
    cpu.irqs_off = True
    cpu.preempt_count += 1
    desc_lock(k, desc)
    return flags


def desc_unlock_irqrestore(k: Kernel, desc: irq_desc, flags: int) -> None:
    """raw_spin_unlock_irqrestore(&desc->lock, flags); pending interrupts are taken on re-enable."""
    cpu = k.cpu
    if cpu is None:
        return
    desc_unlock(k, desc)
    cpu = k.cpu
    assert cpu is not None
    if cpu.preempt_count & 0xFF:
        cpu.preempt_count -= 1
    if not flags:
        cpu.irqs_off = False
        if cpu.irq_pending:
            take_interrupts(k, cpu)
            cpu = k.cpu
            assert cpu is not None
        if cpu.need_resched and cpu.preempt_count == 0 and k.preempt_full and cpu.curr is not cpu.idle:
            k.sched.preempt_schedule()


def chip_bus_lock(desc: irq_desc) -> None:
    """Call the chip's irq_bus_lock (slow-bus chips serialise configuration there). May sleep."""
    chip = desc.irq_data.chip
    if chip is not None and chip.irq_bus_lock is not None:
        chip.irq_bus_lock(desc.irq_data)


def chip_bus_sync_unlock(desc: irq_desc) -> None:
    """Call the chip's irq_bus_sync_unlock, which writes buffered configuration out. May sleep."""
    chip = desc.irq_data.chip
    if chip is not None and chip.irq_bus_sync_unlock is not None:
        chip.irq_bus_sync_unlock(desc.irq_data)


def irq_state_set_disabled(desc: irq_desc) -> None:
    desc.irq_common_data.state_use_accessors |= IRQD_IRQ_DISABLED


def irq_state_clr_disabled(desc: irq_desc) -> None:
    desc.irq_common_data.state_use_accessors &= ~IRQD_IRQ_DISABLED


def irq_state_set_masked(desc: irq_desc) -> None:
    desc.irq_common_data.state_use_accessors |= IRQD_IRQ_MASKED


def irq_state_clr_masked(desc: irq_desc) -> None:
    desc.irq_common_data.state_use_accessors &= ~IRQD_IRQ_MASKED


def irq_state_set_started(desc: irq_desc) -> None:
    desc.irq_common_data.state_use_accessors |= IRQD_IRQ_STARTED


def irq_state_clr_started(desc: irq_desc) -> None:
    desc.irq_common_data.state_use_accessors &= ~IRQD_IRQ_STARTED


def kstat_incr_irqs_this_cpu(k: Kernel, desc: irq_desc) -> None:
    """kstat_incr_irqs_this_cpu(): count on the current CPU and in tot_count."""
    cpu = k.cpu
    desc.kstat_irqs[cpu.id if cpu is not None else 0] += 1
    desc.tot_count += 1
