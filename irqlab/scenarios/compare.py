"""One device workload, six bottom halves, numbers in hand: the comparison behind ``irqlab compare``.

The same driver logic (the bottom half computes ``BH_WORK_NS``) is delivered from the same interrupt with
each mechanism: a threaded IRQ, a tasklet, the BH workqueue (``system_bh_wq``), the system workqueue, a
``WQ_HIGHPRI`` workqueue, and a dedicated kthread woken by the top half. The device is seed 001's button
on GPIO17 (both edges, "typical" bounce, random presses), a NIC receiving packets at a fixed rate (one
latency per packet, from its arrival), or a line pulsed at a fixed rate. The hardware
draws from its own seeded stream, so for a given seed every mechanism sees the very same presses.

Measured per run: latency from the hardware event (the first edge not yet served) to the bottom half's
start, and CPU time per event spent in hardirq, softirq and the bottom half's task, with the kernel's own
counters (ksoftirqd wakeups, time_squeeze). Histograms merge over seeds.
"""

from __future__ import annotations

import dataclasses
import types
from typing import Any

from irqlab.hw.nic import NIC_CTRL, NIC_CTRL_RX_EN, NIC_INT_ENABLE_SET, NIC_INT_RX, NIC_INT_RXO, NIC_INT_STATUS, Nic
from irqlab.kernel import (
    GPIOF_IN,
    INIT_WORK,
    IRQ_HANDLED,
    IRQ_NONE,
    IRQ_WAKE_THREAD,
    IRQF_ONESHOT,
    IRQF_TRIGGER_FALLING,
    IRQF_TRIGGER_RISING,
    TASK_INTERRUPTIBLE,
    WQ_HIGHPRI,
    alloc_workqueue,
    cpu_work,
    destroy_workqueue,
    free_irq,
    gpio_free,
    gpio_request_one,
    gpio_to_irq,
    ioremap,
    kthread_run,
    kthread_should_stop,
    kthread_stop,
    queue_work,
    readl,
    request_irq,
    request_threaded_irq,
    schedule,
    set_current_state,
    system_bh_wq,
    system_wq,
    tasklet_kill,
    tasklet_schedule,
    tasklet_setup,
    tasklet_struct,
    wake_up_process,
    work_struct,
    writel,
)
from irqlab.kernel.core import kernel
from irqlab.latency import events as ev
from irqlab.latency.histogram import LatencyHistogram
from irqlab.machine import Machine, boot
from irqlab.scenarios.loads import Load, device_line, start_loads

MECHANISMS = ("threaded", "tasklet", "bh-wq", "system-wq", "highpri-wq", "kthread")
#: What the bottom half computes for each event (ns): the driver logic every mechanism runs.
BH_WORK_NS = 10_000
BUTTON_GPIO = 17
RP1_GPIO_BASE = 512
#: When the device starts (ns after boot): after every driver's setup.
DEVICE_START_NS = 50_000_000


@dataclasses.dataclass
class RunResult:
    """One mechanism under one load for one seed."""

    mechanism: str
    load: str
    seed: int
    hist: LatencyHistogram
    events: int
    hardirq_ns: int
    softirq_ns: int
    thread_ns: int
    ksoftirqd_wakeups: int
    time_squeeze: int
    #: 1 if RT throttling was activated in the run ("sched: RT throttling activated", printed once).
    rt_throttled: int = 0
    #: When the button was pressed (ns): the hardware's own stream, the same for every mechanism.
    presses: list[int] = dataclasses.field(default_factory=list)
    #: The machine that ran, when run_one() was asked to keep it.
    machine: Machine | None = dataclasses.field(default=None, repr=False, compare=False)


def _driver(mechanism: str, source: str, state: dict[str, Any]) -> types.SimpleNamespace:
    """A kernel module deferring the same work with ``mechanism``."""

    def bottom_half() -> None:
        k = kernel()
        nic = state.get("nic")
        if nic is not None:
            # One latency per packet: from its arrival on the wire to the bottom half taking it.
            while (pkt := nic.rx_pop()) is not None:
                state["hist"].record(k.engine.now - pkt.t)
                state["events"] += 1
                cpu_work(BH_WORK_NS)
            return
        t0 = state.pop("pending", None)
        if t0 is not None:
            state["hist"].record(k.engine.now - t0)
            state["events"] += 1
        cpu_work(BH_WORK_NS)

    tasklet = tasklet_struct()
    work = work_struct()

    def tasklet_fn(t: Any) -> None:
        bottom_half()

    def work_fn(w: Any) -> None:
        bottom_half()

    def kthread_fn(data: Any) -> int:
        while not kthread_should_stop():
            set_current_state(TASK_INTERRUPTIBLE)
            if not state.get("kick") and not kthread_should_stop():
                schedule()
            set_current_state(0)
            if state.pop("kick", False):
                bottom_half()
        return 0

    def top(irq: int, dev: Any) -> int:
        if "regs" in state:
            status = readl(state["regs"] + NIC_INT_STATUS)
            if not status & (NIC_INT_RX | NIC_INT_RXO):
                return IRQ_NONE
            writel(status, state["regs"] + NIC_INT_STATUS)
        if mechanism == "threaded":
            return IRQ_WAKE_THREAD
        if mechanism == "tasklet":
            tasklet_schedule(tasklet)
        elif mechanism == "bh-wq":
            queue_work(system_bh_wq, work)
        elif mechanism == "system-wq":
            queue_work(system_wq, work)
        elif mechanism == "highpri-wq":
            queue_work(state["wq"], work)
        else:
            state["kick"] = True
            wake_up_process(state["task"])
        return IRQ_HANDLED

    def thread_fn(irq: int, dev: Any) -> int:
        bottom_half()
        return IRQ_HANDLED

    def module_init() -> int:
        if source == "button":
            ret = gpio_request_one(RP1_GPIO_BASE + BUTTON_GPIO, GPIOF_IN, "compare button")
            if ret:
                return ret
            state["irq"] = gpio_to_irq(RP1_GPIO_BASE + BUTTON_GPIO)
        flags = IRQF_TRIGGER_RISING | IRQF_TRIGGER_FALLING if source == "button" else 0
        if source == "nic":
            state["regs"] = ioremap(state["nic"])
        tasklet_setup(tasklet, tasklet_fn)
        INIT_WORK(work, work_fn)
        if mechanism == "highpri-wq":
            state["wq"] = alloc_workqueue("compare_hi", WQ_HIGHPRI, 0)
        if mechanism == "kthread":
            state["task"] = kthread_run(kthread_fn, None, "compare-bh")
        if mechanism == "threaded":
            ret = int(request_threaded_irq(state["irq"], top, thread_fn, flags | IRQF_ONESHOT, "compare", state))
        else:
            ret = int(request_irq(state["irq"], top, flags, "compare", state))
        if ret == 0 and source == "nic":
            writel(NIC_CTRL_RX_EN, state["regs"] + NIC_CTRL)
            writel(NIC_INT_RX | NIC_INT_RXO, state["regs"] + NIC_INT_ENABLE_SET)
        return ret

    def module_exit() -> None:
        free_irq(state["irq"], state)
        tasklet_kill(tasklet)
        if "wq" in state:
            destroy_workqueue(state["wq"])
        if "task" in state:
            kthread_stop(state["task"])
        if source == "button":
            gpio_free(RP1_GPIO_BASE + BUTTON_GPIO)

    return types.SimpleNamespace(__name__="compare", module_init=module_init, module_exit=module_exit)


class _CpuAccounting:
    """Hardirq time of the device's IRQ, softirq time of the tasklet/BH vectors, and run time of the BH task."""

    def __init__(self, m: Machine, state: dict[str, Any], mechanism: str) -> None:
        self.state = state
        self.hard = self.soft = self.thread = 0
        self.ksoftirqd_wakeups = 0
        self._irq_start: dict[int, int] = {}
        self._ours: dict[int, bool] = {}
        self._soft: dict[int, int] = {}
        self._run: dict[int, int] = {}
        self.task_prefix = {"threaded": "irq/", "system-wq": "kworker/", "highpri-wq": "kworker/",
                            "kthread": "compare-bh"}.get(mechanism)  # fmt: skip
        self.sub = s = ev.Subscription(m)
        s.on("irq_entry", self._entry)
        s.on("irq_handler_entry", self._handler)
        s.on("irq_exit", self._exit)
        if mechanism in ("tasklet", "bh-wq"):
            s.on("softirq_entry", self._softirq_entry)
            s.on("softirq_exit", self._softirq_exit)
        if self.task_prefix:
            s.on("sched_switch", self._switch)
        s.on("sched_wakeup", self._wakeup)

    def _entry(self, e: Any) -> None:
        self._irq_start[ev.cpu(e)] = ev.ts(e)
        self._ours[ev.cpu(e)] = False

    def _handler(self, e: Any) -> None:
        if ev.field(e, "irq") == self.state.get("irq"):
            self._ours[ev.cpu(e)] = True

    def _exit(self, e: Any) -> None:
        c = ev.cpu(e)
        if self._ours.pop(c, False) and c in self._irq_start:
            self.hard += ev.ts(e) - self._irq_start[c]

    def _softirq_entry(self, e: Any) -> None:
        if ev.field(e, "action") in ("TASKLET", "HI"):
            self._soft[ev.cpu(e)] = ev.ts(e)

    def _softirq_exit(self, e: Any) -> None:
        t0 = self._soft.pop(ev.cpu(e), None)
        if t0 is not None:
            self.soft += ev.ts(e) - t0

    def _switch(self, e: Any) -> None:
        c = ev.cpu(e)
        t0 = self._run.pop(c, None)
        if t0 is not None:
            self.thread += ev.ts(e) - t0
        prefix = self.task_prefix or ""
        nxt = str(ev.field(e, "next_comm", ""))
        if nxt.startswith(prefix) and (prefix != "irq/" or nxt.endswith("compare")):
            self._run[c] = ev.ts(e)

    def _wakeup(self, e: Any) -> None:
        if str(ev.field(e, "comm", "")).startswith("ksoftirqd/"):
            self.ksoftirqd_wakeups += 1


def run_one(mechanism: str, load: Load | None, seed: int, *, board: str = "rpi5", source: str = "button",
            duration_ns: int = 2_000_000_000, preempt: str | None = None, cpus: int | None = None,
            hz: int | None = None, cmdline: str = "", keep_machine: bool = False) -> RunResult:  # fmt: skip
    """Boot, load the ``mechanism`` driver, start the device and ``load``, run ``duration_ns``; return the figures
    (with the machine itself if ``keep_machine``)."""
    if mechanism not in MECHANISMS:
        raise ValueError(f"mechanism must be one of {', '.join(MECHANISMS)}, not {mechanism!r}")
    m = boot(board, seed=seed, preempt=preempt, cpus=cpus, hz=hz, cmdline=cmdline)
    state: dict[str, Any] = {"hist": LatencyHistogram(mechanism), "events": 0}
    sub = ev.Subscription(m)

    def on_event(t: int) -> None:
        state.setdefault("pending", t)

    kind, _, rate = source.partition(":")
    if source == "button":
        btn = m.button(BUTTON_GPIO, "typical")
        sub.on_edge(m.board.gpio_pin(BUTTON_GPIO), on_event, active=True)
    elif kind == "nic":
        if not rate.isdigit() or int(rate) < 1:
            raise ValueError(f"source nic:PPS needs a packet rate, not {source!r}")
        state["irq"], nline = device_line(m, 2, edge=False)
        state["nic"] = Nic(m.kernel.engine, "eth9", line=nline, ring_size=256)
    else:
        if kind != "periodic" or not rate.isdigit() or int(rate) < 1:
            raise ValueError(f"source is 'button', 'nic:PPS' or 'periodic:RATE' (events per second), not {source!r}")
        state["irq"], line = device_line(m, 2)
        sub.on_edge(line, on_event, active=True)
    ret = m.insmod(_driver(mechanism, "button" if source == "button" else kind, state))
    if ret != 0:
        raise RuntimeError(f"the {mechanism} comparison driver failed to load: {ret}")
    acct = _CpuAccounting(m, state, mechanism)
    # The device starts at the same absolute time whatever the driver's setup cost.
    start = max(m.now, DEVICE_START_NS)
    end = start + duration_ns
    if source == "button":
        btn.random_presses(start=start, until=end - 50_000_000, mean_gap="40ms", hold=("20ms", "60ms"))
    elif kind == "nic":
        state["nic"].generate(int(rate), start=start, until=end - 50_000_000)
    else:
        gap = 1_000_000_000 // int(source.partition(":")[2])

        def tick(t: int) -> None:
            line.pulse("compare")
            if t + gap < end:
                m.kernel.engine.at(t + gap, 1, tick, t + gap)

        m.kernel.engine.at(start + gap, 1, tick, start + gap)
    start_loads(m, [load] if load else [], end)
    m.run(until=end)
    squeeze = 0
    try:
        for row in m.read("/proc/net/softnet_stat").splitlines():
            squeeze += int(row.split()[2], 16)
    except FileNotFoundError:
        squeeze = 0
    sub.close()
    acct.sub.close()
    n = max(1, state["events"])
    presses = [e.t for e in btn.events if e.kind == "press"] if source == "button" else []
    # kernel/sched/rt.c prints this once per boot (printk_deferred_once): a run counts 1 if RT was throttled.
    throttled = int(any("sched: RT throttling activated" in line for line in m.dmesg_lines()))
    return RunResult(mechanism, str(load) if load else "idle", seed, state["hist"], state["events"],
                     acct.hard // n, acct.soft // n, acct.thread // n, acct.ksoftirqd_wakeups, squeeze,
                     throttled, presses, m if keep_machine else None)  # fmt: skip


@dataclasses.dataclass
class Row:
    """Figures of one mechanism under one load, merged over seeds."""

    mechanism: str
    load: str
    hist: LatencyHistogram
    events: int
    hardirq_ns: int
    softirq_ns: int
    thread_ns: int
    ksoftirqd_wakeups: int
    time_squeeze: int
    rt_throttled: int = 0


def compare(mechanisms: list[str], loads: list[Load | None], seeds: list[int], **kw: Any) -> list[Row]:
    """Every mechanism under every load over ``seeds``; histograms merged, CPU times averaged per event."""
    rows: list[Row] = []
    for load in loads:
        for mech in mechanisms:
            runs = [run_one(mech, load, s, **kw) for s in seeds]
            hist = LatencyHistogram(mech)
            for r in runs:
                hist.merge(r.hist)
            n = len(runs)
            rows.append(Row(mech, runs[0].load, hist, sum(r.events for r in runs),
                            sum(r.hardirq_ns for r in runs) // n, sum(r.softirq_ns for r in runs) // n,
                            sum(r.thread_ns for r in runs) // n, sum(r.ksoftirqd_wakeups for r in runs),
                            sum(r.time_squeeze for r in runs), sum(r.rt_throttled for r in runs)))  # fmt: skip
    return rows


def table(rows: list[Row]) -> str:
    """The comparison as one plain-text table (µs)."""
    head = (f"{'mechanism':<11} {'load':<14} {'events':>7} {'p50':>8} {'p99':>8} {'p99.9':>8} {'max':>9} "
            f"{'jitter':>8} {'hardirq':>8} {'softirq':>8} {'thread':>8} {'ksoftirqd':>9} {'squeeze':>7} {'rt-thr':>6}")  # fmt: skip
    out = [head, "-" * len(head)]
    for r in rows:
        h = r.hist

        def us(v: float) -> str:
            return f"{v / 1000:.1f}"

        out.append(f"{r.mechanism:<11} {r.load:<14} {r.events:>7} {us(h.percentile(50)):>8} {us(h.percentile(99)):>8} "
                   f"{us(h.percentile(99.9)):>8} {us(h.max):>9} {us(h.stddev):>8} {us(r.hardirq_ns):>8} "
                   f"{us(r.softirq_ns):>8} {us(r.thread_ns):>8} {r.ksoftirqd_wakeups:>9} {r.time_squeeze:>7} "
                   f"{r.rt_throttled:>6}")  # fmt: skip
    out.append("latency: hardware event -> bottom half start, us; jitter = standard deviation; hardirq/softirq/thread:")
    out.append("CPU time per event, us; ksoftirqd: wakeups; squeeze: /proc/net/softnet_stat time_squeeze;")
    out.append("rt-thr: runs in which RT throttling was activated.")
    return "\n".join(out) + "\n"
