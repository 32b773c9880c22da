"""The kernel stack a call trace unwinds. Mirrors kernel/stacktrace.c and arch/arm64/kernel/stacktrace.c.

A call trace (dump_stack(), WARN, BUG, oopses, hung-task, lockup and stall reports) lists the kernel
functions a context is inside, innermost first. The functions of the modules in :data:`SHADOWED` (the
core that mypyc compiles, where a function has no Python frame) are listed from an explicit per-fiber
stack: such a function pushes its kernel name on entry (:func:`push`) and pops it on return
(:func:`pop`), and each entry records the innermost Python frame at the time (in compiled code the
nearest interpreted one), so that the walker (:func:`virtual_stack`) can interleave the entries with the
Python frames of drivers and of the interpreted kernel modules. The pure-Python build pushes nothing: the
walker reads the same functions from their frames instead (a frame of a shadowed module is listed under
its kernel name when the function is one of those that push, and skipped otherwise), so both builds list
the same functions. A context boundary that catches an exception (an oops) restores the stack with
:func:`unwind`, which keeps the entries it removes with the exception for the oops' trace.

Every function listed from here prints with the fixed ``+offset/size`` of :data:`KSYMS`, whatever the
build and whatever the line of the Python source.

The stack is the running fiber's local stack (sim.engine.RUNNING, kept right by the engine on every switch),
flat: each entry is two items, the kernel name and the frame, so a push appends two references (no tuple per
entry) and a pop truncates.

Context: any; each fiber (greenlet) has its own stack.
"""

from __future__ import annotations

import os
import sys
from types import CodeType, FrameType
from typing import Any, Final

from irqlab._build import is_compiled
from irqlab.sim.engine import RUNNING, parked_stack

#: Whether the shadowed modules push their entries: the compiled build. ``IRQLAB_KSTACK=1`` makes the
#: pure-Python build push too (and skip the frames those entries stand for), to test the pushes.
ENABLED: Final = is_compiled() or os.environ.get("IRQLAB_KSTACK", "").strip() not in ("", "0")

#: The name of the entry that marks an interrupt's entry (el1_interrupt / common_interrupt): the walker
#: never prints it, it splits the interrupt's stack from the interrupted context's.
IRQ_ENTRY: Final = "<irq>"

#: kernel function -> (offset, size): what ``name+0xOFF/0xSIZE`` shows for it. The offset is the return
#: address into the function that the trace shows, one per function.
# SIMPLIFICATION: the kernel shows the return address of the call actually in progress, so a function that
# calls several others shows several offsets; here each function has one.
KSYMS: Final[dict[str, tuple[int, int]]] = {
    # kernel/irq/handle.c
    "__handle_irq_event_percpu": (0x38, 0x94),
    "handle_irq_event_percpu": (0x8, 0x18),
    "handle_irq_event": (0x1C, 0x2C),
    # kernel/irq/chip.c
    "handle_simple_irq": (0x34, 0x48),
    "handle_untracked_irq": (0x3C, 0x60),
    "handle_level_irq": (0x48, 0x74),
    "handle_fasteoi_irq": (0x48, 0x6C),
    "handle_edge_irq": (0x54, 0x64),
    "handle_percpu_irq": (0x20, 0x34),
    "handle_percpu_devid_irq": (0x44, 0x90),
    "handle_nested_irq": (0x48, 0x88),
    # kernel/irq/spurious.c
    "__report_bad_irq": (0x28, 0x4C),
    "note_interrupt": (0xA0, 0xA8),
    # kernel/irq/irqdesc.c
    "handle_irq_desc": (0x28, 0x30),
    "generic_handle_irq": (0x14, 0x1C),
    "generic_handle_domain_irq": (0x20, 0x24),
    "generic_handle_irq_safe": (0x20, 0x3C),
    # drivers/irqchip/irq-gic.c
    "gic_handle_irq": (0x7C, 0x80),
    # kernel/irq/manage.c
    "irq_thread_fn": (0x10, 0x24),
    "irq_forced_thread_fn": (0x14, 0x30),
    "irq_thread": (0x4C, 0x9C),
    # kernel/softirq.c
    "handle_softirqs": (0x84, 0xE8),
    "ksoftirqd_fn": (0x40, 0x64),
    "tasklet_action_common": (0x5C, 0xB8),
    "tasklet_action": (0x10, 0x14),
    "tasklet_hi_action": (0x10, 0x14),
    # kernel/workqueue.c
    "process_one_work": (0xD8, 0x130),
    "process_scheduled_works": (0x1C, 0x20),
    "worker_thread": (0x64, 0x88),
    "rescuer_thread": (0x5C, 0xA8),
    # kernel/time/timer.c
    "run_timer_softirq": (0x74, 0xAC),
    "schedule_timeout": (0x48, 0x5C),
    "msleep": (0x20, 0x24),
    "msleep_interruptible": (0x20, 0x28),
    "timer_delete_sync": (0x34, 0x40),
    # kernel/time/hrtimer.c
    "hrtimer_interrupt": (0x3C, 0x44),
    "hrtimer_run_softirq": (0x38, 0x48),
    "schedule_hrtimeout_range": (0x50, 0x5C),
    "usleep_range_state": (0x28, 0x38),
    # include/linux/irqflags.h (the interrupt is taken as local_irq_enable() unmasks it)
    "local_irq_enable": (0x18, 0x1C),
    # kernel/sched/core.c
    "schedule": (0x8, 0xC),
    "preempt_schedule": (0x8, 0xC),
    "preempt_schedule_irq": (0x8, 0xC),
    # kernel/sched/completion.c
    "wait_for_completion": (0x10, 0x14),
    "wait_for_completion_timeout": (0x10, 0x14),
    "wait_for_completion_interruptible": (0x10, 0x14),
    "wait_for_completion_interruptible_timeout": (0x10, 0x14),
    "wait_for_completion_killable": (0x10, 0x14),
    # kernel/kthread.c, kernel/sched/idle.c
    "kthread": (0x18, 0x34),
    "do_idle": (0x4C, 0x50),
}

#: The modules whose Python frames a call trace never shows (path under the irqlab package): for each, the
#: functions that stand for kernel functions, Python name -> kernel name (a key of :data:`KSYMS`, or
#: IRQ_ENTRY). Every module mypyc compiles is here (setup.py's COMPILED; a test checks it).
SHADOWED: Final[dict[str, dict[str, str]]] = {
    "sim/engine.py": {},
    "kernel/cpu.py": {"take_interrupts": IRQ_ENTRY},
    "kernel/stacktrace.py": {},
    "kernel/core.py": {},
    "kernel/kernel.py": {"_idle_loop": "do_idle"},
    "kernel/fork.py": {"kthread": "kthread"},
    "trace/tracepoint.py": {},
    "kernel/preempt.py": {"local_irq_enable": "local_irq_enable"},
    "kernel/sched/cputime.py": {},
    "kernel/sched/core.py": {"schedule": "schedule", "preempt_schedule": "preempt_schedule",
                             "preempt_schedule_irq": "preempt_schedule_irq"},
    "kernel/sched/fair.py": {},
    "kernel/sched/wait.py": {},
    "kernel/sched/rt.py": {},
    "kernel/sched/completion.py": {n: n for n in ("wait_for_completion", "wait_for_completion_timeout",
                                                  "wait_for_completion_interruptible",
                                                  "wait_for_completion_interruptible_timeout",
                                                  "wait_for_completion_killable")},
    "kernel/irq/handle.py": {n: n for n in ("__handle_irq_event_percpu", "handle_irq_event_percpu",
                                            "handle_irq_event")},
    "kernel/irq/chip.py": {},
    "kernel/irq/chip_flow.py": {n: n for n in ("handle_simple_irq", "handle_untracked_irq", "handle_level_irq",
                                               "handle_fasteoi_irq", "handle_edge_irq", "handle_percpu_irq",
                                               "handle_percpu_devid_irq", "handle_nested_irq")},
    "kernel/irq/spurious.py": {"note_interrupt": "note_interrupt", "__report_bad_irq": "__report_bad_irq"},
    "kernel/irq/irqdesc.py": {n: n for n in ("handle_irq_desc", "generic_handle_irq", "generic_handle_irq_safe")},
    "kernel/irq/irqdomain.py": {"generic_handle_domain_irq": "generic_handle_domain_irq"},
    "kernel/irq/types.py": {},
    "kernel/irq/internals.py": {},
    "kernel/sched/deadline.py": {},
    "hw/line.py": {},
    "kernel/irq/manage_thread.py": {n: n for n in ("irq_thread_fn", "irq_forced_thread_fn", "irq_thread")},
    "kernel/softirq.py": {"handle_softirqs": "handle_softirqs", "ksoftirqd_fn": "ksoftirqd_fn"},
    "kernel/tasklet.py": {"_action_common": "tasklet_action_common", "tasklet_action": "tasklet_action",
                          "tasklet_hi_action": "tasklet_hi_action"},
    "kernel/time/timer.py": {n: n for n in ("run_timer_softirq", "schedule_timeout", "msleep",
                                            "msleep_interruptible", "timer_delete_sync")},
    "kernel/time/hrtimer.py": {n: n for n in ("hrtimer_interrupt", "hrtimer_run_softirq",
                                              "schedule_hrtimeout_range", "usleep_range_state")},
    "kernel/time/tick.py": {},
    "kernel/rcu/tree_stall.py": {},
    "kernel/workqueue_pool.py": {},
    "kernel/workqueue_queue.py": {},
    "kernel/workqueue_worker.py": {n: n for n in ("process_one_work", "process_scheduled_works", "worker_thread",
                                                  "rescuer_thread")},
    "hw/gic.py": {},
    "hw/gic_v3.py": {},
    "irqchip/gic.py": {"gic_handle_irq": "gic_handle_irq"},
    "irqchip/gic_v3.py": {"gic_v3_handle_irq": "gic_handle_irq"},
}

#: A kernel stack entry: (kernel name, the innermost Python frame when it was pushed). The stack itself holds
#: them flat, name and frame in turn (:func:`entries` pairs them).
Entry = tuple[str, Any]

_PKG_DIR: Final = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
#: How a mypyc-compiled module names its file in the traceback entries it adds: relative to the build.
_COMPILED_PREFIX: Final = "irqlab/"
#: sys._getframe() depth of the pushing function's innermost frame, seen from push(): compiled, push() has no
#: frame of its own.
_DEPTH: Final = 1 if __file__.endswith(".py") else 0

_UNWOUND_ATTR: Final = "_irqlab_unwound"
#: sys._getframe, bound once (compiled code would look it up on the sys module at each push).
_getframe: Final = sys._getframe
_NOT_SHADOWED: Final = "\0"
#: code object -> "" (a hidden frame), a kernel name, or _NOT_SHADOWED.
_shadow_cache: dict[CodeType, str] = {}


#: The running greenlet's local stack, from the engine (a module constant here, so compiled code reads it directly).
_running: Final = RUNNING


def entries(flat: list[Any]) -> list[Entry]:
    """The entries of a flat kernel stack, outermost first."""
    return [(flat[i], flat[i + 1]) for i in range(0, len(flat) - 1, 2)]


def kstack() -> list[Entry]:
    """The running fiber's kernel stack (a copy), outermost first."""
    return entries(_running.stack)


def push(name: str) -> int:
    """Enter kernel function ``name``; returns the depth to give :func:`pop` on return."""
    ks = _running.stack
    n = len(ks)
    try:
        # Compiled, the innermost frame: asked with no argument, which the builtin takes without parsing one.
        f: Any = _getframe() if _DEPTH == 0 else _getframe(_DEPTH)
    except ValueError:
        # Compiled code only on this fiber so far (a compiled idle loop or kthread body): no Python frame to
        # place the entry inside, so it lies outside every frame (virtual_stack() puts it outermost).
        f = None
    ks.append(name)
    ks.append(f)
    return n


def push_nested(name: str) -> int:
    """:func:`push` for kernel function ``name`` called, through functions of shadowed modules only, by the one whose
    entry is on top: no Python frame began since that entry, so this one records the same frame, not looked up
    again. (The pure-Python build with ``IRQLAB_KSTACK=1`` records the outer function's frame rather than its own;
    the frames in between are all shadowed, so the walker lists the entries in the same order.) Returns the depth
    to give :func:`pop`."""
    ks = _running.stack
    n = len(ks)
    f: Any = ks[n - 1] if n else None
    ks.append(name)
    ks.append(f)
    return n


def pop(n: int) -> None:
    """Return from the function whose :func:`push` returned ``n`` (and from any left by an exception)."""
    ks = _running.stack
    while len(ks) > n:
        ks.pop()


def popped(n: int, value: Any) -> Any:
    """:func:`pop` then ``value``: ``return popped(n, f(x))`` returns from a function after the call it returns."""
    pop(n)
    return value


def depth() -> int:
    """The running fiber's stack depth, for :func:`unwind` at a context boundary."""
    return len(_running.stack)


def unwind(n: int, exc: BaseException, own: bool = False, shadowed: bool = True) -> None:
    """A context boundary caught ``exc``: drop the entries of the functions it unwound and keep them with the
    exception for the oops' call trace (:func:`unwound`). ``n`` is :func:`push`'s return in a catching
    function that pushes itself (``own``: its entry stays, and is the oops trace's outermost), else
    :func:`depth` before the ``try``. ``shadowed``: the catching function is in a shadowed module (it has
    no frame in the traceback of the compiled build)."""
    ks = _running.stack
    keep = n + 2 if own else n
    if not hasattr(exc, _UNWOUND_ATTR):
        setattr(exc, _UNWOUND_ATTR, (entries(ks[n:keep]), entries(ks[keep:]), shadowed))
    del ks[keep:]


def unwound(exc: BaseException, catcher: bool = True) -> list[Entry]:
    """The entries ``exc`` unwound, outermost first, with the catching function's own (``catcher``); none in
    the pure-Python build."""
    got = getattr(exc, _UNWOUND_ATTR, None)
    if got is None:
        return []
    return (got[0] if catcher else []) + got[1]


def caught_in_shadow(exc: BaseException) -> bool:
    """Whether a function of a shadowed module caught ``exc`` (and unwound the kernel stack)."""
    got = getattr(exc, _UNWOUND_ATTR, None)
    return got is not None and bool(got[2])


def task_kstack(glet: Any) -> list[Entry]:
    """The kernel stack of a fiber that is not running."""
    return entries(parked_stack(glet))


def shadow_name(code: CodeType) -> str | None:
    """For a frame's code: None (a frame the trace may show), "" (a frame it never shows) or the kernel name
    its entry shows (the pure-Python build lists it from the frame; the compiled one from the entry)."""
    got = _shadow_cache.get(code)
    if got is None:
        fn = code.co_filename
        rel = ""
        if fn.startswith(_PKG_DIR + os.sep):
            rel = fn[len(_PKG_DIR) + 1 :].replace(os.sep, "/")
        elif fn.startswith(_COMPILED_PREFIX):
            rel = fn[len(_COMPILED_PREFIX) :]
        names = SHADOWED.get(rel)
        got = _NOT_SHADOWED if names is None else names.get(code.co_name, "")
        _shadow_cache[code] = got
    return None if got == _NOT_SHADOWED else got


#: An element of a virtual stack: a kernel name (from the table, or IRQ_ENTRY) or a frame with its line.
Virtual = str | tuple[FrameType, int]


def virtual_stack(frames: list[tuple[FrameType, int]], entries: list[Entry], leftover: bool = False) -> list[Virtual]:
    """The stack a trace unwinds, innermost first: ``frames`` (innermost first, with their lines) with the
    ``entries`` (outermost first) each placed just inside the frame that was innermost when it was pushed.
    Frames of shadowed modules give their kernel name when the entries do not stand for them (no entries
    are pushed) and are dropped otherwise. Entries whose frame is not among ``frames`` are dropped, or put
    outermost with ``leftover`` (an oops: they ran between the catching context and the raising frames); those
    pushed with no Python frame at all (frame None) are outermost in any case."""
    out: list[Virtual] = []
    i = len(entries) - 1
    for f, lineno in frames:
        while i >= 0 and entries[i][1] is f:
            out.append(entries[i][0])
            i -= 1
        name = shadow_name(f.f_code)
        if name is None:
            out.append((f, lineno))
        elif name and not ENABLED:
            out.append(name)
    while i >= 0 and entries[i][1] is None:  # pushed before the fiber had a Python frame (see push())
        out.append(entries[i][0])
        i -= 1
    if leftover:
        out.extend(e[0] for e in reversed(entries[: i + 1]))
    return out


def kernel_name_of(fn: Any) -> str | None:
    """The kernel name of a function of a shadowed module (what %ps prints for it; :func:`ksym` gives %pS),
    compiled or not; None for any other callable."""
    mod = getattr(fn, "__module__", None)
    if not isinstance(mod, str):  # a compiled class's bound method: its class names the module
        owner = getattr(fn, "__self__", None)
        mod = type(owner).__module__ if owner is not None else None
    name = getattr(fn, "__name__", None)
    if not isinstance(mod, str) or not isinstance(name, str) or not mod.startswith("irqlab."):
        return None
    names = SHADOWED.get(mod[len("irqlab.") :].replace(".", "/") + ".py")
    if names is None:
        return None
    return names.get(name) or name


def live_frames(f: FrameType | None) -> list[tuple[FrameType, int]]:
    """``f`` and its callers, innermost first, with their current lines."""
    out = []
    while f is not None:
        out.append((f, f.f_lineno))
        f = f.f_back
    return out


def ksym(name: str) -> str:
    """``name+0xOFF/0xSIZE`` of a kernel function (``name+0x0/0x0`` for one the table does not list)."""
    off, size = KSYMS.get(name, (0, 0))
    return f"{name}+0x{off:x}/0x{size:x}"


def caller_frame(depth: int) -> FrameType:
    """What ``sys._getframe(depth)`` gives in the calling function, counting only the frames that exist in both
    builds (those of shadowed modules are passed over): the call site printk_once(), WARN's file:line and
    might_sleep() key on, the same whether the modules in between are compiled or not."""
    f: FrameType | None = sys._getframe(_DEPTH)
    n = 0
    while f is not None:
        if shadow_name(f.f_code) is None:
            if n == depth:
                return f
            n += 1
        f = f.f_back
    raise ValueError(f"the stack has no caller {depth} frames up")
