"""The scenario API: boot a board, load modules, inject events, run, read dmesg and /proc."""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol

from irqlab._build import is_compiled
from irqlab.boards import get_board
from irqlab.boards.hardware import BoardHardware
from irqlab.boards.initcalls import INITCALLS
from irqlab.errno import EINVAL, ENOENT
from irqlab.fs.procfs import FS_HOOKS, ProcFS
from irqlab.kernel import stacktrace
from irqlab.kernel.core import current_kernel
from irqlab.kernel.cpu import raise_interrupt
from irqlab.kernel.irq.cpuhotplug import cpu_down, cpu_up
from irqlab.kernel.irq.irqdesc import generic_handle_irq
from irqlab.kernel.irq.irqdomain import irq_create_mapping
from irqlab.kernel.irq.manage_affinity import irq_set_irqchip_state
from irqlab.kernel.irq.pm import pm_state, pm_suspend_s2idle, pm_system_wakeup
from irqlab.kernel.irq.types import (
    IRQCHIP_STATE_PENDING,
    IRQD_IRQ_DISABLED,
    IRQD_IRQ_MASKED,
    IRQS_PENDING,
)
from irqlab.kernel.kernel import Kernel
from irqlab.kernel.module import do_delete_module, do_init_module
from irqlab.kernel.panic import DriverFault, KernelBugError, _is_user_file, taint_string
from irqlab.kernel.sched.core import POLICY_NAMES, Task, TaskState
from irqlab.kernel.workqueue import scenario_freeze, scenario_show_all, scenario_thaw
from irqlab.sim import PRIO_SCENARIO, StalledError, to_ns
from irqlab.sim.realtime import Pacer, RealtimeWarning, behind_message, run_paced
from irqlab.sim.units import TimeLike
from irqlab.trace import TraceBus
from irqlab.trace.vcd import VcdRecorder, machine_lines

if TYPE_CHECKING:
    from irqlab.userspace.shell import Shell, ShellResult


class RunSession(Protocol):
    """What a front end (``irqlab run``, the pytest plugin) may install around a user's code with
    :func:`run_session`: it sees each boot, may override its arguments, and may watch long runs."""

    def boot_args(self, board: str, kw: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """The board and keyword arguments boot() actually uses."""
        ...

    def booted(self, m: Machine) -> None:
        """Called with each machine once booted."""
        ...

    def insmod_args(self, m: Machine, module: Any, params: dict[str, Any]) -> dict[str, Any]:
        """The module parameters insmod actually passes."""
        ...

    def watch(self, m: Machine, end: int | None) -> Callable[[], bool] | None:
        """A predicate called after each event of a run to ``end`` (None: until idle or a condition);
        returning True ends the run early, after which :meth:`ran` decides what that means."""
        ...

    def ran(self, m: Machine) -> None:
        """Called after each run; may raise to end the user's code (a limit was passed)."""
        ...


_session: list[RunSession] = []


@contextlib.contextmanager
def run_session(session: RunSession) -> Iterator[RunSession]:
    """Install ``session`` for the machines booted inside the ``with`` block."""
    _session.append(session)
    try:
        yield session
    finally:
        _session.remove(session)


def _user_frames_first(exc: KernelBugError) -> KernelBugError:
    """With bugs="raise": hide irqlab's frames from ``exc`` and chain the user's own exception
    (an oops' cause) with its frames, so the traceback shows the user's code first."""
    exc.__traceback__ = _user_tb(exc.__traceback__)
    ctx = exc.__context__
    if ctx is not None and not isinstance(ctx, KernelBugError) and exc.kind == "Oops":
        ctx.__traceback__ = _user_tb(ctx.__traceback__)
        exc.__cause__ = ctx
        exc.__suppress_context__ = True
    return exc


def _user_tb(tb: TracebackType | None) -> TracebackType | None:
    """``tb`` without the frames of irqlab's own modules and greenlet."""
    frames = []
    while tb is not None:
        if _is_user_file(tb.tb_frame.f_code.co_filename):
            frames.append((tb.tb_frame, tb.tb_lasti, tb.tb_lineno))
        tb = tb.tb_next
    out: TracebackType | None = None
    for frame, lasti, lineno in reversed(frames):
        out = TracebackType(out, frame, lasti, lineno)
    return out


@dataclass(frozen=True)
class IrqAction:
    """One handler on a line (struct irqaction): what request_irq()/request_threaded_irq() registered."""

    name: str
    handler: Any
    thread_fn: Any
    flags: int
    dev_id: Any
    thread: Task | None


@dataclass(frozen=True)
class IrqView:
    """What ``m.irq(n)`` returns: the state of one interrupt line at the time of the call."""

    irq: int
    name: str | None
    chip: str | None
    hwirq: int
    #: disable_irq() nesting depth (0 = enabled; 1 after setup without a handler or after one disable_irq()).
    depth: int
    disabled: bool
    masked: bool
    #: IRQS_PENDING: an edge arrived while disabled (or during suspend) and awaits a resend.
    pending: bool
    #: Interrupts taken per CPU (kstat_irqs, /proc/interrupts' columns) and their sum.
    counts: tuple[int, ...]
    total: int
    unhandled: int
    actions: tuple[IrqAction, ...]
    #: The irq/N-name threads of the threaded actions.
    threads: tuple[Task, ...]


class Machine:
    """A booted simulated machine. Create it with :func:`irqlab.boot`."""

    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel
        self.fs = ProcFS(kernel)
        kernel.subsys["fs"] = self.fs
        kernel.modules.register_fs(self.fs)
        # A kernel subsystem names its filesystem side (FS_HOOKS); drivers, above fs, hand their function.
        for hook in list(kernel.subsys.get("fs_hooks", [])):
            (FS_HOOKS[hook] if isinstance(hook, str) else hook)(self.fs)
        # The simulated CPUs and tasks are parked greenlets whose stacks hold the kernel; the collector
        # cannot see into them, so the machine unwinds them when it is closed or no longer referenced.
        self._finalizer = weakref.finalize(self, kernel.engine.close)

    # -- lifetime ------------------------------------------------------------------------
    def close(self) -> None:
        """Shut the machine down: every task's stack is unwound and every pending event dropped, so its
        memory can be freed; it cannot run again. Idempotent. ``with irqlab.boot(...) as m:`` calls it at
        the end of the block; a machine nothing refers to any more is closed the same way."""
        if self.kernel.engine.running:
            raise ValueError("close() was called while the machine runs (from a scenario action or a task): "
                             "call it after m.run() returns")  # fmt: skip
        self._finalizer()

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has shut the machine down."""
        return self.kernel.engine.closed

    def __enter__(self) -> Machine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- time ----------------------------------------------------------------------------
    @property
    def now(self) -> int:
        """Simulated time in ns since boot."""
        return self.kernel.engine.now

    @property
    def jiffies(self) -> int:
        """The kernel's jiffies now (they start five minutes before the 32-bit wrap, as the kernel's)."""
        return self.kernel.jiffies

    @property
    def seed(self) -> int:
        """The seed this machine was booted with."""
        return self.kernel.engine.seed

    @property
    def trace(self) -> TraceBus:
        """The tracepoints and their per-CPU rings: ``m.trace.enable("irq,sched")``, ``m.trace.save("out.dat")``."""
        return self.kernel.tp

    @property
    def vcd(self) -> Any:
        """GPIO pin and IRQ line levels, recorded from the first use of this property: ``m.vcd.save("out.vcd")``."""
        rec = self.__dict__.get("_vcd")
        if rec is None:

            k = self.kernel
            rec = self.__dict__["_vcd"] = VcdRecorder(lambda: k.engine.now, lambda: machine_lines(k))
        return rec

    def _enter(self) -> Kernel | None:
        prev = current_kernel.k
        current_kernel.k = self.kernel
        return prev

    def run(self, until: TimeLike | None = None, *, for_: TimeLike | None = None,
            realtime: float | None = None) -> None:  # fmt: skip
        """Advance simulated time to ``until`` (absolute) or by ``for_``; without either, run until
        nothing is left to do (raising StalledError if tasks are blocked forever).

        ``realtime=r`` paces the run to the wall clock, r simulated seconds per wall second
        (0.01-100), applying inputs given to :meth:`post` at the simulated time they arrive; a run
        that cannot keep up warns (irqlab.sim.realtime.RealtimeWarning). Pacing changes when
        events run, never what they do."""
        if realtime is not None:
            return self._run_paced(until, for_, realtime)
        if until is not None and for_ is not None:
            raise ValueError("give run() either until= (an absolute time) or for_= (a duration), not both")
        end: int | None = None
        if until is not None:
            end = to_ns(until)
            if end < self.now:
                raise ValueError(f"run(until={until!r}) is in the past: the machine is already at {self.now} ns")
        elif for_ is not None:
            end = self.now + to_ns(for_)
        __tracebackhide__ = True  # pytest: a re-raised KernelBugError shows the test's frames, not this one
        watch = _session[-1].watch(self, end) if _session else None
        prev = self._enter()
        try:
            engine = self.kernel.engine
            engine.run(until=end, stop=watch)
            if watch is not None and end is None and not watch():
                # What engine.run() checks itself when it runs without a stop predicate.
                blocked = [(f.name, f.blocked_on or "?") for f in engine.fibers if f.stuck_if_idle and f.blocked_on]
                if blocked and engine.next_time() is None:
                    raise StalledError(self.now, blocked)
        except KernelBugError as e:
            raise _user_frames_first(e) from e.__cause__
        finally:
            current_kernel.k = prev
        if _session:
            _session[-1].ran(self)

    def _run_paced(self, until: TimeLike | None, for_: TimeLike | None, ratio: float) -> None:
        import warnings

        if (until is None) == (for_ is None):
            raise ValueError("a paced run needs an end: give until= (an absolute time) or for_= (a duration)")
        end = to_ns(until) if until is not None else self.now + to_ns(for_ or 0)
        if end < self.now:
            raise ValueError(f"run(until={until!r}) is in the past: the machine is already at {self.now} ns")
        pacer = Pacer(self.kernel.engine, ratio)
        prev = self._enter()
        try:
            run_paced(pacer, end, lambda fn, args: self.at(self.now, fn, *args))
        finally:
            current_kernel.k = prev
        if pacer.max_behind_s > 0.1:
            warnings.warn(behind_message(pacer), RealtimeWarning, stacklevel=3)

    def step_paced(self, pacer: Any) -> int:
        """One slice of a paced run driven from outside (a web server's loop): ``pacer.step()``
        (an irqlab.sim.realtime.Pacer of this machine's engine) with this machine's kernel
        current. Returns the simulated time reached."""
        return int(self._in_kernel(pacer.step))

    def post(self, callback: Callable[..., Any], *args: Any) -> None:
        """Hand an input to a paced run from anywhere (another thread): it runs as a scenario action
        ``callback(*args)`` at the simulated time the run has reached when it takes the input."""
        self.kernel.engine.post(callback, *args)

    def run_until(self, predicate: Callable[[], bool], limit: TimeLike | None = None) -> bool:
        """Run until ``predicate()`` is true (checked after each event) or, with ``limit`` (a duration from
        now), until that much simulated time has passed; returns whether it became true.

        ``predicate`` must only read state: it may be evaluated more than once per event."""
        __tracebackhide__ = True  # pytest: a re-raised KernelBugError shows the test's frames, not this one
        end = self.now + to_ns(limit) if limit is not None else None
        prev = self._enter()
        try:
            if predicate():
                return True
            watch = _session[-1].watch(self, end) if _session else None
            stop = predicate if watch is None else (lambda: predicate() or watch())
            self.kernel.engine.run(until=end, stop=stop)
        except KernelBugError as e:
            raise _user_frames_first(e) from e.__cause__
        finally:
            current_kernel.k = prev
        if _session:
            _session[-1].ran(self)
        return predicate()

    def at(self, when: TimeLike, callback: Callable[..., Any], *args: Any) -> None:
        """Schedule a scenario action ``callback(*args)`` at absolute simulated time ``when``.

        The action runs outside every CPU, like the outside world: it may inject hardware
        events, spawn tasks, load modules or write /proc files, but not call kernel APIs.
        """
        t = to_ns(when)
        if t < self.now:
            raise ValueError(f"m.at({when!r}) is in the past: the machine is already at {self.now} ns")
        if getattr(callback, "__self__", None) is self:
            # m.at(t, m.fire_irq, ...): held weakly, so that a pending action does not keep the machine alive.
            callback = _WeakMethod(callback)
        self.kernel.engine.at(t, PRIO_SCENARIO, _scenario_action, self.kernel, callback, args)

    def after(self, delay: TimeLike, callback: Callable[..., Any], *args: Any) -> None:
        """Schedule ``callback(*args)`` ``delay`` after the current simulated time."""
        self.at(self.now + to_ns(delay), callback, *args)

    # -- tasks -------------------------------------------------------------------------
    def spawn(
        self,
        fn: Callable[..., Any],
        *args: Any,
        name: str | None = None,
        cpu: int | None = None,
        policy: str = "normal",
        prio: int = 0,
        user: bool = False,
    ) -> Task:
        """Start a kernel thread (or, with ``user=True``, a user task) running ``fn(*args)``.

        ``cpu`` pins it to one CPU; ``policy`` is "normal", "fifo", "rr", "batch" or "idle";
        ``prio`` is the RT priority (1-99) for fifo/rr and the nice value otherwise.
        """
        k = self.kernel
        if not callable(fn):
            raise TypeError(f"spawn() needs a function to run, not {fn!r}")
        pol = POLICY_NAMES.get(policy)
        if pol is None:
            raise ValueError(f"policy must be one of {', '.join(POLICY_NAMES)}, not {policy!r}")
        if cpu is not None and not 0 <= cpu < len(k.cpus):
            raise ValueError(f"cpu={cpu} does not exist: this machine has CPUs 0-{len(k.cpus) - 1}")
        prev = self._enter()
        try:
            t = k.create_task(fn, args, str(name or getattr(fn, "__name__", "kthread")), user=user)
            if pol in (1, 2):
                k.sched.setscheduler(t, pol, prio)
            else:
                k.sched.setscheduler(t, pol, 0, prio)
            if cpu is not None:
                t.cpus_allowed = 1 << cpu
                t.cpu = cpu
            k.sched.wake_up_new_task(t)
        finally:
            current_kernel.k = prev
        return t

    def task(self, name_or_pid: str | int) -> Task:
        """Find a task by pid or comm (the first match, in pid order); KeyError when there is none."""
        for t in self.kernel.tasks.values():
            if t.pid == name_or_pid or t.comm == name_or_pid:
                return t
        raise KeyError(f"no task {name_or_pid!r}")

    @property
    def tasks(self) -> list[Task]:
        """Every task created since boot, in pid order: kernel threads and user tasks, exited ones included
        (``t.state`` says which); the per-CPU idle tasks are not listed."""
        return list(self.kernel.tasks.values())

    # -- modules -----------------------------------------------------------------------
    def insmod(self, module: Any, **params: Any) -> int | Task:
        """Load a module: run its module_init() in an ``insmod`` task, as ``insmod mod.ko name=value ...``.

        ``params`` set the module's parameters (declared with module_param()) before init: values are
        given as Python values or as the text insmod would pass (``debounce_ms=20``, ``debug="Y"``). A
        value the parameter's type rejects fails the load with -EINVAL and the kernel's message; an
        unknown name is warned about and ignored, as the kernel does. -EEXIST when a module of that
        name is already loaded. From a script (outside m.run)
        this runs the machine until init returns and returns its value (0 or -errno; -EFAULT when
        init oopsed). From a scenario action it starts the insmod task and returns it.
        """
        k = self.kernel
        if _session:
            params = _session[-1].insmod_args(self, module, params)
        prev = self._enter()
        try:
            mod, err = k.modules.prepare(module, params)
            if mod is None:
                return err
            t = k.create_task(do_init_module, (k, mod), "insmod")
            k.sched.wake_up_new_task(t)
        finally:
            current_kernel.k = prev
        return self._maybe_wait(t, f"insmod {mod.name}")

    def rmmod(self, name: str) -> int | Task:
        """Unload a module by name: run its module_exit() in an ``rmmod`` task. From a script this
        runs until exit returns and returns 0 (-ENOENT when no such module is loaded); from a
        scenario action it returns the rmmod task."""
        k = self.kernel
        mod = k.modules.find(name)
        if mod is None:
            return -ENOENT
        prev = self._enter()
        try:
            t = k.create_task(do_delete_module, (k, mod), "rmmod")
            k.sched.wake_up_new_task(t)
        finally:
            current_kernel.k = prev
        return self._maybe_wait(t, f"rmmod {name}")

    def _maybe_wait(self, t: Task, what: str) -> int | Task:
        if self.kernel.engine.running:
            return t
        self.run_until(lambda: t.state is TaskState.DEAD)
        if t.state is not TaskState.DEAD:
            raise StalledError(self.now, [(f"{t.comm}/{t.pid}", t.wait_desc or "?")])
        if t.exception is not None:
            return -14  # -EFAULT: the module's code oopsed
        return int(t.result or 0)

    # -- board hardware ---------------------------------------------------------------
    @property
    def board(self) -> BoardHardware:
        """The board's hardware: GPIO header pins, the buttons and LEDs wired to them, input devices, the GIC
        (``m.board.button(17)``, ``m.board.map_spi(5)``)."""
        hw = self.__dict__.get("_board")
        if hw is None:
            hw = self.__dict__["_board"] = BoardHardware(self.kernel, self._in_kernel)
        return hw

    def button(self, gpio: int, profile: Any = None, name: str | None = None) -> Any:
        """``m.board.button()``: a push button between GPIO ``gpio`` and ground."""
        return self.board.button(gpio, profile, name)

    def led(self, gpio: int, name: str | None = None) -> Any:
        """``m.board.led()``: an LED on GPIO ``gpio``."""
        return self.board.led(gpio, name)

    @property
    def boot_args(self) -> str:
        """The kernel command line the machine booted with."""
        return self.kernel.boot_params.cmdline

    # -- output ------------------------------------------------------------------------
    def dmesg(self, level: int | None = None) -> str:
        """The kernel log as dmesg prints it; ``level`` keeps messages at that level or more urgent."""
        return self.kernel.log.text(level)

    def dmesg_records(self, sites: bool = True) -> list[tuple[str, int]]:
        """The dmesg lines as (line, loglevel). With ``sites``, each kernel report raised from code outside
        irqlab is followed by irqlab's own line ``irqlab: raised at FILE:LINE in FUNCTION`` (loglevel -1),
        which a kernel would not print: the user's file, line and function that raised it."""
        at: dict[int, list[str]] = {}
        if sites:
            for rec, site, _ in self.kernel.bugs.sites:
                at.setdefault(id(rec), []).append(site)
        out: list[tuple[str, int]] = []
        for rec in self.kernel.log.records:
            out.append((rec.line(), rec.level))
            for site in at.get(id(rec), ()):
                out.append((f"irqlab: raised at {site}", -1))
        return out

    def dmesg_lines(self) -> list[str]:
        """Just the message texts, without timestamps."""
        return [line for r in self.kernel.log.records for line in r.text.split("\n")]

    def read(self, path: str) -> str:
        """Read a /proc, /sys or debugfs file; FileNotFoundError (naming the files nearby) when it does not
        exist, PermissionError for a write-only file."""
        prev = self._enter()
        try:
            return self.fs.read(path)
        finally:
            current_kernel.k = prev

    def write(self, path: str, text: str) -> int:
        """Write a /proc or /sys file; returns len(text) or -errno, as write(2) would."""
        prev = self._enter()
        try:
            return self.fs.write(path, text)
        finally:
            current_kernel.k = prev

    @property
    def tainted(self) -> str:
        """The set taint flags as letters in the kernel's order ('' when untainted), e.g. 'DOW' or 'PO'."""
        return taint_string(self.kernel.bugs.taint)

    @property
    def reports(self) -> list[tuple[str, str]]:
        """Every kernel report so far as (kind, text), oldest first: WARN splats ("WARNING"), lockdep's
        ("WARNING: inconsistent lock state", ...), BUGs ("BUG: scheduling while atomic", ...) and oopses
        ("Oops"). :func:`report_class` sorts a kind into "warn", "lockdep", "bug" or "oops"."""
        return list(self.kernel.bugs.reports)

    def fail_atomic_allocations(self, rate: float) -> None:
        """Make GFP_ATOMIC allocations fail with probability ``rate`` (seeded)."""
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"rate must be within 0..1, not {rate}")
        self.kernel.gfp_atomic_fail_rate = rate

    # -- interrupts, hotplug, suspend (kernel/irq) ------------------------------------------
    def _in_kernel(self, fn: Callable[..., Any], *args: Any) -> Any:
        prev = self._enter()
        try:
            return fn(*args)
        finally:
            current_kernel.k = prev

    def spi_line(self, spi: int) -> Any:
        """The hardware Line wired to GIC SPI ``spi`` (interrupt ID spi+32); drive it with assert_/deassert/pulse."""
        return self.board.gic.spi_line(spi + 32)

    def irq_sim(self, hwirq: int) -> int:
        """The Linux irq of line ``hwirq`` of the board's irq_sim domain (mapped on first use)."""
        domain = self.kernel.subsys.get("irq_sim_domain")
        if domain is None:
            raise ValueError(f"board {self.kernel.board.name!r} has no irq_sim domain")
        return int(self._in_kernel(irq_create_mapping, domain, hwirq))

    def fire_irq(self, irq: int, cpu: int | None = None) -> int:
        """Fire Linux interrupt ``irq`` once; returns 0 or -errno (-EINVAL for an irq without a descriptor).

        Without ``cpu``: irq_set_irqchip_state(irq, IRQCHIP_STATE_PENDING, true), as a test would poke
        the controller: an irq_sim line fires at once, a GIC line goes pending and is taken on the CPU
        its affinity routes it to. With ``cpu``: the interrupt is taken on that CPU, whatever the line
        type or affinity: the CPU enters hardirq context (when it next has interrupts enabled) and runs
        the line's flow handler, generic_handle_irq(irq), as a demultiplexing parent handler would,
        so the line's depth, masking and oneshot rules all apply. A scenario action or script call."""
        if cpu is None:
            return int(self._in_kernel(irq_set_irqchip_state, irq, IRQCHIP_STATE_PENDING, True))
        k = self.kernel
        if not 0 <= cpu < len(k.cpus) or not k.cpus[cpu].online:
            raise ValueError(f"cpu={cpu} is not an online CPU of this machine (CPUs 0-{len(k.cpus) - 1})")
        desc = k.subsys["irq"].descs.get(irq) if "irq" in k.subsys else None
        if desc is None:
            return -EINVAL

        def take(_cpu: Any) -> None:
            generic_handle_irq(irq)

        raise_interrupt(k, k.cpus[cpu], take)
        return 0

    def irq(self, irq: int) -> IrqView:
        """A read-only snapshot of Linux interrupt ``irq``: its depth, masked/disabled/pending state,
        per-CPU counts (/proc/interrupts' columns), its actions (name, handler, thread_fn, flags) and
        IRQ threads. KeyError when ``irq`` has no descriptor."""
        k = self.kernel
        desc = k.subsys["irq"].descs.get(irq) if "irq" in k.subsys else None
        if desc is None:
            raise KeyError(f"irq {irq} has no descriptor on this machine; see m.read('/proc/interrupts')")
        st = desc.irq_common_data.state_use_accessors
        actions = []
        a = desc.action
        while a is not None:
            actions.append(IrqAction(a.name, a.handler, a.thread_fn, a.flags, a.dev_id, a.thread))
            a = a.next
        return IrqView(
            irq=irq,
            name=desc.name,
            chip=desc.irq_data.chip.name if desc.irq_data.chip is not None else None,
            hwirq=desc.irq_data.hwirq,
            depth=desc.depth,
            disabled=bool(st & IRQD_IRQ_DISABLED),
            masked=bool(st & IRQD_IRQ_MASKED),
            pending=bool(desc.istate & IRQS_PENDING),
            counts=tuple(desc.kstat_irqs),
            total=sum(desc.kstat_irqs),
            unhandled=desc.irqs_unhandled,
            actions=tuple(actions),
            threads=tuple(x.thread for x in actions if x.thread is not None),
        )

    def remove_cpu(self, cpu: int) -> int:
        """Take ``cpu`` offline (IRQs, timers and tasks move away). 0, 1 (already offline), -EINVAL, -EBUSY."""
        return int(self._in_kernel(cpu_down, self.kernel, cpu))

    def add_cpu(self, cpu: int) -> int:
        """Bring ``cpu`` back online (managed IRQs restart unless disabled). 0, 1 (already online), -EINVAL."""
        return int(self._in_kernel(cpu_up, self.kernel, cpu))

    def suspend(self) -> Task:
        """Suspend to idle (s2idle): device IRQs are disabled, wake IRQs armed. From a script this runs until
        the system is suspended; a wake IRQ or :meth:`resume` wakes it. Returns the suspending task."""
        t = self.spawn(pm_suspend_s2idle, name="systemd-sleep")
        if not self.kernel.engine.running:
            st = pm_state(self.kernel)
            self.run_until(lambda: st.suspended or t.state is TaskState.DEAD)
        return t

    def resume(self) -> None:
        """Wake the system from suspend (as a wakeup event would); from a script, runs until resumed."""
        st = pm_state(self.kernel)
        self._in_kernel(pm_system_wakeup, self.kernel)
        if not self.kernel.engine.running:
            self.run_until(lambda: not st.suspended and not st.wq.head)

    # -- workqueues (kernel/workqueue.c) -------------------------------------------------------
    def show_workqueues(self) -> None:
        """Print the kernel's "Showing busy workqueues and worker pools:" dump (show_all_workqueues()) to dmesg."""
        scenario_show_all(self.kernel)

    def freeze_workqueues(self) -> None:
        """Freeze the WQ_FREEZABLE workqueues as suspend does: running items finish, new ones wait."""
        scenario_freeze(self.kernel)

    def thaw_workqueues(self) -> None:
        """Thaw the freezable workqueues: the items collected while frozen start."""
        scenario_thaw(self.kernel)

    def memory_pressure(self, on: bool = True) -> None:
        """Simulated memory pressure: while on, new kworkers cannot be created, so rescuers step in."""
        self.kernel.subsys["workqueue"].set_memory_pressure(on)

    # -- the shell ------------------------------------------------------------------------
    _shell: Shell | None = None

    @property
    def shell(self) -> Shell:
        """The board's interactive shell (one per machine: its variables, jobs and files persist)."""
        if self._shell is None:
            # Deferred for start-up cost: bashlex builds its parser tables on import (~0.25 s).
            from irqlab.userspace.shell import Shell

            self._shell = Shell(self)
        return self._shell

    def sh(self, command: str, *, for_: TimeLike | None = None) -> ShellResult:
        """Run a shell command line on the board, as typed at its prompt: ``m.sh("cat /proc/interrupts")``.

        Simulated time passes while it runs; background jobs (``&``) go on running. Returns the
        output (stdout and stderr, as the terminal shows them) and the exit status; ``for_``
        interrupts a command still running after that long (Ctrl-C), as ``watch`` needs."""
        return self.shell.run(command, for_=for_)

    def __repr__(self) -> str:
        k = self.kernel
        return f"<Machine {k.board.name} cpus={len(k.cpus)} now={self.now}ns seed={k.engine.seed}>"


class _InterpretedKernel(Kernel):
    """A :class:`Kernel` that takes weak references (cleared when it dies) and attributes it does not declare,
    as any Python object does, where Kernel is a native class of the compiled build (which takes neither).
    Kernel methods that compiled code calls on it dispatch through Python."""


#: The class of the kernel :func:`boot` makes. The pure-Python build's Kernel is an ordinary class already: a
#: subclass there would only slow interpreted code's attribute reads on it (about 8% of the storm's time).
BootedKernel: type[Kernel] = _InterpretedKernel if is_compiled() else Kernel


class _WeakMethod:
    """A Machine method scheduled as a scenario action, called only while the machine exists."""

    __slots__ = ("ref",)

    def __init__(self, method: Callable[..., Any]) -> None:
        self.ref = weakref.WeakMethod(method)  # type: ignore[arg-type]

    def __call__(self, *args: Any) -> Any:
        method = self.ref()
        return None if method is None else method(*args)


def _scenario_action(k: Kernel, callback: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """Run a scenario action (an m.at() event). A module function, not a method: a pending action must not
    keep its Machine alive."""
    kdepth = stacktrace.depth() if stacktrace.ENABLED else 0
    try:
        callback(*args)
    except DriverFault as exc:
        # A kernel BUG() hit inside an "any context" API the action called (add_timer() of a pending
        # timer, ...): the action is the faulting context, reported as an oops and unwound like any other.
        if stacktrace.ENABLED:
            stacktrace.unwind(kdepth, exc, shadowed=False)
        k.fault(exc, "scenario action")


def boot(
    board: str = "rpi5",
    *,
    cpus: int | None = None,
    seed: int = 0,
    hz: int | None = None,
    preempt: str | None = None,
    cmdline: str = "",
    bugs: str = "warn",
    trace: bool | str | list[str] = False,
    trace_ring: int = 1408,
    gfp_atomic_fail_rate: float = 0.0,
) -> Machine:
    """Boot a simulated machine.

    ``board`` names a wiring table ("rpi5", the default, "pc" or "generic"; ``irqlab boards`` lists them);
    ``cpus``, ``hz`` and ``preempt`` ("none", "voluntary", "full", "rt") override the board's defaults;
    ``cmdline`` is the kernel command line; ``bugs="raise"`` makes every kernel report raise
    KernelBugError out of ``m.run()`` (an oops chained to the driver's exception, irqlab's frames
    hidden); ``trace=True`` records every 6.12 trace event into the per-CPU rings (or name systems and
    events: ``trace="irq,sched,workqueue"`` or a list); ``trace_ring`` is buffer_size_kb, each CPU's ring
    size. Under ``irqlab run`` the command line's --board/--cpus/--hz/--preempt override these and its
    --cmdline is appended.
    """
    if _session:
        board, kw = _session[-1].boot_args(board, {"cpus": cpus, "hz": hz, "preempt": preempt, "cmdline": cmdline})
        cpus, hz, preempt, cmdline = kw["cpus"], kw["hz"], kw["preempt"], kw["cmdline"]
    b = get_board(board)
    k = BootedKernel(
        b,
        cpus=cpus if cpus is not None else b.cpus,
        seed=seed,
        hz=hz if hz is not None else b.hz,
        preempt=preempt if preempt is not None else b.preempt,
        bugs=bugs,
        cmdline=cmdline,
        trace_ring=trace_ring,
        gfp_atomic_fail_rate=gfp_atomic_fail_rate,
        initcalls=INITCALLS,
    )
    m = Machine(k)
    for hook in boot_hooks:
        hook(m)
    boot_tasks = k.subsys.get("boot_tasks", [])
    if boot_tasks:
        # Built-in drivers probe in boot tasks: boot is over when they have finished.
        m.run_until(lambda: all(t.state is TaskState.DEAD for t in boot_tasks))
    if trace:
        k.tp.enable(*([trace] if isinstance(trace, str) else trace if isinstance(trace, list) else ()))
    if _session:
        _session[-1].booted(m)
    return m


#: The report classes of :func:`report_class`, in the order front ends list them.
REPORT_CLASSES = ("oops", "bug", "warn", "lockdep")


def report_title(kind: str, text: str) -> str:
    """The line that names a report: its first line that is not blank or a marker (WARN's ``cut here``,
    lockdep's ``=====`` rule), else ``kind``."""
    for line in text.split("\n"):
        bare = line.strip()
        if bare and not set(bare) <= set("=-") and "[ cut here ]" not in bare:
            return bare
    return kind


def report_class(kind: str) -> str:
    """The class of a kernel report kind (the first element of ``m.reports``): "oops" for an oops or a panic,
    "bug" for a "BUG: ..." report (sleeping in atomic context, scheduling while atomic), "lockdep"
    for lockdep's "WARNING: <what>" reports (inconsistent lock state, recursive locking), "warn" for a
    WARN()/WARN_ON() splat."""
    if kind.startswith(("Oops", "Kernel panic")):
        return "oops"
    if kind.startswith("BUG"):
        return "bug"
    if kind.startswith("WARNING: "):
        return "lockdep"
    return "warn"


#: Called with every machine boot() creates, before its boot tasks run (the CLI's --trace and --vcd recorders).
boot_hooks: list[Callable[[Machine], None]] = []
