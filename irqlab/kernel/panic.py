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
from irqlab.kernel.stacktrace import (
    ENABLED,
    IRQ_ENTRY,
    KSYMS,
    Virtual,
    caught_in_shadow,
    kstack,
    ksym,
    live_frames,
    shadow_name,
    unwound,
    virtual_stack,
)
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
#: taint_flags[].desc (6.12): the names print_tainted_verbose() shows.
TAINT_DESCS = ("PROPRIETARY_MODULE", "FORCED_MODULE", "CPU_OUT_OF_SPEC", "FORCED_RMMOD", "MACHINE_CHECK",
               "BAD_PAGE", "USER", "DIE", "OVERRIDDEN_ACPI_TABLE", "WARN", "CRAP", "FIRMWARE_WORKAROUND",
               "OOT_MODULE", "UNSIGNED_MODULE", "SOFTLOCKUP", "LIVEPATCH", "AUX", "RANDSTRUCT", "TEST")  # fmt: skip
CUT_HERE = "------------[ cut here ]------------"
#: PF_WQ_WORKER (include/linux/sched.h).
_PF_WQ_WORKER = 0x00000020

_PKG_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
#: How the traceback entries of a mypyc-compiled irqlab module name their file: relative to the build.
_COMPILED_PREFIX = "irqlab" + os.sep
_SIM_DIR = os.path.join(_PKG_DIR, "sim")
_STDLIB_DIR = os.path.dirname(os.__file__)


class KernelBugError(RuntimeError):
    """Raised out of the scenario for each kernel report when booted with ``bugs="raise"``."""

    def __init__(self, kind: str, report: str) -> None:
        self.kind = kind
        self.report = report
        super().__init__(f"{kind}\n{report}")


class DriverFault(Exception):
    """Raised to unwind a context after a fatal report (BUG(), spinlock recursion, ...)."""

    def __init__(self, title: str, lines: list[str] | None = None, oops_str: str = "Oops - BUG",
                 esr: int = 0xF2000800, cut_here: bool = False) -> None:  # fmt: skip
        super().__init__(title)
        self.title = title
        self.lines = lines or []
        self.oops_str = oops_str
        self.esr = esr
        #: report_bug() prints the cut-here line before "kernel BUG at" (BUG() and BUG_ON()).
        self.cut_here = cut_here


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


def print_tainted_verbose(taint: int) -> str:
    """print_tainted_verbose(): 'Tainted: [W]=WARN, [O]=OOT_MODULE' (set flags only, bit order)."""
    return "Tainted: " + ", ".join(f"[{TAINT_FLAGS[i]}]={TAINT_DESCS[i]}" for i in range(len(TAINT_FLAGS)) if taint >> i & 1)


def taint_string(taint: int) -> str:
    """The compact letters of the set taint flags, e.g. 'DOW'."""
    return "".join(c for i, c in enumerate(TAINT_FLAGS) if taint >> i & 1)


_KERNEL_NAMES = {"_idle_loop": "do_idle", "take_interrupts": "el1_interrupt",
                 "_schedule": "__schedule", "_context_switch": "context_switch"}  # fmt: skip


def _is_internal(filename: str) -> bool:
    return (filename.startswith((_SIM_DIR, _COMPILED_PREFIX + "sim" + os.sep)) or "greenlet" in filename
            or filename.endswith("panic.py")
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
        #: For each report raised from code outside irqlab: (its last dmesg record, "file.py:42 in fn", its index
        #: in ``reports``). Front ends print "irqlab: raised at ..." after that record; the log stays the kernel's.
        self.sites: list[tuple[Any, str, int]] = []
        #: debug_locks: cleared by the first oops (add_taint(TAINT_DIE, LOCKDEP_NOW_UNRELIABLE)).
        self.debug_locks = True
        #: How many frames of the last stack() ran on the interrupt stack.
        self.irq_frames = 0

    # -- plumbing ---------------------------------------------------------------
    def add_taint(self, flag: int) -> None:
        self.taint |= 1 << flag

    def _emit(self, level: str, text: str) -> None:
        for line in text.split("\n"):
            vprintk(self.k, level + "%s\n", (line,))

    def _finish(self, kind: str, lines: list[str], exc: BaseException | None = None) -> None:
        text = "\n".join(lines)
        self.reports.append((kind, text))
        site = user_site(exc)
        if site and self.k.log.records:
            self.sites.append((self.k.log.records[-1], site, len(self.reports) - 1))
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
        """dump_stack_print_info(): 'CPU: 0 UID: 0 PID: 1 Comm: insmod Not tainted 6.12.25+rpt-rpi-2712 #1',
        the uts version cut at its first space ("%.*s" with strcspn(version, " "))."""
        cpu, task = self._current()
        pid, comm = (task.pid, task.comm) if task else (0, "swapper/0")
        return f"CPU: {cpu} UID: 0 PID: {pid} Comm: {comm} {print_tainted(self.taint)} {self.kernel_ident_release()}"

    def kernel_ident_release(self) -> str:
        """'<release> <version up to the first space>', as dump_stack and lockdep print the kernel."""
        b = self.k.board
        return f"{b.release} {b.version.split(' ', 1)[0]}"

    def kernel_ident(self) -> str:
        """lockdep print_kernel_ident(): release, short version and print_tainted()."""
        return f"{self.kernel_ident_release()} {print_tainted(self.taint)}"

    def modules_line(self) -> str:
        """print_modules(): each module with module_flags(show_state): '(O+)' while loading, '(O-)' while
        unloading, then ' [last unloaded: name(O)]' once one was removed."""
        parts = ["Modules linked in:"]
        for m in self.k.modules.mods:
            flags = m.taints
            if m.state == "going":
                flags += "-"
            elif m.state == "coming":
                flags += "+"
            parts.append(f" {m.name}({flags})" if flags else f" {m.name}")
        last = getattr(self.k.modules, "last_unloaded", None)
        if last:
            parts.append(f" [last unloaded: {last}]")
        return "".join(parts)

    def debug_show_held_locks(self, task: Task) -> list[str]:
        """debug_show_held_locks(): 'INFO: lockdep is turned off.' once lockdep is off, else the held locks
        or 'no locks held by comm/pid.'."""
        if not self.debug_locks or not self.k.locking.enabled:
            return ["INFO: lockdep is turned off."]
        return self.k.locking.held_locks_lines(task) or [f"no locks held by {task.comm}/{task.pid}."]

    def irqtrace_lines(self) -> list[str]:
        """print_irqtrace_events(): the event stamp and the four last-enabled/disabled sites."""
        # SIMPLIFICATION: irqlab does not record irq-flag tracing events; every stamp reads 0 and every site 0x0.
        return ["irq event stamp: 0",
                "hardirqs last  enabled at (0): [<0000000000000000>] 0x0",
                "hardirqs last disabled at (0): [<0000000000000000>] 0x0",
                "softirqs last  enabled at (0): [<0000000000000000>] 0x0",
                "softirqs last disabled at (0): [<0000000000000000>] 0x0"]  # fmt: skip

    def worker_line(self) -> list[str]:
        """print_worker_info(): 'Workqueue: <wq> <func>' (and ' (<desc>)' if it differs) in a kworker."""
        _, task = self._current()
        if task is None or not task.flags & _PF_WQ_WORKER:
            return []
        w = task.data.get("wq_worker")
        if w is None:
            return []
        fn = w.current_func
        pwq = w.current_pwq
        name = pwq.wq.name if pwq is not None else ""
        desc = w.desc or ""
        if fn is None and not name and not desc:
            return []
        line = f"Workqueue: {name} {self.k.symbol(fn, False) if fn is not None else '0x0'}"
        if name != desc:
            line += f" ({desc})"
        return [line]

    def symbol_of_frame(self, f: FrameType | None, code: Any, lineno: int) -> str:
        """``name+0xOFF/0xSIZE [module]`` of a frame: a kernel function's from the stacktrace table, other code's
        (drivers, scenarios) from its source lines."""
        internal = code.co_filename.startswith(_PKG_DIR)
        name = code.co_name
        name = _KERNEL_NAMES.get(name, name) if internal else name
        if internal and name in KSYMS:
            return ksym(name)
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
        """Call-trace lines for the current stack (innermost first), leaving out the ``skip - 1`` innermost
        elements of the virtual stack above this call (see stacktrace.virtual_stack()); ``self.irq_frames``
        is how many of them run on the interrupt's stack (above the arch entry code), 0 in task context."""
        # The caller's frame: none when compiled code called this on a fiber that has run no interpreted code.
        v = virtual_stack(live_frames(sys._getframe().f_back), kstack())[max(skip - 1, 0):]
        return self.trace_of(v)

    def trace_of(self, v: list[Virtual], interrupted: bool = False, set_irq: bool = True) -> list[str]:
        """The call-trace lines of a virtual stack; with ``interrupted``, only what lies outside its innermost
        interrupt entry (the interrupted context's, get_irq_regs()). With ``set_irq``, sets
        ``self.irq_frames`` (how many lines ran on the interrupt's stack)."""
        out: list[str] = []
        split = -1
        for item in v:
            if isinstance(item, str):
                if item == IRQ_ENTRY:
                    if interrupted:
                        out = []
                        interrupted = False
                    elif split < 0:
                        split = len(out)
                else:
                    out.append(ksym(item))
                continue
            f, lineno = item
            code = f.f_code
            if not _is_internal(code.co_filename) and not (code.co_name == "<lambda>" and code.co_filename.startswith(_PKG_DIR)):
                out.append(self.symbol_of_frame(f, code, lineno))
        if interrupted:
            out = []  # no interrupt entry: nothing was interrupted
        out = _close_trace(out)
        if set_irq:
            self.irq_frames = min(max(split, 0), len(out))
        return out

    def tb_stack(self, tb: TracebackType | None, exc: BaseException | None = None, first: int = 0,
                 catcher: bool = True) -> list[str]:  # fmt: skip
        """Call-trace lines of the frames ``tb`` unwound (from its entry ``first``), with the kernel stack entries
        the exception unwound (stacktrace.unwind(); the catching function's own with ``catcher``)."""
        frames = list(reversed(_walk_tb(tb)[first:]))
        v = virtual_stack(frames, unwound(exc, catcher) if exc is not None else [], leftover=True)
        return self.trace_of([i for i in v if i != IRQ_ENTRY], set_irq=False)

    def dump_stack_print_info(self) -> list[str]:
        """lib/dump_stack.c dump_stack_print_info(): the CPU line, the verbose taint line when tainted, the
        hardware name and, in a kworker, the Workqueue line."""
        lines = [self.cpu_line()]
        if self.taint:
            lines.append(print_tainted_verbose(self.taint))
        lines.append(f"Hardware name: {self.k.board.hardware_name}")
        return lines + self.worker_line()

    def dump_stack_lines(self, trace: list[str], regs: bool = False, irq_frames: int | None = None) -> list[str]:
        """dump_stack() (``regs`` False), or show_regs() of a trap's registers (``regs`` True): the
        dump_stack_print_info() lines, the faulting pc/lr (arm64) or RIP (x86), then the call trace, which
        on x86 starts at the caller of the RIP frame and puts the interrupt stack's frames (``irq_frames``,
        by default those of the last stack()) between <IRQ> and </IRQ>."""
        # SIMPLIFICATION: of the register dump only arm64's pc and lr and x86's RIP line are printed.
        lines = self.dump_stack_print_info()
        if self.k.board.arch == "x86":
            n_irq = self.irq_frames if irq_frames is None else irq_frames
            if regs and trace:
                lines.append(f"RIP: 0010:{trace[0]}")
                trace = trace[1:]
                n_irq = max(n_irq - 1, 0)
            lines.append("Call Trace:")
            if n_irq:
                lines += [" <IRQ>"] + [" " + t for t in trace[:n_irq]] + [" </IRQ>"]
            return lines + [" <TASK>"] + [" " + t for t in trace[n_irq:]] + [" </TASK>"]
        if regs and trace:
            lines.append(f"pc : {trace[0]}")
            if len(trace) > 1:
                lines.append(f"lr : {trace[1]}")
        return lines + ["Call trace:"] + [" " + t for t in trace]

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
        lines += self.dump_stack_lines(trace, regs=True)  # the BRK / ud2 trap's registers
        lines += self.irqtrace_lines()  # __warn(): print_irqtrace_events(current)
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
        ]
        if k.preempt_full or "PREEMPT_DYNAMIC" in k.board.version:
            # CONFIG_PREEMPT_RCU: full/RT preemption, or a PREEMPT_DYNAMIC build whatever mode it booted in.
            lines.append("RCU nest depth: 0, expected: 0")
        lines += self.debug_show_held_locks(task)
        if cpu.irqs_off:
            lines += self.irqtrace_lines()
        lines += self.dump_stack_lines(self.stack(3))
        self._emit(KERN_ERR, "\n".join(lines))
        self.add_taint(TAINT_WARN)
        self._finish("BUG: sleeping function called from invalid context", lines)

    def schedule_bug(self, prev: Task, count: int) -> None:
        """__schedule_bug(): 'BUG: scheduling while atomic: comm/pid/0x%08x'."""
        if self.oops_in_progress:
            return

        lines = [f"BUG: scheduling while atomic: {prev.comm}/{prev.pid}/0x{count:08x}"]
        lines += self.debug_show_held_locks(prev)
        lines.append(self.modules_line())
        cpu = self.k.cpu
        if cpu is not None and cpu.irqs_off:
            lines += self.irqtrace_lines()
        lines += self.dump_stack_lines(self.stack(2))  # stack, schedule_bug (__schedule has no frame here)
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
        """Report an oops for ``exc`` and taint 'D': arm64 die()/__die(), or x86's on the pc board."""
        self.die_counter += 1
        self.oops_in_progress = True
        try:
            k = self.k
            x86 = k.board.arch == "x86"
            pre: list[str] = []
            if isinstance(exc, DriverFault):
                pre = ([CUT_HERE] if exc.cut_here else []) + [exc.title] + exc.lines
                if x86:
                    # do_error_trap(): BUG() is ud2, reported as "invalid opcode"; other fatal reports as a plain Oops.
                    what = "invalid opcode" if exc.oops_str == "Oops - BUG" else "Oops"
                    head = f"Oops: {what}: 0000 [#{self.die_counter}] {self.x86_oops_flags()}"
                else:
                    head = f"Internal error: {exc.oops_str}: {exc.esr:016x} [#{self.die_counter}] {k.oops_flags}"
            else:
                msg = str(exc)
                desc = f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__
                pre = [f"Unable to handle kernel exception in {where} context: {desc}"]
                if x86:
                    head = f"Oops: {type(exc).__name__}: 0000 [#{self.die_counter}] {self.x86_oops_flags()}"
                else:
                    head = f"Internal error: Oops - {type(exc).__name__}: 0000000000000000 [#{self.die_counter}] {k.oops_flags}"
            trace = self.tb_stack(exc.__traceback__, exc)
            if x86:
                # The unwinder goes on past the frame that caught the fault: through the interrupt stack, if the
                # fault was taken there, into the interrupted task's. The catching frame itself (the traceback's
                # first entry) is on the live stack below.
                # (A catching function of a shadowed module has no frame in the compiled build's traceback.)
                raised = self.tb_stack(exc.__traceback__, exc, first=0 if ENABLED and caught_in_shadow(exc) else 1,
                                      catcher=False)
                if raised and raised[-1] == "ret_from_fork+0x10/0x20":
                    raised.pop()
                below = self.stack(3)  # from the frame that caught the exception (stack, die, fault; k.fault is shadowed)
                tb_entries = _walk_tb(exc.__traceback__)
                catcher = tb_entries[0][0].f_code if tb_entries else None
                if (below and catcher is not None and not _is_internal(catcher.co_filename)
                        and shadow_name(catcher) is None and not (ENABLED and caught_in_shadow(exc))):
                    # The catching frame's return address is its call, not the handler it runs now.
                    below[0] = self.symbol_of_frame(tb_entries[0][0], tb_entries[0][0].f_code, tb_entries[0][1])
                n_irq = len(raised) + self.irq_frames if self.irq_frames or where == "hardirq" else 0
                trace = _close_trace(raised + below)
                # __die_header(), then __die_body(): show_regs() first, print_modules() after it.
                lines = pre + [head] + self.dump_stack_lines(trace, regs=True, irq_frames=n_irq) + [self.modules_line()]
            else:
                lines = pre + [head, self.modules_line()] + self.dump_stack_lines(trace, regs=True)
            if self.debug_locks:
                # add_taint(TAINT_DIE, LOCKDEP_NOW_UNRELIABLE) turns lock debugging off, once.
                self.debug_locks = False
                lines.append("Disabling lock debugging due to kernel taint")
            lines.append("---[ end trace 0000000000000000 ]---")
            if x86 and trace:
                # oops_end(): the executive summary in case the oops scrolled away.
                lines.append(f"RIP: 0010:{trace[0]}")
            self._emit(KERN_ALERT, "\n".join(pre))
            self._emit(KERN_EMERG, "\n".join(lines[len(pre) :]))
            self.add_taint(TAINT_DIE)
        finally:
            self.oops_in_progress = False
        self._finish("Oops", lines, exc)

    def x86_oops_flags(self) -> str:
        """__die_header()'s tail: PREEMPT (any CONFIG_PREEMPTION build, PREEMPT_DYNAMIC included) or PREEMPT_RT,
        SMP, and NOPTI (the board's CPU is not affected by Meltdown)."""
        k = self.k
        pr = "PREEMPT_RT " if k.preempt_rt else "PREEMPT " if k.preempt_full or "PREEMPT" in k.board.version else ""
        return f"{pr}SMP NOPTI"

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


def _is_user_file(filename: str) -> bool:
    """Code of the user's own (a driver or scenario file), not irqlab's, the standard library's or greenlet's."""
    if filename.startswith((_PKG_DIR, _COMPILED_PREFIX, "<frozen")) or "greenlet" in filename or "site-packages" in filename:
        return False
    return not filename.startswith(_STDLIB_DIR)


def user_site(exc: BaseException | None = None) -> str:
    """'file.py:42 in fn' of the innermost user frame of ``exc``'s traceback (or of the current stack); '' if none."""
    frames: list[tuple[FrameType, int]]
    if exc is not None:
        frames = list(reversed(_walk_tb(exc.__traceback__)))
    else:
        frames = []
        f: FrameType | None = sys._getframe().f_back  # none when called from a frameless (compiled) fiber
        while f is not None:
            frames.append((f, f.f_lineno))
            f = f.f_back
    for frame, lineno in frames:
        code = frame.f_code
        if _is_user_file(code.co_filename):
            return f"{os.path.basename(code.co_filename)}:{lineno} in {code.co_name}"
    return ""


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
