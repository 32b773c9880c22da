"""A threaded ONESHOT pair: STM32F7 I2C's primary handler moves FIFO bytes, its thread finishes the transfer.

Seed 004's "Code in action: STM32 Driver": stm32f7_i2c_probe() registering
devm_request_threaded_irq(&pdev->dev, irq_event, stm32f7_i2c_isr_event,
stm32f7_i2c_isr_event_thread, IRQF_ONESHOT, pdev->name, i2c_dev), ported with the two handlers as
6.12 has them (drivers/i2c/busses/i2c-stm32f7.c, since the v6.8 rework that left only FIFO access
in the hard handler): the primary reads RXDR/writes TXDR and returns IRQ_WAKE_THREAD when
NACKF, STOPF or TC is set; the thread handles those (clears NACK, sends STOP after TC, clears
STOPF and completes the transfer). The controller is irqlab/hw/stm32_i2c.py on a level GIC SPI of
the generic board, bound by its device-tree "compatible"; an LM75-style sensor answers at 0x48.

A reader thread reads the temperature twice and probes the empty address 0x50 (NACK: -ENXIO).
IRQF_ONESHOT keeps the line masked from the primary's return until the thread has run, so TC and
STOPF, which only the thread clears, cost one interrupt each. ``main(seed, oneshot=False)``
requests the pair without it: after the primary returns IRQ_WAKE_THREAD the still-asserted level
line fires again at once, the CPU that should run the thread (it follows the IRQ's affinity) does
nothing but take it, and the storm lasts until the kernel's spurious detector disables the line
after 100000 interrupts the thread never got to handle ("irq N: nobody cared"), by which time the
transfer has timed out. That is the collapse the seed warns about.
"""

from __future__ import annotations

from types import SimpleNamespace

import irqlab
from irqlab.errno import ENXIO, ETIMEDOUT
from irqlab.hw.stm32_i2c import (
    CR1_ERRIE,
    CR1_NACKIE,
    CR1_PE,
    CR1_RXIE,
    CR1_STOPIE,
    CR1_TCIE,
    CR1_TXIE,
    CR2_NBYTES_SHIFT,
    CR2_RD_WRN,
    CR2_START,
    CR2_STOP,
    I2C_CR1,
    I2C_CR2,
    I2C_ICR,
    I2C_ISR,
    I2C_RXDR,
    I2C_TXDR,
    ICR_NACKCF,
    ICR_STOPCF,
    ISR_NACKF,
    ISR_RXNE,
    ISR_STOPF,
    ISR_TC,
    ISR_TXIS,
    Stm32I2c,
)
from irqlab.kernel import (
    GFP_KERNEL,
    IRQ_HANDLED,
    IRQ_WAKE_THREAD,
    IRQF_ONESHOT,
    Struct,
    complete,
    completion,
    dev_dbg,
    dev_err,
    dev_info,
    devm_kzalloc,
    devm_request_threaded_irq,
    init_completion,
    ioremap,
    msleep,
    platform_device,
    platform_driver,
    platform_driver_register,
    platform_driver_unregister,
    platform_get_irq,
    platform_set_drvdata,
    pr_info,
    readl_relaxed,
    reinit_completion,
    wait_for_completion_timeout,
    writel_relaxed,
)
from irqlab.machine import Machine

SEED_SECTION = "004: Code in action: STM32 Driver"
MODULE_NAME = "i2c_stm32f7"

STM32F7_I2C_ALL_IRQ_MASK = CR1_TXIE | CR1_RXIE | CR1_NACKIE | CR1_STOPIE | CR1_TCIE | CR1_ERRIE
I2C_M_RD = 0x0001
HZ = 250

board: dict[str, object] = {}
options = {"oneshot": True}


class i2c_msg:
    def __init__(self, addr: int, flags: int, length: int, buf: bytearray) -> None:
        self.addr = addr
        self.flags = flags
        self.len = length
        self.buf = buf


class stm32f7_i2c_msg:
    def __init__(self) -> None:
        self.addr = 0
        self.count = 0
        self.buf: bytearray = bytearray()
        self.pos = 0
        self.result = 0
        self.stop = True


class stm32f7_i2c_dev(Struct):
    def __init__(self) -> None:
        self.dev: platform_device | None = None
        self.base = None
        self.irq_event = 0
        self.complete = completion()
        self.f7_msg = stm32f7_i2c_msg()
        self.master_mode = False
        self.timeout = HZ


i2c_dev: stm32f7_i2c_dev | None = None


def stm32f7_i2c_write_tx_data(i2c_dev: stm32f7_i2c_dev) -> None:
    f7_msg = i2c_dev.f7_msg
    if f7_msg.count > 0:
        writel_relaxed(f7_msg.buf[f7_msg.pos], i2c_dev.base + I2C_TXDR)
        f7_msg.pos += 1
        f7_msg.count -= 1


def stm32f7_i2c_read_rx_data(i2c_dev: stm32f7_i2c_dev) -> None:
    f7_msg = i2c_dev.f7_msg
    if f7_msg.count > 0:
        f7_msg.buf[f7_msg.pos] = readl_relaxed(i2c_dev.base + I2C_RXDR) & 0xFF
        f7_msg.pos += 1
        f7_msg.count -= 1
    else:
        readl_relaxed(i2c_dev.base + I2C_RXDR)  # flush RX buffer


def stm32f7_i2c_disable_irq(i2c_dev: stm32f7_i2c_dev, mask: int) -> None:
    writel_relaxed(readl_relaxed(i2c_dev.base + I2C_CR1) & ~mask, i2c_dev.base + I2C_CR1)


def stm32f7_i2c_isr_event(irq: int, data: stm32f7_i2c_dev) -> int:
    i2c_dev = data
    ret = IRQ_HANDLED

    status = readl_relaxed(i2c_dev.base + I2C_ISR)

    # Tx empty
    if status & ISR_TXIS:
        stm32f7_i2c_write_tx_data(i2c_dev)

    # RX not empty
    if status & ISR_RXNE:
        stm32f7_i2c_read_rx_data(i2c_dev)

    # Wake up the thread if other flags are raised
    mask = ISR_NACKF | ISR_STOPF | ISR_TC
    if status & mask:
        ret = IRQ_WAKE_THREAD

    return ret


def stm32f7_i2c_isr_event_thread(irq: int, data: stm32f7_i2c_dev) -> int:
    i2c_dev = data
    f7_msg = i2c_dev.f7_msg
    base = i2c_dev.base

    status = readl_relaxed(i2c_dev.base + I2C_ISR)

    # NACK received
    if status & ISR_NACKF:
        dev_dbg(i2c_dev.dev, "<%s>: Receive NACK (addr %x)\n", "stm32f7_i2c_isr_event_thread", f7_msg.addr)
        writel_relaxed(ICR_NACKCF, base + I2C_ICR)
        f7_msg.result = -ENXIO

    # STOP detection flag
    if status & ISR_STOPF:
        # Disable interrupts
        stm32f7_i2c_disable_irq(i2c_dev, STM32F7_I2C_ALL_IRQ_MASK)

        # Clear STOP flag
        writel_relaxed(ICR_STOPCF, base + I2C_ICR)

        i2c_dev.master_mode = False
        complete(i2c_dev.complete)

    # Transfer complete
    if status & ISR_TC:
        if f7_msg.stop:
            writel_relaxed(readl_relaxed(base + I2C_CR2) | CR2_STOP, base + I2C_CR2)

    return IRQ_HANDLED


def stm32f7_i2c_xfer_msg(i2c_dev: stm32f7_i2c_dev, msg: i2c_msg) -> None:
    f7_msg = i2c_dev.f7_msg
    base = i2c_dev.base
    f7_msg.addr = msg.addr
    f7_msg.buf = msg.buf
    f7_msg.pos = 0
    f7_msg.count = msg.len
    f7_msg.result = 0
    f7_msg.stop = True
    reinit_completion(i2c_dev.complete)
    cr2 = ((msg.addr & 0x7F) << 1) | (msg.len << CR2_NBYTES_SHIFT) | (CR2_RD_WRN if msg.flags & I2C_M_RD else 0)
    cr1 = CR1_PE | CR1_ERRIE | CR1_TCIE | CR1_STOPIE | CR1_NACKIE | (CR1_RXIE if msg.flags & I2C_M_RD else CR1_TXIE)
    writel_relaxed(cr1, base + I2C_CR1)
    writel_relaxed(cr2 | CR2_START, base + I2C_CR2)  # Configure Start/Repeated Start


def stm32f7_i2c_xfer(msgs: list[i2c_msg]) -> int:
    """The adapter's master_xfer (one message here). May sleep."""
    dev = i2c_dev
    assert dev is not None
    dev.master_mode = True
    stm32f7_i2c_xfer_msg(dev, msgs[0])
    time_left = wait_for_completion_timeout(dev.complete, dev.timeout)
    ret = dev.f7_msg.result
    if not time_left:
        dev_dbg(dev.dev, "Access to slave 0x%x timed out\n", dev.f7_msg.addr)
        ret = -ETIMEDOUT
    return ret if ret else len(msgs)


def stm32f7_i2c_probe(pdev: platform_device) -> int:
    global i2c_dev
    dev = devm_kzalloc(pdev.dev, stm32f7_i2c_dev, GFP_KERNEL)
    dev.dev = pdev.dev
    dev.base = ioremap(board["controller"])

    irq_event = platform_get_irq(pdev, 0)
    if irq_event < 0:
        return irq_event
    dev.irq_event = irq_event

    init_completion(dev.complete)
    flags = IRQF_ONESHOT if options["oneshot"] else 0
    ret = devm_request_threaded_irq(pdev.dev, irq_event,
                                    stm32f7_i2c_isr_event,  # Primary (Hardirq)
                                    stm32f7_i2c_isr_event_thread,  # Thread fn
                                    flags, pdev.name, dev)  # fmt: skip
    if ret:
        dev_err(pdev.dev, "Failed to request irq event %i\n", irq_event)
        return ret

    platform_set_drvdata(pdev, dev)
    i2c_dev = dev
    dev_info(dev.dev, "STM32F7 I2C-%d bus adapter\n", 0)
    return 0


stm32f7_i2c_driver = platform_driver("stm32f7-i2c", stm32f7_i2c_probe, of_match_table=["st,stm32mp15-i2c"])


def module_init() -> int:
    return platform_driver_register(stm32f7_i2c_driver)


def module_exit() -> None:
    platform_driver_unregister(stm32f7_i2c_driver)


results: list[tuple[int, int, bytes]] = []


def reader() -> None:
    """i2cget-like: read 2 bytes from the LM75 at 0x48 twice, then try 0x50 where nothing answers."""
    for addr in (0x48, 0x48, 0x50):
        buf = bytearray(2)
        ret = stm32f7_i2c_xfer([i2c_msg(addr, I2C_M_RD, 2, buf)])
        results.append((addr, ret, bytes(buf)))
        if ret < 0:
            pr_info("i2c read at 0x%02x: error %d\n", addr, ret)
        else:
            pr_info("i2c read at 0x%02x: %02x %02x (%d.%d C)\n", addr, buf[0], buf[1], buf[0], 5 * (buf[1] >> 7))
        msleep(20)


def main(seed: int = 1, oneshot: bool = True) -> Machine:
    events = ["irq_handler_entry", "irq_handler_exit", "irq_thread_entry", "irq_thread_exit"]
    m = irqlab.boot("generic", cpus=2, seed=seed, trace=events if oneshot else False)
    i2c = Stm32I2c(m.kernel.engine, "i2c1", line=m.spi_line(49))
    temps = iter([(0x19, 0x80), (0x1A, 0x00)])
    current: list[tuple[int, int]] = []

    def lm75(i: int) -> int:
        if i == 0:
            current[:] = [next(temps, (0x1A, 0x00))]
        return current[0][i]

    i2c.targets[0x48] = lm75
    board.update(controller=i2c)
    options["oneshot"] = oneshot
    results.clear()
    irq = m.board.map_spi(49, "level")
    pdev = platform_device("40012000.i2c", irqs=[irq], compatible="st,stm32mp15-i2c")

    def of_platform_populate() -> None:
        from irqlab.kernel import platform_device_register

        platform_device_register(pdev)

    m.spawn(of_platform_populate, name="kworker/0:1")
    m.run(until="1ms")
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    m.spawn(reader, name="i2cget")
    m.run(until="200ms" if oneshot else "1100ms")
    shown["/proc/interrupts"] = "".join(r + "\n" for r in m.read("/proc/interrupts").splitlines()[:5])
    m.rmmod(MODULE_NAME)
    return m


shown: dict[str, str] = {}


def report(m: Machine) -> str:
    """The head of /proc/interrupts with the controller's line."""
    return "".join(f"--- {what} ---\n{text}" for what, text in shown.items())


if __name__ == "__main__":
    print(main().dmesg() + report(None), end="")  # type: ignore[arg-type]
