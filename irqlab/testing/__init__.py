"""Testing drivers on irqlab with pytest: fixtures, assertions and fault injection (loaded as a pytest plugin).

Installing irqlab registers this module as a pytest plugin, so its fixtures are available in every
test without an import:

- ``rpi5``, ``pc``, ``generic``: a freshly booted machine of that board (seed 0), shaped by
  ``@pytest.mark.irqlab(cpus=2, hz=1000, preempt="rt", seed=3, cmdline="threadirqs", bugs="raise")``
  or by indirect parametrisation, ``@pytest.mark.parametrize("rpi5", [{"preempt": "rt"}], indirect=True)``;
- ``machine`` (a 4-CPU generic machine) and ``boot_machine`` (a factory) as before.

``@pytest.mark.irqlab(until="2s", wall="30s")`` fails a test cleanly once a machine's simulated time
passes ``until`` or the test's runs take longer than ``wall`` seconds of real time. When a test
fails, the dmesg (with irqlab's "raised at" lines) and /proc/interrupts of each machine it booted
are attached to its report. docs/testing.md has a worked example.
"""

from __future__ import annotations

import importlib.util
import os
import pathlib
import re
import sys
import types
from collections.abc import Iterable
from typing import Any

from irqlab.latency import LatencyHistogram, LatencyProbe
from irqlab.machine import REPORT_CLASSES, Machine, report_class, report_title
from irqlab.sim import PRIO_HW, to_ns
from irqlab.sim.units import TimeLike
from irqlab.testing.plugin import (
    boot_machine,
    generic,
    machine,
    pc,
    rpi5,
)

# The plugin's hooks: pytest registers this module (the ``pytest11`` entry point), so they live here too.
from irqlab.testing.plugin import pytest_configure as pytest_configure  # noqa: E402
from irqlab.testing.plugin import pytest_runtest_makereport as pytest_runtest_makereport  # noqa: E402
from irqlab.testing.plugin import pytest_runtest_protocol as pytest_runtest_protocol  # noqa: E402
from irqlab.testing.plugin import pytest_runtest_setup as pytest_runtest_setup  # noqa: E402


def dmesg_texts(m: Machine) -> list[str]:
    """The dmesg message texts (no timestamps)."""
    return m.dmesg_lines()


def assert_dmesg_contains(m: Machine, *patterns: str) -> None:
    """Each pattern (a regular expression) matches some dmesg line, in the given order."""
    lines = m.dmesg_lines()
    i = 0
    for pat in patterns:
        rx = re.compile(pat)
        while i < len(lines) and not rx.search(lines[i]):
            i += 1
        if i == len(lines):
            raise AssertionError(f"no dmesg line matches {pat!r} (in order); dmesg was:\n" + m.dmesg())
        i += 1


def dmesg_stamp(m: Machine, pattern: str) -> int:
    """Simulated ns of the first record whose text matches ``pattern``."""
    rx = re.compile(pattern)
    for r in m.kernel.log.records:
        if rx.search(r.text):
            return r.ts
    raise AssertionError(f"no dmesg record matches {pattern!r}")


def assert_no_reports(m: Machine, kinds: Iterable[str] = REPORT_CLASSES) -> None:
    """No kernel report of the given classes ("oops", "bug", "warn", "lockdep") happened on ``m``.

    Otherwise the AssertionError lists each report: its class, its title line and where the user's
    code raised it (irqlab's "raised at" line), then the full reports as dmesg shows them."""
    wanted = set(kinds)
    bad = set(wanted) - set(REPORT_CLASSES)
    if bad:
        raise ValueError(f"unknown report classes {sorted(bad)}; use some of {', '.join(REPORT_CLASSES)}")
    found = [(i, kind, text) for i, (kind, text) in enumerate(m.reports) if report_class(kind) in wanted]
    if not found:
        return
    sites = _report_sites(m)
    lines = [f"{len(found)} kernel report(s) on {m!r}:"]
    for index, kind, text in found:
        title = report_title(kind, text)
        where = f"  (irqlab: raised at {sites[index]})" if index in sites else ""
        lines.append(f"  {report_class(kind)}: {title}{where}")
    lines.append("")
    lines += [text for _, _, text in found]
    raise AssertionError("\n".join(lines))


def _report_sites(m: Machine) -> dict[int, str]:
    """Report index -> where the user's code raised it, for the reports raised from user code."""
    return {index: site for _, site, index in m.kernel.bugs.sites}


def assert_irq_count(m: Machine, irq: int, n: int, cpu: int | None = None) -> None:
    """Interrupt ``irq`` was taken exactly ``n`` times (on ``cpu`` only, when given): /proc/interrupts' count.

    The AssertionError shows the line's /proc/interrupts row and its per-CPU counts."""
    view = m.irq(irq)
    got = view.total if cpu is None else view.counts[cpu]
    if got != n:
        where = "" if cpu is None else f" on CPU{cpu}"
        row = next((r for r in m.read("/proc/interrupts").splitlines() if r.strip().startswith(f"{irq}:")), "")
        raise AssertionError(f"irq {irq} was taken {got} time(s){where}, expected {n}; per CPU {list(view.counts)}\n"
                             f"/proc/interrupts: {row}")  # fmt: skip


def assert_latency(hist: LatencyHistogram | LatencyProbe, *, max: TimeLike | None = None,
                   p99: TimeLike | None = None, p50: TimeLike | None = None, count: int | None = None) -> None:
    """The latencies a probe measured (``irqlab.latency.probe(m, "gpio17->thread")``) stay within the bounds
    given: the maximum, the 99th and the 50th percentile at most these durations, and (``count``) exactly
    that many samples. The AssertionError shows the histogram's summary."""
    h = hist.hist if isinstance(hist, LatencyProbe) else hist
    problems = []
    if count is not None and h.count != count:
        problems.append(f"{h.count} samples, expected {count}")
    for label, bound, got in (("max", max, h.max if h.count else 0), ("p99", p99, h.percentile(99)),
                              ("p50", p50, h.percentile(50))):  # fmt: skip
        if bound is not None and got > to_ns(bound):
            problems.append(f"{label} {got / 1000:.1f} us > {to_ns(bound) / 1000:.1f} us")
    if problems:
        raise AssertionError(f"latency {h.name or ''}: " + "; ".join(problems) + "\n" + h.summary())


def load_driver(path: str | os.PathLike[str], name: str | None = None) -> types.ModuleType:
    """Import the driver file at ``path`` as a new module object: each call gives fresh globals, so every
    test starts from the driver's initial state. The module is registered in ``sys.modules`` under its
    file name (``name`` overrides it), so ``sys.modules[__name__]`` works in it, and its kernel module
    name is that name. A relative path is looked up from the current directory, then from the directory
    of the calling test file."""
    p = pathlib.Path(path)
    if not p.is_absolute() and not p.is_file():
        caller = pathlib.Path(sys._getframe(1).f_code.co_filename).parent
        if (caller / p).is_file():
            p = caller / p
    if not p.is_file():
        raise FileNotFoundError(f"load_driver({str(path)!r}): no such file (relative paths are looked up from the "
                                "current directory, then from the test file's directory)")  # fmt: skip
    modname = name or p.stem.replace("-", "_")
    spec = importlib.util.spec_from_file_location(modname, p)
    if spec is None or spec.loader is None:
        raise ImportError(f"load_driver({str(path)!r}): not a Python source file")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[modname] = mod
    spec.loader.exec_module(mod)
    return mod


def inject_edges(m: Machine, target: Any, times: Iterable[TimeLike]) -> None:
    """At each of ``times`` (absolute simulated times), an edge on ``target``: a hardware line
    (``m.spi_line(n)``, ``m.board.gpio_pin(n)``, a device's line) is pulsed; a Linux irq number is fired with
    ``m.fire_irq(irq)``. Times already past are an error."""
    ts = [to_ns(t) for t in times]
    late = [t for t in ts if t < m.now]
    if late:
        raise ValueError(f"inject_edges(): time {late[0]} ns is in the past (the machine is at {m.now} ns)")
    for t in ts:
        if isinstance(target, int):
            m.at(t, m.fire_irq, target)
        else:
            m.kernel.engine.at(t, PRIO_HW, target.pulse)


def hold_line(m: Machine, line: Any, start: TimeLike, duration: TimeLike | None = None) -> None:
    """A stuck line: ``line`` is asserted from ``start`` (absolute) for ``duration`` (None: for ever),
    as a device that never deasserts its interrupt would hold it."""
    driver = object()
    s = to_ns(start)
    if s < m.now:
        raise ValueError(f"hold_line(): start {start!r} is in the past (the machine is at {m.now} ns)")
    m.kernel.engine.at(s, PRIO_HW, line.assert_, driver)
    if duration is not None:
        m.kernel.engine.at(s + to_ns(duration), PRIO_HW, line.deassert, driver)


__all__ = [
    "boot_machine", "machine", "rpi5", "pc", "generic",
    "load_driver", "assert_no_reports", "assert_irq_count", "assert_latency", "assert_dmesg_contains",
    "dmesg_texts", "dmesg_stamp", "inject_edges", "hold_line",
]  # fmt: skip
