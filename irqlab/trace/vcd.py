"""GPIO pins and interrupt lines as a Value Change Dump (IEEE 1364 VCD, ns timescale), via pyvcd.

A :class:`VcdRecorder` listens to electrical lines (anything with ``name``, ``level`` and
``connect(listener)``, as irqlab.hw.line.Line) and keeps their level changes; ``save`` writes
the lines that ever changed, GPIO pins under the ``gpio`` scope and interrupt lines under
``irq``, for GTKWave and PulseView. Lines that appear later (an SPI input wired on first use)
join when ``watch`` is called again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any


def _ident(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


class VcdRecorder:
    """Level changes of watched lines, in simulated time."""

    def __init__(self, clock: Callable[[], int], sources: Callable[[], Iterable[tuple[str, Any]]]) -> None:
        self._clock = clock
        self._sources = sources
        self.start = clock()
        #: line -> (scope, initial level, [(ns, level), ...])
        self.lines: dict[Any, tuple[str, bool, list[tuple[int, bool]]]] = {}
        self.watch()

    def watch(self) -> None:
        """Start recording any line the machine has that is not recorded yet."""
        for scope, line in self._sources():
            if line in self.lines:
                continue
            self.lines[line] = (scope, bool(line.level), [])
            line.connect(self._changed)

    def _changed(self, line: Any, level: bool) -> None:
        self.lines[line][2].append((self._clock(), bool(level)))

    def transitions(self, name: str) -> list[tuple[int, bool]]:
        """The recorded changes of the line called ``name``: ``[(ns, level), ...]``."""
        for line, (_, _, changes) in self.lines.items():
            if line.name == name:
                return list(changes)
        raise KeyError(f"no recorded line {name!r}; lines: {', '.join(sorted(ln.name for ln in self.lines))}")

    def save(self, path: str, all_lines: bool = False) -> int:
        """Write the VCD (lines that changed, or every watched line with ``all_lines``); returns the var count."""
        try:
            from vcd import VCDWriter
        except ImportError as exc:  # pragma: no cover - depends on the installation
            raise RuntimeError("writing .vcd files needs pyvcd: pip install 'irqlab[vcd]'") from exc
        self.watch()
        chosen = [(ln, rec) for ln, rec in self.lines.items() if all_lines or rec[2]]
        chosen.sort(key=lambda item: (item[1][0], _natural(item[0].name)))
        events: list[tuple[int, int, bool]] = []
        with open(path, "w") as f, VCDWriter(f, timescale="1 ns", date="", comment="irqlab",
                                             init_timestamp=self.start) as w:  # fmt: skip
            vars_ = []
            for i, (line, (scope, init, changes)) in enumerate(chosen):
                vars_.append(w.register_var(scope, _ident(line.name), "wire", size=1, init=int(init)))
                events += [(t, i, lv) for t, lv in changes]
            # Sorted by time, then by line: each line's own changes keep their order (a stable sort).
            for t, i, lv in sorted(events, key=lambda e: (e[0], e[1])):
                w.change(vars_[i], t, int(lv))
            # A closing time stamp marks where the recording ends (readers show the last level up to it).
            w.close(max(self._clock(), events[-1][0] if events else self.start))
        return len(chosen)


def _natural(name: str) -> tuple[Any, ...]:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name))


def machine_lines(k: Any) -> Iterable[tuple[str, Any]]:
    """The GPIO pin lines and interrupt-controller input lines of kernel ``k``'s board."""
    for pin in k.subsys.get("gpio_pins", ()) or ():
        yield "gpio", pin
    gic = k.subsys.get("gic")
    if gic is not None:
        for _, line in sorted(gic.hw._lines.items()):
            yield "irq", line
    ioapic = k.subsys.get("ioapic")
    if ioapic is not None:
        for line in ioapic.lines:
            if line is not None:
                yield "irq", line
