"""Generic memory-mapped devices: an event source on a (shareable) level line, and a timer.

:class:`MmioDevice` is the device of seeds 000 and 003's shared-IRQ examples: interrupt
causes latched in ``MMIO_STATUS`` (with an ``MMIO_IRQ_PENDING`` summary bit), cleared by
writing 1s to ``MMIO_CLEAR`` (or back to ``MMIO_STATUS``), gated by ``MMIO_ENABLE``. Several
devices may drive one level :class:`Line` (wired-OR, as PCI INTx): the line stays active
while any of them has an enabled cause pending and deasserts only when every one is quiet.
The scenario makes the device signal with :meth:`MmioDevice.trigger`.

:class:`TimerDevice` is a free-running counter with one compare channel, modelled on the
BCM2835 system timer (a 1 MHz free-running 64-bit counter read as two 32-bit halves,
32-bit compare registers, a match bit cleared by writing 1), plus a periodic mode that
advances the compare value by ``TMR_PERIOD`` ticks on each match, keeping an exact cadence.
"""

from __future__ import annotations

from typing import Any

from irqlab.hw.line import Line
from irqlab.hw.regs import U32, IrqOutput, RegisterBlock, resolve_time
from irqlab.sim import NSEC_PER_SEC, PRIO_HW, Engine, to_ns
from irqlab.sim.units import TimeLike

__all__ = [
    "MmioDevice",
    "TimerDevice",
    "MMIO_STATUS",
    "MMIO_CLEAR",
    "MMIO_ENABLE",
    "MMIO_DATA",
    "MMIO_EVENTS",
    "MMIO_MASKED",
    "MMIO_REG_SIZE",
    "MMIO_RX_READY",
    "MMIO_TX_EMPTY",
    "MMIO_ERROR",
    "MMIO_IRQ_PENDING",
    "MMIO_CAUSES",
    "TMR_COUNT_LO",
    "TMR_COUNT_HI",
    "TMR_COMPARE",
    "TMR_PERIOD",
    "TMR_STATUS",
    "TMR_CLEAR",
    "TMR_ENABLE",
    "TMR_CTRL",
    "TMR_MATCHES",
    "TMR_OVERRUNS",
    "TMR_REG_SIZE",
    "TMR_MATCH",
    "TMR_IRQ_PENDING",
    "TMR_CTRL_EN",
    "TMR_CTRL_PERIODIC",
]

# -- MmioDevice registers ------------------------------------------------------------
MMIO_STATUS = 0x00  #: R: latched causes | MMIO_IRQ_PENDING; W: write-1-to-clear.
MMIO_CLEAR = 0x04  #: W: write-1-to-clear causes; reads 0.
MMIO_ENABLE = 0x08  #: RW: enabled causes (0 at reset).
MMIO_DATA = 0x0C  #: RW: data word of the last trigger (also writable scratch).
MMIO_EVENTS = 0x10  #: R: triggers since reset (wraps at 2**32).
MMIO_MASKED = 0x14  #: R: status & enable.
MMIO_REG_SIZE = 0x20

# Cause bits (any of bits 0-30 may be used; these are the seeds' names).
MMIO_RX_READY = 1 << 0
MMIO_TX_EMPTY = 1 << 1
MMIO_ERROR = 1 << 2
MMIO_IRQ_PENDING = 1 << 31  # read-only summary in MMIO_STATUS
#: Every bit that can be a cause.
MMIO_CAUSES = 0x7FFF_FFFF


class MmioDevice(RegisterBlock):
    """A device with latched interrupt causes on a level line that may be shared.

    Pass the same ``line`` to several devices to share it. ``edge=True`` pulses the line
    instead (one pulse when ``status & enable`` becomes non-zero). ``read_clears`` names causes
    that reading MMIO_DATA acknowledges (as reading a UART's receive register clears its RX
    interrupt), for drivers that only read the data.
    """

    def __init__(self, engine: Engine, name: str = "mmio0", line: Line | None = None, edge: bool = False,
                 read_clears: int = 0) -> None:  # fmt: skip
        super().__init__(name, MMIO_REG_SIZE)
        self.engine = engine
        self.irq = IrqOutput(self, line if line is not None else Line(name), edge=edge)
        #: Causes that a read of MMIO_DATA acknowledges (a receive-data register, like a 16550's RBR).
        self.read_clears = read_clears & MMIO_CAUSES
        self.status = 0
        self.enable = 0
        self.data = 0
        self.events = 0
        self._periodic: dict[str, Any] | None = None
        self._reg(MMIO_STATUS, read=self._read_status, write=self._clear)
        self._reg(MMIO_CLEAR, read=lambda: 0, write=self._clear)
        self._reg(MMIO_ENABLE, read=lambda: self.enable, write=self._set_enable)
        self._reg(MMIO_DATA, read=self._read_data, write=self._set_data)
        self._reg(MMIO_EVENTS, read=lambda: self.events)
        self._reg(MMIO_MASKED, read=lambda: self.status & self.enable)

    @property
    def line(self) -> Line:
        """The interrupt line this device drives."""
        return self.irq.line

    @property
    def asserting(self) -> bool:
        """True while this device has an enabled cause pending (it holds a level line active)."""
        return self.irq.active

    def _update(self) -> None:
        self.irq.update(bool(self.status & self.enable))

    def _read_status(self) -> int:
        return self.status | (MMIO_IRQ_PENDING if self.status & self.enable else 0)

    def _clear(self, value: int) -> None:
        self.status &= ~(value & MMIO_CAUSES)
        self._update()

    def _set_enable(self, value: int) -> None:
        self.enable = value & MMIO_CAUSES
        self._update()

    def _read_data(self) -> int:
        if self.read_clears & self.status:
            self.status &= ~self.read_clears
            self._update()
        return self.data

    def _set_data(self, value: int) -> None:
        self.data = value

    def signal(self, bits: int = MMIO_RX_READY, data: int | None = None) -> None:
        """Latch ``bits`` now (and set MMIO_DATA to ``data`` if given). Any context."""
        if not bits & MMIO_CAUSES:
            raise ValueError(f"signal bits {bits:#x} name no cause (use bits 0-30, e.g. MMIO_RX_READY)")
        if data is not None:
            self.data = data & U32
        self.events = (self.events + 1) & U32
        self.status |= bits & MMIO_CAUSES
        self._update()

    def trigger(self, at: TimeLike | None = None, bits: int = MMIO_RX_READY, data: int | None = None) -> None:
        """Schedule :meth:`signal` at absolute time ``at`` (None = now). Scenario side."""
        if not bits & MMIO_CAUSES:
            raise ValueError(f"trigger bits {bits:#x} name no cause (use bits 0-30, e.g. MMIO_RX_READY)")
        self.engine.at(resolve_time(self.engine, at), PRIO_HW, self.signal, bits, data)

    def trigger_every(
        self,
        period: TimeLike,
        start: TimeLike | None = None,
        until: TimeLike | None = None,
        count: int | None = None,
        bits: int = MMIO_RX_READY,
    ) -> None:
        """Signal ``bits`` every ``period`` from ``start`` until ``until`` or ``count`` times;
        :meth:`stop` ends it."""
        if until is None and count is None:
            raise ValueError("trigger_every needs until= or count= (or both), or it would never stop")
        p = to_ns(period)
        if p <= 0:
            raise ValueError("trigger_every period must be positive")
        cfg: dict[str, Any] = {"period": p, "until": None if until is None else to_ns(until), "left": count,
                               "bits": bits}
        self._periodic = cfg
        self.engine.at(resolve_time(self.engine, start, "start"), PRIO_HW, self._tick, cfg)

    def stop(self) -> None:
        """Stop :meth:`trigger_every`."""
        self._periodic = None

    def _tick(self, cfg: dict[str, Any]) -> None:
        if cfg is not self._periodic:
            return
        if (cfg["until"] is not None and self.engine.now > cfg["until"]) or cfg["left"] == 0:
            self._periodic = None
            return
        if cfg["left"] is not None:
            cfg["left"] -= 1
        self.signal(cfg["bits"])
        if cfg["left"] == 0:
            self._periodic = None
            return
        self.engine.at(self.engine.now + cfg["period"], PRIO_HW, self._tick, cfg)

    def __repr__(self) -> str:
        return f"<MmioDevice {self.name} status={self.status:#x} enable={self.enable:#x} line={self.line!r}>"


# -- TimerDevice registers ------------------------------------------------------------
TMR_COUNT_LO = 0x00  #: R: counter bits 31..0.
TMR_COUNT_HI = 0x04  #: R: counter bits 63..32.
TMR_COMPARE = 0x08  #: RW: the counter value (low 32 bits) that matches.
TMR_PERIOD = 0x0C  #: RW: ticks added to the compare value on each match in periodic mode.
TMR_STATUS = 0x10  #: R: TMR_MATCH | TMR_IRQ_PENDING; W: write-1-to-clear.
TMR_CLEAR = 0x14  #: W: write-1-to-clear; reads 0.
TMR_ENABLE = 0x18  #: RW: TMR_MATCH enables the interrupt (0 at reset).
TMR_CTRL = 0x1C  #: RW: TMR_CTRL_EN arms the compare channel; TMR_CTRL_PERIODIC re-arms it.
TMR_MATCHES = 0x20  #: R: matches since reset (wraps at 2**32).
TMR_OVERRUNS = 0x24  #: R: matches that found TMR_MATCH still set (missed ticks).
TMR_REG_SIZE = 0x40

TMR_MATCH = 1 << 0
TMR_IRQ_PENDING = 1 << 31
TMR_CTRL_EN = 1 << 0
TMR_CTRL_PERIODIC = 1 << 1


class TimerDevice(RegisterBlock):
    """A free-running counter at ``freq_hz`` (default 1 MHz) with one compare-match interrupt.

    The counter starts at 0 when the device is created and never stops. With TMR_CTRL_EN the
    compare channel matches the next time the counter's low 32 bits equal TMR_COMPARE (a value
    equal to the current count means one full wrap later); TMR_MATCH is latched and, if enabled,
    asserts the line until cleared. With TMR_CTRL_PERIODIC and a non-zero TMR_PERIOD the next
    match is TMR_PERIOD ticks after the previous one; otherwise the channel disarms.
    """

    def __init__(self, engine: Engine, name: str = "timer0", line: Line | None = None,
                 freq_hz: int = 1_000_000) -> None:
        super().__init__(name, TMR_REG_SIZE)
        if freq_hz <= 0 or freq_hz > NSEC_PER_SEC:
            raise ValueError(f"freq_hz must be in 1..1e9 (one tick per ns at most), not {freq_hz}")
        self.engine = engine
        # SIMPLIFICATION: one compare channel (the BCM2835 system timer has four).
        self.freq_hz = freq_hz
        self.irq = IrqOutput(self, line if line is not None else Line(name))
        self._base = engine.now
        self.compare = 0
        self.period = 0
        self.ctrl = 0
        self.status = 0
        self.enable = 0
        self.matches = 0
        self.overruns = 0
        self._next: int | None = None  # absolute 64-bit count of the next match
        self._event: list[Any] | None = None
        self._reg(TMR_COUNT_LO, read=lambda: self.count() & U32)
        self._reg(TMR_COUNT_HI, read=lambda: self.count() >> 32)
        self._reg(TMR_COMPARE, read=lambda: self.compare, write=self._set_compare)
        self._reg(TMR_PERIOD, read=lambda: self.period, write=self._set_period)
        self._reg(TMR_STATUS, read=self._read_status, write=self._clear)
        self._reg(TMR_CLEAR, read=lambda: 0, write=self._clear)
        self._reg(TMR_ENABLE, read=lambda: self.enable, write=self._set_enable)
        self._reg(TMR_CTRL, read=lambda: self.ctrl, write=self._set_ctrl)
        self._reg(TMR_MATCHES, read=lambda: self.matches)
        self._reg(TMR_OVERRUNS, read=lambda: self.overruns)

    @property
    def line(self) -> Line:
        """The interrupt line this timer drives."""
        return self.irq.line

    def count(self, t: int | None = None) -> int:
        """The 64-bit counter value at time ``t`` (default now)."""
        t = self.engine.now if t is None else t
        return (t - self._base) * self.freq_hz // NSEC_PER_SEC

    def time_of(self, count: int) -> int:
        """The simulated ns at which the counter reaches ``count`` (64-bit, not wrapped)."""
        return self._base - (-count * NSEC_PER_SEC // self.freq_hz)

    def ticks_to_ns(self, ticks: int) -> int:
        """Duration of ``ticks`` counter ticks in ns (rounded down)."""
        return ticks * NSEC_PER_SEC // self.freq_hz

    # -- registers ---------------------------------------------------------------
    def _update(self) -> None:
        self.irq.update(bool(self.status & self.enable))

    def _read_status(self) -> int:
        return self.status | (TMR_IRQ_PENDING if self.status & self.enable else 0)

    def _clear(self, value: int) -> None:
        self.status &= ~(value & TMR_MATCH)
        self._update()

    def _set_enable(self, value: int) -> None:
        self.enable = value & TMR_MATCH
        self._update()

    def _set_compare(self, value: int) -> None:
        self.compare = value
        self._arm()

    def _set_period(self, value: int) -> None:
        self.period = value

    def _set_ctrl(self, value: int) -> None:
        self.ctrl = value & (TMR_CTRL_EN | TMR_CTRL_PERIODIC)
        self._arm()

    def _arm(self) -> None:
        self.engine.cancel(self._event)
        self._event = None
        self._next = None
        if not self.ctrl & TMR_CTRL_EN:
            return
        now_count = self.count()
        delta = (self.compare - now_count) & U32 or 1 << 32
        self._schedule(now_count + delta)

    def _schedule(self, count: int) -> None:
        self._next = count
        self._event = self.engine.at(self.time_of(count), PRIO_HW, self._match)

    def _match(self) -> None:
        self._event = None
        if self.status & TMR_MATCH:
            self.overruns = (self.overruns + 1) & U32
        self.matches = (self.matches + 1) & U32
        self.status |= TMR_MATCH
        if self.ctrl & TMR_CTRL_PERIODIC and self.period and self._next is not None:
            nxt = self._next + self.period
            self.compare = nxt & U32
            self._schedule(nxt)
        else:
            # SIMPLIFICATION: a one-shot match disarms (TMR_CTRL_EN cleared) instead of matching
            # again after the counter wraps, so an idle simulation can end.
            self.ctrl &= ~TMR_CTRL_EN
            self._next = None
        self._update()

    def __repr__(self) -> str:
        return f"<TimerDevice {self.name} count={self.count()} compare={self.compare} status={self.status:#x}>"
