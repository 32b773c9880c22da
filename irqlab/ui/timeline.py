"""Per-CPU activity segments (task, softirq, hardirq) and IRQ arrivals, from the trace event stream.

Only this module touches the trace: it attaches probes by bare event name (``sched_switch``,
``irq_handler_entry/exit``, ``softirq_entry/exit``) and reads each event's ts, cpu, comm, pid and
fields. The probes only read; they never change what the simulation does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from irqlab.machine import Machine

__all__ = ["Timeline", "TASK", "SOFTIRQ", "HARDIRQ", "IDLE"]

IDLE, TASK, SOFTIRQ, HARDIRQ = 0, 1, 2, 3

#: softirq_to_name[] (kernel/softirq.c), for a softirq event that carries only its vector.
SOFTIRQ_NAMES = ("HI", "TIMER", "NET_TX", "NET_RX", "BLOCK", "IRQ_POLL", "TASKLET", "SCHED", "HRTIMER", "RCU")

#: Segments (and arrivals) kept between two drains, 50 ms of wall time apart: a storm makes many more,
#: and those past the limit are counted instead of sent (the page says how many it could not draw).
MAX_PENDING = 4000


class Timeline:
    """Collects ``[cpu, kind, label, t0, t1]`` segments and ``[cpu, ts, irq, name]`` IRQ arrivals.

    A CPU's activity is a stack: the task it runs at the bottom, softirqs and hardirqs that
    interrupt it above. Every change closes the segment of what was on top.
    """

    def __init__(self, m: Machine) -> None:
        self.m = m
        ncpu = len(m.kernel.cpus)
        #: Per CPU: stack of (kind, label, since).
        self.stacks: list[list[list[Any]]] = [[[IDLE, "swapper", 0]] for _ in range(ncpu)]
        self.segments: list[list[Any]] = []
        self.arrivals: list[list[Any]] = []
        self.dropped = 0
        self._probes: list[tuple[str, Callable[[Any], None]]] = [
            ("sched_switch", self._switch),
            ("irq_handler_entry", self._irq_entry),
            ("irq_handler_exit", self._irq_exit),
            ("softirq_entry", self._softirq_entry),
            ("softirq_exit", self._softirq_exit),
        ]
        for name, probe in self._probes:
            m.trace.attach(name, probe)

    def close(self) -> None:
        """Detach the probes."""
        for name, probe in self._probes:
            self.m.trace.detach(name, probe)

    def _emit(self, cpu: int, top: list[Any], t1: int) -> None:
        if top[0] != IDLE and t1 >= top[2]:
            if len(self.segments) >= MAX_PENDING:
                self.dropped += 1
                return
            self.segments.append([cpu, top[0], top[1], top[2], t1])

    def _push(self, ev: Any, kind: int, label: str) -> None:
        st = self.stacks[ev.cpu]
        self._emit(ev.cpu, st[-1], ev.ts)
        st.append([kind, label, ev.ts])

    def _pop(self, ev: Any) -> None:
        st = self.stacks[ev.cpu]
        if len(st) > 1:
            self._emit(ev.cpu, st.pop(), ev.ts)
            st[-1][2] = ev.ts

    def _switch(self, ev: Any) -> None:
        st = self.stacks[ev.cpu]
        f = ev.fields
        # The switch happens in task context: the bottom of the stack is the task.
        self._emit(ev.cpu, st[-1], ev.ts)
        kind = IDLE if f["next_pid"] == 0 else TASK
        st[0] = [kind, f"{f['next_comm']}-{f['next_pid']}", ev.ts]
        for frame in st[1:]:
            frame[2] = ev.ts

    def _irq_entry(self, ev: Any) -> None:
        f = ev.fields
        if len(self.arrivals) < MAX_PENDING:
            self.arrivals.append([ev.cpu, ev.ts, f["irq"], str(f["name"])])
        self._push(ev, HARDIRQ, f"irq/{f['irq']} {f['name']}")

    def _irq_exit(self, ev: Any) -> None:
        self._pop(ev)

    def _softirq_entry(self, ev: Any) -> None:
        f = ev.fields
        self._push(ev, SOFTIRQ, str(f.get("action") or SOFTIRQ_NAMES[f["vec"]]))

    def _softirq_exit(self, ev: Any) -> None:
        self._pop(ev)

    def drain(self, now: int) -> dict[str, Any]:
        """Segments and arrivals since the last drain, with what is running now cut at ``now``."""
        for cpu, st in enumerate(self.stacks):
            top = st[-1]
            if now > top[2]:
                self._emit(cpu, top, now)
                top[2] = now
        out = {"segments": self.segments, "arrivals": self.arrivals, "dropped": self.dropped}
        self.segments, self.arrivals, self.dropped = [], [], 0
        return out
