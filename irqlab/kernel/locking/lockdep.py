"""A small lockdep: held locks per task and the irq-safety rule. Mirrors kernel/locking/lockdep.c.

It tracks which locks each task holds (for the "N locks held by" lines of splats)
and reports the first inconsistent lock state: a lock taken in hard (soft) interrupt
context and also with hard (soft) interrupts enabled in process context. Like the
kernel's, it turns itself off after its first report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from irqlab.kernel.cpu import HARDIRQ_MASK, SOFTIRQ_MASK, SOFTIRQ_OFFSET
from irqlab.kernel.printk import KERN_WARNING

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel
    from irqlab.kernel.sched.core import Task

USED_IN_HARDIRQ = 1
HARDIRQ_ON = 2
USED_IN_SOFTIRQ = 4
SOFTIRQ_ON = 8


# SIMPLIFICATION: held locks and the irq-safety rule only; no lock-order (circular dependency) tracking.
class Locking:
    """Lock bookkeeping of one kernel."""

    def __init__(self, k: Kernel) -> None:
        self.k = k
        self.enabled = True
        self.usage: dict[int, tuple[int, dict[int, list[str]]]] = {}

    @staticmethod
    def _name(lock: Any) -> str:
        """The lock class name: the variable of a static DEFINE_*() lock, '&' and the field of one initialised
        at run time (spin_lock_init(&dev->lock) names it "&dev->lock")."""
        if not getattr(lock, "name", ""):
            return f"lock#{id(lock) & 0xFFFF:x}"
        return lock.name if getattr(lock, "lockdep_static", False) else f"&{lock.name}"

    def note_acquire(self, lock: Any) -> None:
        k = self.k
        cpu = k.cpu
        if cpu is None:
            return
        cur = cpu.curr
        held = cur.data.get("held")
        if held is None:
            held = cur.data["held"] = []
        held.append(lock)
        if not self.enabled:
            return
        pc = cpu.preempt_count
        bits = 0
        if pc & HARDIRQ_MASK:
            bits |= USED_IN_HARDIRQ
        elif not cpu.irqs_off:
            bits |= HARDIRQ_ON
        if pc & SOFTIRQ_OFFSET and not pc & HARDIRQ_MASK:
            bits |= USED_IN_SOFTIRQ
        elif not pc & SOFTIRQ_MASK and not pc & HARDIRQ_MASK:
            bits |= SOFTIRQ_ON
        key = id(lock)
        old, where = self.usage.get(key, (0, {}))
        new = old | bits
        for b in (USED_IN_HARDIRQ, HARDIRQ_ON, USED_IN_SOFTIRQ, SOFTIRQ_ON):
            if bits & b and b not in where:
                where[b] = k.bugs.stack(3)
        self.usage[key] = (new, where)
        for used, on, used_s, on_s in ((USED_IN_HARDIRQ, HARDIRQ_ON, "IN-HARDIRQ-W", "HARDIRQ-ON-W"),
                                       (USED_IN_SOFTIRQ, SOFTIRQ_ON, "IN-SOFTIRQ-W", "SOFTIRQ-ON-W")):  # fmt: skip
            if new & used and new & on and not (old & used and old & on):
                first, second = (used_s, on_s) if old & used else (on_s, used_s)
                self._inconsistent(lock, first, second, where[used if old & used else on], cur)
                return

    def note_release(self, lock: Any) -> None:
        cpu = self.k.cpu
        if cpu is None:
            return
        held = cpu.curr.data.get("held")
        if held and lock in held:
            held.reverse()
            held.remove(lock)
            held.reverse()
        else:
            for c in self.k.cpus:
                h = c.curr.data.get("held")
                if h and lock in h:
                    h.remove(lock)
                    return

    def class_str(self, lock: Any) -> str:
        """print_lock_name()'s tail: '{usage}-{wait:wait}'. get_usage_chars(): per irq state (hardirq, softirq),
        '+' if taken with it enabled, '-' if taken in it, '?' both, '.' neither; then '.' for the read side
        (irqlab has no read locks in lockdep). The wait types are those of the lock kind."""
        bits = self.usage.get(id(lock), (0, {}))[0]
        chars = []
        for used, on in ((USED_IN_HARDIRQ, HARDIRQ_ON), (USED_IN_SOFTIRQ, SOFTIRQ_ON)):
            chars.append("?" if bits & used and bits & on else "-" if bits & used else "+" if bits & on else ".")
            chars.append(".")
        wait = getattr(lock, "lockdep_wait", "{2:2}")
        return "{" + "".join(chars) + "}-" + wait

    def held_locks_lines(self, task: Task) -> list[str]:
        held = task.data.get("held") or []
        if not held:
            return []
        out = [f"{len(held)} lock{'s' if len(held) > 1 else ''} held by {task.comm}/{task.pid}:"]
        for i, lock in enumerate(held):
            out.append(f" #{i}: {self.k.ptr(lock)} ({self._name(lock)}){self.class_str(lock)}")
        return out

    def _inconsistent(self, lock: Any, first: str, second: str, where: list[str], cur: Task) -> None:
        k = self.k
        cpu = k.cpu
        assert cpu is not None
        self.enabled = False
        pc = cpu.preempt_count
        hc = (pc & HARDIRQ_MASK) >> 16
        sc = (pc & SOFTIRQ_MASK) >> 8
        name = self._name(lock)
        lines = [
            "",
            "================================",
            "WARNING: inconsistent lock state",
            k.bugs.kernel_ident(),
            "--------------------------------",
            f"inconsistent {{{first}}} -> {{{second}}} usage.",
            f"{cur.comm}/{cur.pid} [HC{int(bool(hc))}[{hc}]:SC{int(bool(sc))}[{sc}]:HE{int(not cpu.irqs_off)}:SE{int(not sc)}] takes:",
            f"{k.ptr(lock)} ({name}){self.class_str(lock)}, at: {k.bugs.stack(4)[0] if k.bugs.stack(4) else '0x0'}",
            f"{{{first}}} state was registered at:",
        ]
        lines += ["  " + w for w in where[:8]]
        lines += k.bugs.irqtrace_lines()
        lines += [
            "",
            "other info that might help us debug this:",
            " Possible unsafe locking scenario:",
            "",
            "       CPU0",
            "       ----",
            f"  lock({name});",
            "  <Interrupt>",  # print_usage_bug_scenario() prints it for softirq cases too
            f"    lock({name});",
            "",
            " *** DEADLOCK ***",
            "",
        ]
        # print_usage_bug() calls lockdep_print_held_locks() itself, after turning lockdep off.
        lines += self.held_locks_lines(cur) or [f"no locks held by {cur.comm}/{cur.pid}."]
        lines += ["", "stack backtrace:"] + k.bugs.dump_stack_lines(k.bugs.stack(4))

        # print_usage_bug() turns lockdep off (debug_locks_off) but does not taint the kernel.
        k.bugs._emit(KERN_WARNING, "\n".join(lines))
        k.bugs._finish("WARNING: inconsistent lock state", lines[1:])
