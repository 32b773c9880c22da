"""/proc/PID/sched. Mirrors kernel/sched/debug.c proc_sched_show_task() (6.12, CONFIG_SCHED_DEBUG, SMP,
schedstats off as by default, no uclamp, sched_ext or NUMA balancing).

``%-45s:%21Ld`` for counts, ``%-45s:%14Ld.%06ld`` (milliseconds and nanoseconds) for times.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel
    from irqlab.kernel.sched.core import Task

#: scale_load(): load weights carry SCHED_FIXEDPOINT_SHIFT (10) more bits on 64-bit kernels.
SCHED_FIXEDPOINT_SHIFT = 10


def _ps(name: str, value: int) -> str:
    return f"{name:<45s}:{value:21d}\n"


def _psn(name: str, ns: int) -> str:
    # SPLIT_NS(): nsec_high() and nsec_low()
    high, low = abs(ns) // 1_000_000, abs(ns) % 1_000_000
    return f"{name:<45s}:{(-high if ns < 0 else high):14d}.{low:06d}\n"


def proc_sched_show_task(k: Kernel, t: Task) -> str:
    """The whole of /proc/PID/sched."""
    out = [f"{t.comm} ({t.pid}, #threads: 1)\n", "-" * 67 + "\n"]
    out.append(_psn("se.exec_start", t.exec_start))
    out.append(_psn("se.vruntime", t.vruntime))
    out.append(_psn("se.sum_exec_runtime", t.sum_exec_runtime))
    out.append(_ps("se.nr_migrations", t.nr_migrations))
    out.append(_ps("nr_switches", t.nvcsw + t.nivcsw))
    out.append(_ps("nr_voluntary_switches", t.nvcsw))
    out.append(_ps("nr_involuntary_switches", t.nivcsw))
    out.append(_ps("se.load.weight", t.weight << SCHED_FIXEDPOINT_SHIFT))
    # SIMPLIFICATION: PELT (per-entity load tracking) is not modelled; its sums and averages read 0.
    for name in ("se.avg.load_sum", "se.avg.runnable_sum", "se.avg.util_sum", "se.avg.load_avg",
                 "se.avg.runnable_avg", "se.avg.util_avg", "se.avg.last_update_time", "se.avg.util_est"):  # fmt: skip
        out.append(_ps(name, 0))
    out.append(_ps("policy", t.policy))
    out.append(_ps("prio", t.kernel_prio))
    # Two cpu_clock() reads in a row: no simulated time passes between them.
    out.append(_ps("clock-delta", 0))
    return "".join(out)


__all__ = ["proc_sched_show_task"]
