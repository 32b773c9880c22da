"""The RP1 GPIO block of the Raspberry Pi 5 (io_bank0-2 + sys_rio), as the hardware sees it.

54 pins in three banks (GPIO0-27, 28-33, 34-53). Each pin is a :class:`~irqlab.hw.line.Line`
that external devices drive (a button) or that the block drives when the pin is an
output (an LED follows it). Per pin the block has interrupt detection — falling edge,
rising edge, low level, high level — with edge events latched until reset through the
pin's CTRL.IRQRESET bit; level events follow the pin. Each bank ORs its pins' enabled
events into one interrupt output wired to the GIC (one SPI per bank).

Register map per bank (32-bit, byte offsets; after the RP1 datasheet's io_bank layout):

``STATUS(n) = 8*n``  read-only: bit 17 = input level, bits 20-23 = events
(EDGE_LOW, EDGE_HIGH, LEVEL_LOW, LEVEL_HIGH), bit 26 = IRQTOPROC (event & enable).
``CTRL(n) = 8*n + 4``  bits 20-23 = event enables (same order), bit 28 = IRQRESET (write 1
to clear the pin's edge latches; reads as 0).
``INTS = 0x124``  read-only: one bit per pin of the bank with an enabled event pending.
``RIO_OUT = 0x200``, ``RIO_OE = 0x204``, ``RIO_IN = 0x208``: output value, output enable
and input level, one bit per pin of the bank.
``PADS(n) = 0x300 + 4*n``  bit 2 = pull-down, bit 3 = pull-up (the level of an undriven pin).
"""

from __future__ import annotations

from irqlab.hw.line import Line
from irqlab.hw.regs import IrqOutput, RegisterBlock
from irqlab.sim import Engine

__all__ = ["Rp1Gpio", "Rp1Bank", "BANKS", "EV_EDGE_LOW", "EV_EDGE_HIGH", "EV_LEVEL_LOW", "EV_LEVEL_HIGH"]

# SIMPLIFICATION: a reduced io_bank register layout (see the module docstring), not RP1's exact offsets.
#: (first GPIO, number of GPIOs) per bank, as pinctrl-rp1's rp1_iobanks[].
BANKS = ((0, 28), (28, 6), (34, 20))

EV_EDGE_LOW = 1 << 0
EV_EDGE_HIGH = 1 << 1
EV_LEVEL_LOW = 1 << 2
EV_LEVEL_HIGH = 1 << 3
EV_SHIFT = 20
STATUS_INLEVEL = 1 << 17
STATUS_IRQTOPROC = 1 << 26
CTRL_IRQRESET = 1 << 28
REG_INTS = 0x124
REG_RIO_OUT = 0x200
REG_RIO_OE = 0x204
REG_RIO_IN = 0x208
PAD_PDE = 1 << 2
PAD_PUE = 1 << 3


class Rp1Bank(RegisterBlock):
    """One io_bank: its pins' status/control registers, sys_rio and its interrupt output."""

    def __init__(self, gpio: Rp1Gpio, index: int, irq_line: Line) -> None:
        first, num = BANKS[index]
        super().__init__(f"rp1-io_bank{index}", 0x400)
        self.gpio = gpio
        self.index = index
        self.first = first
        self.num = num
        self.enable = [0] * num
        self.latched = [0] * num
        self.out = 0
        self.oe = 0
        self.pull_up = [True] * num
        self.irq = IrqOutput(self, irq_line, edge=False)
        for n in range(num):
            self._reg(8 * n, read=lambda n=n: self._status(n))
            self._reg(8 * n + 4, read=lambda n=n: self.enable[n] << EV_SHIFT, write=lambda v, n=n: self._ctrl(n, v))
            self._reg(0x300 + 4 * n, read=lambda n=n: PAD_PUE if self.pull_up[n] else PAD_PDE,
                      write=lambda v, n=n: self._pads(n, v))  # fmt: skip
        self._reg(REG_INTS, read=self._ints)
        self._reg(REG_RIO_OUT, read=lambda: self.out, write=self._set_out)
        self._reg(REG_RIO_OE, read=lambda: self.oe, write=self._set_oe)
        self._reg(REG_RIO_IN, read=self._rio_in)

    def level(self, n: int) -> bool:
        return self.gpio.pins[self.first + n].level

    def _events(self, n: int) -> int:
        lvl = self.level(n)
        live = EV_LEVEL_HIGH if lvl else EV_LEVEL_LOW
        return self.latched[n] | live

    def _status(self, n: int) -> int:
        ev = self._events(n)
        v = (STATUS_INLEVEL if self.level(n) else 0) | (ev << EV_SHIFT)
        if ev & self.enable[n]:
            v |= STATUS_IRQTOPROC
        return v

    def _ints(self) -> int:
        v = 0
        for n in range(self.num):
            if self._events(n) & self.enable[n]:
                v |= 1 << n
        return v

    def _rio_in(self) -> int:
        return sum(1 << n for n in range(self.num) if self.level(n))

    def _ctrl(self, n: int, v: int) -> None:
        self.enable[n] = (v >> EV_SHIFT) & 0xF
        if v & CTRL_IRQRESET:
            self.latched[n] = 0
        self.update_irq()

    def _pads(self, n: int, v: int) -> None:
        self.pull_up[n] = bool(v & PAD_PUE)
        self.gpio.apply_pull(self.first + n)

    def _set_out(self, v: int) -> None:
        self.out = v & ((1 << self.num) - 1)
        self._drive_outputs()

    def _set_oe(self, v: int) -> None:
        self.oe = v & ((1 << self.num) - 1)
        self._drive_outputs()
        for n in range(self.num):
            if not self.oe >> n & 1:
                self.gpio.pins[self.first + n].deassert(self.gpio)
                self.gpio.apply_pull(self.first + n)

    def _drive_outputs(self) -> None:
        for n in range(self.num):
            if self.oe >> n & 1:
                self.gpio.pins[self.first + n].set(bool(self.out >> n & 1))

    def edge(self, n: int, level: bool) -> None:
        """The pin changed level: latch the edge event (latches record regardless of enables)."""
        self.latched[n] |= EV_EDGE_HIGH if level else EV_EDGE_LOW
        self.update_irq()

    def update_irq(self) -> None:
        self.irq.update(any(self._events(n) & self.enable[n] for n in range(self.num)))


class Rp1Gpio:
    """The whole GPIO block: 54 pin lines and three banks with one interrupt output each."""

    def __init__(self, engine: Engine, bank_irq_lines: tuple[Line, Line, Line]) -> None:
        self.engine = engine
        #: The pin lines, GPIO0..53: idle high (pull-up) until a pad is configured otherwise.
        self.pins: list[Line] = [Line(f"GPIO{i}", active_high=False) for i in range(54)]
        self.banks = [Rp1Bank(self, i, bank_irq_lines[i]) for i in range(3)]
        for i, pin in enumerate(self.pins):
            pin.connect(self._pin_changed(i))

    def bank_of(self, gpio: int) -> tuple[Rp1Bank, int]:
        for b in self.banks:
            if b.first <= gpio < b.first + b.num:
                return b, gpio - b.first
        raise ValueError(f"RP1 has GPIO0..53, not GPIO{gpio}")

    def _pin_changed(self, gpio: int):  # type: ignore[no-untyped-def]
        def fn(line: Line, level: bool) -> None:
            bank, n = self.bank_of(gpio)
            bank.edge(n, level)

        return fn

    def apply_pull(self, gpio: int) -> None:
        """An undriven input pin settles at its pull level."""
        bank, n = self.bank_of(gpio)
        pin = self.pins[gpio]
        if bank.oe >> n & 1:
            return
        if not any(pin._drivers.values()):
            pin.set(bank.pull_up[n])
