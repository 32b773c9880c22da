"""Busy-wait delays and busy work. Mirrors include/linux/delay.h and arch/arm64/lib/delay.c.

``udelay``/``mdelay``/``ndelay`` spin on the architected timer, so they end a fixed
wall time after they start even if interrupts or preemption intervene.
``cpu_work(ns)`` is irqlab's way to say "this code computes for ns": it consumes CPU
time, so interrupts and preemption stretch it.

A busy-wait loop such as ``while not dev.ready: cpu_relax()`` or ``while True: mdelay(1)`` runs ahead
in large steps when its body can change nothing (see :func:`_pure_spin_loop`): every poll until the
next event would see the same state, so jumping there gives exactly the small steps' outcome.
"""

from __future__ import annotations

import dis
from types import CodeType, FrameType
from typing import Any

from irqlab.kernel import atomic, preempt
from irqlab.kernel.core import current_kernel, on_cpu
from irqlab.kernel.cpu import burn, spin_skip
from irqlab.kernel.locking import spinlock
from irqlab.kernel.sched import completion
from irqlab.kernel.stacktrace import caller_frame
from irqlab.kernel.time import hrtimer, jiffies, timer
from irqlab.kernel.time.hrtimer import usleep_range
from irqlab.kernel.time.timer import msleep

MAX_UDELAY_MS = 2
CPU_RELAX_NS = 10


def __delay(ns: int) -> None:
    """arm64's __delay(): spin on the architected timer for ``ns``."""
    k = on_cpu()
    if _pure_spin_loop(caller_frame(2)):  # the same call site whether the modules between are compiled
        spin_skip(k, ns)
    burn(k, ns, True)


def ndelay(nsecs: int) -> None:
    """Spin for ``nsecs`` ns. Callable in any context."""
    __delay(int(nsecs))


def udelay(usecs: int) -> None:
    """Spin for ``usecs`` µs. Callable in any context."""
    __delay(int(usecs) * 1000)


def mdelay(msecs: int) -> None:
    """Spin for ``msecs`` ms. Callable in any context (but burns the CPU)."""
    __delay(int(msecs) * 1_000_000)


# One statement, the running kernel read inline (on_cpu() only raises): call traces print the caller's line
# offset, cpu_work+0x8/0xc.
def cpu_work(ns: int) -> None:
    """Compute for ``ns`` of CPU time. Callable in any context; interrupts stretch it."""
    burn(k if (k := current_kernel.k) is not None and k.cpu is not None else on_cpu(), ns if type(ns) is int else int(ns), False)


def cpu_relax() -> None:
    """A short pause in a busy-wait loop (lets simulated time pass: 10 ns)."""
    __delay(CPU_RELAX_NS)


def fsleep(usecs: int) -> None:
    """The 'flexible sleep' of 6.12: udelay up to 10 µs, usleep_range up to 20 ms, else msleep."""
    if usecs <= 10:
        udelay(usecs)
    elif usecs <= 20000:
        usleep_range(usecs, 2 * usecs)
    else:
        msleep((usecs + 999) // 1000)


# -- pure busy-wait loops ------------------------------------------------------------------------------
# A loop qualifies when its bytecode, from the jump target to the backward jump around the delay call,
# stores nothing, iterates nothing and calls only the delays and the read-only kernel predicates below:
# its condition then reads state that only another context (hence another event) can change.

_OK_OPS = frozenset({
    "NOP", "RESUME", "CACHE", "EXTENDED_ARG", "LOAD_FAST", "LOAD_CONST", "LOAD_GLOBAL", "LOAD_ATTR", "LOAD_DEREF",
    "LOAD_CLOSURE", "PRECALL", "CALL", "POP_TOP", "COMPARE_OP", "IS_OP", "CONTAINS_OP", "UNARY_NOT", "BINARY_OP",
    "BINARY_SUBSCR", "COPY", "SWAP", "JUMP_BACKWARD", "JUMP_BACKWARD_NO_INTERRUPT", "JUMP_FORWARD",
    "POP_JUMP_FORWARD_IF_TRUE", "POP_JUMP_FORWARD_IF_FALSE", "POP_JUMP_BACKWARD_IF_TRUE",
    "POP_JUMP_BACKWARD_IF_FALSE", "POP_JUMP_FORWARD_IF_NONE", "POP_JUMP_FORWARD_IF_NOT_NONE",
    "POP_JUMP_BACKWARD_IF_NONE", "POP_JUMP_BACKWARD_IF_NOT_NONE", "POP_JUMP_IF_TRUE", "POP_JUMP_IF_FALSE",
    "POP_JUMP_IF_NONE", "POP_JUMP_IF_NOT_NONE", "JUMP_IF_TRUE_OR_POP", "JUMP_IF_FALSE_OR_POP",
})  # fmt: skip
# Attributes that read the clock (m.now, a kernel's jiffies): a loop testing them is not pure.
_CLOCK_ATTRS = frozenset({"now", "jiffies", "jiffies_64"})
_PURE: dict[int, Any] = {}
_loops: dict[tuple[CodeType, int], tuple[str, ...] | None] = {}


def _pure_functions() -> dict[int, Any]:
    if not _PURE:

        fns = [ndelay, udelay, mdelay, cpu_relax, atomic.atomic_read, atomic.test_bit, spinlock.spin_is_locked,
               completion.completion_done, preempt.irqs_disabled, preempt.in_interrupt, preempt.in_hardirq,
               preempt.in_softirq, preempt.in_task, preempt.smp_processor_id, jiffies.time_after,
               jiffies.time_before, jiffies.time_after_eq, jiffies.time_before_eq, timer.timer_pending,
               hrtimer.hrtimer_active, hrtimer.hrtimer_callback_running, bool, len, int]  # fmt: skip
        _PURE.update((id(f), f) for f in fns)
    return _PURE


def _analyse(code: CodeType, lasti: int) -> tuple[str, ...] | None:
    insts = list(dis.get_instructions(code))
    best: tuple[int, int] | None = None
    for ins in insts:
        if "JUMP" in ins.opname and isinstance(ins.argval, int) and ins.argval <= lasti < ins.offset:
            if best is None or ins.argval > best[0]:
                best = (ins.argval, ins.offset)
    if best is None:
        return None
    names: list[str] = []
    calls = 0
    for ins in insts:
        if not best[0] <= ins.offset <= best[1]:
            continue
        if ins.opname not in _OK_OPS:
            return None
        if ins.opname == "CALL":
            calls += 1
        elif ins.opname == "LOAD_GLOBAL" and "NULL" in ins.argrepr:
            names.append(str(ins.argval))
        elif ins.opname == "LOAD_ATTR" and ins.argval in _CLOCK_ATTRS:
            return None
        elif ins.opname == "BINARY_OP" and "=" in ins.argrepr:  # an in-place operator
            return None
    return tuple(names) if calls == len(names) else None


def _pure_spin_loop(f: FrameType) -> bool:
    """Whether the delay called from frame ``f`` sits in a loop that changes nothing (see above)."""
    key = (f.f_code, f.f_lasti)
    try:
        names = _loops[key]
    except KeyError:
        names = _loops[key] = _analyse(f.f_code, f.f_lasti)
    if names is None:
        return False
    pure = _pure_functions()
    g = f.f_globals
    b = f.f_builtins
    for name in names:
        fn = g.get(name, b.get(name))
        if pure.get(id(fn)) is not fn:
            return False
    return True


__all__ = ["ndelay", "udelay", "mdelay", "cpu_work", "cpu_relax", "fsleep"]
