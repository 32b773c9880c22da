"""Random sequences of the public API (a hypothesis state machine) keep the kernel's invariants.

Each example boots a machine and applies a random sequence of: request_irq()/free_irq() (handlers that
work, raise, or return something that is not an irqreturn_t), enable_irq()/disable_irq()/
disable_irq_nosync(), interrupts fired on irq_sim and GIC lines, irq_set_affinity(), CPU hotplug,
suspend to idle and resume, threaded handlers, handlers that sleep, tasklets, work items (queued,
cancelled), timers and hrtimers (hard and soft; armed, cancelled), callbacks of those that raise, and API
misuse that must fail before changing state.
After every step:

- nothing escapes ``m.run()``: driver faults are oopses, every kernel call made by a step returns;
- no line's disable depth is negative, and it is the depth the calls made imply;
- /proc/interrupts counts only grow, and equal the interrupts the handlers saw;
- no handler runs after free_irq() returned;
- no tasklet, work item or timer runs twice, and none that was cancelled runs.
At the end the same steps are replayed on a second machine booted with the same seed, which must print
the same dmesg and /proc/interrupts (determinism); then every CPU is brought back, the machine runs on, and every tasklet, work item and timer queued
and not cancelled has run exactly once.

The default profile runs a few seconds (a fixed, derandomized set of examples, so CI is reproducible).
``IRQLAB_FUZZ=nightly`` selects a long random run (thousands of examples, longer sequences);
``IRQLAB_FUZZ_EXAMPLES=N`` sets the number of examples of either profile.
"""

from __future__ import annotations

import functools
import os
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

import irqlab
from irqlab.kernel import (
    CLOCK_MONOTONIC,
    HRTIMER_MODE_REL_HARD,
    HRTIMER_MODE_REL_SOFT,
    HRTIMER_NORESTART,
    INIT_WORK,
    IRQ_HANDLED,
    IRQ_WAKE_THREAD,
    IRQF_ONESHOT,
    WORK_CPU_UNBOUND,
    NotInSimulationError,
    add_timer,
    cancel_work_sync,
    disable_irq,
    disable_irq_nosync,
    enable_irq,
    free_irq,
    hrtimer,
    hrtimer_cancel,
    hrtimer_init,
    hrtimer_start,
    irq_set_affinity,
    mod_timer,
    msleep,
    queue_work_on,
    request_irq,
    request_threaded_irq,
    smp_processor_id,
    system_wq,
    tasklet_schedule,
    tasklet_struct,
    timer_delete_sync,
    timer_list,
    timer_setup,
    work_struct,
)
from irqlab.kernel.sched.core import TaskState

settings.register_profile(
    "irqlab-fuzz-default",
    max_examples=int(os.environ.get("IRQLAB_FUZZ_EXAMPLES", "50")),
    stateful_step_count=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.register_profile(
    "irqlab-fuzz-nightly",
    max_examples=int(os.environ.get("IRQLAB_FUZZ_EXAMPLES", "2000")),
    stateful_step_count=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
_PROFILE = "irqlab-fuzz-nightly" if os.environ.get("IRQLAB_FUZZ") == "nightly" else "irqlab-fuzz-default"

NCPUS = 3
HANDLER_MODES = ("ok", "raise", "none", "sleep")


class FuzzError(RuntimeError):
    """The exception the fuzzed driver code raises on purpose."""


class Line:
    """Model of one interrupt line: what the calls made so far imply."""

    def __init__(self, virq: int, fire: Any) -> None:
        self.virq = virq
        self.fire = fire
        self.token: int | None = None  # the live request, if any
        self.depth = 1  # an unrequested line is shut down (depth 1)
        self.delivered = [0] * NCPUS  # interrupts the handlers saw, per CPU
        self.last_count = [0] * NCPUS


def logged(fn: Any) -> Any:
    """Record a step (name and arguments) so that teardown can replay the sequence on a second machine."""

    @functools.wraps(fn)
    def step(self: ApiMachine, **kw: Any) -> Any:
        self.log.append((fn.__name__, kw))
        return fn(self, **kw)

    return step


class ApiMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.m: Any = None
        self.lines: list[Line] = []
        self.freed: set[int] = set()
        self.late: list[str] = []
        self.next_token = 0
        self.runs: dict[int, int] = {}  # deferred item id -> times run
        self.queued: set[int] = set()
        self.cancelled: set[int] = set()
        self.failing: set[int] = set()
        self.items: list[Any] = []
        self.online = set(range(NCPUS))
        self.seed = 0
        self.log: list[tuple[str, dict[str, Any]]] = []

    # -- plumbing --------------------------------------------------------------------------------
    def run_for(self, ns: int) -> None:
        self.m.run(for_=ns)

    def call(self, fn: Any, *args: Any) -> Any:
        """Make a kernel call from a kthread and run until it returns (it must, within 100 ms)."""
        box: list[Any] = []
        t = self.m.spawn(lambda: box.append(fn(*args)), name="fuzz")
        self.m.run_until(lambda: t.state is TaskState.DEAD, limit="100ms")
        assert t.state is TaskState.DEAD, f"{getattr(fn, '__name__', fn)}{args} did not return: {t.wait_desc}"
        return box[0] if box else None

    def _deferred(self, fail: bool) -> tuple[int, Any]:
        ident = len(self.items)
        self.runs[ident] = 0
        if fail:
            self.failing.add(ident)

        def ran(*_: Any) -> None:
            self.runs[ident] += 1
            if fail:
                raise FuzzError(f"deferred item {ident} fails")

        return ident, ran

    # -- setup -------------------------------------------------------------------------------------
    @initialize(seed=st.integers(0, 2**16))
    def boot(self, seed: int) -> None:
        self.seed = seed
        self.m = irqlab.boot("generic", cpus=NCPUS, seed=seed)
        m = self.m
        for hw in (1, 2):
            virq = m.irq_sim(hw)
            self.lines.append(Line(virq, lambda v=virq: m.fire_irq(v)))
        for spi in (40, 41):
            virq = m.board.map_spi(spi, "edge")
            self.lines.append(Line(virq, m.spi_line(spi).pulse))

    def teardown(self) -> None:
        if self.m is None:
            return
        try:
            self.check_replay()
            for cpu in range(NCPUS):
                if cpu not in self.online:
                    assert self.m.add_cpu(cpu) == 0
            self.run_for(2_000_000_000)
            self.check_deferred()
            pending = sorted(i for i in self.queued if i not in self.cancelled and self.runs[i] == 0)
            assert not pending, f"queued and not cancelled, never ran: {pending}"
        finally:
            self.m.close()

    def check_replay(self) -> None:
        """Determinism: the same steps on a second machine with the same seed give byte-identical output."""
        replica = ApiMachine()
        replica.boot(self.seed)
        try:
            for name, kw in self.log:
                getattr(replica, name)(**kw)
            assert replica.m.dmesg() == self.m.dmesg(), "the same steps gave another dmesg"
            assert replica.m.read("/proc/interrupts") == self.m.read("/proc/interrupts")
            assert replica.m.now == self.m.now
        finally:
            replica.m.close()

    # -- interrupt lines ---------------------------------------------------------------------------
    @rule(i=st.integers(0, 3), mode=st.sampled_from(HANDLER_MODES), threaded=st.booleans())
    @logged
    def request(self, i: int, mode: str, threaded: bool) -> None:
        line = self.lines[i]
        if line.token is not None:
            return
        token = self.next_token
        self.next_token += 1

        def handler(irq: int, dev: Any) -> Any:
            line.delivered[smp_processor_id()] += 1
            if token in self.freed:
                self.late.append(f"handler {token} of irq {irq} ran after free_irq() returned")
            if mode == "raise":
                raise FuzzError(f"handler {token} fails")
            if mode == "sleep":
                msleep(1)  # "BUG: scheduling while atomic"; the handler resumes, maybe on another CPU
            if threaded:
                return IRQ_WAKE_THREAD
            return IRQ_HANDLED if mode == "ok" else None

        def thread_fn(irq: int, dev: Any) -> Any:
            if token in self.freed:
                self.late.append(f"thread_fn {token} of irq {irq} ran after free_irq() returned")
            return IRQ_HANDLED if mode == "ok" else None

        if threaded:
            ret = self.call(request_threaded_irq, line.virq, handler, thread_fn, IRQF_ONESHOT, f"fuzz{token}", token)
        else:
            ret = self.call(request_irq, line.virq, handler, 0, f"fuzz{token}", token)
        assert ret == 0
        line.token = token
        line.depth = 0

    @rule(i=st.integers(0, 3))
    @logged
    def free(self, i: int) -> None:
        line = self.lines[i]
        if line.token is None:
            return
        self.call(free_irq, line.virq, line.token)
        self.freed.add(line.token)
        line.token = None
        line.depth += 1  # irq_shutdown(): depth++ (as 6.16 does; see docs/fidelity.md)

    @rule(i=st.integers(0, 3), sync=st.booleans())
    @logged
    def disable(self, i: int, sync: bool) -> None:
        line = self.lines[i]
        if line.token is None:
            return
        self.call(disable_irq if sync else disable_irq_nosync, line.virq)
        line.depth += 1

    @rule(i=st.integers(0, 3))
    @logged
    def enable(self, i: int) -> None:
        line = self.lines[i]
        if line.token is None or line.depth == 0:
            return
        self.call(enable_irq, line.virq)
        line.depth -= 1

    @rule(i=st.integers(0, 3), n=st.integers(1, 3), gap_us=st.integers(0, 300))
    @logged
    def fire(self, i: int, n: int, gap_us: int) -> None:
        line = self.lines[i]
        for _ in range(n):
            line.fire()
            self.run_for(gap_us * 1000 + 1000)

    @rule(i=st.integers(0, 3), mask=st.integers(1, 2**NCPUS - 1))
    @logged
    def affinity(self, i: int, mask: int) -> None:
        self.call(irq_set_affinity, self.lines[i].virq, mask)

    @rule(i=st.integers(0, 3), fire=st.booleans())
    @logged
    def suspend_resume(self, i: int, fire: bool) -> None:
        """s2idle and back: device lines are suspended meanwhile, and an interrupt then arrives at resume."""
        t = self.m.suspend()
        assert t.state is not TaskState.DEAD, "suspend did not reach s2idle"
        if fire:
            self.lines[i].fire()
            self.run_for(1_000_000)
        self.m.resume()
        self.m.run_until(lambda: t.state is TaskState.DEAD, limit="100ms")
        assert t.state is TaskState.DEAD, f"the suspending task did not finish: {t.wait_desc}"

    # -- CPU hotplug ---------------------------------------------------------------------------------
    @precondition(lambda self: len(self.online) > 1)
    @rule(cpu=st.integers(0, NCPUS - 1))
    @logged
    def unplug(self, cpu: int) -> None:
        if cpu in self.online:
            assert self.m.remove_cpu(cpu) == 0
            self.online.discard(cpu)

    @rule(cpu=st.integers(0, NCPUS - 1))
    @logged
    def plug(self, cpu: int) -> None:
        if cpu not in self.online:
            assert self.m.add_cpu(cpu) == 0
            self.online.add(cpu)

    # -- deferred work -------------------------------------------------------------------------------
    @rule(fail=st.booleans())
    @logged
    def tasklet(self, fail: bool) -> None:
        ident, ran = self._deferred(fail)
        t = tasklet_struct(ran)
        self.items.append(t)
        self.call(tasklet_schedule, t)
        self.queued.add(ident)

    @rule(cpu=st.sampled_from([WORK_CPU_UNBOUND, *range(NCPUS)]), fail=st.booleans())
    @logged
    def work(self, cpu: int, fail: bool) -> None:
        ident, ran = self._deferred(fail)
        w = work_struct()
        INIT_WORK(w, ran)
        self.items.append(w)
        if cpu != WORK_CPU_UNBOUND and cpu not in self.online:
            cpu = WORK_CPU_UNBOUND
        assert self.call(queue_work_on, cpu, system_wq, w) is True
        self.queued.add(ident)

    @rule(ticks=st.integers(0, 20), fail=st.booleans())
    @logged
    def timer(self, ticks: int, fail: bool) -> None:
        ident, ran = self._deferred(fail)
        t = timer_list()
        timer_setup(t, ran, 0)
        self.items.append(t)
        self.call(lambda: mod_timer(t, self.m.jiffies + ticks))
        self.queued.add(ident)

    @rule(us=st.integers(0, 5000), soft=st.booleans(), fail=st.booleans())
    @logged
    def hrtimer(self, us: int, soft: bool, fail: bool) -> None:
        ident, ran = self._deferred(fail)
        t = hrtimer()
        self.items.append(t)
        mode = HRTIMER_MODE_REL_SOFT if soft else HRTIMER_MODE_REL_HARD

        def fn(_t: Any) -> int:
            ran()
            return HRTIMER_NORESTART

        def arm() -> None:
            hrtimer_init(t, CLOCK_MONOTONIC, mode)
            t.function = fn
            hrtimer_start(t, us * 1000, mode)

        self.call(arm)
        self.queued.add(ident)

    @rule(data=st.data())
    def cancel(self, data: Any) -> None:
        live = sorted(i for i in self.queued if i not in self.cancelled)
        if live:
            self.cancel_item(ident=data.draw(st.sampled_from(live)))

    @logged
    def cancel_item(self, ident: int) -> None:
        item = self.items[ident]
        if ident in self.failing:
            # An oops in a work function or timer kills the context that ran it (the kworker exits, as on a
            # real kernel), so cancelling or flushing that item afterwards waits for good: not fuzzed.
            return
        if isinstance(item, work_struct):
            if self.call(cancel_work_sync, item):
                self.cancelled.add(ident)
        elif isinstance(item, timer_list):
            if self.call(timer_delete_sync, item):
                self.cancelled.add(ident)
        elif isinstance(item, hrtimer):
            if self.call(hrtimer_cancel, item):
                self.cancelled.add(ident)

    @rule(kind=st.sampled_from(["tasklet_outside", "work_bad_cpu", "add_timer_twice"]))
    @logged
    def misuse(self, kind: str) -> None:
        """API misuse fails cleanly and leaves the object usable: it is then queued properly once."""
        ident, ran = self._deferred(False)
        if kind == "tasklet_outside":
            t = tasklet_struct(ran)
            self.items.append(t)
            try:
                tasklet_schedule(t)
            except NotInSimulationError:
                pass
            else:
                raise AssertionError("tasklet_schedule() outside the simulation did not fail")
            self.call(tasklet_schedule, t)
        elif kind == "work_bad_cpu":
            w = work_struct()
            INIT_WORK(w, ran)
            self.items.append(w)

            def bad() -> bool:
                try:
                    queue_work_on(NCPUS + 5, system_wq, w)
                except ValueError:
                    return True
                return False

            assert self.call(bad) is True
            assert self.call(queue_work_on, WORK_CPU_UNBOUND, system_wq, w) is True
        else:
            tl = timer_list()
            timer_setup(tl, ran, 0)
            self.items.append(tl)

            def twice() -> None:
                tl.expires = self.m.jiffies + 2
                add_timer(tl)
                add_timer(tl)  # kernel BUG at kernel/time/timer.c: an oops, the action is unwound

            self.m.after(0, twice)
            self.run_for(1000)
        self.queued.add(ident)

    @rule(us=st.integers(1, 20_000))
    @logged
    def run(self, us: int) -> None:
        self.run_for(us * 1000)

    # -- invariants ----------------------------------------------------------------------------------
    @invariant()
    def depths_are_what_the_calls_imply(self) -> None:
        if self.m is None:
            return
        descs = self.m.kernel.subsys["irq"].descs
        for line in self.lines:
            depth = descs[line.virq].depth
            assert depth >= 0, f"irq {line.virq}: disable depth {depth}"
            assert depth == line.depth, f"irq {line.virq}: depth {depth}, the calls made imply {line.depth}"

    @invariant()
    def proc_interrupts_counts_match_deliveries(self) -> None:
        if self.m is None:
            return
        # One column per online CPU (show_interrupts() prints online CPUs only).
        header, *rows = self.m.read("/proc/interrupts").splitlines()
        cpus = [int(c.removeprefix("CPU")) for c in header.split()]
        counts: dict[int, list[int]] = {}
        for text in rows:
            head, *rest = text.split()
            if head.rstrip(":").isdigit():
                counts[int(head.rstrip(":"))] = [int(x) for x in rest[: len(cpus)]]
        for line in self.lines:
            shown = counts.get(line.virq)
            if shown is None:
                # show_interrupts() skips a line without an action (6.11+): nothing to compare until it is requested again.
                continue
            for cpu, count in zip(cpus, shown):
                assert count >= line.last_count[cpu], f"irq {line.virq} CPU{cpu}: count went down"
                assert count == line.delivered[cpu], (
                    f"irq {line.virq} CPU{cpu}: /proc/interrupts {count}, handlers saw {line.delivered[cpu]}")
                line.last_count[cpu] = count

    @invariant()
    def no_handler_after_free_irq(self) -> None:
        assert not self.late, self.late

    @invariant()
    def check_deferred(self) -> None:
        twice = sorted(i for i, n in self.runs.items() if n > 1)
        assert not twice, f"ran more than once: {twice}"
        after_cancel = sorted(i for i in self.cancelled if self.runs[i])
        assert not after_cancel, f"ran although cancelled: {after_cancel}"


TestApiFuzz = ApiMachine.TestCase
TestApiFuzz.settings = settings.get_profile(_PROFILE)
