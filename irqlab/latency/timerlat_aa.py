"""rtla timerlat's auto-analysis (tools/tracing/rtla/src/timerlat_aa.c), computed from the simulation's events.

For every activation of every CPU's timerlat thread it splits the latency into the IRQ handler delay
(expiry to the timer interrupt's entry), the timerlat IRQ duration, the thread that blocked the
scheduler (the task the interrupt found running, and how long it kept the CPU), IRQ and softirq
interference and other threads that ran first. Nothing is estimated: every interval is an event pair.
The activation kept per CPU is the worst one, or the one that stopped the trace.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from irqlab.latency import events as ev

SPACES = " " * 64


def _us(ns: int) -> float:
    return ns / 1000


def _per(total: int, part: int) -> float:
    return part * 100 / total if total else 0.0


@dataclasses.dataclass
class Activation:
    """What happened on one CPU between a timerlat timer's expiry and its thread's start."""

    cpu: int
    expected: int = 0
    timer_irq_start: int = 0
    timer_irq_duration: int = 0
    irq_latency: int = 0
    thread_latency: int = 0
    run_comm: str = ""
    run_pid: int = 0
    blocking: int = 0
    irqs: list[tuple[str, int, int]] = dataclasses.field(default_factory=list)
    softirqs: list[tuple[str, int, int]] = dataclasses.field(default_factory=list)
    threads: list[tuple[str, int, int]] = dataclasses.field(default_factory=list)
    prev_irq: tuple[str, int, int, int] | None = None  # desc, vector, start, duration
    irq_stopped: bool = False
    #: What the interrupted task was doing when the timer fired (irqlab's stand-in for the kernel stack).
    doing: str = ""

    def text(self) -> str:
        """timerlat_thread_analysis()'s report."""
        irq = self.irq_stopped
        total = self.irq_latency if irq else self.thread_latency
        out: list[str] = []
        delay = self.timer_irq_start - self.expected if self.timer_irq_start > self.expected else 0
        if self.prev_irq is not None:
            out.append(f"  Previous IRQ interference: {SPACES[:16]} up to  {_us(self.prev_irq[3]):9.2f} us\n")
        idle = "(exit from idle)" if self.run_pid == 0 and _us(delay) > 10 else ""
        out.append(f"  IRQ handler delay: {SPACES[:16]} {idle:>16s}  {_us(delay):9.2f} us ({_per(total, delay):.2f} %)\n")
        out.append(f"  IRQ latency: {SPACES[:40]} {_us(self.irq_latency):9.2f} us\n")
        if irq:
            out.append("  Blocking thread:\n")
            out.append(f" {SPACES[:6]} {self.run_comm:>24s}:{self.run_pid:<9d}\n")
        else:
            out.append(f"  Timerlat IRQ duration: {SPACES[:30]} {_us(self.timer_irq_duration):9.2f} us "
                       f"({_per(total, self.timer_irq_duration):.2f} %)\n")  # fmt: skip
            out.append(f"  Blocking thread: {SPACES[:36]} {_us(self.blocking):9.2f} us ({_per(total, self.blocking):.2f} %)\n")
            out.append(f" {SPACES[:6]} {self.run_comm:>24s}:{self.run_pid:<9d} {SPACES[:12]} {_us(self.blocking):9.2f} us\n")
        if self.doing:
            # Where rtla prints the stack saved at the IRQ, one "-> function" line per frame.
            out.append(f" {SPACES[:14]} -> {self.doing}\n")
            isum = sum(d for _, _, d in self.irqs)
            if isum:
                out.append(f"  IRQ interference {SPACES[:36]} {_us(isum):9.2f} us ({_per(total, isum):.2f} %)\n")
                out.extend(f"  {desc:>24s}:{vec:<3d} {SPACES[:24]} {_us(d):9.2f} us\n" for desc, vec, d in self.irqs)
            ssum = sum(d for _, _, d in self.softirqs)
            if ssum:
                out.append(f"  Softirq interference {SPACES[:32]} {_us(ssum):9.2f} us ({_per(total, ssum):.2f} %)\n")
                out.extend(f"  {name:>24s}:{vec:<3d} {SPACES[:24]} {_us(d):9.2f} us\n" for name, vec, d in self.softirqs)
            tsum = sum(d for _, _, d in self.threads)
            if tsum:
                out.append(f"  Thread interference {SPACES[:33]} {_us(tsum):9.2f} us ({_per(total, tsum):.2f} %)\n")
                out.extend(f"  {c:>24s}:{p:<12d} {SPACES[:15]} {_us(d):9.2f} us\n" for c, p, d in self.threads)
        out.append("------------------------------------------------------------------------\n")
        out.append(f"  {'   IRQ' if irq else 'Thread'} latency: {SPACES[:37]} {_us(total):9.2f} us (100%)\n")
        return "".join(out)


class _CpuState:
    def __init__(self, cpu: int) -> None:
        self.cpu = cpu
        self.irq_start: list[int] = []
        self.irq_desc: tuple[str, int] | None = None
        self.irq_has_timerlat = False
        self.cur: Activation | None = None
        self.in_window = False
        self.irq_window_start = 0
        self.softirq_start: dict[int, int] = {}
        self.running_since = 0
        self.running: tuple[str, int] = ("", 0)
        self.last_irq: tuple[str, int, int, int] | None = None
        self.interrupted: tuple[str, int] = ("", 0)
        self.handler_ts = 0
        self.doing = ""


class TimerlatAnalysis:
    """Attach to a machine's events; :meth:`sample` is fed the tracer's samples; ``worst[cpu]`` is kept."""

    def __init__(self, m: Any, cpus: list[int]) -> None:
        self.m = m
        self.sub = ev.Subscription(m)
        self.cpus = {c: _CpuState(c) for c in cpus}
        self.worst: dict[int, Activation] = {}
        self.max_exit_idle: tuple[int, int] | None = None  # (latency, cpu)
        self.timerlat_comm = "timerlat/"
        #: Set once a sample stopped the trace: later events belong to no analysed activation.
        self.frozen = False
        s = self.sub
        s.on("irq_entry", self._irq_entry)
        s.on("irq_exit", self._irq_exit)
        s.on("irq_handler_entry", self._handler_entry)
        s.on("hrtimer_expire_entry", self._hrtimer_entry)
        s.on("softirq_entry", self._softirq_entry)
        s.on("softirq_exit", self._softirq_exit)
        s.on("sched_switch", self._switch)

    def close(self) -> None:
        self.sub.close()

    def _doing(self, cpu: int, pid: int) -> str:
        """What the task the interrupt found was doing: idle, user mode, a system call (and whether preemption
        was off), a kernel thread's wait point, or softirq processing."""
        k = self.m.kernel
        pc = k.cpus[cpu].preempt_count
        depth = pc & 0xFF
        if pc & 0xFF00:
            return "softirq processing (bottom halves disabled)"
        if pid == 0:
            return "idle (exit from idle)"
        t = k.tasks.get(pid)
        if t is None:
            return ""
        off = f", preemption disabled (depth {depth})" if depth else ""
        if t.is_user:
            return f"system call (kernel code){off}" if t.data.get("in_syscall") else "user mode"
        return f"kernel thread{off}"

    def _st(self, e: Any) -> _CpuState | None:
        return None if self.frozen else self.cpus.get(ev.cpu(e))

    def _irq_entry(self, e: Any) -> None:
        st = self._st(e)
        if st is None:
            return
        if not st.irq_start:
            st.irq_desc = None
            st.irq_has_timerlat = False
            st.handler_ts = 0
            st.interrupted = (ev.comm(e), ev.pid(e))
            st.doing = self._doing(ev.cpu(e), ev.pid(e))
        st.irq_start.append(ev.ts(e))

    def _handler_entry(self, e: Any) -> None:
        st = self._st(e)
        if st is not None and st.irq_desc is None:
            st.irq_desc = (str(ev.field(e, "name", "irq")), int(ev.field(e, "irq", 0)))
            st.handler_ts = ev.ts(e)

    def _hrtimer_entry(self, e: Any) -> None:
        st = self._st(e)
        if st is not None and str(ev.field(e, "function", "")).startswith("timerlat_irq") and st.irq_start:
            st.irq_has_timerlat = True

    def _irq_exit(self, e: Any) -> None:
        st = self._st(e)
        if st is None or not st.irq_start:
            return
        start = st.irq_start.pop()
        dur = ev.ts(e) - start
        desc, vec = st.irq_desc or ("IPI", 0)
        if st.irq_has_timerlat:
            a = st.cur
            if a is not None and not a.timer_irq_start:
                # The IRQ's noise starts when its handler runs (irq_noise's start): entry latency is delay.
                a.timer_irq_start = st.handler_ts or start
                a.timer_irq_duration = ev.ts(e) - a.timer_irq_start
                comm, pid = st.interrupted
                a.run_comm, a.run_pid = ("swapper/%d" % st.cpu, 0) if pid == 0 else (comm, pid)
                a.doing = st.doing
                if st.last_irq is not None and a.expected < st.last_irq[2] + st.last_irq[3]:
                    a.prev_irq = st.last_irq
                st.in_window = True
                st.running_since = ev.ts(e)
                st.running = (a.run_comm, a.run_pid)
            st.irq_has_timerlat = False
        elif st.in_window and st.cur is not None:
            st.cur.irqs.append((desc, vec, dur))
        st.last_irq = (desc, vec, start, dur)

    def _softirq_entry(self, e: Any) -> None:
        st = self._st(e)
        if st is not None and st.in_window:
            st.softirq_start[int(ev.field(e, "vec", 0))] = ev.ts(e)

    def _softirq_exit(self, e: Any) -> None:
        st = self._st(e)
        if st is None or not st.in_window or st.cur is None:
            return
        vec = int(ev.field(e, "vec", 0))
        t0 = st.softirq_start.pop(vec, None)
        if t0 is not None:
            st.cur.softirqs.append((str(ev.field(e, "action", "")), vec, ev.ts(e) - t0))

    def _switch(self, e: Any) -> None:
        st = self._st(e)
        if st is None or not st.in_window or st.cur is None:
            return
        now = ev.ts(e)
        ran = now - st.running_since
        a = st.cur
        # Net of the interrupts and softirqs that ran meanwhile (osnoise's noise is net of them too).
        if st.running == (a.run_comm, a.run_pid):
            a.blocking += ran
        else:
            a.threads.append((st.running[0], st.running[1], ran))
        nxt = str(ev.field(e, "next_comm", ""))
        st.running = (nxt, int(ev.field(e, "next_pid", 0)))
        st.running_since = now
        if nxt.startswith(self.timerlat_comm):
            st.in_window = False

    def _net(self, a: Activation) -> None:
        inter = sum(d for _, _, d in a.irqs) + sum(d for _, _, d in a.softirqs)
        a.blocking = max(0, a.blocking - inter)

    def sample(self, s: Any, stopped: bool) -> None:
        """Feed one TimerlatSample (context 0 IRQ, 1 thread); ``stopped``: this sample stopped the trace."""
        st = self.cpus.get(s.cpu)
        if st is None or self.frozen:
            return
        if stopped:
            self.frozen = True
        if s.context == 0:
            a = Activation(s.cpu, expected=s.ts - s.timer_latency, irq_latency=s.timer_latency)
            st.cur = a
            if stopped:
                a.irq_stopped = True
                self.worst[s.cpu] = a
                self._keep_idle(a)
            return
        cur = st.cur
        if cur is None:
            return
        a = cur
        a.thread_latency = s.timer_latency
        self._net(a)
        st.in_window = False
        st.cur = None
        self._keep_idle(a)
        w = self.worst.get(s.cpu)
        if stopped or w is None or (not w.irq_stopped and a.thread_latency > w.thread_latency):
            self.worst[s.cpu] = a

    def _keep_idle(self, a: Activation) -> None:
        if a.run_pid == 0 and a.timer_irq_start:
            lat = a.irq_latency
            if self.max_exit_idle is None or lat > self.max_exit_idle[0]:
                self.max_exit_idle = (lat, a.cpu)

    def report(self, stop_cpus: list[int] | None = None) -> str:
        """timerlat_auto_analysis(): the analysis of each CPU that hit the stop (or, without one, of the CPU
        with the worst thread latency), then the worst IRQ latency from idle."""
        out: list[str] = []
        cpus = stop_cpus if stop_cpus else ([max(self.worst, key=lambda c: self.worst[c].thread_latency)]
                                            if self.worst else [])  # fmt: skip
        for c in cpus:
            out.append(f"## CPU {c} hit stop tracing, analyzing it ##\n")
            out.append(self.worst[c].text())
        if self.max_exit_idle is not None:
            out.append("\n")
            out.append(f"Max timerlat IRQ latency from idle: {_us(self.max_exit_idle[0]):.2f} us in cpu {self.max_exit_idle[1]}\n")
        return "".join(out)
