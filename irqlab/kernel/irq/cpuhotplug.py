"""Mirrors kernel/irq/cpuhotplug.c (and, reduced, the parts of kernel/cpu.c it needs: remove_cpu/add_cpu).

When a CPU goes down, every started, non-per-CPU line whose effective affinity includes it is moved
to its affinity's online CPUs (or to any online CPU, "affinity broken"); a managed line whose mask
has no online CPU left is shut down. When the CPU comes back, managed lines are restarted (unless
they are disabled) and re-targeted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from irqlab.errno import EBUSY, EINVAL
from irqlab.kernel.core import kernel
from irqlab.kernel.irq.chip import irq_shutdown_and_deactivate, irq_startup_managed
from irqlab.kernel.irq.internals import desc_lock_irqsave, desc_unlock_irqrestore
from irqlab.kernel.irq.irqdesc import for_each_irq_desc
from irqlab.kernel.irq.manage_affinity import irq_do_set_affinity, irq_set_affinity_locked
from irqlab.kernel.irq.types import (
    IRQD_AFFINITY_MANAGED,
    IRQD_IRQ_STARTED,
    IRQD_MANAGED_SHUTDOWN,
    IRQD_PER_CPU,
    IRQD_SINGLE_TARGET,
    IRQS_SUSPENDED,
    irq_desc,
)
from irqlab.kernel.printk import KERN_DEBUG, KERN_INFO, KERN_NOTICE, KERN_WARNING, vprintk
from irqlab.kernel.softirq import HI_SOFTIRQ, TASKLET_SOFTIRQ, raise_softirq_on
from irqlab.kernel.time.hrtimer import HrtimerBase, _enqueue, hrtimer_try_to_cancel, program_clockevent
from irqlab.kernel.vsprintf import cpumask_list

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel


def _online(k: Kernel) -> int:
    m = 0
    for c in k.cpus:
        if c.online:
            m |= 1 << c.id
    return m


def irq_needs_fixup(k: Kernel, desc: irq_desc, cpu: int) -> bool:
    """Does the line's effective (or, if empty, general) affinity include the outgoing CPU?"""
    common = desc.irq_common_data
    m = common.effective_affinity or common.affinity
    if m & ~(1 << cpu) and not m & _online(k):
        vprintk(k, KERN_WARNING + "Eff. affinity %s of IRQ %u contains only offline CPUs after offlining CPU %u\n",
                (cpumask_list(m), desc.irq_data.irq, cpu))  # fmt: skip
        return True
    return bool(m >> cpu & 1)


def migrate_one_irq(k: Kernel, desc: irq_desc, cpu: int) -> bool:
    """Move one line off the outgoing CPU; True if its affinity had to be broken."""
    d = desc.irq_data
    chip = d.chip
    common = desc.irq_common_data
    if chip is None or chip.irq_set_affinity is None:
        if k.dyndbg:
            k.pr(KERN_DEBUG, f"IRQ {d.irq}: Unable to migrate away")
        return False
    st = common.state_use_accessors
    if st & IRQD_PER_CPU or not st & IRQD_IRQ_STARTED or not irq_needs_fixup(k, desc, cpu):
        return False
    # Every simulated chip can move its lines from process context, so no mask/unmask around it.
    affinity = common.affinity
    brokeaff = False
    online = _online(k)
    if not affinity & online:
        if st & IRQD_AFFINITY_MANAGED:
            common.state_use_accessors |= IRQD_MANAGED_SHUTDOWN
            irq_shutdown_and_deactivate(desc)
            return False
        affinity = online
        brokeaff = True
    err = irq_do_set_affinity(d, affinity, False)
    if err:
        key = ("irq_set_aff_failed", d.irq)
        if key not in k.ratelimits:
            k.ratelimits[key] = None
            k.pr(KERN_WARNING, k.format("IRQ%u: set affinity failed(%d).", (d.irq, err)))
        brokeaff = False
    return brokeaff


def irq_migrate_all_off_this_cpu(k: Kernel, cpu: int) -> None:
    """Move every line off ``cpu`` (which is already marked offline)."""
    for irq, desc in list(for_each_irq_desc(k)):
        flags = desc_lock_irqsave(k, desc)
        broken = migrate_one_irq(k, desc, cpu)
        desc_unlock_irqrestore(k, desc, flags)
        if broken and k.dyndbg:
            k.pr(KERN_DEBUG, f"IRQ {irq}: no longer affine to CPU{cpu}")


def irq_restore_affinity_of_irq(k: Kernel, desc: irq_desc, cpu: int) -> None:
    d = desc.irq_data
    common = desc.irq_common_data
    st = common.state_use_accessors
    if not st & IRQD_AFFINITY_MANAGED or desc.action is None or d.chip is None or not common.affinity >> cpu & 1:
        return
    if desc.istate & IRQS_SUSPENDED:
        return
    if st & IRQD_MANAGED_SHUTDOWN:
        irq_startup_managed(desc)
        return
    if not st & IRQD_SINGLE_TARGET:
        irq_set_affinity_locked(d, common.affinity, False)


def irq_affinity_online_cpu(k: Kernel, cpu: int) -> int:
    """CPU ``cpu`` came online: restart and re-target the managed lines that include it."""
    for _irq, desc in list(for_each_irq_desc(k)):
        flags = desc_lock_irqsave(k, desc)
        irq_restore_affinity_of_irq(k, desc, cpu)
        desc_unlock_irqrestore(k, desc, flags)
    return 0


# -- kernel/cpu.c, reduced -------------------------------------------------------------------------------


def cpu_down(k: Kernel, cpu_id: int) -> int:
    """Take CPU ``cpu_id`` offline: IRQs, timers and tasks move to the online CPUs.

    Returns 0, 1 (already offline, as device_offline()), -EINVAL (no such CPU) or -EBUSY (last CPU).
    # SIMPLIFICATION: no stop_machine and no hotplug state machine: the teardown runs in one step;
    # per-CPU kthreads (ksoftirqd/N, bound workers) are not parked but migrate like other tasks.
    """
    if not 0 <= cpu_id < len(k.cpus):
        return -EINVAL
    cpu = k.cpus[cpu_id]
    if not cpu.online:
        return 1
    if sum(1 for c in k.cpus if c.online) == 1:
        return -EBUSY
    cpu.online = False
    hook = k.subsys.get("cpu_offline_hooks")
    for fn in hook or ():
        fn(cpu)
    irq_migrate_all_off_this_cpu(k, cpu_id)
    target = next(c for c in k.cpus if c.online)
    _migrate_timers(k, cpu, target)
    _migrate_tasks(k, cpu)
    k.pr(KERN_NOTICE, f"CPU{cpu_id}: shutdown")
    k.pr(KERN_INFO, f"psci: CPU{cpu_id} killed (polled 0 ms)")
    return 0


def cpu_up(k: Kernel, cpu_id: int) -> int:
    """Bring CPU ``cpu_id`` back: tick, interrupt controller, managed IRQs. 0, -EINVAL or 1 if online."""
    if not 0 <= cpu_id < len(k.cpus):
        return -EINVAL
    cpu = k.cpus[cpu_id]
    if cpu.online:
        return 1
    k.pr(KERN_INFO, f"Detected PIPT I-cache on CPU{cpu_id}")
    cpu.online = True
    for fn in k.subsys.get("cpu_online_hooks") or ():
        fn(cpu)
    k.tick.start(cpu)
    k.pr(KERN_INFO, f"CPU{cpu_id}: Booted secondary processor 0x{cpu_id << 8:010x} [{k.board.cpu_id}]")
    irq_affinity_online_cpu(k, cpu_id)
    return 0


def _migrate_timers(k: Kernel, dead: Any, target: Any) -> None:
    """hrtimers_cpu_dying() + timers_dead_cpu(): move queued timers to ``target`` (the tick stops)."""
    import heapq


    hrtimer_try_to_cancel(dead.tick)
    base: HrtimerBase = dead.hrtimer_base
    base.softirq_activated = False
    base.fg = 0  # every queued timer moves to target's base
    for heap in (base.hard, base.soft):
        entries = [e for e in heap if e[2] is not None]
        heap.clear()
        heapq.heapify(heap)
        for e in entries:
            t = e[2]
            t._entry = None
            _enqueue(k, target, t)
    program_clockevent(k, dead)
    tb = dead.timer_base
    for bucket in sorted(tb.buckets):
        for t in list(tb.buckets[bucket]):
            tb.detach(t)
            target.timer_base.enqueue(t, bucket)
    # takeover_tasklets() (kernel/softirq.c): splice the lists and raise_softirq_irqoff() on the CPU that
    # took them, which wakes its ksoftirqd unless it is in interrupt context, so an idle CPU with its
    # tick stopped runs them too.
    for lst_name in ("tasklet_vec", "tasklet_hi_vec"):
        lst = getattr(dead, lst_name)
        if lst:
            getattr(target, lst_name).extend(lst)
            lst.clear()
            raise_softirq_on(k, target, HI_SOFTIRQ if lst_name == "tasklet_hi_vec" else TASKLET_SOFTIRQ)
    k.tick.nohz_reprogram(target)


def _migrate_tasks(k: Kernel, dead: Any) -> None:
    """Move every task queued on ``dead`` to an online CPU; the running one moves at its next schedule."""
    sched = k.sched
    for p in list(dead.rq.tasks()):
        dead.rq.dequeue(p)
        p.on_rq = False
        dest = sched.select_task_rq(p)
        sched._activate(dest, p)
        sched.check_preempt(dest, p)
    curr = dead.curr
    if curr is not dead.idle:
        curr.migrate_pending = True
        sched.resched_cpu(dead)


def remove_cpu(cpu: int) -> int:
    """Take ``cpu`` offline (kernel/cpu.c). 0 on success, 1 if already offline, -EINVAL, -EBUSY. May sleep."""
    k = kernel()
    ret = cpu_down(k, cpu)
    c = k.cpu
    if ret == 0 and c is not None and c.id == cpu and c.curr is not c.idle:
        # The caller ran on the CPU that just went away: move it now.
        k.sched.schedule()
    return ret


def add_cpu(cpu: int) -> int:
    """Bring ``cpu`` online again (kernel/cpu.c). 0 on success, 1 if already online, -EINVAL. May sleep."""
    return cpu_up(kernel(), cpu)


__all__ = ["remove_cpu", "add_cpu"]
