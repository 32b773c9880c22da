"""Chrome's JSON trace format (the Trace Event Format every trace viewer opens).

Timestamps in µs. One track per CPU (a "CPUs" process, one thread per CPU) holds properly nested
B/E slices: the running task, and inside it hardirq handlers, softirqs, tasklets and timer
callbacks. One track per task holds its work items (workqueue_execute_start/end) and, when
irqlab's instrumentation is on, its IRQ thread function runs. Every other event is an instant
("ph": "i") on its CPU's track. Each trace event yields exactly one record carrying
``args.event``; the E records that close slices left open at a context switch carry none.
"""

from __future__ import annotations

import json
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from irqlab.trace.tracepoint import TraceBus

CPU_PID = 1_000_000  # the "CPUs" pseudo-process; CPU n is its thread CPU_PID + n

# Events that open and close a slice, with the slice name.
_BEGIN = {"irq_handler_entry": "irq_handler_exit", "softirq_entry": "softirq_exit",
          "tasklet_entry": "tasklet_exit", "timer_expire_entry": "timer_expire_exit",
          "hrtimer_expire_entry": "hrtimer_expire_exit"}  # fmt: skip
_END = {v: k for k, v in _BEGIN.items()}
_TASK_BEGIN = {"workqueue_execute_start": "workqueue_execute_end", "irq_thread_entry": "irq_thread_exit"}
_TASK_END = {v: k for k, v in _TASK_BEGIN.items()}


def _us(ns: int) -> str:
    return f"{ns // 1000}.{ns % 1000:03d}"


def _slice_name(ev: Any) -> str:
    f = ev.fields
    n = ev.name
    if n == "irq_handler_entry":
        return f"irq {f['irq']}: {f['name']}"
    if n == "softirq_entry":
        return f"softirq {ev.body().split('action=')[1].rstrip(']')}"
    if n in ("tasklet_entry", "timer_expire_entry", "hrtimer_expire_entry", "workqueue_execute_start"):
        return str(f["function"])
    if n == "irq_thread_entry":
        return f"irq thread {f['irq']}: {f['name']}"
    return n


class ChromeJsonWriter:
    """Stream a trace's events into Chrome JSON (``add``, then ``close``)."""

    def __init__(self, path: str, bus: TraceBus) -> None:
        self.f: IO[str] = open(path, "w")  # noqa: SIM115 - closed by close()
        self.bus = bus
        self.count = 0
        self.first = True
        self.stacks: dict[int, list[str]] = {}  # tid -> names of the open slices (the event that opened each)
        self.tasks: dict[int, str] = {}
        self.f.write('{"displayTimeUnit":"ns","traceEvents":[\n')

    def _emit(self, rec: dict[str, Any]) -> None:
        self.f.write(("" if self.first else ",\n") + json.dumps(rec, separators=(",", ":")))
        self.first = False

    def _rec(self, ph: str, ts: int, pid: int, tid: int, name: str, ev: Any | None, cat: str = "") -> None:
        rec: dict[str, Any] = {"ph": ph, "ts": float(_us(ts)), "pid": pid, "tid": tid, "name": name}
        if cat:
            rec["cat"] = cat
        if ph == "i":
            rec["s"] = "t"
        if ev is not None:
            rec["cat"] = ev.system
            rec["args"] = {"event": ev.name, "comm": ev.comm, "pid": ev.pid, "flags": ev.flags,
                           **{k: (v if isinstance(v, int | str) else list(v)) for k, v in ev.fields.items()}}  # fmt: skip
        self._emit(rec)

    def _close(self, ts: int, pid: int, tid: int, upto: str | None) -> bool:
        """Close slices on ``tid`` down to (and including) the innermost ``upto`` (all when None)."""
        st = self.stacks.get(tid, [])
        if upto is not None and upto not in st:
            return False
        while st:
            top = st.pop()
            if upto is not None and top == upto:
                return True
            self._rec("E", ts, pid, tid, "", None)
        return upto is None

    def add(self, ev: Any) -> None:
        self.count += 1
        cpu_tid = CPU_PID + ev.cpu
        n = ev.name
        if ev.pid and ev.pid not in self.tasks:
            self.tasks[ev.pid] = ev.comm
        if n == "sched_switch":
            self.tasks.setdefault(ev["next_pid"], ev["next_comm"])
            # A context switch ends everything open on the CPU, then the next task's slice begins.
            self._close(ev.ts, CPU_PID, cpu_tid, None)
            self.stacks.setdefault(cpu_tid, []).append("sched_switch")
            self._rec("B", ev.ts, CPU_PID, cpu_tid, f"{ev['next_comm']} {ev['next_pid']}", ev)
        elif n in _BEGIN:
            self.stacks.setdefault(cpu_tid, []).append(n)
            self._rec("B", ev.ts, CPU_PID, cpu_tid, _slice_name(ev), ev)
        elif n in _END and self._close(ev.ts, CPU_PID, cpu_tid, _END[n]):
            self._rec("E", ev.ts, CPU_PID, cpu_tid, "", ev)
        elif n in _TASK_BEGIN:
            self.stacks.setdefault(ev.pid, []).append(n)
            self._rec("B", ev.ts, ev.pid, ev.pid, _slice_name(ev), ev)
        elif n in _TASK_END and self._close(ev.ts, ev.pid, ev.pid, _TASK_END[n]):
            self._rec("E", ev.ts, ev.pid, ev.pid, "", ev)
        else:
            self._rec("i", ev.ts, CPU_PID, cpu_tid, n, ev)

    def close(self) -> None:
        """Name the tracks and end the document (slices still open stay open, as the viewers allow)."""
        cpus = sorted(t - CPU_PID for t in self.stacks if t >= CPU_PID)
        self._emit({"ph": "M", "pid": CPU_PID, "name": "process_name", "args": {"name": "CPUs"}})
        for cpu in range(len(self.bus.cpus)) if self.bus.cpus else cpus:
            self._emit({"ph": "M", "pid": CPU_PID, "tid": CPU_PID + cpu, "name": "thread_name",
                        "args": {"name": f"CPU {cpu}"}})  # fmt: skip
            self._emit({"ph": "M", "pid": CPU_PID, "tid": CPU_PID + cpu, "name": "thread_sort_index",
                        "args": {"sort_index": cpu}})  # fmt: skip
        for pid, comm in sorted(self.tasks.items()):
            self._emit({"ph": "M", "pid": pid, "name": "process_name", "args": {"name": comm}})
            self._emit({"ph": "M", "pid": pid, "tid": pid, "name": "thread_name", "args": {"name": comm}})
        self.f.write("\n]}\n")
        self.f.close()
