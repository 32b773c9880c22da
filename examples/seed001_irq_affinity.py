"""irq_set_affinity() and /proc/irq/N/smp_affinity_list: refused for a Pi 5 GPIO, obeyed by a GIC line.

Ported from "Critical Concepts and Gotchas, 4. SMP and CPU Affinity". The driver requests
the button's GPIO interrupt and the interrupt of a memory-mapped device wired straight to a
GIC SPI, and pins each with the seed's code (cpumask_clear, cpumask_set_cpu,
irq_set_affinity). On 6.12 pinctrl-rp1's irq_chip has no irq_set_affinity (its bank
interrupts are chained), so irq_set_affinity() returns -EINVAL and writing
/proc/irq/N/smp_affinity_list fails with EIO: every GPIO interrupt is handled on CPU 0, where
the GIC delivers RP1's bank interrupt, whatever smp_affinity_list says (0-3). The GIC line
moves. The seed pins to CPU 0, where a Pi 5 takes interrupts anyway; the port pins to CPU 2 so
the move shows in /proc/interrupts, then echoes 3 into smp_affinity_list as the seed's shell does.
"""

from __future__ import annotations

from types import SimpleNamespace

import irqlab
from irqlab.hw.mmio import MMIO_CLEAR, MMIO_ENABLE, MMIO_RX_READY, MMIO_STATUS, MmioDevice
from irqlab.kernel import (
    GPIOF_IN,
    IRQ_HANDLED,
    IRQ_NONE,
    IRQF_TRIGGER_FALLING,
    IRQF_TRIGGER_RISING,
    cpumask,
    cpumask_clear,
    cpumask_set_cpu,
    free_irq,
    gpio_free,
    gpio_request_one,
    gpio_to_irq,
    ioremap,
    irq_set_affinity,
    pr_info,
    readl,
    request_irq,
    writel,
)

SEED_SECTION = "001: Critical Concepts and Gotchas (4. SMP and CPU Affinity)"
MODULE_NAME = "gpiomod"

BUTTON_GPIO = 512 + 17  # header GPIO17 (pinctrl-rp1 base 512)
DEV_SPI = 40  # the memory-mapped device's GIC SPI
TARGET_CPU = 2

board: dict[str, object] = {}  # filled by main() as a device tree would: the device and its irq
irqs = [-1, -1]
regs = None


def button_isr(irq: int, data: object) -> int:
    return IRQ_HANDLED


def dev_isr(irq: int, data: object) -> int:
    status = readl(regs + MMIO_STATUS)
    if not status & MMIO_RX_READY:
        return IRQ_NONE
    writel(status, regs + MMIO_CLEAR)
    return IRQ_HANDLED


def pin_to_cpu(irq: int, cpu: int) -> int:
    # In Code
    mask = cpumask()
    cpumask_clear(mask)
    cpumask_set_cpu(cpu, mask)  # CPU 2 only (the seed: CPU 0)
    return irq_set_affinity(irq, mask)


def affinity_init() -> int:
    global regs
    ret = gpio_request_one(BUTTON_GPIO, GPIOF_IN, "button")
    if ret:
        return ret
    irqs[0] = gpio_to_irq(BUTTON_GPIO)
    ret = request_irq(irqs[0], button_isr, IRQF_TRIGGER_RISING | IRQF_TRIGGER_FALLING, "gpiomod#button1", None)
    if ret:
        gpio_free(BUTTON_GPIO)
        return ret
    regs = ioremap(board["dev"])
    irqs[1] = int(board["irq"])  # type: ignore[call-overload]
    writel(MMIO_RX_READY, regs + MMIO_ENABLE)
    ret = request_irq(irqs[1], dev_isr, 0, "mydev", None)
    if ret:
        free_irq(irqs[0], None)
        gpio_free(BUTTON_GPIO)
        return ret
    for irq, what in zip(irqs, ("button", "mydev")):
        pr_info("gpiomod: irq_set_affinity(%d [%s], CPU %d) = %d\n", irq, what, TARGET_CPU, pin_to_cpu(irq, TARGET_CPU))
    return 0


def affinity_exit() -> None:
    writel(0, regs + MMIO_ENABLE)
    free_irq(irqs[1], None)
    free_irq(irqs[0], None)
    gpio_free(BUTTON_GPIO)


module_init = affinity_init
module_exit = affinity_exit

shown: dict[str, str] = {}


def _sh(m: irqlab.Machine, cmd: str) -> None:
    """Run one of the seed's shell lines: ``cat FILE`` or ``echo N > FILE``, recording what it prints."""
    if cmd.startswith("cat "):
        shown[cmd] = m.read(cmd[4:])
    else:
        text, path = cmd[5:].split(" > ")
        ret = m.write(path, text + "\n")
        shown[cmd] = "" if ret >= 0 else f"write error: {'Input/output error' if ret == -5 else ret}\n"


def main(seed: int = 1) -> irqlab.Machine:
    """insmod; cat/echo the button's and the device's smp_affinity_list; a click and device events; rmmod."""
    shown.clear()
    m = irqlab.boot("rpi5", seed=seed, trace=["irq_handler_entry"])
    b = m.button(17, "typical")
    dev = MmioDevice(m.kernel.engine, "mydev", line=m.spi_line(DEV_SPI))
    board.update(dev=dev, irq=m.board.map_spi(DEV_SPI, "level"))
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    button_irq, dev_irq = irqs
    for cmd in (f"cat /proc/irq/{button_irq}/smp_affinity_list", f"echo 0 > /proc/irq/{button_irq}/smp_affinity_list",
                f"cat /proc/irq/{dev_irq}/smp_affinity_list", f"cat /proc/irq/{dev_irq}/effective_affinity_list"):
        _sh(m, cmd)
    b.click(at="50ms", hold="100ms")
    for t in (60, 70, 80):
        dev.trigger(at=f"{t}ms")
    m.run(until="200ms")
    _sh(m, f"echo 3 > /proc/irq/{dev_irq}/smp_affinity_list")
    for t in (210, 220):
        dev.trigger(at=f"{t}ms")
    m.run(until="300ms")
    rows = m.read("/proc/interrupts").splitlines()
    shown["cat /proc/interrupts"] = "".join(r + "\n" for r in rows[:1] + [r for r in rows if r.endswith(("gpiomod#button1", "mydev"))])
    m.rmmod(MODULE_NAME)
    return m


def report(m: irqlab.Machine) -> str:
    """What else the reader looks at: the seed's shell commands and what they print."""
    return "".join(f"$ {cmd}\n{out}" for cmd, out in shown.items())


if __name__ == "__main__":
    mach = main()
    print(mach.dmesg() + report(mach), end="")
