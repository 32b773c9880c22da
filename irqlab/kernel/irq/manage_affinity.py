"""Mirrors the SMP-affinity and irqchip-state parts of kernel/irq/manage.c.

Affinity masks are CPU bitmasks. The chip picks the CPU(s) it really delivers to (the effective
affinity); IRQ threads move to it the next time they run (IRQTF_AFFINITY).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from irqlab.errno import EINVAL, ENODEV
from irqlab.kernel.core import kernel
from irqlab.kernel.cpumask import cpumask
from irqlab.kernel.irq.internals import chip_bus_lock, chip_bus_sync_unlock, desc_lock_irqsave, desc_unlock_irqrestore
from irqlab.kernel.irq.irqdesc import irq_subsys, irq_to_desc
from irqlab.kernel.irq.types import (
    IRQ_SET_MASK_OK,
    IRQ_SET_MASK_OK_DONE,
    IRQ_SET_MASK_OK_NOCOPY,
    IRQD_ACTIVATED,
    IRQD_AFFINITY_MANAGED,
    IRQD_AFFINITY_ON_ACTIVATE,
    IRQD_AFFINITY_SET,
    IRQD_NO_BALANCING,
    IRQD_PER_CPU,
    IRQTF_AFFINITY,
    irq_data,
    irq_desc,
)
from irqlab.kernel.printk import KERN_WARNING, vprintk

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel


def _to_desc(irq: int) -> irq_desc | None:
    return irq_to_desc(irq)


def _pr(k: Kernel, level: str, fmt: str, *args: object) -> None:
    vprintk(k, level + "genirq: " + fmt, args)


# -- affinity ----------------------------------------------------------------------------------------


def __irq_can_set_affinity(desc: irq_desc | None) -> bool:
    if desc is None:
        return False
    st = desc.irq_common_data.state_use_accessors
    if st & (IRQD_PER_CPU | IRQD_NO_BALANCING):
        return False
    chip = desc.irq_data.chip
    return chip is not None and chip.irq_set_affinity is not None


def irq_can_set_affinity(irq: int) -> bool:
    """True if the affinity of ``irq`` can be set (not per-CPU, balanced, chip supports it)."""
    return __irq_can_set_affinity(_to_desc(irq))


def irq_can_set_affinity_usr(irq: int) -> bool:
    """irq_can_set_affinity() and not a managed interrupt (what /proc/irq/N/smp_affinity checks)."""
    desc = _to_desc(irq)
    return __irq_can_set_affinity(desc) and not (
        desc.irq_common_data.state_use_accessors & IRQD_AFFINITY_MANAGED  # type: ignore[union-attr]
    )


def irq_set_thread_affinity(desc: irq_desc) -> None:
    """Tell the line's threads to move to the new effective affinity the next time they run."""
    action = desc.action
    while action is not None:
        if action.thread is not None:
            action.thread_flags |= 1 << IRQTF_AFFINITY
        if action.secondary is not None and action.secondary.thread is not None:
            action.secondary.thread_flags |= 1 << IRQTF_AFFINITY
        action = action.next


def irq_validate_effective_affinity(data: irq_data) -> None:
    if data.common.effective_affinity:
        return
    k = data.desc.k
    key = ("eff_aff_once", data.chip.name)
    if key in k.ratelimits:
        return
    k.ratelimits[key] = None

    _pr(k, KERN_WARNING, "irq_chip %s did not update eff. affinity mask of irq %u\n", data.chip.name, data.irq)


def irq_do_set_affinity(data: irq_data, mask: int, force: bool) -> int:
    """Ask the chip to route the line to ``mask`` (a CPU bitmask); 0 or a negative errno."""
    desc = data.desc
    chip = data.chip
    if chip is None or chip.irq_set_affinity is None:
        return -EINVAL
    online = irq_subsys(desc.k).online_mask()
    # Only online CPUs reach the chip, unless the caller forces the mask.
    if force:
        ret = chip.irq_set_affinity(data, mask, force)
    elif mask & online:
        ret = chip.irq_set_affinity(data, mask & online, force)
    else:
        return -EINVAL
    if ret in (IRQ_SET_MASK_OK, IRQ_SET_MASK_OK_DONE):
        desc.irq_common_data.affinity = int(mask)
    if ret in (IRQ_SET_MASK_OK, IRQ_SET_MASK_OK_DONE, IRQ_SET_MASK_OK_NOCOPY):
        irq_validate_effective_affinity(data)
        irq_set_thread_affinity(desc)
        ret = 0
    return int(ret)


def irq_set_affinity_locked(data: irq_data, mask: int, force: bool) -> int:
    chip = data.chip
    if chip is None or chip.irq_set_affinity is None:
        return -EINVAL

    desc = data.desc
    st = desc.irq_common_data.state_use_accessors
    if not st & IRQD_ACTIVATED and st & IRQD_AFFINITY_ON_ACTIVATE:
        desc.irq_common_data.affinity = int(mask)
        desc.irq_common_data.effective_affinity = int(mask)
        desc.irq_common_data.state_use_accessors |= IRQD_AFFINITY_SET
        return 0
    ret = irq_do_set_affinity(data, mask, force)
    desc.irq_common_data.state_use_accessors |= IRQD_AFFINITY_SET
    return ret


def __irq_set_affinity(irq: int, mask: int, force: bool) -> int:
    desc = _to_desc(irq)
    if desc is None:
        return -EINVAL
    k = desc.k
    mask = int(mask)
    if not force and not mask & irq_subsys(k).online_mask():
        return -EINVAL
    flags = desc_lock_irqsave(k, desc)
    ret = irq_set_affinity_locked(desc.irq_data, mask, force)
    desc_unlock_irqrestore(k, desc, flags)
    return ret


def irq_set_affinity(irq: int, cpumask: int) -> int:
    """Route ``irq`` to the CPUs in bitmask ``cpumask``. 0 or -EINVAL (no chip support, no online CPU).

    Any context; the line's threads follow the new effective affinity when they next run."""
    return __irq_set_affinity(irq, cpumask, False)


def irq_force_affinity(irq: int, cpumask: int) -> int:
    """irq_set_affinity() without the online check (CPU hotplug bring-up)."""
    return __irq_set_affinity(irq, cpumask, True)


def __irq_apply_affinity_hint(irq: int, m: int | cpumask | None, setaffinity: bool) -> int:
    desc = _to_desc(irq)
    if desc is None:
        return -EINVAL
    desc.affinity_hint = m
    if m is not None and setaffinity:
        __irq_set_affinity(irq, int(m), False)
    return 0


def irq_update_affinity_hint(irq: int, m: int | cpumask | None) -> int:
    """Record the affinity hint shown in /proc/irq/N/affinity_hint (None clears it)."""
    return __irq_apply_affinity_hint(irq, m, False)


def irq_set_affinity_and_hint(irq: int, m: int | cpumask | None) -> int:
    """Record the hint and also apply it as the affinity."""
    return __irq_apply_affinity_hint(irq, m, True)


irq_set_affinity_hint = irq_set_affinity_and_hint


def irq_setup_affinity(desc: irq_desc) -> int:
    """Pick the startup affinity: the preserved user/managed mask if it has an online CPU, else the default."""
    if not __irq_can_set_affinity(desc):
        return 0
    st = irq_subsys(desc.k)
    online = st.online_mask()
    common = desc.irq_common_data
    aff_set = st.default_affinity
    if common.state_use_accessors & (IRQD_AFFINITY_MANAGED | IRQD_AFFINITY_SET):
        if common.affinity & online:
            aff_set = common.affinity
        else:
            common.state_use_accessors &= ~IRQD_AFFINITY_SET
    mask = online & aff_set
    if not mask:
        mask = online
    return irq_do_set_affinity(desc.irq_data, mask, False)


def irq_get_default_affinity() -> int:
    return irq_subsys(kernel()).default_affinity



# -- irqchip state -------------------------------------------------------------------------------------


def __irq_get_irqchip_state(data: irq_data, which: int) -> tuple[int, bool]:
    d: irq_data | None = data
    while d is not None:
        chip = d.chip
        if chip is None:
            return -ENODEV, False
        if chip.irq_get_irqchip_state is not None:
            res = chip.irq_get_irqchip_state(d, which)
            if isinstance(res, tuple):
                return int(res[0]), bool(res[1])
            return 0, bool(res)
        d = d.parent_data
    return -EINVAL, False


def irq_get_irqchip_state(irq: int, which: int) -> tuple[int, bool]:
    """Read IRQCHIP_STATE_* of ``irq`` from its chip: returns (0 or -errno, state)."""
    desc = _to_desc(irq)
    if desc is None:
        return -EINVAL, False
    k = desc.k
    chip_bus_lock(desc)
    flags = desc_lock_irqsave(k, desc)
    res = __irq_get_irqchip_state(desc.irq_data, which)
    desc_unlock_irqrestore(k, desc, flags)
    chip_bus_sync_unlock(desc)
    return res


def irq_set_irqchip_state(irq: int, which: int, val: bool) -> int:
    """Set IRQCHIP_STATE_* of ``irq`` at its chip (irq_sim: PENDING fires the line). 0 or -errno."""
    desc = _to_desc(irq)
    if desc is None:
        return -EINVAL
    k = desc.k
    chip_bus_lock(desc)
    flags = desc_lock_irqsave(k, desc)
    ret = -EINVAL
    d: irq_data | None = desc.irq_data
    while d is not None:
        chip = d.chip
        if chip is None:
            ret = -ENODEV
            break
        if chip.irq_set_irqchip_state is not None:
            ret = int(chip.irq_set_irqchip_state(d, which, bool(val)) or 0)
            break
        d = d.parent_data
    desc_unlock_irqrestore(k, desc, flags)
    chip_bus_sync_unlock(desc)
    return ret


__all__ = [
    "irq_can_set_affinity",
    "irq_can_set_affinity_usr",
    "irq_set_affinity",
    "irq_force_affinity",
    "irq_update_affinity_hint",
    "irq_set_affinity_and_hint",
    "irq_set_affinity_hint",
    "irq_get_default_affinity",
    "irq_get_irqchip_state",
    "irq_set_irqchip_state",
]
