"""Mirrors kernel/rcu/tree_stall.h: RCU CPU stall warnings of the rcu_preempt flavour.

A grace period ends once every online CPU has passed a quiescent state: a context switch, the idle loop, or a
scheduling-clock tick that interrupts code outside any RCU reader with preemption and softirqs enabled
(rcu_flavor_sched_clock_irq()). A CPU spinning with preemption or IRQs off, or inside a softirq, passes none, so
``rcu_cpu_stall_timeout`` seconds (CONFIG_RCU_CPU_STALL_TIMEOUT, 21) after the grace period began the kernel prints
``rcu: INFO: rcu_preempt self-detected stall on CPU`` from the stalled CPU's own tick or, when that CPU cannot tick
(IRQs off), ``rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:`` from another CPU, then again every
3 * timeout + 3 jiffies while the stall lasts.

SIMPLIFICATION: irqlab has no RCU callbacks, so a grace period is taken to be always wanted (on a real system
something always is); a new one starts the moment the previous one ends, and ``q=`` (queued callbacks) is 0. The
grace-period kthread is not a task: its force-quiescent-state scans (every other jiffy: ``fqs=`` is half of ``t=``)
and the stall check run from one background event rather than from the ticks of whichever CPU is awake, and the
lowest-numbered CPU that is not stalled does the reporting. Blocked readers (the "P" entries of preempted tasks) are
not tracked. ``idle=`` counts the idle periods RCU saw on the CPU (4 per period, the watching bit set).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from irqlab.kernel.cpu import HARDIRQ_MASK, PREEMPT_MASK, SOFTIRQ_MASK
from irqlab.kernel.kconfig import CONFIG
from irqlab.kernel.printk import KERN_ERR
from irqlab.kernel.watchdog import pr, show_regs_lines, task_trace, trigger_cpu_backtrace
from irqlab.sim import PRIO_IRQ

if TYPE_CHECKING:
    from irqlab.kernel.cpu import CPU
    from irqlab.kernel.kernel import Kernel
    from irqlab.sim import Engine

RCU_SEQ_CTR_SHIFT = 2
RCU_STALL_RAT_DELAY = 2
CT_NESTING_IRQ_NONIDLE = (1 << 63) // 2  # LONG_MAX / 2 + 1
_RCU_NESTING_KEY = "rcu_read_lock_nesting"


class RcuStall:
    """Grace-period bookkeeping and the stall detector of one kernel (k.subsys["rcu_stall"])."""

    def __init__(self, k: Kernel) -> None:
        self.k = k
        #: The kernel's engine, bound once: every context switch reads its clock (note_context_switch()).
        self.engine: Engine = k.engine
        self.rcu_cpu_stall_timeout = int(CONFIG(k, "RCU_CPU_STALL_TIMEOUT"))
        bp = k.boot_params.get("rcupdate.rcu_cpu_stall_timeout")
        if bp is not None and bp.lstrip("-").isdigit():
            self.rcu_cpu_stall_timeout = int(bp)
        self.rcu_cpu_stall_suppress = 0
        self.sysctl_panic_on_rcu_stall = 0
        self.sysctl_max_rcu_stall_to_panic = 0
        self.cpu_stall = 0
        # rcu_state.gp_seq starts at (0UL - 300UL) << RCU_SEQ_CTR_SHIFT.
        self.gp_seq = -300 << RCU_SEQ_CTR_SHIFT
        self.gp_start = 0
        self.jiffies_stall = 0
        self.need = 0  # CPUs that still owe the grace period a quiescent state (qsmask)
        self.idle_periods = [0] * len(k.cpus)
        self.was_idle = [False] * len(k.cpus)
        self.behind = [0] * len(k.cpus)  # the grace period each CPU last noticed
        self.last_tick = [0] * len(k.cpus)
        self.event: list[object] | None = None
        self.next_gp_ns = 0

    # -- grace periods ------------------------------------------------------------------------------
    def rcu_jiffies_till_stall_check(self) -> int:
        """rcu_jiffies_till_stall_check(): the timeout clamped to 3..300 s, in jiffies."""
        till = min(max(self.rcu_cpu_stall_timeout, 3), 300)
        return till * self.k.hz

    def rcu_gp_init(self, j: int | None = None) -> None:
        """Start a grace period (at jiffy ``j``, default now): every online CPU owes a quiescent state;
        record_gp_stall_check_time()."""
        k = self.k
        if self.gp_seq & 3:
            self.gp_seq = (self.gp_seq | 3) + 1  # rcu_seq_end() of the previous grace period
        self.gp_seq += 1  # rcu_seq_start(): state "in progress"
        if j is None:
            j = k.jiffies
        self.gp_start = j
        # A grace period ends at the earliest in the jiffy after it began (its kthread has to run).
        self.next_gp_ns = k.jiffy_time(j + 1)
        self.jiffies_stall = j + self.rcu_jiffies_till_stall_check()
        self.need = sum(1 << c.id for c in k.cpus if c.online)
        if self.event is None:
            self._arm(self.jiffies_stall)
        # else: the pending check finds jiffies_stall moved on and re-arms itself (no heap churn per grace period)

    def _arm(self, j: int) -> None:
        k = self.k
        when = max(k.jiffy_time(j), k.engine.now)
        if self.event is not None and self.event[0] == when:
            return
        k.engine.cancel(self.event)
        self.event = k.engine.at_background(when, PRIO_IRQ, self.check_cpu_stall)

    def report_qs(self, cpu: CPU) -> None:
        """rcu_qs()/rcu_report_qs_rdp(): ``cpu`` passed a quiescent state; the grace period may end (at the
        earliest one jiffy after it began: the grace-period kthread has to run in between)."""
        self.behind[cpu.id] = self.gp_seq
        need = self.need
        if need >> cpu.id & 1:
            need &= ~(1 << cpu.id)
            self.need = need
            if need:
                self.sweep_idle()
                need = self.need
        if not need and self.engine.now >= self.next_gp_ns:
            self.rcu_gp_init()

    def _gp_done(self) -> None:
        """Every CPU has reported (maybe long ago, with no report since to start the next grace period): the
        next one began at the jiffy after this one did, when the grace-period kthread ran."""
        self.rcu_gp_init(min(self.gp_start + 1, self.k.jiffies))

    def sweep_idle(self) -> None:
        """rcu_gp_fqs()'s dyntick-idle scan: an idle CPU is in an extended quiescent state."""
        for c in self.k.cpus:
            if not self.need >> c.id & 1:
                continue
            if not c.online:
                self.need &= ~(1 << c.id)
            elif c.curr is c.idle and c.preempt_count == 0 and c.parked:
                if not self.was_idle[c.id]:
                    self.was_idle[c.id] = True
                    self.idle_periods[c.id] += 1
                self.need &= ~(1 << c.id)
            else:
                self.was_idle[c.id] = False

    def sched_clock_irq(self, cpu: CPU) -> None:
        """rcu_sched_clock_irq() -> rcu_flavor_sched_clock_irq(): a tick outside any reader, with preemption and
        softirqs enabled in the interrupted context, is a quiescent state."""
        self.behind[cpu.id] = self.gp_seq  # note_gp_changes(): the CPU notices the current grace period
        self.last_tick[cpu.id] = self.k.jiffies
        interrupted = cpu.preempt_count - (cpu.preempt_count & HARDIRQ_MASK)
        curr = cpu.curr
        if interrupted & (PREEMPT_MASK | SOFTIRQ_MASK) == 0 and not curr.data.get(_RCU_NESTING_KEY, 0):
            self.report_qs(cpu)

    def rcu_read_unlock_special(self, cpu: CPU) -> None:
        """rcu_read_unlock_special(): a reader that a tick found holding up a grace period older than a second
        (rcu_flavor_sched_clock_irq() set need_qs) reports the quiescent state when it ends."""
        if self.need >> cpu.id & 1 and self.k.jiffies - self.gp_start > self.k.hz:
            if cpu.preempt_count & (PREEMPT_MASK | SOFTIRQ_MASK | HARDIRQ_MASK) == 0:
                self.report_qs(cpu)

    def note_context_switch(self, cpu: CPU) -> None:
        """rcu_note_context_switch(): a context switch is a quiescent state."""
        need = self.need
        if need >> cpu.id & 1 or (not need and self.engine.now >= self.next_gp_ns):
            self.report_qs(cpu)

    # -- the check ------------------------------------------------------------------------------------
    def check_cpu_stall(self) -> None:
        """check_cpu_stall(): past jiffies_stall with CPUs still owing a quiescent state, report them."""
        k = self.k
        self.event = None
        if k.subsys.get("panicked"):
            return
        if not self.need:
            self._gp_done()
        self.sweep_idle()
        if not self.need:
            self.rcu_gp_init()
            return
        j = k.jiffies
        if j < self.jiffies_stall:
            self._arm(self.jiffies_stall)
            return
        if self.rcu_cpu_stall_suppress or self.rcu_cpu_stall_timeout <= 0:
            self._arm(j + self.rcu_jiffies_till_stall_check())
            return
        stalled = [c for c in k.cpus if self.need >> c.id & 1]
        # A stalled CPU whose tick still runs reports itself at jiffies_stall; the others wait RCU_STALL_RAT_DELAY
        # more jiffies for it before complaining.
        ticking = [c for c in stalled if j - self.last_tick[c.id] <= RCU_STALL_RAT_DELAY]
        if not ticking and j < self.jiffies_stall + RCU_STALL_RAT_DELAY:
            self._arm(self.jiffies_stall + RCU_STALL_RAT_DELAY)
            return
        # The next warning for this grace period: 3 * rcu_jiffies_till_stall_check() + 3 jiffies on.
        self.jiffies_stall = j + 3 * self.rcu_jiffies_till_stall_check() + 3
        self._arm(self.jiffies_stall)
        if ticking:
            self.print_cpu_stall(ticking[0])
        else:
            others = [c for c in k.cpus if c.online and c not in stalled]
            self.print_other_cpu_stall(stalled, others[0] if others else stalled[0])
        if self.sysctl_panic_on_rcu_stall:  # panic_on_rcu_stall()
            self.cpu_stall += 1
            if self.cpu_stall >= self.sysctl_max_rcu_stall_to_panic:
                k.bugs.panic("RCU Stall\n".rstrip("\n"))

    def print_cpu_stall_info(self, cpu: CPU) -> str:
        """print_cpu_stall_info()'s line for ``cpu``."""
        k = self.k
        t = k.jiffies - self.gp_start
        if self.behind[cpu.id] != self.gp_seq:
            ticks = f"{max(1, (self.gp_seq - self.behind[cpu.id]) >> RCU_SEQ_CTR_SHIFT)} GPs behind"
        else:
            ticks = f"{t} ticks this GP"
        # The rcu_iw irq_work queued on the stalled CPU is still pending when its IRQs are off.
        iw = "0" if cpu.irqs_off else "."
        watching = (self.idle_periods[cpu.id] * 4 + 1) & 0xFFFF
        nmi_nesting = CT_NESTING_IRQ_NONIDLE + (2 if cpu.preempt_count & HARDIRQ_MASK else 0)
        softirq = cpu.softirq_counts[9]
        return (f"\t{cpu.id}-{'.' if cpu.online else 'O'}..{iw}: ({ticks}) idle={watching:04x}/1/{nmi_nesting:#x} "
                f"softirq={softirq}/{softirq} fqs={t // 2}")  # fmt: skip

    def print_other_cpu_stall(self, stalled: list[CPU], by: CPU) -> None:
        """print_other_cpu_stall(): the stalled CPUs, who detected them, and their backtraces."""
        k = self.k
        lines = ["rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:"]
        lines += ["rcu: " + self.print_cpu_stall_info(c) for c in stalled]
        lines.append(f"rcu: \t(detected by {by.id}, t={k.jiffies - self.gp_start} jiffies, g={self.gp_seq}, q=0 "
                     f"ncpus={sum(c.online for c in k.cpus)})")  # fmt: skip
        prev = k.cpu
        k.cpu = by
        try:
            pr(k, KERN_ERR, "\n".join(lines))
            trigger_cpu_backtrace(k, stalled, by)  # rcu_dump_cpu_stacks() -> dump_cpu_task()
        finally:
            k.cpu = prev

    def print_cpu_stall(self, cpu: CPU) -> None:
        """print_cpu_stall(): the stalled CPU reports itself from its tick, with its own backtrace."""
        k = self.k
        lines = ["rcu: INFO: rcu_preempt self-detected stall on CPU", "rcu: " + self.print_cpu_stall_info(cpu),
                 f"rcu: \t(t={k.jiffies - self.gp_start} jiffies g={self.gp_seq} q=0 "
                 f"ncpus={sum(c.online for c in k.cpus)})"]  # fmt: skip
        prev = k.cpu
        k.cpu = cpu
        try:
            pr(k, KERN_ERR, "\n".join(lines))
            pr(k, KERN_ERR, f"NMI backtrace for cpu {cpu.id}")
            pr(k, KERN_ERR, "\n".join(show_regs_lines(k, task_trace(k, cpu.curr))))
        finally:
            k.cpu = prev


def rcu_init(k: Kernel) -> None:
    """rcu_init() and the stall detector's sysctls: the first grace period starts at boot."""
    rs = RcuStall(k)
    k.subsys["rcu_stall"] = rs
    k.tick_hooks.append(rs.sched_clock_irq)
    k.sched.rcu = rs  # rcu_note_context_switch() at every context switch
    rs.rcu_gp_init()
    rs.behind = [rs.gp_seq] * len(k.cpus)
    # fs/sysctl.py's rcu_stall_sysctl_init() registers the files when the filesystem mounts.

    k.subsys.setdefault("fs_hooks", []).append("rcu_stall_sysctl_init")
