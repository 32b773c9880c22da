"""The text of /sys/kernel/tracing/trace. Mirrors kernel/trace/trace_output.c and trace.c.

``print_line`` is trace_print_context() + trace_print_lat_fmt() + trace_print_time() + the
event's output; ``trace_header`` is print_event_info() + print_func_help_header_irq().
"""

from __future__ import annotations

_IRQS_OFF = 0x01
_NEED_RESCHED = 0x04
_HARDIRQ = 0x08
_SOFTIRQ = 0x10
_PREEMPT_RESCHED = 0x20
_NMI = 0x40
_BH_OFF = 0x80

_LAT_CACHE: dict[tuple[int, int], str] = {}


def lat_fmt(flags: int, pc: int) -> str:
    """trace_print_lat_fmt(): irqs-off/BH, need-resched, hard/softirq/NMI, preempt depth, migrate-disable."""
    key = (flags, pc)
    s = _LAT_CACHE.get(key)
    if s is not None:
        return s
    bh = flags & _BH_OFF
    irqs = "D" if flags & _IRQS_OFF and bh else "d" if flags & _IRQS_OFF else "b" if bh else "."
    nr = flags & (_NEED_RESCHED | _PREEMPT_RESCHED)
    resched = {_NEED_RESCHED | _PREEMPT_RESCHED: "N", _NEED_RESCHED: "n", _PREEMPT_RESCHED: "p"}.get(nr, ".")
    nmi, hard, soft = flags & _NMI, flags & _HARDIRQ, flags & _SOFTIRQ
    hs = ("Z" if nmi and hard else "z" if nmi else "H" if hard and soft else "h" if hard
          else "s" if soft else ".")  # fmt: skip
    depth = f"{pc & 0xF:x}" if pc & 0xF else "."
    # SIMPLIFICATION: irqlab's contexts never set the migrate-disable nibble, so this column reads '.'.
    migrate = f"{pc >> 4:x}" if pc & 0xF0 else "."
    s = _LAT_CACHE[key] = irqs + resched + hs + depth + migrate
    return s


def print_time(ts: int) -> str:
    """trace_print_time(): ns2usecs() rounds to the nearest µs, then `` %5lu.%06lu``."""
    usecs = (ts + 500) // 1000
    secs, rem = divmod(usecs, 1_000_000)
    return f"{secs:5d}.{rem:06d}"


def print_line(comm: str, pid: int, cpu: int, flags: int, pc: int, ts: int, name: str, body: str) -> str:
    """One line of the trace file: ``"%16s-%-7d [%03d] %s %5lu.%06lu: %s: %s"``."""
    head = f"{comm:>16}-{pid:<7d} [{cpu:03d}] {lat_fmt(flags, pc)} {print_time(ts)}: "
    return head + (f"{name}: {body}" if name else body)


def trace_header(entries: int, total: int, nr_cpus: int) -> list[str]:
    """The nop tracer's header lines with the irq-info columns."""
    return [
        "# tracer: nop",
        "#",
        f"# entries-in-buffer/entries-written: {entries}/{total}   #P:{nr_cpus}",
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
