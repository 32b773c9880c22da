"""The STM32F7-style I2C controller model: reads, writes, NACK, TC held until STOP, level event line."""

from irqlab.hw.stm32_i2c import *  # noqa: F403
from irqlab.hw.stm32_i2c import Stm32I2c

BYTE = 90_000  # 9 clocks at 100 kHz


def _start(i2c, addr, nbytes, read):
    i2c.writel(I2C_CR2, (addr << 1) | (CR2_RD_WRN if read else 0) | (nbytes << CR2_NBYTES_SHIFT) | CR2_START)


def test_read_two_bytes_then_stop(engine):
    """Address + two data bytes: RXNE per byte (cleared by reading RXDR), TC after the last, STOPF one clock after CR2.STOP; the level line follows the enabled flags."""
    i2c = Stm32I2c(engine)
    i2c.targets[0x48] = lambda i: (0x19, 0x80)[i]
    i2c.writel(I2C_CR1, CR1_PE | CR1_RXIE | CR1_TCIE | CR1_STOPIE | CR1_NACKIE)
    _start(i2c, 0x48, 2, read=True)
    engine.run(until=2 * BYTE)
    assert i2c.isr & ISR_RXNE and i2c.line.active
    assert i2c.readl(I2C_RXDR) == 0x19 and not i2c.line.active
    engine.run(until=3 * BYTE)
    assert i2c.readl(I2C_ISR) & (ISR_RXNE | ISR_TC | ISR_BUSY) == ISR_RXNE | ISR_TC | ISR_BUSY
    assert i2c.readl(I2C_RXDR) == 0x80 and i2c.line.active  # TC still holds the line
    i2c.writel(I2C_CR2, CR2_STOP)
    engine.run(until=3 * BYTE + 10_000)
    assert i2c.isr & ISR_STOPF and not i2c.isr & ISR_BUSY and i2c.line.active
    i2c.writel(I2C_ICR, ICR_STOPCF)
    assert not i2c.line.active


def test_absent_target_nacks_and_stops_by_itself(engine):
    """No target at the address: NACKF after the address byte, then STOPF without a CR2.STOP write."""
    i2c = Stm32I2c(engine)
    i2c.writel(I2C_CR1, CR1_PE | CR1_NACKIE | CR1_STOPIE)
    _start(i2c, 0x50, 1, read=True)
    engine.run(until=BYTE + 20_000)
    assert i2c.isr & (ISR_NACKF | ISR_STOPF) == ISR_NACKF | ISR_STOPF and not i2c.isr & ISR_BUSY
    i2c.writel(I2C_ICR, ICR_NACKCF | ICR_STOPCF)
    assert not i2c.line.active


def test_write_asks_for_each_byte_with_txis(engine):
    """A write: TXIS when the next byte is needed; the target records what it received."""
    i2c = Stm32I2c(engine)
    i2c.targets[0x48] = lambda i: 0
    i2c.writel(I2C_CR1, CR1_PE | CR1_TXIE)
    _start(i2c, 0x48, 2, read=False)
    engine.run(until=BYTE)
    assert i2c.isr & ISR_TXIS and i2c.line.active
    i2c.writel(I2C_TXDR, 0x01)
    assert not i2c.line.active
    engine.run(until=2 * BYTE)
    i2c.writel(I2C_TXDR, 0x60)
    engine.run(until=3 * BYTE)
    assert i2c.written == [(0x48, 0x01), (0x48, 0x60)] and i2c.isr & ISR_TC


def test_a_late_rxdr_read_stretches_the_clock(engine):
    """A byte that arrives while RXDR is still full waits (clock stretching) and is delivered once RXDR is read."""
    i2c = Stm32I2c(engine)
    i2c.targets[0x48] = lambda i: i + 1
    _start(i2c, 0x48, 2, read=True)
    engine.run(until=10 * BYTE)
    assert i2c.readl(I2C_RXDR) == 1 and not i2c.isr & ISR_TC
    engine.run(until=10 * BYTE + 20_000)
    assert i2c.readl(I2C_RXDR) == 2 and i2c.isr & ISR_TC
