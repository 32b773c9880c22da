"""Taint, WARN, BUG and oopses. Mirrors kernel/panic.c, lib/bug.c, lib/dump_stack.c and
arch/arm64/kernel/traps.c ``die()``.

Driver mistakes are reported with the kernel's wording. A Python exception escaping
driver code becomes an oops: the report is printed, the machine is tainted 'D', the
faulting context is unwound and the simulation goes on. With ``bugs="raise"`` every
report also raises :class:`KernelBugError` out of ``m.run()`` (for tests).
"""

from __future__ import annotations

import os
import sys
from types import FrameType, TracebackType
from typing import TYPE_CHECKING, Any

from greenlet import GreenletExit

from irqlab.kernel.printk import KERN_ALERT, KERN_EMERG, KERN_ERR, KERN_WARNING, vprintk
from irqlab.sim import InternalError
from irqlab.sim.wallclock import WallClockLimitError

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel
    from irqlab.kernel.sched.core import Task

# include/linux/panic.h taint bits and their characters (kernel/panic.c taint_flags[]).
TAINT_PROPRIETARY_MODULE = 0
TAINT_FORCED_MODULE = 1
TAINT_CPU_OUT_OF_SPEC = 2
TAINT_FORCED_RMMOD = 3
TAINT_MACHINE_CHECK = 4
TAINT_BAD_PAGE = 5
TAINT_USER = 6
TAINT_DIE = 7
TAINT_OVERRIDDEN_ACPI_TABLE = 8
TAINT_WARN = 9
TAINT_CRAP = 10
TAINT_FIRMWARE_WORKAROUND = 11
TAINT_OOT_MODULE = 12
TAINT_UNSIGNED_MODULE = 13
TAINT_SOFTLOCKUP = 14
TAINT_LIVEPATCH = 15
TAINT_AUX = 16
TAINT_RANDSTRUCT = 17
TAINT_TEST = 18
TAINT_FLAGS = "PFSRMBUDAWCIOELKXTN"  # c_true of each flag, in bit order (6.12: 19 flags)

_PKG_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_SIM_DIR = os.path.join(_PKG_DIR, "sim")


class KernelBugError(RuntimeError):
    """Raised out of the scenario for each kernel report when booted with ``bugs="raise"``."""

    def __init__(self, kind: str, report: str) -> None:
        self.kind = kind
        self.report = report
        super().__init__(f"{kind}\n{report}")


class DriverFault(Exception):
    """Raised to unwind a context after a fatal report (BUG(), spinlock recursion, ...)."""

    def __init__(self, title: str, lines: list[str] | None = None, oops_str: str = "Oops - BUG",
                 esr: int = 0xF2000800) -> None:  # fmt: skip
        super().__init__(title)
        self.title = title
        self.lines = lines or []
        self.oops_str = oops_str
        self.esr = esr


def print_tainted(taint: int) -> str:
    """'Not tainted' or 'Tainted: G      D W ...' as _print_tainted() builds it."""
    if not taint:
        return "Not tainted"
    chars = []
    for i, c in enumerate(TAINT_FLAGS):
        if i == TAINT_PROPRIETARY_MODULE:
            chars.append("P" if taint & 1 else "G")
        else:
            chars.append(c if taint >> i & 1 else " ")
    return "Tainted: " + "".join(chars)


def taint_string(taint: int) -> str:
    """The compact letters of the set taint flags, e.g. 'DOW'."""
    return "".join(c for i, c in enumerate(TAINT_FLAGS) if taint >> i & 1 and i != 0) or ("P" if taint & 1 else "")


_KERNEL_NAMES = {"_task_entry": "kthread", "_idle_loop": "do_idle", "take_interrupts": "el1_interrupt",
                 "_schedule": "__schedule", "_context_switch": "context_switch"}  # fmt: skip


def _is_internal(filename: str) -> bool:
    return (filename.startswith(_SIM_DIR) or "greenlet" in filename or filename.endswith("panic.py")
            or filename.endswith(("/kernel/bug.py", "/kernel/cpu.py")) or filename.endswith("/machine.py"))


class BugReporter:
    """Reports with the kernel's wording, taint bookkeeping and the raise policy."""

    def __init__(self, k: Kernel, policy: str) -> None:
        if policy not in ("warn", "raise"):
            raise ValueError(f"bugs= must be 'warn' or 'raise', not {policy!r}")
        self.k = k
        self.policy = policy
        self.taint = 0
        self.die_counter = 0
        self.warned_once: set[Any] = set()
        self.oops_in_progress = False
        self.reports: list[tuple[str, str]] = []

    # -- plumbing ---------------------------------------------------------------
    def add_taint(self, flag: int) -> None:
        self.taint |= 1 << flag

    def _emit(self, level: str, text: str) -> None:
        for line in text.split("\n"):
            vprintk(self.k, level + "%s\n", (line,))

    def _finish(self, kind: str, lines: list[str]) -> None:
        text = "\n".join(lines)
        self.reports.append((kind, text))
        tp = self.k.tp.kernel_bug
        if tp.on:
            cpu = self.k.cpu.id if self.k.cpu is not None else 0
            tp.emit(cpu, kind=kind, msg=lines[0] if lines else "")
        if self.policy == "raise":
            raise KernelBugError(kind, text)

    def _current(self) -> tuple[int, Task | None]:
        cpu = self.k.cpu
        if cpu is None:
            return 0, None
        return cpu.id, cpu.curr

    def cpu_line(self) -> str:
        """dump_stack_print_info(): 'CPU: 0 UID: 0 PID: 1 Comm: insmod Not tainted 6.12...'"""
        cpu, task = self._current()
        pid, comm = (task.pid, task.comm) if task else (0, "swapper/0")
        b = self.k.board
        return f"CPU: {cpu} UID: 0 PID: {pid} Comm: {comm} {print_tainted(self.taint)} {b.release} {b.version}"

    def modules_line(self) -> str:
        mods = self.k.modules.linked_in()
        return "Modules linked in:" + "".join(" " + m for m in mods)

    def symbol_of_frame(self, f: FrameType | None, code: Any, lineno: int) -> str:
        internal = code.co_filename.startswith(_PKG_DIR)
        name = code.co_name
        name = _KERNEL_NAMES.get(name, name) if internal else name
        first = code.co_firstlineno
        off = max(0, (lineno - first) * 4)
        last = max(lineno, first)
        for _, _, ln in code.co_lines():
            if ln is not None and ln > last:
                last = ln
        size = max(off + 4, (last - first + 1) * 4)
        sym = f"{name}+0x{off:x}/0x{size:x}"
        mod = self.k.modules.module_of_file(code.co_filename)
        if mod:
            sym += f" [{mod}]"
        return sym

    def stack(self, skip: int = 2) -> list[str]:
        """Call-trace lines for the current Python stack (innermost first)."""
        out: list[str] = []
        f: FrameType | None = sys._getframe(skip)
        while f is not None:
            if not _is_internal(f.f_code.co_filename) and not (f.f_code.co_name == "<lambda>" and f.f_code.co_filename.startswith(_PKG_DIR)):
                out.append(self.symbol_of_frame(f, f.f_code, f.f_lineno))
            f = f.f_back
        return _close_trace(out)

    def tb_stack(self, tb: TracebackType | None) -> list[str]:
        out: list[str] = []
        entries = list(_walk_tb(tb))
        for frame, lineno in reversed(entries):
            if not _is_internal(frame.f_code.co_filename) and not (frame.f_code.co_name == "<lambda>" and frame.f_code.co_filename.startswith(_PKG_DIR)):
                out.append(self.symbol_of_frame(frame, frame.f_code, lineno))
        return _close_trace(out)

    def dump_stack_lines(self, trace: list[str]) -> list[str]:
        b = self.k.board
        lines = [self.cpu_line(), f"Hardware name: {b.hardware_name}"]
        if b.arch == "x86":
            lines += ["Call Trace:", " <TASK>"] + [" " + t for t in trace] + [" </TASK>"]
        else:
            lines += ["Call trace:"] + [" " + t for t in trace]
        return lines

    # -- reports ------------------------------------------------------------------
    def warn(self, file: str, line: int, msg: str | None, once_key: Any = None, skip: int = 2) -> bool:
        """__warn(): the WARNING splat; taints W. Returns True (the condition)."""
        if once_key is not None:
            if once_key in self.warned_once:
                return True
            self.warned_once.add(once_key)

        cpu, task = self._current()
        trace = self.stack(skip + 1)
        caller = trace[0] if trace else "0x0"
        lines = ["------------[ cut here ]------------"]
        if msg:
            lines += msg.rstrip("\n").split("\n")
        lines.append(f"WARNING: CPU: {cpu} PID: {task.pid if task else 0} at {file}:{line} {caller}")
        lines.append(self.modules_line())
        lines += self.dump_stack_lines(trace)
        lines.append("---[ end trace 0000000000000000 ]---")
        self._emit(KERN_WARNING, "\n".join(lines))
        self.add_taint(TAINT_WARN)
        self._finish("WARNING", lines)
        return True

    def might_resched(self, file: str, line: int, expected: int = 0) -> None:
        """__might_resched(): the 'sleeping function called from invalid context' splat."""
        k = self.k
        cpu = k.cpu
        if cpu is None or self.oops_in_progress:
            return
        task = cpu.curr
        if (cpu.preempt_count == expected and not cpu.irqs_off and task is not cpu.idle) or k.booting:
            return
        j = k.jiffies
        prev = k.sched.prev_might_sleep_jiffy
        if prev and j - prev < k.hz:  # time_before(jiffies, prev_jiffy + HZ): one splat per second
            return
        k.sched.prev_might_sleep_jiffy = j

        lines = [
            f"BUG: sleeping function called from invalid context at {file}:{line}",
            f"in_atomic(): {int(cpu.preempt_count != 0)}, irqs_disabled(): {int(cpu.irqs_off)}, "
            f"non_block: 0, pid: {task.pid}, name: {task.comm}",
            f"preempt_count: {cpu.preempt_count:x}, expected: {expected:x}",
            "RCU nest depth: 0, expected: 0",
        ]
        lines += k.locking.held_locks_lines(task)
        if cpu.irqs_off:
            lines += ["irq event stamp: 0", "hardirqs last disabled at (0): [<0000000000000000>] 0x0"]
        lines += self.dump_stack_lines(self.stack(3))
        self._emit(KERN_ERR, "\n".join(lines))
        self.add_taint(TAINT_WARN)
        self._finish("BUG: sleeping function called from invalid context", lines)

    def schedule_bug(self, prev: Task, count: int) -> None:
        """__schedule_bug(): 'BUG: scheduling while atomic: comm/pid/0x%08x'."""
        if self.oops_in_progress:
            return

        lines = [f"BUG: scheduling while atomic: {prev.comm}/{prev.pid}/0x{count:08x}"]
        lines += self.k.locking.held_locks_lines(prev)
        lines.append(self.modules_line())
        lines += self.dump_stack_lines(self.stack(3))
        self._emit(KERN_ERR, "\n".join(lines))
        self.add_taint(TAINT_WARN)
        self._finish("BUG: scheduling while atomic", lines)

    def panic(self, msg: str) -> None:
        """panic(): 'Kernel panic - not syncing: <msg>', the stack, and the machine stops for good: every
        pending event is dropped and the calling context never resumes (panic_timeout=0: no reboot).
        SIMPLIFICATION: arm64's panic notifiers (Kernel Offset, CPU features, Memory Limit) are not printed."""
        k = self.k
        lines = [f"Kernel panic - not syncing: {msg}"] + self.dump_stack_lines(self.stack(3))
        lines += ["SMP: stopping secondary CPUs", f"---[ end Kernel panic - not syncing: {msg} ]---"]
        self._emit(KERN_EMERG, "\n".join(lines))
        k.subsys["panicked"] = msg
        eng = k.engine
        for entry in eng.pending():
            eng.cancel(entry)
        self._finish("Kernel panic", lines)
        if k.in_fiber():
            eng.switch(eng.main)  # never resumed: this CPU is stopped

    def fatal(self, title: str, lines: list[str] | None = None) -> DriverFault:
        """An exception that unwinds the current context and is reported as an oops."""
        return DriverFault(title, lines, oops_str="Oops", esr=0)

    def die(self, exc: BaseException, where: str) -> None:
        """Report an oops for ``exc`` and taint 'D' (arm64 die())."""
        self.die_counter += 1
        self.oops_in_progress = True
        try:
            k = self.k
            pre: list[str] = []
            if isinstance(exc, DriverFault):
                pre = [exc.title] + exc.lines
                head = f"Internal error: {exc.oops_str}: {exc.esr:016x} [#{self.die_counter}] {k.oops_flags}"
            else:
                msg = str(exc)
                desc = f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__
                pre = [f"Unable to handle kernel exception in {where} context: {desc}"]
                head = f"Internal error: Oops - {type(exc).__name__}: 0000000000000000 [#{self.die_counter}] {k.oops_flags}"
            trace = self.tb_stack(exc.__traceback__)
            lines = pre + [head, self.modules_line()] + self.dump_stack_lines(trace)
            if trace:
                lines.insert(len(pre) + 4, f"pc : {trace[0]}")
                if len(trace) > 1:
                    lines.insert(len(pre) + 5, f"lr : {trace[1]}")
            lines.append("---[ end trace 0000000000000000 ]---")
            self._emit(KERN_ALERT, "\n".join(pre))
            self._emit(KERN_EMERG, "\n".join(lines[len(pre) :]))
            self.add_taint(TAINT_DIE)
        finally:
            self.oops_in_progress = False
        self._finish("Oops", lines)

    # SIMPLIFICATION: an oops in interrupt context would panic a real kernel; irqlab unwinds the interrupt or
    # softirq and keeps running.
    def fault(self, exc: BaseException, where: str) -> None:
        """Called where a context boundary caught an exception escaping driver code."""
        if isinstance(exc, (KernelBugError, InternalError, GreenletExit, KeyboardInterrupt, SystemExit,
                            WallClockLimitError)):
            raise exc
        if isinstance(exc, (AssertionError,)) and _raised_inside_irqlab(exc):
            raise exc
        self.die(exc, where)


def _close_trace(out: list[str]) -> list[str]:
    out = out[:40]
    if out and out[-1].startswith("kthread+"):
        out.append("ret_from_fork+0x10/0x20")
    return out


def _walk_tb(tb: TracebackType | None) -> list[tuple[FrameType, int]]:
    out = []
    while tb is not None:
        out.append((tb.tb_frame, tb.tb_lineno))
        tb = tb.tb_next
    return out


def _raised_inside_irqlab(exc: BaseException) -> bool:
    entries = _walk_tb(exc.__traceback__)
    if not entries:
        return False
    return entries[-1][0].f_code.co_filename.startswith(_PKG_DIR)
