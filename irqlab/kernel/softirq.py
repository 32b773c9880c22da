"""Softirqs, irq_enter/irq_exit and ksoftirqd. Mirrors kernel/softirq.c (!PREEMPT_RT and RT paths).

Softirqs run in ascending vector order at irq_exit, at ``local_bh_enable()`` and in
``ksoftirqd/N``. One pass may restart while less than MAX_SOFTIRQ_TIME (in jiffies)
has passed, nothing needs rescheduling and fewer than MAX_SOFTIRQ_RESTART passes ran;
past that, ksoftirqd takes over.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Final, cast

from irqlab.kernel.cachecost import IRQ_PATH
from irqlab.kernel.core import kernel, on_cpu
from irqlab.kernel.cpu import (
    CPU,
    HARDIRQ_MASK,
    HARDIRQ_OFFSET,
    NMI_MASK,
    SOFTIRQ_DISABLE_OFFSET,
    SOFTIRQ_MASK,
    SOFTIRQ_OFFSET,
    burn,
    cpu_wait,
    take_interrupts,
)
from irqlab.kernel.preempt import local_irq_restore, local_irq_save
from irqlab.kernel.printk import KERN_ERR, vprintk
from irqlab.kernel.sched.core import TASK_INTERRUPTIBLE, TASK_RUNNING
from irqlab.kernel.sched.cputime import irqtime_account_irq
from irqlab.kernel.stacktrace import ENABLED as KSTACK
from irqlab.kernel.stacktrace import pop, push, unwind

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel

HI_SOFTIRQ: Final = 0
TIMER_SOFTIRQ: Final = 1
NET_TX_SOFTIRQ: Final = 2
NET_RX_SOFTIRQ: Final = 3
BLOCK_SOFTIRQ: Final = 4
IRQ_POLL_SOFTIRQ: Final = 5
TASKLET_SOFTIRQ: Final = 6
SCHED_SOFTIRQ: Final = 7
HRTIMER_SOFTIRQ: Final = 8
RCU_SOFTIRQ: Final = 9
NR_SOFTIRQS: Final = 10

SOFTIRQ_TO_NAME = ("HI", "TIMER", "NET_TX", "NET_RX", "BLOCK", "IRQ_POLL", "TASKLET", "SCHED", "HRTIMER", "RCU")

MAX_SOFTIRQ_RESTART: Final = 10

_INTERRUPT_MASK: Final = NMI_MASK | HARDIRQ_MASK | SOFTIRQ_MASK

SoftirqAction = Callable[[], None]


def _noop() -> None:
    return None


class SoftirqVec:
    """The softirq_vec[] table of one kernel."""

    def __init__(self) -> None:
        self.actions: list[SoftirqAction] = [_noop] * NR_SOFTIRQS
        self.names: list[str] = ["-"] * NR_SOFTIRQS


def open_softirq(nr: int, action: SoftirqAction) -> None:
    """Install the handler of softirq vector ``nr``."""
    if not 0 <= nr < NR_SOFTIRQS:
        raise ValueError(f"softirq vector {nr} is out of range 0..{NR_SOFTIRQS - 1}")
    k = kernel()
    k.softirq.actions[nr] = action
    k.softirq.names[nr] = getattr(action, "__name__", "?")


# -- raising --------------------------------------------------------------------------


def raise_softirq_on(k: Kernel, cpu: CPU, nr: int) -> None:
    """raise_softirq_irqoff() on ``cpu`` (the current CPU)."""
    cpu.softirq_pending |= 1 << nr
    tp = k.tp.softirq_raise
    if tp.on:
        tp.emit(cpu.id, vec=nr, action=SOFTIRQ_TO_NAME[nr])
    # If we're in an interrupt or softirq, we're done (this also catches softirq-disabled
    # code): the softirq runs at irq_exit or local_bh_enable. Otherwise wake ksoftirqd.
    if not cpu.preempt_count & _INTERRUPT_MASK or k.preempt_rt:
        wakeup_softirqd(k, cpu)


def raise_softirq_irqoff(nr: int) -> None:
    """Mark softirq ``nr`` pending on this CPU (interrupts must be off)."""
    k = on_cpu()
    raise_softirq_on(k, k.cpu, nr)  # type: ignore[arg-type]


def raise_softirq(nr: int) -> None:
    """Mark softirq ``nr`` pending on this CPU."""
    flags = local_irq_save()
    raise_softirq_irqoff(nr)
    local_irq_restore(flags)
    on_cpu().sched.preempt_check_local()


def __raise_softirq_irqoff(nr: int) -> None:
    k = on_cpu()
    cpu = k.cpu
    assert cpu is not None
    cpu.softirq_pending |= 1 << nr
    tp = k.tp.softirq_raise
    if tp.on:
        tp.emit(cpu.id, vec=nr, action=SOFTIRQ_TO_NAME[nr])


def local_softirq_pending() -> int:
    return cast("CPU", on_cpu().cpu).softirq_pending


def wakeup_softirqd(k: Kernel, cpu: CPU) -> None:
    t = cpu.ksoftirqd
    if t is not None:
        k.sched.try_to_wake_up(t)


# -- processing -----------------------------------------------------------------------


def handle_softirqs(k: Kernel, cpu: CPU, ksirqd: bool) -> None:
    """__do_softirq(): run pending softirqs with the restart limits. Called with IRQs off."""
    kdepth = push("handle_softirqs") if KSTACK else 0
    end = k.jiffies + k.max_softirq_time
    max_restart = MAX_SOFTIRQ_RESTART
    cpu.preempt_count += SOFTIRQ_OFFSET
    if k.irqtime:
        # account_softirq_enter(): the interval it closes is task (or BH-disabled) time, never charged, so
        # irqtime_account_irq(curr, SOFTIRQ_OFFSET) reduces to taking the stamp.
        cpu.irqtime_start = k.engine.now
    actions = k.softirq.actions
    tp_entry = k.tp.softirq_entry
    tp_exit = k.tp.softirq_exit
    entry_cost = k.costs.get("softirq_entry", 0)
    # An action that sleeps ("scheduling while atomic") may resume on another CPU: this loop then goes
    # on there, as the kernel's would on whatever CPU the context continues on, so every access to
    # per-CPU state goes through k.cpu, read again after anything that may switch.
    while True:
        pending = cpu.softirq_pending
        cpu.softirq_pending = 0
        cpu.irqs_off = False
        if cpu.irq_pending:
            take_interrupts(k, cpu)
            cpu = k.cpu  # type: ignore[assignment]
        nr = 0
        while pending:
            if pending & 1:
                cpu.softirq_counts[nr] += 1
                if tp_entry.on:
                    tp_entry.emit(cpu.id, vec=nr, action=SOFTIRQ_TO_NAME[nr])
                prev_count = cpu.preempt_count
                try:
                    if entry_cost:
                        burn(k, entry_cost, False)
                    actions[nr]()
                except BaseException as exc:  # noqa: BLE001 - driver faults become oopses
                    if KSTACK:
                        unwind(kdepth, exc, own=True)
                    k.fault(exc, "softirq")
                    cpu = k.cpu  # type: ignore[assignment]
                    cpu.preempt_count = prev_count
                    cpu.irqs_off = False
                cpu = k.cpu  # type: ignore[assignment]
                if cpu.preempt_count != prev_count:
                    vprintk(k, KERN_ERR + "softirq: huh, entered softirq %u %s %ps with preempt_count %08x, exited with %08x?\n",
                            (nr, SOFTIRQ_TO_NAME[nr], actions[nr], prev_count, cpu.preempt_count))  # fmt: skip
                    cpu.preempt_count = prev_count
                if tp_exit.on:
                    tp_exit.emit(cpu.id, vec=nr, action=SOFTIRQ_TO_NAME[nr])
            pending >>= 1
            nr += 1
        cpu.irqs_off = True
        if cpu.softirq_pending:
            max_restart -= 1
            if k.jiffies < end and not cpu.need_resched and max_restart:
                continue
            wakeup_softirqd(k, cpu)
        break
    if k.irqtime:
        irqtime_account_irq(k, cpu, 0)  # account_softirq_exit()
    cpu.preempt_count -= SOFTIRQ_OFFSET
    if KSTACK:
        pop(kdepth)


def do_softirq(k: Kernel, cpu: CPU) -> None:
    """do_softirq(): run pending softirqs now unless in interrupt context."""
    if cpu.preempt_count & _INTERRUPT_MASK:
        return
    was_off = cpu.irqs_off
    cpu.irqs_off = True
    if cpu.softirq_pending:
        handle_softirqs(k, cpu, False)
        cpu = k.cpu  # type: ignore[assignment]
    cpu.irqs_off = was_off


def local_bh_enable_ip(k: Kernel, cnt: int) -> None:
    """__local_bh_enable_ip(): drop the BH count; run pending softirqs at the outermost enable."""
    cpu = k.cpu
    assert cpu is not None
    if k.preempt_rt:
        cpu.preempt_count -= cnt
        if not cpu.preempt_count & SOFTIRQ_MASK and cpu.softirq_pending and not cpu.irqs_off:
            do_softirq(k, cpu)
        return
    # Keep preemption disabled until softirq processing is done.
    cpu.preempt_count -= cnt - 1
    if not cpu.preempt_count & _INTERRUPT_MASK and cpu.softirq_pending:
        do_softirq(k, cpu)
        cpu = k.cpu
        assert cpu is not None
    cpu.preempt_count -= 1
    if cpu.need_resched and cpu.preempt_count == 0 and not cpu.irqs_off and k.preempt_full:
        k.sched.preempt_schedule()


# -- hardirq entry/exit ---------------------------------------------------------------


def local_bh_disable() -> None:
    """Disable softirq processing on this CPU (include/linux/bottom_half.h)."""
    k = on_cpu()
    cast("CPU", k.cpu).preempt_count += SOFTIRQ_DISABLE_OFFSET


def local_bh_enable() -> None:
    """Re-enable softirqs; runs pending softirqs if this was the outermost disable (include/linux/bottom_half.h)."""
    k = on_cpu()
    local_bh_enable_ip(k, SOFTIRQ_DISABLE_OFFSET)


def irq_enter(k: Kernel, cpu: CPU) -> None:
    """Enter hard interrupt context: IRQs off, HARDIRQ count, entry cost."""
    cpu.irqs_off = True
    cpu.preempt_count += HARDIRQ_OFFSET
    if k.irqtime:
        irqtime_account_irq(k, cpu, HARDIRQ_OFFSET)  # account_hardirq_enter()
    tp = k.tp.irq_entry
    if tp.on:
        tp.emit(cpu.id, cpu=cpu.id)
    cost = k.irq_entry_cost
    if k.irq_entry_jitter:
        # Seeded jitter on top of the board's figure: an exponential tail (cache misses, bus contention).
        cost += int(k.engine.rng.expovariate(1.0 / k.irq_entry_jitter))
    if k.cache_cost is not None:
        # The entry path refetches the lines a memory-hungry task evicted (kernel/cachecost.py).
        cost += k.cache_cost.penalty(cpu, IRQ_PATH)
    if cost:
        cpu_wait(k, cpu, k.engine.now + cost)


def irq_exit(k: Kernel, cpu: CPU) -> None:
    """Leave hard interrupt context; run pending softirqs unless still in interrupt context."""
    cost = k.irq_exit_cost
    debt = cpu.irq_exit_debt  # what the interrupt controller's driver left for the exit path (CPU.irq_exit_debt)
    if debt:
        cpu.irq_exit_debt = 0
        cost += debt
    if cost:
        cpu_wait(k, cpu, k.engine.now + cost)
    if k.irqtime:
        irqtime_account_irq(k, cpu, 0)  # account_hardirq_exit()
    cpu.preempt_count -= HARDIRQ_OFFSET
    tp = k.tp.irq_exit
    if tp.on:
        tp.emit(cpu.id, cpu=cpu.id)
    if not cpu.preempt_count & _INTERRUPT_MASK and cpu.softirq_pending:
        invoke_softirq(k, cpu)
        cpu = k.cpu  # type: ignore[assignment]
    cpu.irqs_off = False


def invoke_softirq(k: Kernel, cpu: CPU) -> None:
    if k.force_irqthreads and cpu.ksoftirqd is not None:
        wakeup_softirqd(k, cpu)
    else:
        handle_softirqs(k, cpu, False)


# -- ksoftirqd ----------------------------------------------------------------------------


def ksoftirqd_fn(cpu_id: int) -> None:
    """smpboot thread body of ksoftirqd/N: run softirqs while any are pending."""
    if KSTACK:
        push("ksoftirqd_fn")  # never returns
    k = on_cpu()
    while True:
        cpu = k.cpu
        assert cpu is not None
        cur = cpu.curr
        cur.raw_state = TASK_INTERRUPTIBLE
        if not cpu.softirq_pending:
            cur.wait_desc = "softirq work"
            k.sched.schedule()
            continue
        cur.raw_state = TASK_RUNNING
        # run_ksoftirqd()
        cpu.irqs_off = True
        if cpu.softirq_pending:
            handle_softirqs(k, cpu, True)
        cpu = k.cpu
        assert cpu is not None
        cpu.irqs_off = False
        if cpu.irq_pending:
            take_interrupts(k, cpu)  # type: ignore[arg-type]
        # cond_resched()
        cpu = k.cpu
        assert cpu is not None
        if cpu.need_resched:
            k.sched.preempt_schedule()


__all__ = [
    "HI_SOFTIRQ",
    "TIMER_SOFTIRQ",
    "NET_TX_SOFTIRQ",
    "NET_RX_SOFTIRQ",
    "BLOCK_SOFTIRQ",
    "IRQ_POLL_SOFTIRQ",
    "TASKLET_SOFTIRQ",
    "SCHED_SOFTIRQ",
    "HRTIMER_SOFTIRQ",
    "RCU_SOFTIRQ",
    "NR_SOFTIRQS",
    "SOFTIRQ_TO_NAME",
    "MAX_SOFTIRQ_RESTART",
    "open_softirq",
    "raise_softirq",
    "raise_softirq_irqoff",
    "local_softirq_pending",
    "local_bh_disable",
    "local_bh_enable",
]
