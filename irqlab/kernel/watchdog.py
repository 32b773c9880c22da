"""Mirrors kernel/watchdog.c: the soft lockup detector and the common part of the hard lockup detectors.

Each CPU runs ``watchdog_timer_fn``, a pinned hard hrtimer, every ``sample_period`` = 2 * watchdog_thresh / 5
seconds (4 s by default). It counts ``hrtimer_interrupts`` (what the hard lockup detectors watch) and queues
``softlockup_fn`` on the CPU's stopper, the highest-priority thing a CPU can run; that function stamps
``watchdog_touch_ts``. When the stamp is older than 2 * watchdog_thresh (in the kernel's ~1.07 s units of
``running_clock() >> 30``) the timer prints ``BUG: soft lockup``. A CPU with IRQs off runs no hrtimer at all:
the hard lockup detector (kernel/watchdog_buddy.c or kernel/watchdog_perf.c) reports it.

Only built when the board's kconfig has SOFTLOCKUP_DETECTOR (see :mod:`irqlab.kernel.kconfig`).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from irqlab.kernel.core import on_cpu
from irqlab.kernel.cpu import HARDIRQ_MASK, SOFTIRQ_OFFSET, raise_interrupt
from irqlab.kernel.kconfig import CONFIG, IS_ENABLED
from irqlab.kernel.panic import TAINT_SOFTLOCKUP
from irqlab.kernel.printk import KERN_DEFAULT, KERN_EMERG, KERN_INFO, KERN_WARNING, vprintk
from irqlab.kernel.stacktrace import kstack, live_frames, task_kstack, virtual_stack
from irqlab.kernel.time.hrtimer import (
    CLOCK_MONOTONIC,
    HRTIMER_MODE_REL_PINNED_HARD,
    HRTIMER_NORESTART,
    HRTIMER_RESTART,
    hrtimer,
    hrtimer_forward_now,
    hrtimer_init,
    hrtimer_start,
    hrtimer_try_to_cancel,
)
from irqlab.kernel.watchdog_buddy import watchdog_buddy_check_hardlockup, watchdog_hardlockup_enable, watchdog_next_cpu
from irqlab.kernel.watchdog_perf import watchdog_hardlockup_enable as perf_enable

if TYPE_CHECKING:
    from irqlab.kernel.cpu import CPU
    from irqlab.kernel.kernel import Kernel
    from irqlab.kernel.sched.core import Task

NSEC_PER_SEC = 1_000_000_000
WATCHDOG_HARDLOCKUP_ENABLED_BIT = 0
WATCHDOG_SOFTOCKUP_ENABLED_BIT = 1
WATCHDOG_HARDLOCKUP_ENABLED = 1 << WATCHDOG_HARDLOCKUP_ENABLED_BIT
WATCHDOG_SOFTOCKUP_ENABLED = 1 << WATCHDOG_SOFTOCKUP_ENABLED_BIT
SOFTLOCKUP_DELAY_REPORT = (1 << 64) - 1  # ULONG_MAX
# arch/arm64/kernel/smp.c: the IPI that asks a CPU for its backtrace ("CPU backtrace interrupts").
IPI_CPU_BACKTRACE = 6


def pr(k: Kernel, level: str, text: str) -> None:
    for line in text.split("\n"):
        vprintk(k, level + "%s\n", (line,))


# -- stacks ---------------------------------------------------------------------------------------------


def interrupted_trace(k: Kernel) -> list[str]:
    """Call-trace lines of the context the running interrupt interrupted (get_irq_regs()), innermost first;
    empty outside an interrupt."""
    return k.bugs.trace_of(virtual_stack(live_frames(sys._getframe().f_back), kstack()), interrupted=True, set_irq=False)


def show_regs_lines(k: Kernel, trace: list[str]) -> list[str]:
    """show_regs() of the current CPU: the dump_stack_print_info() lines, pc and lr (RIP on x86), the call trace.
    SIMPLIFICATION: the register file (pstate, sp, x0-x29) is not modelled, so it is not printed."""
    # The registers are the interrupted context's: its stack is the task's, nothing of it is on the IRQ stack.
    return k.bugs.dump_stack_lines(trace, regs=True, irq_frames=0)


def task_trace(k: Kernel, t: Task) -> list[str]:
    """The call trace of a task that is not running (sched_show_task()'s show_stack())."""
    glet = t.fiber.glet if t.fiber is not None else None
    if glet is None:
        return []
    return k.bugs.trace_of(virtual_stack(live_frames(glet.gr_frame), task_kstack(glet)), set_irq=False)


# -- the detector ---------------------------------------------------------------------------------------


class WatchdogCPU:
    """The per-CPU variables of kernel/watchdog.c (and watchdog_buddy.c)."""

    __slots__ = ("hrtimer", "touch_ts", "report_ts", "hrtimer_interrupts", "hrtimer_interrupts_saved",
                 "completion_done", "stop_pending", "hardlockup_touched", "hardlockup_warned")  # fmt: skip

    def __init__(self) -> None:
        self.hrtimer = hrtimer()
        self.touch_ts = 0
        self.report_ts = 0
        self.hrtimer_interrupts = 0
        self.hrtimer_interrupts_saved = 0
        self.completion_done = True
        self.stop_pending = False
        self.hardlockup_touched = False
        self.hardlockup_warned = False


class Watchdog:
    """The lockup detectors of one kernel (k.subsys["watchdog"])."""

    def __init__(self, k: Kernel) -> None:
        self.k = k
        self.hardlockup = str(CONFIG(k, "HARDLOCKUP_DETECTOR") or "")
        bp = k.boot_params
        self.watchdog_user_enabled = 0 if "nowatchdog" in bp else 1
        self.soft_watchdog_user_enabled = 0 if "nosoftlockup" in bp else 1
        self.nmi_watchdog_user_enabled = 1 if self.hardlockup else 0
        self.watchdog_hardlockup_available = bool(self.hardlockup)
        self.softlockup_panic = int(CONFIG(k, "BOOTPARAM_SOFTLOCKUP_PANIC"))
        self.hardlockup_panic = int(CONFIG(k, "BOOTPARAM_HARDLOCKUP_PANIC"))
        self.watchdog_thresh = 10
        self.softlockup_all_cpu_backtrace = 0
        self.hardlockup_all_cpu_backtrace = 0
        self.watchdog_cpumask = (1 << len(k.cpus)) - 1
        # The __setup() handlers of kernel/watchdog.c.
        if bp.get("watchdog_thresh") is not None:
            self.watchdog_thresh = _get_option(bp.get("watchdog_thresh"), self.watchdog_thresh)
        if bp.get("softlockup_panic") is not None:
            self.softlockup_panic = _get_option(bp.get("softlockup_panic"), 0)
        nmi = bp.get("nmi_watchdog")
        if nmi is not None and self.hardlockup:  # hardlockup_panic_setup()
            if nmi.startswith("panic"):
                self.hardlockup_panic = 1
            elif nmi.startswith("nopanic"):
                self.hardlockup_panic = 0
            elif nmi.startswith("0"):
                self.nmi_watchdog_user_enabled = 0
            elif nmi.startswith("1"):
                self.nmi_watchdog_user_enabled = 1
        self.watchdog_enabled = 0
        self.sample_period = 0
        self.percpu = [WatchdogCPU() for _ in k.cpus]
        #: kernel/watchdog_buddy.c's watchdog_cpus.
        self.watchdog_cpus = 0
        self.allowed_mask = 0
        #: Bumped by each reconfiguration, so that the perf NMIs of the previous one stop.
        self.generation = 0

    # -- configuration ------------------------------------------------------------------------------
    def lockup_detector_update_enable(self) -> None:
        """lockup_detector_update_enable()."""
        self.watchdog_enabled = 0
        if not self.watchdog_user_enabled:
            return
        if self.watchdog_hardlockup_available and self.nmi_watchdog_user_enabled:
            self.watchdog_enabled |= WATCHDOG_HARDLOCKUP_ENABLED
        if self.soft_watchdog_user_enabled:
            self.watchdog_enabled |= WATCHDOG_SOFTOCKUP_ENABLED

    def set_sample_period(self) -> None:
        """set_sample_period(): get_softlockup_thresh() * (NSEC_PER_SEC / 5)."""
        self.sample_period = self.watchdog_thresh * 2 * (NSEC_PER_SEC // 5)

    def get_timestamp(self) -> int:
        """running_clock() >> 30: seconds, approximately (2^30 ns ~ 1.074 s)."""
        return self.k.engine.now >> 30

    def reconfigure(self) -> None:
        """__lockup_detector_reconfigure(): stop every CPU's watchdog, update the variables, restart."""
        for cpu in self.k.cpus:
            if self.allowed_mask >> cpu.id & 1:
                self.watchdog_disable(cpu)
        self.allowed_mask = 0
        self.watchdog_cpus = 0
        self.generation += 1
        self.lockup_detector_update_enable()
        self.set_sample_period()
        if self.watchdog_enabled and self.watchdog_thresh:
            self.allowed_mask = self.watchdog_cpumask
            for cpu in self.k.cpus:
                if self.allowed_mask >> cpu.id & 1 and cpu.online:
                    self.watchdog_enable(cpu)

    def watchdog_enable(self, cpu: CPU) -> None:
        """watchdog_enable(): arm the CPU's hrtimer, stamp the CPU, enable the hard lockup detector."""
        w = self.percpu[cpu.id]
        w.completion_done = True
        t = w.hrtimer
        t._cpu = cpu.id  # started from outside every CPU: queue it on its own CPU (HRTIMER_MODE_PINNED)
        hrtimer_init(t, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED_HARD)
        t.function = self.watchdog_timer_fn
        t.background = True
        k = self.k
        prev = k.cpu
        k.cpu = None  # type: ignore[assignment]  # pinned to its own CPU, whoever starts it (smp_call_on_cpu())
        try:
            hrtimer_start(t, self.sample_period, HRTIMER_MODE_REL_PINNED_HARD)
        finally:
            k.cpu = prev
        self.update_touch_ts(cpu)
        if self.watchdog_enabled & WATCHDOG_HARDLOCKUP_ENABLED:
            self.watchdog_hardlockup_enable(cpu)

    def watchdog_disable(self, cpu: CPU) -> None:
        """watchdog_disable() (and watchdog_hardlockup_disable(): the buddy after this CPU gets a grace)."""
        if self.hardlockup == "buddy":

            nxt = watchdog_next_cpu(self, cpu.id)
            if nxt is not None:
                self.percpu[nxt].hardlockup_touched = True
        self.watchdog_cpus &= ~(1 << cpu.id)
        hrtimer_try_to_cancel(self.percpu[cpu.id].hrtimer)
        self.percpu[cpu.id].stop_pending = False
        if cpu.stop_work == self.softlockup_fn:
            cpu.stop_work = None

    # -- soft lockup ----------------------------------------------------------------------------------
    def update_report_ts(self, cpu: CPU) -> None:
        self.percpu[cpu.id].report_ts = self.get_timestamp()

    def update_touch_ts(self, cpu: CPU) -> None:
        self.percpu[cpu.id].touch_ts = self.get_timestamp()
        self.update_report_ts(cpu)

    def softlockup_fn(self, cpu: CPU) -> None:
        """softlockup_fn(), run by the CPU's stopper: stamp the CPU and complete softlockup_completion."""
        w = self.percpu[cpu.id]
        w.stop_pending = False
        self.update_touch_ts(cpu)
        w.completion_done = True

    def stop_one_cpu_nowait(self, cpu: CPU) -> None:
        """Queue softlockup_fn on the CPU's stopper.
        SIMPLIFICATION: the stopper (migration/N) is not a task: its work runs where the kernel would switch to
        it: on return from this interrupt when the interrupted context can be preempted (preempt_count 0 and
        IRQs on, on a preemptible kernel, in the idle task or in user mode), else at the CPU's next schedule()."""
        self.percpu[cpu.id].stop_pending = True
        cpu.stop_work = self.softlockup_fn

    def is_softlockup(self, touch_ts: int, period_ts: int, now: int) -> int:
        """is_softlockup(): seconds stuck, or 0."""
        if self.watchdog_enabled & WATCHDOG_SOFTOCKUP_ENABLED and self.watchdog_thresh:
            if now > period_ts + self.watchdog_thresh * 2:  # time_after(now, period_ts + thresh)
                return now - touch_ts
        return 0

    def watchdog_timer_fn(self, timer: hrtimer) -> int:
        """watchdog_timer_fn(): the per-CPU hrtimer, in hardirq context."""
        k = self.k
        cpu = k.cpu
        if not self.watchdog_enabled:
            return HRTIMER_NORESTART
        w = self.percpu[cpu.id]
        # watchdog_hardlockup_kick()
        w.hrtimer_interrupts += 1
        if self.hardlockup == "buddy" and self.watchdog_enabled & WATCHDOG_HARDLOCKUP_ENABLED:
            watchdog_buddy_check_hardlockup(self, cpu, w.hrtimer_interrupts)  # type: ignore[arg-type]
        if w.completion_done:
            w.completion_done = False
            self.stop_one_cpu_nowait(cpu)  # type: ignore[arg-type]
        hrtimer_forward_now(timer, self.sample_period)
        now = self.get_timestamp()
        period_ts = w.report_ts
        if period_ts == SOFTLOCKUP_DELAY_REPORT:
            self.update_report_ts(cpu)  # type: ignore[arg-type]
            return HRTIMER_RESTART
        touch_ts = w.touch_ts
        duration = self.is_softlockup(touch_ts, period_ts, now)
        if duration:
            self.update_report_ts(cpu)  # type: ignore[arg-type]
            curr = cpu.curr
            pr(k, KERN_EMERG, f"watchdog: BUG: soft lockup - CPU#{cpu.id} stuck for {duration}s! [{curr.comm}:{curr.pid}]")
            lines = [k.bugs.modules_line()] + show_regs_lines(k, interrupted_trace(k))
            pr(k, KERN_DEFAULT, "\n".join(lines))
            k.bugs.add_taint(TAINT_SOFTLOCKUP)
            if self.softlockup_all_cpu_backtrace:
                trigger_cpu_backtrace(k, [c for c in k.cpus if c is not cpu and c.online], cpu)  # type: ignore[arg-type]
            if self.softlockup_panic:
                k.bugs.panic("softlockup: hung tasks")
        return HRTIMER_RESTART

    # -- hard lockup (common part) ----------------------------------------------------------------------
    def watchdog_hardlockup_enable(self, cpu: CPU) -> None:
        if self.hardlockup == "buddy":

            watchdog_hardlockup_enable(self, cpu)
        elif self.hardlockup == "perf":

            perf_enable(self, cpu)

    def is_hardlockup(self, cpu: int) -> bool:
        """is_hardlockup(): no hrtimer interrupt on ``cpu`` since the last check."""
        w = self.percpu[cpu]
        hrint = w.hrtimer_interrupts
        if w.hrtimer_interrupts_saved == hrint:
            return True
        w.hrtimer_interrupts_saved = hrint
        return False

    def watchdog_hardlockup_check(self, cpu: int, this_cpu: CPU | None) -> None:
        """watchdog_hardlockup_check(): report ``cpu`` once if its hrtimer stopped counting.
        ``this_cpu`` is the CPU running the check (None for a perf NMI on ``cpu`` itself)."""
        w = self.percpu[cpu]
        if w.hardlockup_touched:
            w.hardlockup_touched = False
            return
        if not self.is_hardlockup(cpu):
            w.hardlockup_warned = False
            return
        if w.hardlockup_warned:
            return
        k = self.k
        target = k.cpus[cpu]
        pr(k, KERN_EMERG, f"watchdog: Watchdog detected hard LOCKUP on cpu {cpu}")
        pr(k, KERN_DEFAULT, k.bugs.modules_line())
        if this_cpu is None or this_cpu is target:
            trace = task_trace(k, target.curr) if this_cpu is None else interrupted_trace(k)
            prev = k.cpu
            k.cpu = target
            try:
                pr(k, KERN_DEFAULT, "\n".join(show_regs_lines(k, trace)))
            finally:
                k.cpu = prev
        else:
            trigger_cpu_backtrace(k, [target], this_cpu)
        if self.hardlockup_all_cpu_backtrace:
            src = this_cpu if this_cpu is not None else target
            trigger_cpu_backtrace(k, [c for c in k.cpus if c is not target and c is not src and c.online], src)
        if self.hardlockup_panic:
            k.bugs.panic("Hard LOCKUP")
        w.hardlockup_warned = True


def _get_option(text: str | None, default: int) -> int:
    try:
        return int(text or "", 0)
    except ValueError:
        return default


# -- backtraces of other CPUs (lib/nmi_backtrace.c) ----------------------------------------------------------


def trigger_cpu_backtrace(k: Kernel, cpus: list[CPU], this_cpu: CPU) -> None:
    """nmi_trigger_cpumask_backtrace(): ask ``cpus`` for their backtraces.
    On arm64 with a GIC-400 (no pseudo-NMI) the request is an ordinary IPI, so a CPU with IRQs off answers
    only once it enables them. SIMPLIFICATION: the requesting CPU does not wait up to 10 s for the answers."""
    if not cpus:
        return
    mask = ",".join(str(c.id) for c in cpus)
    pr(k, KERN_INFO, f"Sending NMI from CPU {this_cpu.id} to CPUs {mask}:")
    for c in cpus:
        raise_interrupt(k, c, _ipi_cpu_backtrace)


def _ipi_cpu_backtrace(cpu: CPU) -> None:
    """nmi_cpu_backtrace(): 'NMI backtrace for cpu N' and show_regs() of what the IPI interrupted."""
    k = cpu.k
    cpu.ipi_counts[IPI_CPU_BACKTRACE] += 1
    pr(k, KERN_WARNING, f"NMI backtrace for cpu {cpu.id}")
    pr(k, KERN_DEFAULT, "\n".join(show_regs_lines(k, interrupted_trace(k))))


def lockup_detector_init(k: Kernel) -> None:
    """lockup_detector_init() and the sysctl table (kernel/watchdog.c), when SOFTLOCKUP_DETECTOR is built."""
    if not IS_ENABLED(k, "SOFTLOCKUP_DETECTOR"):
        return
    wd = Watchdog(k)
    k.subsys["watchdog"] = wd
    wd.reconfigure()

    def offline(cpu: CPU) -> None:  # lockup_detector_offline_cpu()
        if wd.allowed_mask >> cpu.id & 1:
            wd.watchdog_disable(cpu)

    def online(cpu: CPU) -> None:  # lockup_detector_online_cpu()
        if wd.allowed_mask >> cpu.id & 1 and wd.watchdog_enabled:
            wd.watchdog_enable(cpu)

    k.subsys.setdefault("cpu_offline_hooks", []).append(offline)
    k.subsys.setdefault("cpu_online_hooks", []).append(online)
    # fs/sysctl.py's watchdog_sysctl_init() registers the files when the filesystem mounts.

    k.subsys.setdefault("fs_hooks", []).append("watchdog_sysctl_init")


def describe_context(k: Kernel) -> str:
    """The simulated context running now, for errors about the Python code running in it."""
    t = f"simulated time {k.engine.now // NSEC_PER_SEC}.{k.engine.now % NSEC_PER_SEC:09d} s"
    cpu = k.cpu
    if cpu is None:
        return f"outside every CPU (a scenario action or a hardware model), {t}"
    pc = cpu.preempt_count
    kind = "hardirq" if pc & HARDIRQ_MASK else "softirq" if pc & SOFTIRQ_OFFSET else "process"
    curr = cpu.curr
    return (f"CPU {cpu.id}, {kind} context on {curr.comm}/{curr.pid}, IRQs {'off' if cpu.irqs_off else 'on'}, "
            f"preempt_count {pc:#x}, {t}")


def wall_limit_init(k: Kernel) -> None:
    """Let the engine's wall-clock limit name the simulated context (see irqlab.sim.wallclock)."""
    k.engine.describe = lambda: describe_context(k)


def touch_softlockup_watchdog() -> None:
    """touch_softlockup_watchdog(): a code path known to hog the CPU legitimately delays the next report."""

    k = on_cpu()
    wd: Watchdog | None = k.subsys.get("watchdog")
    if wd is not None:
        wd.percpu[k.cpu.id].report_ts = SOFTLOCKUP_DELAY_REPORT


def touch_nmi_watchdog() -> None:
    """touch_nmi_watchdog(): also touches the soft lockup detector, as in the kernel."""

    k = on_cpu()
    wd: Watchdog | None = k.subsys.get("watchdog")
    if wd is not None:
        wd.percpu[k.cpu.id].hardlockup_touched = True
    touch_softlockup_watchdog()


__all__ = ["touch_softlockup_watchdog", "touch_nmi_watchdog"]
