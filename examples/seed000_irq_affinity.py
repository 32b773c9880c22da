"""Six channel IRQs spread over the four CPUs with irq_set_affinity(): each channel's count lands in its CPU's column.

Ported line by line from seed 000's "IRQ Affinity and Multicore Handling". The seed declares
``ret`` inside the loop but returns it after the loop's error label, which does not compile; the
port declares it at function scope. ``channel_irq_handler`` and the channels themselves are not
in the seed: each channel is an MmioDevice on its own GIC line, acknowledged by the handler. The
port adds one dmesg line per channel so the distribution shows without reading /proc. Channel i
goes to CPU i % 4, so channels 4 and 5 share CPUs 0 and 1 with channels 0 and 1; each fires five
times and /proc/interrupts shows the five in that CPU's column. The seed shows no exit path.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import irqlab
from irqlab.hw.mmio import MMIO_CLEAR, MMIO_ENABLE, MMIO_RX_READY, MMIO_STATUS, MmioDevice
from irqlab.kernel import (
    IRQ_HANDLED,
    IRQ_NONE,
    IRQF_SHARED,
    Struct,
    cpumask,
    cpumask_clear,
    cpumask_set_cpu,
    free_irq,
    ioremap,
    irq_set_affinity,
    num_online_cpus,
    pr_info,
    readl,
    request_irq,
    writel,
)

SEED_SECTION = "000: IRQ Affinity and Multicore Handling"
MODULE_NAME = "irq_affinity"

NUM_CHANNELS = 6

# The board wiring main() provides, as device-tree nodes would: each channel's register block and Linux irq.
channel_regs: list[Any] = []
channel_irqs: list[int] = []


class channel(Struct):
    def __init__(self) -> None:
        self.registers: Any = None
        self.events = 0


channels = [channel() for _ in range(NUM_CHANNELS)]


def channel_irq_handler(irq: int, dev_id: Any) -> int:
    """Not in the seed: check and acknowledge the channel's status, count the event."""
    ch: channel = dev_id
    if not readl(ch.registers + MMIO_STATUS) & MMIO_RX_READY:
        return IRQ_NONE
    writel(MMIO_RX_READY, ch.registers + MMIO_CLEAR)
    ch.events += 1
    return IRQ_HANDLED


def set_irq_affinity(irq: int, cpu: int) -> int:
    """Set IRQ affinity to a specific CPU."""
    mask = cpumask()

    # Create a mask with only the specified CPU
    cpumask_clear(mask)
    cpumask_set_cpu(cpu, mask)

    # Set the IRQ affinity
    return irq_set_affinity(irq, mask)


def my_driver_init() -> int:
    """Distributing IRQs across CPUs in init function."""
    num_cpus = num_online_cpus()
    ret = 0  # the seed declares it inside the loop, out of scope at `return ret`

    # Request multiple IRQs for different channels
    i = 0
    while i < NUM_CHANNELS:
        channels[i].registers = ioremap(channel_regs[i])
        ret = request_irq(channel_irqs[i], channel_irq_handler, IRQF_SHARED, "my_channel", channels[i])
        if ret:
            break  # goto err_free_irqs

        # Distribute IRQs across available CPUs
        set_irq_affinity(channel_irqs[i], i % num_cpus)
        pr_info("my_channel %d: IRQ %d on CPU %d\n", i, channel_irqs[i], i % num_cpus)  # irqlab: to show it
        writel(MMIO_RX_READY, channels[i].registers + MMIO_ENABLE)
        i += 1
    else:
        return 0

    # err_free_irqs:
    # Cleanup on error
    i -= 1
    while i >= 0:
        free_irq(channel_irqs[i], channels[i])
        i -= 1

    return ret


module_init = my_driver_init

FIRST_SPI = 40
EVENTS_PER_CHANNEL = 5


def main(seed: int = 1) -> irqlab.Machine:
    """Six channels on GIC SPIs 40-45, five interrupts each (1 ms apart, channels staggered by 100 us)."""
    global channel_regs, channel_irqs
    m = irqlab.boot("generic", seed=seed, trace=["irq_handler_entry"])
    channel_regs = [MmioDevice(m.kernel.engine, f"chan{i}", line=m.spi_line(FIRST_SPI + i)) for i in range(NUM_CHANNELS)]
    channel_irqs = [m.board.map_spi(FIRST_SPI + i) for i in range(NUM_CHANNELS)]
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    for i, dev in enumerate(channel_regs):
        dev.trigger_every("1ms", start=f"{10_000 + 100 * i}us", count=EVENTS_PER_CHANNEL)
    m.run(until="30ms")
    return m


def report(m: irqlab.Machine) -> str:
    """What else the reader looks at: the channels' /proc/interrupts rows (one CPU column each)."""
    lines = m.read("/proc/interrupts").splitlines()
    return "--- /proc/interrupts ---\n" + "".join(r + "\n" for r in lines[:1] + [r for r in lines if "my_channel" in r])


if __name__ == "__main__":
    mach = main()
    print(mach.dmesg() + report(mach), end="")
