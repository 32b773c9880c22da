"""An I/O APIC (82093AA-style, with the 120 pins of a modern PCH), as the hardware sees it.

Each pin has a redirection entry: mask, trigger (edge or level), destination CPU. An edge pin
delivers on each rising edge while unmasked (an edge arriving while masked is lost). A level
pin delivers while asserted and unmasked, then sets Remote IRR until the CPU's EOI for it;
if the line is still asserted at EOI, it delivers again. Delivery calls ``deliver(cpu, pin)``,
which the kernel side wires to the target CPU's local APIC.
"""

from __future__ import annotations

from collections.abc import Callable

from irqlab.hw.line import Line

__all__ = ["IoApic"]


class IoApic:
    """The redirection table and the pins."""

    def __init__(self, npins: int = 120, name: str = "ioapic0") -> None:
        self.name = name
        self.npins = npins
        self.masked = [True] * npins
        self.level = [False] * npins
        self.dest = [0] * npins
        self.remote_irr = [False] * npins
        self.lines: list[Line | None] = [None] * npins
        self.deliver: Callable[[int, int], None] | None = None
        self.delivered = 0

    def connect(self, pin: int, line: Line) -> None:
        """Wire ``line`` (active per its own polarity) to ``pin``."""
        if not 0 <= pin < self.npins:
            raise ValueError(f"{self.name} has pins 0..{self.npins - 1}, not {pin}")
        self.lines[pin] = line

        def listener(_line: Line, _level: bool) -> None:
            self._changed(pin)

        line.connect(listener)

    def _active(self, pin: int) -> bool:
        line = self.lines[pin]
        return line is not None and line.active

    def _changed(self, pin: int) -> None:
        if self.level[pin]:
            self._try_level(pin)
        elif self._active(pin) and not self.masked[pin]:
            self._send(pin)

    def _try_level(self, pin: int) -> None:
        if self._active(pin) and not self.masked[pin] and not self.remote_irr[pin]:
            self.remote_irr[pin] = True
            self._send(pin)

    def _send(self, pin: int) -> None:
        self.delivered += 1
        if self.deliver is not None:
            self.deliver(self.dest[pin], pin)

    # -- what the kernel programs ------------------------------------------------------------
    def set_mask(self, pin: int, masked: bool) -> None:
        self.masked[pin] = masked
        if not masked and self.level[pin]:
            self._try_level(pin)

    def set_trigger(self, pin: int, level: bool) -> None:
        self.level[pin] = level

    def set_dest(self, pin: int, cpu: int) -> None:
        self.dest[pin] = cpu

    def eoi(self, pin: int) -> None:
        """The EOI for a level pin (the local APIC's EOI broadcast): clear Remote IRR, re-deliver if still asserted."""
        if self.level[pin]:
            self.remote_irr[pin] = False
            self._try_level(pin)
