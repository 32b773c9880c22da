"""Register blocks and interrupt outputs shared by the device models.

A device model exposes its registers as a :class:`RegisterBlock`: 32-bit registers at
byte offsets, read with :meth:`RegisterBlock.readl` and written with
:meth:`RegisterBlock.writel` (the kernel's ``readl``/``writel`` on an ``ioremap``-ed
window end up here). Reads and writes may have side effects (popping a FIFO, clearing
write-1-to-clear bits), exactly as on the bus.

An :class:`IrqOutput` is the interrupt pin of a device: it drives a :class:`~irqlab.hw.line.Line`
from ``status & enable``. In level mode the device asserts the line while any enabled
status bit is set and releases it otherwise (wired-OR, so a shared line stays active while
any device on it asserts). In edge mode (a pulse or message per event, like MSI) it pulses
the line each time the masked status goes from zero to non-zero.
"""

from __future__ import annotations

from collections.abc import Callable

from irqlab.hw.line import Line
from irqlab.sim import Engine, to_ns
from irqlab.sim.units import TimeLike

__all__ = ["RegisterBlock", "IrqOutput", "U32", "resolve_time"]

#: Mask of a 32-bit register.
U32 = 0xFFFF_FFFF

# Callable[...] rather than [] / [int] so per-index lambdas (``lambda n=n: ...``) type-check.
Reader = Callable[..., int]
Writer = Callable[..., None]


def resolve_time(engine: Engine, at: TimeLike | None, what: str = "at") -> int:
    """Absolute ns for ``at`` (int ns or "5ms"; None = now); ValueError if it is in the past."""
    if at is None:
        return engine.now
    t = to_ns(at)
    if t < engine.now:
        raise ValueError(
            f"{what}={t} ns is in the past (now is {engine.now} ns): pass an absolute time >= now, or None for now"
        )
    return t


class RegisterBlock:
    """A window of 32-bit registers at byte offsets 0..size-1.

    Offsets inside the window with no register read as zero and ignore writes (RAZ/WI, as
    most ARM peripherals do). An unaligned offset or one outside the window raises
    ValueError (on hardware: a bus error, i.e. an oops in the driver).
    """

    def __init__(self, name: str, size: int) -> None:
        if size <= 0 or size % 4:
            raise ValueError(f"register window size must be a positive multiple of 4, not {size}")
        self.name = name
        #: Size of the register window in bytes (what ioremap maps).
        self.size = size
        self._readers: dict[int, Reader] = {}
        self._writers: dict[int, Writer] = {}

    def _reg(self, offset: int, read: Reader | None = None, write: Writer | None = None) -> None:
        """Declare a register: ``read()`` returns its value, ``write(value)`` stores one."""
        self._check(offset)
        if read is not None:
            self._readers[offset] = read
        if write is not None:
            self._writers[offset] = write

    def _check(self, offset: int) -> None:
        if offset % 4 or not 0 <= offset < self.size:
            raise ValueError(
                f"{self.name}: bad register offset {offset:#x} (32-bit registers are at multiples of 4 "
                f"below {self.size:#x}); use the offset constants of the device's module"
            )

    def readl(self, offset: int) -> int:
        """Read the 32-bit register at ``offset`` (side effects as on the bus). Any context."""
        self._check(offset)
        fn = self._readers.get(offset)
        return fn() & U32 if fn is not None else 0

    def writel(self, offset: int, value: int) -> None:
        """Write the 32-bit register at ``offset`` (the value is truncated to 32 bits). Any context."""
        self._check(offset)
        fn = self._writers.get(offset)
        if fn is not None:
            fn(int(value) & U32)


class IrqOutput:
    """A device's interrupt pin driving ``line`` from a masked status (level or edge)."""

    __slots__ = ("line", "edge", "_owner", "_active", "pulses")

    def __init__(self, owner: object, line: Line, edge: bool = False) -> None:
        self.line = line
        self.edge = edge
        self._owner = owner
        self._active = False
        #: Number of edge pulses sent (edge mode) or assertions (level mode).
        self.pulses = 0

    @property
    def active(self) -> bool:
        """True while the device has an enabled interrupt condition pending."""
        return self._active

    def update(self, pending: bool) -> None:
        """Re-evaluate the output for ``pending`` (= status & enable != 0). Any context."""
        if pending == self._active:
            return
        self._active = pending
        if self.edge:
            if pending:
                self.pulses += 1
                self.line.pulse(self._owner)
            return
        if pending:
            self.pulses += 1
            self.line.assert_(self._owner)
        else:
            self.line.deassert(self._owner)
