"""Tracepoints with the kernel's event names, recorded into a bounded ring like ftrace's.

A call site tests ``tp.on`` before building the event, so a tracepoint nobody
listens to costs one attribute read.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

#: Every event the simulated kernel can emit, with its ftrace print format.
EVENT_FORMATS: dict[str, str] = {
    "sched_switch": "prev_comm={prev_comm} prev_pid={prev_pid} prev_prio={prev_prio} prev_state={prev_state} "
    "==> next_comm={next_comm} next_pid={next_pid} next_prio={next_prio}",
    "sched_wakeup": "comm={comm} pid={pid} prio={prio} target_cpu={target_cpu:03d}",
    "sched_wakeup_new": "comm={comm} pid={pid} prio={prio} target_cpu={target_cpu:03d}",
    "sched_migrate_task": "comm={comm} pid={pid} prio={prio} orig_cpu={orig_cpu} dest_cpu={dest_cpu}",
    "softirq_raise": "vec={vec} [action={action}]",
    "softirq_entry": "vec={vec} [action={action}]",
    "softirq_exit": "vec={vec} [action={action}]",
    "timer_start": "timer={timer} function={function} expires={expires} [timeout={timeout}]",
    "timer_expire_entry": "timer={timer} function={function} now={now}",
    "timer_expire_exit": "timer={timer}",
    "timer_cancel": "timer={timer}",
    "hrtimer_start": "hrtimer={hrtimer} function={function} expires={expires} softexpires={softexpires}",
    "hrtimer_expire_entry": "hrtimer={hrtimer} function={function} now={now}",
    "hrtimer_expire_exit": "hrtimer={hrtimer}",
    "hrtimer_cancel": "hrtimer={hrtimer}",
    "irq_handler_entry": "irq={irq} name={name}",
    "irq_handler_exit": "irq={irq} ret={ret}",
    "irq_entry": "cpu={cpu}",
    "irq_exit": "cpu={cpu}",
    "ipi_raise": "target_mask={target_mask} ({reason})",
    "irq_thread_entry": "irq={irq} name={name}",
    "irq_thread_exit": "irq={irq} name={name} ret={ret}",
    "tasklet_entry": "tasklet={tasklet} function={function}",
    "tasklet_exit": "tasklet={tasklet} function={function}",
    "workqueue_queue_work": "work struct={work} function={function} workqueue={workqueue} req_cpu={req_cpu} cpu={cpu}",
    "workqueue_activate_work": "work struct {work}",
    "workqueue_execute_start": "work struct {work}: function {function}",
    "workqueue_execute_end": "work struct {work}: function {function}",
    "napi_poll": "napi poll on napi struct {napi} for device {dev_name} work {work} budget {budget}",
    "printk": "{msg}",
    "kernel_bug": "{kind}: {msg}",
}


@dataclass(slots=True)
class TraceEvent:
    """One recorded event: simulated time, CPU, the task that was current, name and fields.

    Read-only by convention (not frozen: a frozen dataclass costs 2.5x as much to create, on
    the path of every recorded event)."""

    ts: int
    cpu: int
    comm: str
    pid: int
    flags: str
    name: str
    fields: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.fields[key]

    def text(self) -> str:
        """One line in ftrace's text format."""
        fmt = EVENT_FORMATS.get(self.name)
        body = fmt.format(**self.fields) if fmt else " ".join(f"{k}={v}" for k, v in self.fields.items())
        secs, ns = divmod(self.ts, 1_000_000_000)
        task = f"{self.comm}-{self.pid}"
        return f"{task:>16} [{self.cpu:03d}] {self.flags} {secs:5d}.{ns // 1000:06d}: {self.name}: {body}"


class Tracepoint:
    """A named tracepoint; ``on`` is True while the ring or a probe listens."""

    __slots__ = ("name", "on", "bus", "probes")

    def __init__(self, bus: TraceBus, name: str) -> None:
        self.name = name
        self.on = False
        self.bus = bus
        self.probes: list[Callable[[TraceEvent], None]] = []

    def emit(self, cpu: int, /, **fields: Any) -> None:
        self.bus.record(self, cpu, fields)


class TraceBus:
    """All tracepoints of one kernel, the ring they record into, and attached probes."""

    def __init__(self, clock: Callable[[], int], context: Callable[[int], tuple[str, int, str]],
                 ring_size: int = 65536) -> None:  # fmt: skip
        self._clock = clock
        self._context = context
        self.ring: deque[TraceEvent] = deque(maxlen=ring_size)
        self.enabled: set[str] = set()
        self.lost = 0
        self._tps: dict[str, Tracepoint] = {}
        for name in EVENT_FORMATS:
            self.tracepoint(name)

    def __getattr__(self, name: str) -> Tracepoint:
        try:
            return self.__dict__["_tps"][name]  # type: ignore[no-any-return]
        except KeyError:
            raise AttributeError(name) from None

    def tracepoint(self, name: str) -> Tracepoint:
        tp = self._tps.get(name)
        if tp is None:
            tp = self._tps[name] = Tracepoint(self, name)
            # Plain attributes: call sites read k.tp.<name> on the hot path.
            setattr(self, name, tp)
        return tp

    @property
    def names(self) -> list[str]:
        return list(self._tps)

    def enable(self, *names: str) -> None:
        """Record the named events (all known events when none are named)."""
        for name in names or tuple(self._tps):
            if name not in self._tps:
                raise ValueError(f"no tracepoint named {name!r}; known: {', '.join(sorted(self._tps))}")
            self.enabled.add(name)
            self._tps[name].on = True

    def disable(self, *names: str) -> None:
        for name in names or tuple(self._tps):
            self.enabled.discard(name)
            tp = self._tps[name]
            tp.on = bool(tp.probes)

    def attach(self, name: str, probe: Callable[[TraceEvent], None]) -> None:
        """Call ``probe(event)`` for every ``name`` event (without recording it unless enabled)."""
        tp = self.tracepoint(name)
        tp.probes.append(probe)
        tp.on = True

    def detach(self, name: str, probe: Callable[[TraceEvent], None]) -> None:
        tp = self._tps[name]
        tp.probes.remove(probe)
        tp.on = bool(tp.probes) or name in self.enabled

    def record(self, tp: Tracepoint, cpu: int, fields: dict[str, Any]) -> None:
        comm, pid, flags = self._context(cpu)
        ev = TraceEvent(self._clock(), cpu, comm, pid, flags, tp.name, fields)
        if tp.name in self.enabled:
            if len(self.ring) == self.ring.maxlen:
                self.lost += 1
            self.ring.append(ev)
        for probe in tp.probes:
            probe(ev)

    def events(self, *names: str) -> list[TraceEvent]:
        """Recorded events, oldest first, optionally only those named."""
        if not names:
            return list(self.ring)
        want = set(names)
        return [e for e in self.ring if e.name in want]

    def __iter__(self) -> Iterator[TraceEvent]:
        return iter(self.ring)

    def clear(self) -> None:
        self.ring.clear()
        self.lost = 0

    def text(self) -> str:
        """The ring as ftrace's `trace` file would show it."""
        head = [
            "# tracer: nop",
            "#",
            f"# entries-in-buffer/entries-written: {len(self.ring)}/{len(self.ring) + self.lost}",
            "#",
            "#                                _-----=> irqs-off/BH-disabled",
            "#                               / _----=> need-resched",
            "#                              | / _---=> hardirq/softirq",
            "#                              || / _--=> preempt-depth",
            "#                              ||| / _-=> migrate-disable",
            "#                              |||| /     delay",
            "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION",
            "#              | |         |   |||||     |         |",
        ]
        return "\n".join(head + [e.text() for e in self.ring]) + "\n"
