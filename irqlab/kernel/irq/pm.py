"""Mirrors kernel/irq/pm.c (plus the s2idle entry/exit of kernel/power/suspend.c): suspend/resume of lines.

``suspend_device_irqs()`` disables every line without IRQF_NO_SUSPEND (masking it at chips with
IRQCHIP_MASK_ON_SUSPEND); lines with a wake enable (``enable_irq_wake``) are armed instead, and the
first interrupt on one of them marks it pending, disables it and wakes the system. Resume
re-enables everything (IRQF_EARLY_RESUME lines first, as syscore resume does), replaying pending
edges, and force-resumes IRQF_FORCE_RESUME lines.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from irqlab.kernel.core import kernel, on_cpu
from irqlab.kernel.irq.chip import irq_disable, mask_irq
from irqlab.kernel.irq.internals import desc_lock_irqsave, desc_unlock_irqrestore
from irqlab.kernel.irq.irqdesc import for_each_irq_desc, irq_to_desc
from irqlab.kernel.irq.manage import __disable_irq, __enable_irq, synchronize_irq
from irqlab.kernel.irq.types import (
    IRQCHIP_ENABLE_WAKEUP_ON_SUSPEND,
    IRQCHIP_MASK_ON_SUSPEND,
    IRQD_IRQ_DISABLED,
    IRQD_IRQ_ENABLED_ON_SUSPEND,
    IRQD_IRQ_MASKED,
    IRQD_WAKEUP_ARMED,
    IRQD_WAKEUP_STATE,
    IRQF_EARLY_RESUME,
    IRQS_PENDING,
    IRQS_SUSPENDED,
    irq_desc,
    irq_desc_is_chained,
    irq_settings_is_nested_thread,
)
from irqlab.kernel.printk import KERN_INFO
from irqlab.kernel.sched.core import TASK_RUNNING, TASK_UNINTERRUPTIBLE
from irqlab.kernel.sched.wait import wait_queue_entry, wait_queue_head, wake_up

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel


def irq_pm_check_wakeup(desc: irq_desc) -> bool:
    """An armed wakeup line fired during suspend: mark it pending+suspended, disable it, wake the system."""

    common = desc.irq_common_data
    if common.state_use_accessors & IRQD_WAKEUP_ARMED:
        common.state_use_accessors &= ~IRQD_WAKEUP_ARMED
        desc.istate |= IRQS_SUSPENDED | IRQS_PENDING
        desc.depth += 1
        irq_disable(desc)
        pm_system_irq_wakeup(desc.k, desc.irq_data.irq)
        return True
    return False


def suspend_device_irq(desc: irq_desc) -> bool:
    """Disable (or arm for wakeup) one line; True if the caller must synchronize_irq()."""

    chipflags = desc.irq_data.chip.flags
    common = desc.irq_common_data
    if desc.action is None or irq_desc_is_chained(desc) or desc.no_suspend_depth:
        return False
    if common.state_use_accessors & IRQD_WAKEUP_STATE:
        common.state_use_accessors |= IRQD_WAKEUP_ARMED
        if chipflags & IRQCHIP_ENABLE_WAKEUP_ON_SUSPEND and common.state_use_accessors & IRQD_IRQ_DISABLED:
            __enable_irq(desc)
            common.state_use_accessors |= IRQD_IRQ_ENABLED_ON_SUSPEND
        return True
    desc.istate |= IRQS_SUSPENDED
    __disable_irq(desc)
    if chipflags & IRQCHIP_MASK_ON_SUSPEND:
        mask_irq(desc)
    return True


def suspend_device_irqs() -> None:
    """Disable every device interrupt line for suspend (not IRQF_NO_SUSPEND ones). May sleep."""

    k = kernel()
    for irq, desc in list(for_each_irq_desc(k)):
        if irq_settings_is_nested_thread(desc):
            continue
        flags = desc_lock_irqsave(k, desc)
        sync = suspend_device_irq(desc)
        desc_unlock_irqrestore(k, desc, flags)
        if sync and k.cpu is not None:
            synchronize_irq(irq)


def resume_irq(desc: irq_desc) -> None:
    common = desc.irq_common_data
    common.state_use_accessors &= ~IRQD_WAKEUP_ARMED
    if common.state_use_accessors & IRQD_IRQ_ENABLED_ON_SUSPEND:
        __disable_irq(desc)
        common.state_use_accessors &= ~IRQD_IRQ_ENABLED_ON_SUSPEND
    if not desc.istate & IRQS_SUSPENDED:
        if not desc.force_resume_depth:
            return
        # Pretend that it got disabled!
        desc.depth += 1
        common.state_use_accessors |= IRQD_IRQ_DISABLED | IRQD_IRQ_MASKED
    desc.istate &= ~IRQS_SUSPENDED
    __enable_irq(desc)


def resume_irqs(k: Kernel, want_early: bool) -> None:
    for _irq, desc in list(for_each_irq_desc(k)):
        is_early = desc.action is not None and bool(desc.action.flags & IRQF_EARLY_RESUME)
        if not is_early and want_early:
            continue
        if irq_settings_is_nested_thread(desc):
            continue
        flags = desc_lock_irqsave(k, desc)
        resume_irq(desc)
        desc_unlock_irqrestore(k, desc, flags)


def irq_pm_syscore_resume() -> None:
    """Syscore resume: the IRQF_EARLY_RESUME lines."""

    resume_irqs(kernel(), True)


def resume_device_irqs() -> None:
    """Re-enable every line suspend_device_irqs() disabled, replaying what arrived meanwhile."""

    resume_irqs(kernel(), False)


def rearm_wake_irq(irq: int) -> None:
    """Re-arm a wakeup line that fired during suspend (s2idle keeps going)."""

    desc = irq_to_desc(irq)
    if desc is None:
        return
    k = desc.k
    flags = desc_lock_irqsave(k, desc)
    common = desc.irq_common_data
    if desc.istate & IRQS_SUSPENDED and common.state_use_accessors & IRQD_WAKEUP_STATE and \
            not common.state_use_accessors & IRQD_WAKEUP_ARMED:  # fmt: skip
        desc.istate &= ~IRQS_SUSPENDED
        common.state_use_accessors |= IRQD_WAKEUP_ARMED
        __enable_irq(desc)
    desc_unlock_irqrestore(k, desc, flags)


# -- drivers/base/power/wakeup.c and kernel/power/suspend.c (s2idle) --------------------------------------


class PMState:
    """System sleep state: whether suspended and what woke it."""

    def __init__(self) -> None:
        self.suspended = False
        self.wakeup = False
        self.wakeup_irq = [0, 0]
        self.wq: Any = None


def pm_state(k: Kernel) -> PMState:
    st = k.subsys.get("pm")
    if st is None:

        st = k.subsys["pm"] = PMState()
        st.wq = wait_queue_head("s2idle_wait_head")
    return st  # type: ignore[no-any-return]


def pm_system_wakeup(k: Kernel) -> None:
    """Abort or end a system sleep (s2idle_wake())."""

    st = pm_state(k)
    st.wakeup = True
    if st.wq.head:
        if k.cpu is not None:
            wake_up(st.wq)
        else:
            for e in list(st.wq.head):
                k.sched.try_to_wake_up(e.task)


def pm_system_irq_wakeup(k: Kernel, irq_number: int) -> None:
    """A wakeup interrupt fired: remember it (the first two) and wake the system."""
    st = pm_state(k)
    if st.wakeup_irq[0] == 0:
        st.wakeup_irq[0] = irq_number
    elif st.wakeup_irq[1] == 0:
        st.wakeup_irq[1] = irq_number
    else:
        irq_number = 0
    if irq_number:
        pm_system_wakeup(k)


def pm_wakeup_irq() -> int:
    """The interrupt that woke the system from the last suspend (0 if none)."""

    return pm_state(kernel()).wakeup_irq[0]


def pm_suspend_s2idle() -> int:
    """enter_state(PM_SUSPEND_TO_IDLE), reduced to what the IRQ layer sees. Returns 0. May sleep.

    # SIMPLIFICATION: no task freezer, device callbacks or timekeeping suspend: the IRQ lines are
    # suspended, the calling task waits for a wakeup (a wake IRQ or Machine.resume()), and the
    # lines are resumed (IRQF_EARLY_RESUME ones first). Timers keep running while "asleep".
    """

    k = on_cpu()
    st = pm_state(k)
    k.pr(KERN_INFO, "PM: suspend entry (s2idle)")
    st.wakeup = False
    st.wakeup_irq = [0, 0]
    suspend_device_irqs()
    st.suspended = True
    # s2idle_enter(): swait_event_exclusive(s2idle_wait_head, s2idle_state == S2IDLE_STATE_WAKE). A suspended
    # machine with no wake source simply sleeps on: that is not a stall, so the plain scheduler sleep is used
    # (run() without until= returns instead of raising StalledError).
    cur = k.cpu.curr  # type: ignore[union-attr]
    entry = wait_queue_entry(cur)
    st.wq.head.append(entry)
    while not st.wakeup:
        cur.raw_state = TASK_UNINTERRUPTIBLE
        cur.wait_desc = "s2idle: waiting for a wakeup"
        k.sched.schedule()
        cur = k.cpu.curr  # type: ignore[union-attr]
    cur.raw_state = TASK_RUNNING
    st.wq.head.remove(entry)
    st.suspended = False
    irq_pm_syscore_resume()
    resume_device_irqs()
    k.pr(KERN_INFO, "PM: suspend exit")
    return 0


__all__ = ["suspend_device_irqs", "resume_device_irqs", "rearm_wake_irq", "pm_wakeup_irq"]
