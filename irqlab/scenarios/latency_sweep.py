"""One run of a latency tool, as a sweep scenario: what ``irqlab cyclictest --seeds`` and ``irqlab compare --seeds``
hand to :func:`irqlab.sweep.run_sweep` (the scenario protocol of docs/sweeps.md).

``main(seed, tool, ...)`` runs ``tool`` once on a freshly booted machine and returns the machine; ``metrics(m)``
returns what the tool's output needs to be printed again for many runs merged:

* ``tool="cyclictest"`` (``argv``, the machine flags, ``loads``): per thread ``i``, ``t<i>_cycles``, ``t<i>_min``,
  ``t<i>_max``, ``t<i>_sum`` (the sum of its latencies, so merged averages are exact), ``t<i>_act``,
  ``t<i>_oflow``, its ``t<i>_tid``/``prio``/``interval``/``cpu``, and with ``-h``/``-H`` the histogram
  ``t<i>_hist`` of its bucket counts (bucket b recorded as b + 1, exact for every bucket below 262144);
  ``return_code``, ``start_ns`` and ``end_ns`` (CLOCK_REALTIME since boot's realtime);
* ``tool="compare"`` (``mechanism``, ``load``, ``source``, ``duration_ns``): the histogram ``latency`` (ns) and
  ``events``, ``hardirq_ns``, ``softirq_ns``, ``thread_ns``, ``ksoftirqd_wakeups``, ``time_squeeze``,
  ``rt_throttled``.

Parameters are plain strings and integers (result rows hold them): "" or 0 stands for the board's default.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from typing import Any

from hdrh.histogram import HdrHistogram

from irqlab.kernel.time.timekeeping import NSEC_PER_SEC, boot_time
from irqlab.machine import Machine, boot
from irqlab.scenarios.compare import run_one
from irqlab.scenarios.loads import parse_load, start_loads
from irqlab.userspace.cyclictest import Cyclictest, run_program

#: What the last main() ran, for metrics() (each run executes this file afresh, in its own namespace).
_RUN: dict[str, Any] = {}


def bucket_histogram(buckets: Sequence[int]) -> HdrHistogram:
    """cyclictest's bucket counts as an HdrHistogram: bucket b recorded b + 1 times its count (HDR values
    start at 1). Precise enough to give back every bucket below 262144 exactly."""
    digits = 3 if len(buckets) < 2047 else 5
    h = HdrHistogram(1, max(2, len(buckets) + 1), digits)
    for b, n in enumerate(buckets):
        if n:
            h.record_value(b + 1, n)
    return h


def buckets_of(h: HdrHistogram, num: int) -> list[int]:
    """The bucket counts :func:`bucket_histogram` recorded, for buckets 0..num-1."""
    return [int(h.get_count_at_value(b + 1)) for b in range(num)]


def _boot(seed: int, board: str, preempt: str, cpus: int, hz: int, cmdline: str) -> Machine:
    return boot(board, seed=seed, preempt=preempt or None, cpus=cpus or None, hz=hz or None, cmdline=cmdline)


def main(seed: int, tool: str = "cyclictest", argv: str = "", board: str = "rpi5", loads: str = "",
         preempt: str = "", cpus: int = 0, hz: int = 0, cmdline: str = "", mechanism: str = "threaded",
         load: str = "idle", source: str = "button", duration_ns: int = 2_000_000_000) -> Machine:  # fmt: skip
    """Run ``tool`` once with ``seed``; returns its machine. ``loads`` is a comma list of --load specs."""
    _RUN.clear()
    if tool == "cyclictest":
        # What irqlab.cli_cyclictest.cyclictest() does, without importing the command line.
        m = _boot(seed, board, preempt, cpus, hz, cmdline)
        prog = Cyclictest(shlex.split(argv), len(m.kernel.cpus))
        end = m.now + prog.span_ns() + prog.GRACE_NS
        start_loads(m, [parse_load(x) for x in loads.split(",") if x], end)
        m.spawn(run_program, prog, user=True, name="cyclictest")
        m.run_until(lambda: prog.done, limit=end - m.now)
        if not prog.done:
            raise RuntimeError(f"cyclictest did not finish by {m.now / 1e9:.3f} s of simulated time: its threads "
                               "were starved (a real-time load above them?)")  # fmt: skip
        _RUN["prog"] = prog
        return m
    if tool == "compare":
        r = run_one(mechanism, None if load == "idle" else parse_load(load), seed, board=board, source=source,
                    duration_ns=duration_ns, preempt=preempt or None, cpus=cpus or None, hz=hz or None,
                    cmdline=cmdline, keep_machine=True)  # fmt: skip
        _RUN["compare"] = r
        assert r.machine is not None
        return r.machine
    raise ValueError(f"tool must be 'cyclictest' or 'compare', not {tool!r}")


def metrics(m: Machine) -> dict[str, Any]:
    """What the tool measured in this run (see the module's docstring)."""
    out: dict[str, Any] = {}
    prog = _RUN.get("prog")
    if prog is not None:
        out["return_code"] = prog.return_code
        # CLOCK_REALTIME stamps, as times since boot.
        boot_ns = boot_time(m.kernel) * NSEC_PER_SEC
        out["start_ns"] = prog.start_time - boot_ns
        out["end_ns"] = prog.end_time - boot_ns
        for st in prog.stats:
            i = st.index
            out.update({f"t{i}_cycles": st.cycles, f"t{i}_min": st.min, f"t{i}_max": st.max,
                        f"t{i}_sum": int(st.avg), f"t{i}_act": st.act, f"t{i}_tid": st.tid,
                        f"t{i}_prio": st.prio, f"t{i}_interval": st.interval, f"t{i}_cpu": st.cpu})  # fmt: skip
            if st.hist is not None:
                out[f"t{i}_oflow"] = st.hist.oflow_count
                out[f"t{i}_hist"] = bucket_histogram(st.hist.buckets)
        return out
    r = _RUN["compare"]
    return {"latency": r.hist, "events": r.events, "hardirq_ns": r.hardirq_ns, "softirq_ns": r.softirq_ns,
            "thread_ns": r.thread_ns, "ksoftirqd_wakeups": r.ksoftirqd_wakeups, "time_squeeze": r.time_squeeze,
            "rt_throttled": r.rt_throttled}  # fmt: skip
