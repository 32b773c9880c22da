"""One simulated kernel: boot, CPUs, tasks, and the services every subsystem reaches through ``k``.

Mirrors init/main.c (boot), kernel/fork.c and kernel/exit.c (task creation and exit),
kernel/smp.c (IPIs) and the idle loop of kernel/sched/idle.c.
"""

from __future__ import annotations

import importlib.machinery
import shlex
import sys
import weakref
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from greenlet import GreenletExit, greenlet
from mypy_extensions import mypyc_attr

from irqlab.errno import errorname
from irqlab.kernel import stacktrace
from irqlab.kernel.cachecost import CacheCost
from irqlab.kernel.cmdline import apply_console_params, print_unknown_bootoptions
from irqlab.kernel.container import Embeddable
from irqlab.kernel.core import current_kernel
from irqlab.kernel.cpu import CPU, SIG_IRQ, cpu_wait, raise_interrupt, take_interrupts
from irqlab.kernel.fork import kthread, ret_from_fork
from irqlab.kernel.irq.spurious import note_interrupt
from irqlab.kernel.locking.lockdep import Locking
from irqlab.kernel.module import ModuleTable
from irqlab.kernel.panic import BugReporter
from irqlab.kernel.printk import KERN_INFO, KERN_NOTICE, KERN_WARNING, LogBuffer, LogRecord, vprintk
from irqlab.kernel.sched.completion import complete_all, completion
from irqlab.kernel.sched.core import TASK_DEAD, TASK_RUNNING, RunQueue, Scheduler, Task
from irqlab.kernel.softirq import (
    HRTIMER_SOFTIRQ,
    TIMER_SOFTIRQ,
    SoftirqVec,
    irq_enter,
    irq_exit,
    ksoftirqd_fn,
)
from irqlab.kernel.stacktrace import ENABLED as KSTACK
from irqlab.kernel.time.hrtimer import HrtimerBase, hrtimer_interrupt, hrtimer_run_softirq
from irqlab.kernel.time.jiffies import initial_jiffies
from irqlab.kernel.time.tick import TickSched
from irqlab.kernel.time.timer import TimerBase, run_timer_softirq
from irqlab.kernel.vsprintf import vsprintf
from irqlab.sim import PRIO_IRQ, Engine, InternalError
from irqlab.trace import TraceBus

if TYPE_CHECKING:
    from irqlab.boards.board import Board
    from irqlab.kernel.irq.types import irq_desc

PREEMPT_MODELS = ("none", "voluntary", "full", "rt")

IPI_RESCHEDULE = 0
IPI_CALL_FUNC = 1
IPI_CPU_STOP = 2
IPI_CPU_CRASH_STOP = 3
IPI_TIMER = 4
IPI_IRQ_WORK = 5
IPI_NAMES = (
    "Rescheduling interrupts",
    "Function call interrupts",
    "CPU stop interrupts",
    "CPU stop NMIs",
    "Timer broadcast interrupts",
    "IRQ work interrupts",
    "CPU backtrace interrupts",
    "KGDB roundup interrupts",
)


class BootParams:
    """The kernel command line, parsed."""

    def __init__(self, cmdline: str) -> None:
        self.cmdline = cmdline
        self.flags: set[str] = set()
        self.values: dict[str, str] = {}
        try:
            self.words = shlex.split(cmdline)
        except ValueError as e:
            raise ValueError(f"cmdline= {cmdline!r} cannot be parsed ({e}): close the quoted value") from None
        for word in self.words:
            if word == "--":
                break  # parse_args() stops at "--": the rest are arguments of init
            if "=" in word:
                key, _, val = word.partition("=")
                self.values[key] = val
            else:
                self.flags.add(word)

    def __contains__(self, key: str) -> bool:
        return key in self.flags or key in self.values

    def get(self, key: str, default: str | None = None) -> str | None:
        return self.values.get(key, default)


@mypyc_attr(allow_interpreted_subclasses=True)
class Kernel:
    """A booted simulated kernel.

    Compiled with the core, a native class: every attribute is declared here with its type (the compiled
    modules read them as struct fields). A native class takes no weak reference and no attribute it does
    not declare, so what boots a machine instantiates an interpreted subclass in the compiled build, which
    has both as any Python object does (irqlab.machine's ``BootedKernel``)."""

    board: Board
    initcalls: tuple[Callable[[Kernel], None], ...]
    engine: Engine
    irq_entry_ops: tuple[Callable[[Kernel, CPU], None], Callable[[Kernel, CPU], None]]
    note_interrupt: Callable[[irq_desc, int], None]
    hz: int
    tick_nsec: int
    initial_jiffies: int
    preempt_model: str
    preempt_full: bool
    preempt_rt: bool
    boot_params: BootParams
    force_irqthreads: bool
    dyndbg: bool
    irqtime: bool
    total_forks: int
    costs: dict[str, int]
    irq_entry_cost: int
    irq_exit_cost: int
    irq_entry_jitter: int
    ipi_latency: int
    gfp_atomic_fail_rate: float
    max_softirq_time: int
    cpus: list[CPU]
    cache_cost: CacheCost | None
    cpu: CPU | None
    log: LogBuffer
    console: Callable[[LogRecord], None] | None
    tp: TraceBus
    bugs: BugReporter
    locking: Locking
    modules: ModuleTable
    softirq: SoftirqVec
    tasks: dict[int, Task]
    next_pid: int
    reap_list: list[Task]
    ratelimits: dict[Any, Any]
    stats: dict[str, int]
    tick_hooks: list[Callable[[CPU], None]]
    booting: bool
    _ptrs: dict[int, tuple[int, Callable[[], Any]]]
    _ptr_serial: int
    _ptr_token: object
    ipi_hook: Callable[[CPU, int], None] | None
    subsys: dict[str, Any]
    sched: Scheduler
    tick: TickSched

    def __init__(
        self,
        board: Board,
        *,
        cpus: int,
        seed: int,
        hz: int,
        preempt: str,
        bugs: str = "warn",
        cmdline: str = "",
        trace_ring: int = 1408,
        gfp_atomic_fail_rate: float = 0.0,
        initcalls: Sequence[Callable[[Kernel], None]] = (),
    ) -> None:
        if preempt not in PREEMPT_MODELS:
            raise ValueError(f"preempt= must be one of {', '.join(PREEMPT_MODELS)}, not {preempt!r}")
        if hz not in (100, 250, 300, 1000):
            raise ValueError(f"hz= must be one of 100, 250, 300 or 1000 (the kernel's CONFIG_HZ choices), not {hz}")
        if not 1 <= cpus <= 64:
            raise ValueError(f"cpus= must be between 1 and 64, not {cpus}")
        self.board = board
        #: The built-in initcalls boot runs, in order (irqlab/boards/initcalls.py hands them over).
        self.initcalls = tuple(initcalls)
        self.engine = Engine(seed)
        #: The generic entry code the CPUs' arch entry (cpu.take_interrupts) calls around each handler:
        #: kernel/softirq.c's irq_enter() and irq_exit(). The CPU model sits below softirq and is handed them.
        self.irq_entry_ops = (irq_enter, irq_exit)
        #: kernel/irq/spurious.c's note_interrupt(), which the flow path (irq/handle.py, below it) feeds each
        #: interrupt's result through this reference.
        self.note_interrupt = note_interrupt
        self.hz = hz
        self.tick_nsec = (1_000_000_000 + hz // 2) // hz
        self.initial_jiffies = initial_jiffies(hz)
        self.preempt_model = preempt
        self.preempt_full = preempt in ("full", "rt")
        self.preempt_rt = preempt == "rt"
        self.boot_params = BootParams(cmdline)
        self.force_irqthreads = self.preempt_rt or "threadirqs" in self.boot_params
        self.dyndbg = "dyndbg" in self.boot_params or "debug" in self.boot_params
        #: CONFIG_IRQ_TIME_ACCOUNTING (precise hardirq/softirq time) as the board's kernel config has it.
        self.irqtime = bool(board.data.get("kconfig", {}).get("IRQ_TIME_ACCOUNTING", False))
        #: total_forks (kernel/fork.c): every task created, the secondary CPUs' idle tasks included.
        self.total_forks = 0
        self.costs: dict[str, int] = dict(board.costs)
        self.irq_entry_cost = self.costs.get("irq_entry", 0)
        self.irq_exit_cost = self.costs.get("irq_exit", 0)
        self.irq_entry_jitter = self.costs.get("irq_entry_jitter", 0)
        self.ipi_latency = self.costs.get("ipi", 0)
        self.gfp_atomic_fail_rate = gfp_atomic_fail_rate
        # msecs_to_jiffies(2), rounded up
        self.max_softirq_time = max(1, (2 * hz + 999) // 1000)
        self.cpus: list[CPU] = [CPU(self, i) for i in range(cpus)]
        #: The cache and memory cost model, on boards whose costs describe their caches (kernel/cachecost.py).
        self.cache_cost = CacheCost(self) if "cache_dram_ns" in self.costs else None
        #: The CPU whose context executes right now (None while events run outside every CPU).
        self.cpu: CPU | None = None
        self.log = LogBuffer()
        self.console: Callable[[LogRecord], None] | None = None
        self.tp = TraceBus(lambda: self.engine.now, self._trace_context, trace_ring, cpus, board.arch)
        self.tp.uname = f"Linux irqlab {board.release} {board.version} {'x86_64' if board.arch == 'x86' else 'aarch64'}"
        self.bugs = BugReporter(self, bugs)
        self.locking = Locking(self)
        self.modules = ModuleTable(self)
        self.softirq = SoftirqVec()
        self.tasks: dict[int, Task] = {}
        self.next_pid = 1
        self.reap_list: list[Task] = []
        self.ratelimits: dict[Any, Any] = {}
        self.stats: dict[str, int] = {}
        self.tick_hooks: list[Callable[[CPU], None]] = []
        self.booting = True
        self._ptrs: dict[int, tuple[int, Callable[[], Any]]] = {}
        self._ptr_serial = 0
        #: Identifies this kernel in the %p serial a kernel structure carries (Embeddable._ptr_tag).
        self._ptr_token = object()
        #: Delivery of IPIs to a CPU; the interrupt controller replaces it.
        self.ipi_hook: Callable[[CPU, int], None] | None = None
        #: Subsystems attach their per-kernel state here (irq descriptors, workqueues, ...).
        self.subsys: dict[str, Any] = {}
        self.sched = Scheduler(self)
        self.tick = TickSched(self)
        self._boot()

    # -- boot -------------------------------------------------------------------------------
    def _boot(self) -> None:
        prev = current_kernel.k
        current_kernel.k = self
        try:
            b = self.board
            if b.arch == "x86":
                # init/main.c linux_banner, arch/x86/kernel/setup.c "Command line:" and dmi_setup()'s "DMI:".
                self.pr(KERN_NOTICE, self.linux_banner)
                self.pr(KERN_INFO, f"Command line: {self.boot_params.cmdline}")
                self.pr(KERN_INFO, f"DMI: {b.hardware_name}")
            else:
                # arch/arm64/kernel/setup.c: the boot CPU's MPIDR/MIDR, then the banner and the DT model.
                self.pr(KERN_INFO, f"Booting Linux on physical CPU 0x0000000000 [{b.cpu_id}]")
                self.pr(KERN_NOTICE, self.linux_banner)
                self.pr(KERN_INFO, f"Machine model: {b.model}")
            # start_kernel(): "Kernel command line: %s" (a trailing space when the line is empty).
            self.pr(KERN_NOTICE, f"Kernel command line: {self.boot_params.cmdline}")
            apply_console_params(self, self.boot_params.words)
            print_unknown_bootoptions(self, self.boot_params.words)
            for cpu in self.cpus:
                cpu.rq = RunQueue(cpu)
                cpu.timer_base = TimerBase(cpu.id)
                cpu.hrtimer_base = HrtimerBase(cpu.id)
                idle = self._new_task(self._idle_loop, (), f"swapper/{cpu.id}", pid=0)
                idle.cpu = cpu.id
                idle.cpus_allowed = 1 << cpu.id
                idle.raw_state = TASK_RUNNING
                idle.on_rq = True
                idle.flags |= 0x2  # PF_IDLE
                cpu.idle = cpu.curr = idle
                self.tick.setup(cpu)
            self.softirq.actions[TIMER_SOFTIRQ] = run_timer_softirq
            self.softirq.names[TIMER_SOFTIRQ] = "run_timer_softirq"
            self.softirq.actions[HRTIMER_SOFTIRQ] = hrtimer_run_softirq
            self.softirq.names[HRTIMER_SOFTIRQ] = "hrtimer_run_softirq"
            self.pr(KERN_INFO, f"smp: Brought up 1 node, {len(self.cpus)} CPU{'s' if len(self.cpus) > 1 else ''}")
            for cpu in self.cpus:
                # Start each idle loop so the CPU parks, waiting for interrupts.
                self.cpu = cpu
                try:
                    self.engine.switch(cpu.idle.fiber.glet)
                finally:
                    self.cpu = None  # type: ignore[assignment]
            for cpu in self.cpus:
                t = self.create_task(ksoftirqd_fn, (cpu.id,), f"ksoftirqd/{cpu.id}")
                t.cpus_allowed = 1 << cpu.id
                t.cpu = cpu.id
                t.data["bound"] = True
                t.data["daemon"] = True
                cpu.ksoftirqd = t
                self.sched.wake_up_new_task(t)
                self.tick.start(cpu)

            for initcall in self.initcalls:
                initcall(self)
            for hook in self.board.setup_hooks:
                hook(self)
            self.engine.run(until=0)
        finally:
            current_kernel.k = prev
        self.booting = False

    @property
    def linux_banner(self) -> str:
        """init/version-timestamp.c linux_banner: "Linux version <release> (<builder>) (<compiler>, <linker>)
        <version>", with the board's build identity (Board.data["build"]) when it has one."""
        b = self.board
        build = b.data.get("build")
        if build is None:
            return f"Linux version {b.release} (irqlab) {b.version}"
        return f"Linux version {b.release} ({build['by']}) ({build['cc']}, {build['ld']}) {b.version}"

    @property
    def oops_flags(self) -> str:
        """The '[#1] PREEMPT SMP' suffix of an oops line for this preemption model."""
        flag = {"none": "", "voluntary": "", "full": "PREEMPT ", "rt": "PREEMPT_RT "}[self.preempt_model]
        return f"{flag}SMP"

    def pr(self, level: str, text: str) -> None:
        vprintk(self, level + "%s\n", (text,))

    # -- time --------------------------------------------------------------------------------
    # SIMPLIFICATION: jiffies are derived from the clock (as nohz catch-up makes them); a tick delayed by an
    # IRQs-off section does not delay jiffies.
    @property
    def jiffies(self) -> int:
        """jiffies, advanced once per tick since boot (derived from the clock)."""
        return self.initial_jiffies + self.engine.now // self.tick_nsec

    def jiffy_time(self, j: int) -> int:
        """Simulated ns at which jiffies reaches ``j``."""
        return (j - self.initial_jiffies) * self.tick_nsec

    # -- tasks -------------------------------------------------------------------------------
    def _new_task(self, fn: Callable[..., Any], args: tuple[Any, ...], name: str, pid: int | None = None,
                  user: bool = False) -> Task:  # fmt: skip
        if pid is None:
            pid = self.next_pid
            self.next_pid += 1
        if pid or self.cpus[0].idle is not None:
            self.total_forks += 1
        t = Task(self, pid, name, fn, args, kthread=not user, user=user)
        # The fiber's base is an interpreted frame: ret_from_fork() for the idle task, kthread() for the others
        # (see irqlab/kernel/fork.py).
        if pid == 0:
            t.fiber = self.engine.fiber(f"{t.comm}/{pid}", ret_from_fork, Kernel._idle_loop, self, base=True)
        else:
            t.fiber = self.engine.fiber(f"{t.comm}/{pid}", kthread, self, t, base=True)
        t.glet = t.fiber.glet
        if pid:
            self.tasks[pid] = t
        return t

    def create_task(self, fn: Callable[..., Any], args: tuple[Any, ...], name: str, *, user: bool = False) -> Task:
        """A new task in TASK_NEW, not yet runnable (wake it with sched.wake_up_new_task)."""
        t = self._new_task(fn, args, name, user=user)
        t.cpu = self.cpu.id if self.cpu is not None else 0
        t.exited = completion(f"{t.comm} exit")
        return t

    def do_exit(self, t: Task) -> None:
        """Tear down the current task and switch away for good."""
        cpu = self.cpu
        assert cpu is not None
        if cpu.irqs_off:
            self.pr(KERN_WARNING, f"note: {t.comm}[{t.pid}] exited with irqs disabled")
            cpu.irqs_off = False
        if cpu.preempt_count:
            self.pr(KERN_WARNING, f"note: {t.comm}[{t.pid}] exited with preempt_count {cpu.preempt_count}")
            cpu.preempt_count = 0
        t.flags |= 0x4  # PF_EXITING
        if t.exited is not None:
            complete_all(t.exited)
        cpu = self.cpu
        assert cpu is not None
        cpu.irqs_off = True
        t.raw_state = TASK_DEAD
        t.fiber.blocked_on = None
        self.reap_list.append(t)
        self.sched.schedule()
        raise InternalError("a dead task was scheduled again")

    def reap(self, t: Task) -> None:
        """Free a dead task's fiber (runs in another task, after the final switch)."""
        self.engine.forget(t.fiber)
        g = t.fiber.glet
        if not g.dead:
            g.parent = greenlet.getcurrent()
            g.throw(GreenletExit)

    def _idle_loop(self) -> None:
        """do_idle(): sleep until an interrupt; schedule when there is work."""
        # Never returns; when the fiber is killed (the machine closed), its base, ret_from_fork(), leaves the kernel
        # stack empty: no try/finally here, whose frame would lie on every switch of the CPU's idle context.
        if KSTACK:
            stacktrace.push("do_idle")
        while True:
            cpu = self.cpu
            assert cpu is not None
            if cpu.need_resched or len(cpu.rq):
                self.tick.nohz_idle_exit(cpu)
                self.sched.preempt_schedule()
                continue
            if not self.booting:
                self.tick.nohz_idle_enter(cpu)
            # NO_HZ idle time (tick_nohz_start_idle / tick_nohz_stop_idle), for /proc/stat and /proc/uptime.
            cpu.idle_entrytime = self.engine.now
            sig = cpu_wait(self, cpu, None)
            cpu.idle_sleeptime += self.engine.now - cpu.idle_entrytime
            cpu.idle_entrytime = -1
            if sig == SIG_IRQ:
                cpu = self.cpu
                assert cpu is not None
                take_interrupts(self, cpu)

    def first_online_cpu(self) -> CPU:
        """Where work started from outside every CPU (a scenario action, the script between runs) is queued:
        the first online CPU. CPU 0 can be unplugged, and what is queued on an offline CPU never runs."""
        for c in self.cpus:
            if c.online:
                return c
        raise InternalError("no CPU is online")

    def in_fiber(self) -> bool:
        return greenlet.getcurrent() is not self.engine.main

    # -- interrupts ---------------------------------------------------------------------------
    def timer_interrupt(self, cpu: CPU) -> None:
        """The per-CPU clock event fired (the interrupt controller may route it)."""
        hook = self.subsys.get("timer_irq_hook")
        if hook is not None:
            hook(cpu)
        else:
            raise_interrupt(self, cpu, hrtimer_interrupt)

    def send_ipi(self, cpu: CPU, ipi: int) -> None:
        """Send inter-processor interrupt ``ipi`` to ``cpu``."""
        # arm64 smp_cross_call() traces ipi_raise with the target mask (a cpumask of nr_cpu_ids bits) and the
        # reason; x86 has no ipi_raise tracepoint.
        tp = self.tp.find("ipi_raise")
        if tp is not None and tp.on:
            src = self.cpu.id if self.cpu is not None else 0
            # A reschedule IPI comes from resched_curr() under the rq lock (IRQs off); others from
            # smp_call_function*() under get_cpu().
            tp.emit_at(src, 1, ipi == IPI_RESCHEDULE, target_cpus=(1 << cpu.id, len(self.cpus)), reason=IPI_NAMES[ipi])
        self.engine.at(self.engine.now + self.ipi_latency, PRIO_IRQ, self._deliver_ipi, cpu, ipi)

    def _deliver_ipi(self, cpu: CPU, ipi: int) -> None:
        if self.ipi_hook is not None:
            self.ipi_hook(cpu, ipi)
            return
        raise_interrupt(self, cpu, _IPI_HANDLERS[ipi])

    # -- faults and formatting ---------------------------------------------------------------
    def fault(self, exc: BaseException, where: str) -> None:
        self.bugs.fault(exc, where)

    def ptr(self, obj: Any) -> str:
        """What %p prints for ``obj``: lib/vsprintf.c ptr_to_id() hashes the address and prints the low 32
        bits of the hash, so one object always prints the same value while it lives.

        An object's "address" is a serial number given when it is first printed (deterministic, unlike
        id()). A kernel structure (timer_list, hrtimer, work_struct, tasklet_struct, ...) carries its serial
        itself; any other object is held weakly in a table that drops the entry when it dies. Either way
        printing does not keep objects alive (tracing a million work items leaves nothing behind).

        No weak reference is taken to an instance of a mypyc-compiled class: on CPython 3.11 mypyc gives
        a native class that derives from an interpreted one (every Embeddable in a compiled module) a
        ``__weakref__`` slot but its deallocator never calls PyObject_ClearWeakRefs() and decrements the
        slot's (borrowed) list head as if it owned it, so the weakref is freed while this table still holds
        it and calling it later reads freed memory (a segfault after msleep()'s on-stack timer_list died);
        see benchmarks/mypyc_weakref.py. Such objects are tagged (kernel structures) or held strongly."""
        obj = getattr(obj, "__func__", obj)  # a bound method: the function's address, as in C
        if isinstance(obj, Embeddable):
            tag = obj._ptr_tag
            if tag is None or tag[0] is not self._ptr_token:
                # An object printed by another kernel before takes a serial of this one.
                self._ptr_serial += 1
                tag = obj._ptr_tag = (self._ptr_token, self._ptr_serial)
            return f"{(tag[1] * 0x9E3779B1 + 0x5BD1E995) & 0xFFFFFFFF:016x}"
        key = id(obj)
        ptrs = self._ptrs
        ent = ptrs.get(key)
        if ent is None or ent[1]() is not obj:
            self._ptr_serial += 1

            def forget(_ref: Any, key: int = key, serial: int = self._ptr_serial) -> None:
                e = ptrs.get(key)
                if e is not None and e[0] == serial:
                    del ptrs[key]

            ent = (self._ptr_serial, _ref_to(obj, forget))
            ptrs[key] = ent
        return f"{(ent[0] * 0x9E3779B1 + 0x5BD1E995) & 0xFFFFFFFF:016x}"

    def symbol(self, fn: Any, offset: bool) -> str:
        """What %pS (offset=True) or %ps prints for a function."""
        f = getattr(fn, "__func__", fn)
        kname = stacktrace.kernel_name_of(f)
        if kname is not None:
            # A function of the kernel core: the same symbol whether its module is compiled (no __code__) or not.
            return stacktrace.ksym(kname) if offset else kname
        code = getattr(f, "__code__", None)
        if code is None:
            name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or type(fn).__name__
            return f"{name}+0x0/0x0" if offset else str(name)
        if offset:
            return self.bugs.symbol_of_frame(None, code, code.co_firstlineno)
        mod = self.modules.module_of_file(code.co_filename)
        name = code.co_name
        return f"{name} [{mod}]" if mod else name

    def format(self, fmt: str, args: tuple[Any, ...] | list[Any]) -> str:
        """Kernel vsnprintf with this kernel's symbol and pointer rendering."""
        return vsprintf(fmt, args, self.symbol, self.ptr, errorname)

    def _trace_context(self, cpu_id: int) -> tuple[str, int, int, int]:
        """comm, pid, common_flags and common_preempt_count as tracing_gen_ctx_dec() gives them.

        include/linux/trace_events.h tracing_gen_ctx_irq_test(): NMI/hardirq from the HARDIRQ and NMI
        counts, softirq while serving one, BH-off for a softirq-disable count beyond the serving bit,
        need-resched (set and folded into preempt_count: 'N'), and min(preempt_count & 0xff, 15).
        The idle task runs with preempt_count 1 (init_idle_preempt_count())."""
        cpu = self.cpus[cpu_id]
        t = cpu.curr
        pc = cpu.preempt_count
        flags = 0x01 if cpu.irqs_off else 0
        if pc & 0xF00000:
            flags |= 0x40
        if pc & 0xF0000:
            flags |= 0x08
        if pc & 0x100:
            flags |= 0x10
        if (pc & 0xFF00) >> 9:
            flags |= 0x80
        if cpu.need_resched:
            # SIMPLIFICATION: TIF_NEED_RESCHED and the folded PREEMPT_NEED_RESCHED are one flag here, so the
            # column reads 'N', never 'n' or 'p'.
            flags |= 0x04 | 0x20
        depth = pc & 0xFF
        if t is cpu.idle:
            depth += 1
        comm = "<idle>" if t is cpu.idle else t.comm
        return comm, t.pid, flags, min(depth, 0xF)


# arch/x86/include/asm/irq_vectors.h: the system vectors x86 traces as irq_vectors:<name>_entry/exit.
RESCHEDULE_VECTOR = 0xFD
CALL_FUNCTION_SINGLE_VECTOR = 0xFB


def _x86_vector(cpu: CPU, name: str, vector: int) -> None:
    tp = cpu.k.tp.find(name)
    if tp is not None and tp.on:
        tp.emit(cpu.id, vector=vector)


#: Per class: whether its instances' weak references are cleared when they die (see Kernel.ptr()).
_WEAKREF_SAFE: weakref.WeakKeyDictionary[type, bool] = weakref.WeakKeyDictionary()


def _weakref_safe(cls: type) -> bool:
    """False for a class compiled by mypyc or deriving from one (its deallocator leaves weak references
    dangling, see Kernel.ptr()): one that carries ``__mypyc_attrs__`` (a native class) or is defined in a
    compiled irqlab module (mypyc's classes for closures and lambdas carry none)."""
    safe = _WEAKREF_SAFE.get(cls)
    if safe is None:
        safe = True
        for c in cls.__mro__:
            mod = c.__module__
            path = (getattr(sys.modules.get(mod), "__file__", None) or "") if mod.startswith("irqlab.") else ""
            if "__mypyc_attrs__" in vars(c) or path.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES)):
                safe = False
                break
        _WEAKREF_SAFE[cls] = safe
    return safe


def _ref_to(obj: Any, forget: Callable[[Any], None]) -> Callable[[], Any]:
    """A weak reference to ``obj`` that calls ``forget`` when it dies, or a strong one (see Kernel.ptr())."""
    if _weakref_safe(type(obj)):
        try:
            return weakref.ref(obj, forget)
        except TypeError:
            pass  # an int, a tuple, a dict passed as dev_id: no weak reference
    # SIMPLIFICATION: an object that takes no (safe) weak reference (an int, a tuple, a dict passed as dev_id, an
    # instance of a compiled class) is held for the life of the kernel, so that its id() cannot be reused meanwhile.
    return _StrongRef(obj)


class _StrongRef:
    """A stand-in for weakref.ref for objects that take no weak reference."""

    __slots__ = ("obj",)

    def __init__(self, obj: Any) -> None:
        self.obj = obj

    def __call__(self) -> Any:
        return self.obj


def _ipi_resched(cpu: CPU) -> None:
    """scheduler_ipi(): the need_resched flag is already set; the return path reschedules.
    x86's sysvec_reschedule_ipi() traces reschedule_entry/exit around it."""
    _x86_vector(cpu, "reschedule_entry", RESCHEDULE_VECTOR)
    cpu.ipi_counts[IPI_RESCHEDULE] += 1
    _x86_vector(cpu, "reschedule_exit", RESCHEDULE_VECTOR)


def _ipi_call_func(cpu: CPU) -> None:
    """generic_smp_call_function_single_interrupt(); x86's sysvec_call_function_single() traces around it."""
    _x86_vector(cpu, "call_function_single_entry", CALL_FUNCTION_SINGLE_VECTOR)
    cpu.ipi_counts[IPI_CALL_FUNC] += 1
    for fn in cpu.percpu.pop("call_func", []):
        fn()
    _x86_vector(cpu, "call_function_single_exit", CALL_FUNCTION_SINGLE_VECTOR)


_IPI_HANDLERS: dict[int, Callable[[CPU], None]] = {
    IPI_RESCHEDULE: _ipi_resched,
    IPI_CALL_FUNC: _ipi_call_func,
}
