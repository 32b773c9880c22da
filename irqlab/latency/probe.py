"""Latency probes a test or scenario attaches with one line: ``probe(m, "gpio17->thread")``.

A probe measures from a *start* (a hardware edge or a kernel event) to the next matching *end* event.
Starts that arrive before the end (a bouncing contact, interrupts coalesced into one bottom half) are
counted once, from the first: the latency a user sees from the first edge to the code that handles it.

Start forms: ``gpio<N>`` (GPIO N becomes active: a button press), ``irq<N>`` (irq_handler_entry of irq N),
``raise:<VEC>`` (softirq_raise of vector VEC, e.g. NET_RX), ``queue[:<function>]`` (workqueue_queue_work),
``wakeup:<comm>`` (sched_wakeup of a task whose comm starts with comm).

End forms: ``handler[<N>]`` (irq_handler_entry, of irq N if given), ``thread[<N>]`` (irq_thread_entry),
``softirq[:<VEC>]`` (softirq_entry), ``tasklet[:<function>]`` (tasklet_entry), ``work[:<function>]``
(workqueue_execute_start), ``run:<comm>`` (sched_switch to a task whose comm starts with comm).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from irqlab.latency import events as ev
from irqlab.latency.histogram import LatencyHistogram

Match = Callable[[Any], bool]

_START_HELP = "gpio<N>, irq<N>, raise:<VEC>, queue[:<function>], wakeup:<comm>"
_END_HELP = "handler[<N>], thread[<N>], softirq[:<VEC>], tasklet[:<function>], work[:<function>], run:<comm>"


def _fn_match(key: str, want: str) -> Match:
    return lambda e: not want or str(ev.field(e, key, "")).split(" ")[0] == want


def _end(spec: str) -> tuple[str, Match]:
    m = re.fullmatch(r"(handler|thread)(\d*)", spec)
    if m:
        name = "irq_handler_entry" if m.group(1) == "handler" else "irq_thread_entry"
        irq = int(m.group(2)) if m.group(2) else None
        return name, (lambda e: irq is None or ev.field(e, "irq") == irq)
    kind, _, arg = spec.partition(":")
    if kind == "softirq":
        vec = arg.upper()
        return "softirq_entry", (lambda e: not vec or ev.field(e, "action") == vec)
    if kind == "tasklet":
        return "tasklet_entry", _fn_match("function", arg)
    if kind == "work":
        return "workqueue_execute_start", _fn_match("function", arg)
    if kind == "run" and arg:
        return "sched_switch", (lambda e: str(ev.field(e, "next_comm", "")).startswith(arg))
    raise ValueError(f"latency probe end {spec!r} is not one of {_END_HELP}")


class LatencyProbe:
    """Start->end latencies on a machine: ``hist`` (a LatencyHistogram, ns) and ``samples`` ((start, end) ns)."""

    def __init__(self, m: Any, spec: str) -> None:
        if "->" not in spec:
            raise ValueError(f"a latency probe is 'START->END' (e.g. 'gpio17->thread'), not {spec!r}")
        start, _, end = (s.strip() for s in spec.partition("->"))
        self.spec = spec
        self.hist = LatencyHistogram(spec)
        self.samples: list[tuple[int, int]] = []
        self._pending: int | None = None
        self._sub = ev.Subscription(m)
        end_name, end_match = _end(end)

        def on_end(e: Any) -> None:
            if self._pending is not None and end_match(e):
                t0 = self._pending
                self._pending = None
                self.samples.append((t0, ev.ts(e)))
                self.hist.record(ev.ts(e) - t0)

        self._sub.on(end_name, on_end)
        self._attach_start(m, start)

    def _start(self, t: int) -> None:
        if self._pending is None:
            self._pending = t

    def _on_start(self, name: str, match: Match) -> None:
        def listener(e: Any) -> None:
            if match(e):
                self._start(ev.ts(e))

        self._sub.on(name, listener)

    def _attach_start(self, m: Any, start: str) -> None:
        g = re.fullmatch(r"gpio(\d+)", start)
        if g:
            self._sub.on_edge(m.board.gpio_pin(int(g.group(1))), self._start)
            return
        i = re.fullmatch(r"irq(\d+)", start)
        if i:
            irq = int(i.group(1))
            self._on_start("irq_handler_entry", lambda e: ev.field(e, "irq") == irq)
            return
        kind, _, arg = start.partition(":")
        if kind == "raise" and arg:
            vec = arg.upper()
            self._on_start("softirq_raise", lambda e: ev.field(e, "action") == vec)
            return
        if kind == "queue":
            self._on_start("workqueue_queue_work", _fn_match("function", arg))
            return
        if kind == "wakeup" and arg:
            self._on_start("sched_wakeup", lambda e: str(ev.field(e, "comm", "")).startswith(arg))
            return
        self._sub.close()
        raise ValueError(f"latency probe start {start!r} is not one of {_START_HELP}")

    def close(self) -> LatencyHistogram:
        """Detach the probe; returns its histogram."""
        self._sub.close()
        return self.hist

    def __enter__(self) -> LatencyProbe:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def probe(m: Any, spec: str) -> LatencyProbe:
    """Attach a latency probe ``"START->END"`` to machine ``m`` (see the module docstring for the forms)."""
    return LatencyProbe(m, spec)
