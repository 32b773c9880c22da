"""An STM32F7-style I2C controller (master side) and the targets on its bus.

The register layout and flags follow the STM32F7 reference manual's I2C chapter, as
drivers/i2c/busses/i2c-stm32f7.c uses them: CR1 interrupt enables, CR2 (target address, RD_WRN,
NBYTES, START, STOP, AUTOEND), ISR flags, write-1-to-clear ICR, RXDR/TXDR. The event interrupt
line is level: asserted while an enabled flag is set (TXIS/RXNE/NACKF/STOPF/TC), so a handler
that does not clear its cause sees it again.

A transfer starts when CR2.START is written: the address byte takes 9 bus clocks; an absent
target NACKs (NACKF, then an automatic STOP: STOPF). Each data byte takes 9 more clocks; a read
sets RXNE (reading RXDR clears it; the controller stretches the clock until then); a write sets
TXIS when it needs the next byte. After NBYTES, TC is set and the bus is held until the driver
writes CR2.STOP (or AUTOEND was set): one clock later STOPF is set and BUSY drops.
# SIMPLIFICATION: master mode only, 7-bit addresses, no RELOAD/TCR, no DMA, no bus errors.
"""

from __future__ import annotations

from collections.abc import Callable

from irqlab.hw.line import Line
from irqlab.hw.regs import IrqOutput, RegisterBlock
from irqlab.sim import NSEC_PER_SEC, PRIO_HW, Engine

__all__ = [
    "Stm32I2c",
    "I2C_CR1", "I2C_CR2", "I2C_ISR", "I2C_ICR", "I2C_RXDR", "I2C_TXDR",
    "CR1_PE", "CR1_TXIE", "CR1_RXIE", "CR1_NACKIE", "CR1_STOPIE", "CR1_TCIE", "CR1_ERRIE",
    "CR2_RD_WRN", "CR2_START", "CR2_STOP", "CR2_AUTOEND", "CR2_NBYTES_SHIFT",
    "ISR_TXE", "ISR_TXIS", "ISR_RXNE", "ISR_NACKF", "ISR_STOPF", "ISR_TC", "ISR_BUSY",
    "ICR_NACKCF", "ICR_STOPCF",
]  # fmt: skip

I2C_CR1 = 0x00
I2C_CR2 = 0x04
I2C_ISR = 0x18
I2C_ICR = 0x1C
I2C_RXDR = 0x24
I2C_TXDR = 0x28

CR1_PE = 1 << 0
CR1_TXIE = 1 << 1
CR1_RXIE = 1 << 2
CR1_NACKIE = 1 << 4
CR1_STOPIE = 1 << 5
CR1_TCIE = 1 << 6
CR1_ERRIE = 1 << 7

CR2_RD_WRN = 1 << 10
CR2_START = 1 << 13
CR2_STOP = 1 << 14
CR2_NBYTES_SHIFT = 16
CR2_AUTOEND = 1 << 25

ISR_TXE = 1 << 0
ISR_TXIS = 1 << 1
ISR_RXNE = 1 << 2
ISR_NACKF = 1 << 4
ISR_STOPF = 1 << 5
ISR_TC = 1 << 6
ISR_BUSY = 1 << 15

ICR_NACKCF = 1 << 4
ICR_STOPCF = 1 << 5

# Which CR1 enable gates which ISR flag onto the event line.
_GATES = ((ISR_TXIS, CR1_TXIE), (ISR_RXNE, CR1_RXIE), (ISR_NACKF, CR1_NACKIE), (ISR_STOPF, CR1_STOPIE),
          (ISR_TC, CR1_TCIE))  # fmt: skip

Target = Callable[[int], int]


class Stm32I2c(RegisterBlock):
    """The controller; ``targets`` maps 7-bit addresses to a function giving the byte read at index i
    (writes to a target are recorded in :attr:`written`)."""

    def __init__(self, engine: Engine, name: str = "i2c1", line: Line | None = None, bus_hz: int = 100_000) -> None:
        super().__init__(name, 0x2C)
        self.engine = engine
        self.irq = IrqOutput(self, line if line is not None else Line(name))
        #: Nine bus clocks: one byte plus its (N)ACK bit.
        self.byte_ns = 9 * NSEC_PER_SEC // bus_hz
        self.clock_ns = NSEC_PER_SEC // bus_hz
        self.targets: dict[int, Target] = {}
        self.written: list[tuple[int, int]] = []
        self.cr1 = 0
        self.cr2 = 0
        self.isr = ISR_TXE
        self.rxdr = 0
        self.txdr = 0
        self._addr = 0
        self._left = 0
        self._index = 0
        self._stretched = False
        self._reg(I2C_CR1, read=lambda: self.cr1, write=self._write_cr1)
        self._reg(I2C_CR2, read=lambda: self.cr2, write=self._write_cr2)
        self._reg(I2C_ISR, read=lambda: self.isr)
        self._reg(I2C_ICR, write=self._write_icr)
        self._reg(I2C_RXDR, read=self._read_rxdr)
        self._reg(I2C_TXDR, write=self._write_txdr)

    @property
    def line(self) -> Line:
        """The event interrupt line."""
        return self.irq.line

    def _update(self) -> None:
        self.irq.update(any(self.isr & flag and self.cr1 & en for flag, en in _GATES))

    def _at(self, delay: int, fn: Callable[[], None]) -> None:
        self.engine.at(self.engine.now + delay, PRIO_HW, fn)

    # -- registers ---------------------------------------------------------------------
    def _write_cr1(self, value: int) -> None:
        self.cr1 = value
        self._update()

    def _write_cr2(self, value: int) -> None:
        start, stop = value & CR2_START, value & CR2_STOP
        self.cr2 = value & ~(CR2_START | CR2_STOP)
        if start and not self.isr & ISR_BUSY:
            self.isr |= ISR_BUSY
            self._addr = (value >> 1) & 0x7F  # SADD[7:1]: a 7-bit address
            self._left = (value >> CR2_NBYTES_SHIFT) & 0xFF
            self._index = 0
            self._at(self.byte_ns, self._address_done)
        elif stop and self.isr & ISR_TC:
            self.isr &= ~ISR_TC
            self._update()
            self._at(self.clock_ns, self._stop_done)

    def _write_icr(self, value: int) -> None:
        if value & ICR_NACKCF:
            self.isr &= ~ISR_NACKF
        if value & ICR_STOPCF:
            self.isr &= ~ISR_STOPF
        self._update()

    def _read_rxdr(self) -> int:
        value = self.rxdr
        if self.isr & ISR_RXNE:
            self.isr &= ~ISR_RXNE
            self._update()
            if self._stretched:  # the held byte is delivered as soon as SCL is released
                self._stretched = False
                self._at(self.clock_ns, self._byte_done)
        return value

    def _write_txdr(self, value: int) -> None:
        self.txdr = value & 0xFF
        if self.isr & ISR_TXIS:
            self.isr &= ~(ISR_TXIS | ISR_TXE)
            self._update()
            self._at(self.byte_ns, self._byte_done)

    # -- the bus -------------------------------------------------------------------------
    def _address_done(self) -> None:
        if self._addr not in self.targets:
            self.isr |= ISR_NACKF
            self._update()
            self._at(self.clock_ns, self._stop_done)  # a NACK makes the master send STOP itself
            return
        self._next_byte()

    def _next_byte(self) -> None:
        if self._left == 0:
            self._transfer_complete()
        elif self.cr2 & CR2_RD_WRN:
            self._at(self.byte_ns, self._byte_done)
        else:
            self.isr |= ISR_TXIS
            self._update()

    def _byte_done(self) -> None:
        if self.cr2 & CR2_RD_WRN:
            if self.isr & ISR_RXNE:  # RXDR not read yet: hold SCL low until it is
                self._stretched = True
                return
            self.rxdr = self.targets[self._addr](self._index) & 0xFF
            self.isr |= ISR_RXNE
        else:
            self.written.append((self._addr, self.txdr))
            self.isr |= ISR_TXE
        self._index += 1
        self._left -= 1
        self._update()
        if self._left == 0:
            self._transfer_complete()
        elif self.cr2 & CR2_RD_WRN:
            self._at(self.byte_ns, self._byte_done)
        else:
            self.isr |= ISR_TXIS
            self._update()

    def _transfer_complete(self) -> None:
        if self.cr2 & CR2_AUTOEND:
            self._at(self.clock_ns, self._stop_done)
            return
        self.isr |= ISR_TC
        self._update()

    def _stop_done(self) -> None:
        self.isr = (self.isr | ISR_STOPF | ISR_TXE) & ~(ISR_BUSY | ISR_TXIS)
        self._update()

    def __repr__(self) -> str:
        return f"<Stm32I2c {self.name} isr={self.isr:#x} cr1={self.cr1:#x} line={self.line!r}>"
