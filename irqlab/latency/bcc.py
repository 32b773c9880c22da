"""bcc's hardirqs and softirqs (iovisor/bcc tools/hardirqs.py, softirqs.py) over the simulation's tracepoints.

Their BPF programs time irq_handler_entry->exit per handler name and softirq_entry->exit per vector,
per CPU; the tables print as bcc prints them: ``%-26s %11d`` (hardirqs) / ``%-16s %11d`` (softirqs) sorted
by decreasing total, or with ``-d`` a log2 histogram per handler (bcc.table's print_log2_hist).
"""

from __future__ import annotations

from typing import Any

from irqlab.latency import events as ev

#: kernel/softirq.c softirq_to_name[], lower-cased as softirqs.py's vec_to_name().
VEC_NAMES = ("hi", "timer", "net_tx", "net_rx", "block", "irq_poll", "tasklet", "sched", "hrtimer", "rcu")
STARS_MAX = 40


def bpf_log2l(v: int) -> int:
    """bcc's bpf_log2l(): floor(log2(v)) + 1, and 1 for 0."""
    return max(v, 1).bit_length()


def _stars(val: int, val_max: int, width: int) -> str:
    i = 0
    text = ""
    while True:
        if i > (width * val / val_max) - 1 or i > width - 1:
            break
        text += "*"
        i += 1
    if val > val_max:
        text = text[:-1] + "+"
    return text


def print_log2_hist(vals: list[int], val_type: str) -> str:
    """bcc.table._print_log2_hist() (strip_leading_zero off)."""
    idx_max = -1
    val_max = 0
    for i, v in enumerate(vals):
        if v > 0:
            idx_max = i
        val_max = max(val_max, v)
    if idx_max <= 32:
        header, width, stars = "     %-19s : count     distribution", 10, STARS_MAX
    else:
        header, width, stars = "               %-29s : count     distribution", 20, STARS_MAX // 2
    out = []
    if idx_max > 0:
        out.append(header % val_type + "\n")
    for i in range(1, idx_max + 1):
        low = (1 << i) >> 1
        high = (1 << i) - 1
        if low == high:
            low -= 1
        val = vals[i]
        out.append(f"{low:{width}d} -> {high:<{width}d} : {val:<8d} |{_stars(val, val_max, stars):<{stars}s}|\n")
    return "".join(out)


# SIMPLIFICATION: the BPF programs are probes on the tracepoints (no BPF maps or verifier), and bcc's user-side
# loop (sleep, print, clear) runs outside the simulation rather than as a user task.
class IrqTimes:
    """The BPF side: per-name (hardirqs) or per-vector (softirqs) totals, counts and log2 slots."""

    def __init__(self, m: Any, kind: str, *, count: bool = False, nanoseconds: bool = False, dist: bool = False,
                 cpu: int | None = None) -> None:  # fmt: skip
        if kind not in ("hardirqs", "softirqs"):
            raise ValueError(f"kind is 'hardirqs' or 'softirqs', not {kind!r}")
        if count and (dist or nanoseconds):
            raise ValueError("The --count option can't be used with time-based options")
        self.kind = kind
        self.count = count
        self.dist = dist
        self.factor = 1 if (count or nanoseconds) else 1000
        self.label = "count" if count else "nsecs" if nanoseconds else "usecs"
        self.cpu = cpu
        self.start: dict[tuple[int, Any], int] = {}
        self.names: dict[int, str] = {}
        self.totals: dict[Any, int] = {}
        self.slots: dict[Any, list[int]] = {}
        #: Every duration (ns) by handler name / vector name, over the whole run (for plots).
        self.samples: dict[str, list[int]] = {}
        self.sub = ev.Subscription(m)
        if kind == "hardirqs":
            self.sub.on("irq_handler_entry", self._hard_entry)
            self.sub.on("irq_handler_exit", self._hard_exit)
        else:
            self.sub.on("softirq_entry", self._soft_entry)
            self.sub.on("softirq_exit", self._soft_exit)

    def _skip(self, e: Any) -> bool:
        return self.cpu is not None and ev.cpu(e) != self.cpu

    def _hard_entry(self, e: Any) -> None:
        if self._skip(e):
            return
        self.start[(ev.cpu(e), "irq")] = ev.ts(e)
        self.names[ev.cpu(e)] = str(ev.field(e, "name", ""))

    def _hard_exit(self, e: Any) -> None:
        if self._skip(e):
            return
        t0 = self.start.pop((ev.cpu(e), "irq"), None)
        name = self.names.pop(ev.cpu(e), None)
        if t0 is None or name is None:
            return
        self._account(name, ev.ts(e) - t0)

    def _soft_entry(self, e: Any) -> None:
        if not self._skip(e):
            self.start[(ev.cpu(e), "softirq")] = ev.ts(e)

    def _soft_exit(self, e: Any) -> None:
        if self._skip(e):
            return
        t0 = self.start.pop((ev.cpu(e), "softirq"), None)
        if t0 is not None:
            self._account(int(ev.field(e, "vec", 0)), ev.ts(e) - t0)

    def _account(self, key: Any, delta: int) -> None:
        self.samples.setdefault(self._name(key), []).append(delta)
        if self.count:
            self.totals[key] = self.totals.get(key, 0) + 1
        elif self.dist:
            slots = self.slots.setdefault(key, [0] * 65)
            slots[bpf_log2l(delta // self.factor)] += 1
        else:
            self.totals[key] = self.totals.get(key, 0) + delta

    def _name(self, key: Any) -> str:
        return VEC_NAMES[key] if self.kind == "softirqs" else str(key)

    def table(self) -> str:
        """One interval's output (what follows the blank line bcc prints), then the maps are cleared."""
        out: list[str] = []
        section = "hardirq" if self.kind == "hardirqs" else "softirq"
        if self.dist:
            for key in sorted(self.slots, key=self._name):
                out.append(f"\n{section} = {self._name(key)}\n")
                out.append(print_log2_hist(self.slots[key], self.label))
        else:
            width = 26 if self.kind == "hardirqs" else 16
            out.append(f"{section.upper():<{width}s} {'TOTAL_' + self.label:>11s}\n")
            for key, v in sorted(self.totals.items(), key=lambda kv: (-kv[1], self._name(kv[0]))):
                out.append(f"{self._name(key):<{width}s} {int(v / self.factor):11d}\n")
        self.totals.clear()
        self.slots.clear()
        return "".join(out)

    def banner(self) -> str:
        what = "hard irq" if self.kind == "hardirqs" else "soft irq"
        return f"Tracing {what} event{'s' if self.count else ' time'}... Hit Ctrl-C to end.\n"

    def close(self) -> None:
        self.sub.close()
