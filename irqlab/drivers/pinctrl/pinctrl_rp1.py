"""The RP1 GPIO/pinctrl driver. Mirrors drivers/pinctrl/pinctrl-rp1.c (raspberrypi/linux, rpi-6.12.y).

One gpio_chip "pinctrl-rp1" of 54 lines; an irq_chip of the same name on a linear domain
with hwirq = GPIO number; one chained parent interrupt per bank whose handler reads the
bank's INTS register, resets each pending pin's latch and hands the pin to
``generic_handle_domain_irq``. Edge types use ``handle_edge_irq``, level types
``handle_level_irq`` (rp1_gpio_irq_set_type).
"""

from __future__ import annotations

from typing import Any

from irqlab.drivers.gpio.gpiolib import (
    PIN_CONFIG_BIAS_DISABLE,
    PIN_CONFIG_BIAS_PULL_DOWN,
    PIN_CONFIG_BIAS_PULL_UP,
    gpio_chip,
    gpiochip_add_data,
)
from irqlab.errno import EINVAL, ENOTSUPP
from irqlab.hw.rp1_gpio import (
    BANKS,
    CTRL_IRQRESET,
    EV_EDGE_HIGH,
    EV_EDGE_LOW,
    EV_LEVEL_HIGH,
    EV_LEVEL_LOW,
    EV_SHIFT,
    PAD_PDE,
    PAD_PUE,
    REG_INTS,
    REG_RIO_IN,
    REG_RIO_OE,
    REG_RIO_OUT,
    Rp1Gpio,
)
from irqlab.kernel.io import ioremap, readl, writel
from irqlab.kernel.irq.chip import (
    chained_irq_enter,
    chained_irq_exit,
    irq_set_chained_handler_and_data,
    irq_set_chip_and_handler,
    irq_set_chip_data,
    irq_set_handler_locked,
)
from irqlab.kernel.irq.chip_flow import handle_edge_irq, handle_level_irq
from irqlab.kernel.irq.irqdomain import (
    fwnode_handle,
    generic_handle_domain_irq,
    irq_create_mapping,
    irq_domain_create_linear,
    irq_domain_ops,
)
from irqlab.kernel.irq.types import (
    IRQ_TYPE_EDGE_BOTH,
    IRQ_TYPE_EDGE_FALLING,
    IRQ_TYPE_EDGE_RISING,
    IRQ_TYPE_LEVEL_HIGH,
    IRQ_TYPE_LEVEL_LOW,
    IRQ_TYPE_NONE,
    irq_chip,
)

MODULE_NAME = "pinctrl-rp1"
RP1_NUM_GPIOS = 54
RP1_NUM_BANKS = 3

#: gpio-line-names of the Pi 5's 40-pin header (bcm2712-rpi-5-b.dts), GPIO0-27.
HEADER_NAMES = ["ID_SDA", "ID_SCL"] + [f"GPIO{i}" for i in range(2, 28)]


class rp1_pinctrl:
    """struct rp1_pinctrl: register bases, the chip, the domain and the bank parents."""

    def __init__(self, hw: Rp1Gpio) -> None:
        self.hw = hw
        self.bases = [ioremap(b) for b in hw.banks]
        self.irq_type = [IRQ_TYPE_NONE] * RP1_NUM_GPIOS
        # The pins' INTE bits (irq_mask/irq_unmask); ack and the bank handler must leave them alone.
        # SIMPLIFICATION: the model has no INTE register nor CTRL SET/CLR aliases, so the driver keeps
        # INTE here and rewrites CTRL's event enables (0 while masked) with each IRQRESET.
        self.inte = [False] * RP1_NUM_GPIOS
        self.gc: Any = None
        self.domain: Any = None
        self.parents: list[int] = []


def _bank(gpio: int) -> tuple[int, int]:
    for i, (first, num) in enumerate(BANKS):
        if first <= gpio < first + num:
            return i, gpio - first
    raise ValueError(f"no RP1 GPIO {gpio}")


# -- gpio_chip callbacks ---------------------------------------------------------------------


def rp1_gpio_get(gc: Any, offset: int) -> int:
    pc: rp1_pinctrl = gc.private
    b, n = _bank(offset)
    return readl(pc.bases[b] + REG_RIO_IN) >> n & 1


def rp1_gpio_set(gc: Any, offset: int, value: int) -> None:
    pc: rp1_pinctrl = gc.private
    b, n = _bank(offset)
    out = readl(pc.bases[b] + REG_RIO_OUT)
    out = out | (1 << n) if value else out & ~(1 << n)
    writel(out, pc.bases[b] + REG_RIO_OUT)


def rp1_gpio_get_direction(gc: Any, offset: int) -> int:
    pc: rp1_pinctrl = gc.private
    b, n = _bank(offset)
    return 0 if readl(pc.bases[b] + REG_RIO_OE) >> n & 1 else 1


def rp1_gpio_direction_input(gc: Any, offset: int) -> int:
    pc: rp1_pinctrl = gc.private
    b, n = _bank(offset)
    writel(readl(pc.bases[b] + REG_RIO_OE) & ~(1 << n), pc.bases[b] + REG_RIO_OE)
    return 0


def rp1_gpio_direction_output(gc: Any, offset: int, value: int) -> int:
    pc: rp1_pinctrl = gc.private
    b, n = _bank(offset)
    rp1_gpio_set(gc, offset, value)
    writel(readl(pc.bases[b] + REG_RIO_OE) | (1 << n), pc.bases[b] + REG_RIO_OE)
    return 0


def rp1_gpio_set_config(gc: Any, offset: int, param: int, arg: int) -> int:
    """Bias pull-up/down through the pad register; no hardware debounce (-ENOTSUPP)."""
    pc: rp1_pinctrl = gc.private
    b, n = _bank(offset)
    if param == PIN_CONFIG_BIAS_PULL_UP:
        writel(PAD_PUE, pc.bases[b] + 0x300 + 4 * n)
    elif param in (PIN_CONFIG_BIAS_PULL_DOWN, PIN_CONFIG_BIAS_DISABLE):
        writel(PAD_PDE, pc.bases[b] + 0x300 + 4 * n)
    else:
        return -ENOTSUPP
    return 0


def rp1_gpio_to_irq(gc: Any, offset: int) -> int:
    pc: rp1_pinctrl = gc.private
    return irq_create_mapping(pc.domain, offset)


# -- irq_chip callbacks ----------------------------------------------------------------------


def _ctrl(pc: rp1_pinctrl, gpio: int) -> Any:
    b, n = _bank(gpio)
    return pc.bases[b] + 8 * n + 4


def _type_events(type_: int) -> int:
    ev = 0
    if type_ & IRQ_TYPE_EDGE_RISING:
        ev |= EV_EDGE_HIGH
    if type_ & IRQ_TYPE_EDGE_FALLING:
        ev |= EV_EDGE_LOW
    if type_ & IRQ_TYPE_LEVEL_HIGH:
        ev |= EV_LEVEL_HIGH
    if type_ & IRQ_TYPE_LEVEL_LOW:
        ev |= EV_LEVEL_LOW
    return ev


def _reset_latch(pc: rp1_pinctrl, gpio: int) -> None:
    """IRQRESET through the CTRL SET alias: the latch is cleared, a masked pin stays masked."""
    ev = _type_events(pc.irq_type[gpio]) if pc.inte[gpio] else 0
    writel((ev << EV_SHIFT) | CTRL_IRQRESET, _ctrl(pc, gpio))


def rp1_gpio_irq_enable(d: Any) -> None:
    pc: rp1_pinctrl = d.chip_data
    gpio = d.hwirq
    pc.inte[gpio] = True
    writel(_type_events(pc.irq_type[gpio]) << EV_SHIFT, _ctrl(pc, gpio))


def rp1_gpio_irq_disable(d: Any) -> None:
    """Clear the event enables and reset the latch (mask and disable are the same on RP1)."""
    pc: rp1_pinctrl = d.chip_data
    pc.inte[d.hwirq] = False
    writel(CTRL_IRQRESET, _ctrl(pc, d.hwirq))


def rp1_gpio_irq_ack(d: Any) -> None:
    """Reset the pin's edge latch, keeping its enables (a masked pin stays masked)."""
    _reset_latch(d.chip_data, d.hwirq)


def rp1_gpio_irq_set_type(d: Any, type_: int) -> int:
    """NONE, edges and levels; any edge type -> handle_edge_irq, else handle_level_irq."""
    pc: rp1_pinctrl = d.chip_data
    if type_ not in (IRQ_TYPE_NONE, IRQ_TYPE_EDGE_RISING, IRQ_TYPE_EDGE_FALLING, IRQ_TYPE_EDGE_BOTH,
                     IRQ_TYPE_LEVEL_HIGH, IRQ_TYPE_LEVEL_LOW):  # fmt: skip
        return -EINVAL
    pc.irq_type[d.hwirq] = type_
    irq_set_handler_locked(d, handle_edge_irq if type_ & IRQ_TYPE_EDGE_BOTH else handle_level_irq)
    return 0


def rp1_gpio_irq_request_resources(d: Any) -> int:
    """gpiochip_reqres_irq(): mark the line as used for an interrupt."""
    pc: rp1_pinctrl = d.chip_data
    pc.gc.gpiodev.descs[d.hwirq].used_as_irq = True
    return 0


def rp1_gpio_irq_release_resources(d: Any) -> None:
    pc: rp1_pinctrl = d.chip_data
    pc.gc.gpiodev.descs[d.hwirq].used_as_irq = False


RP1_GPIO_IRQ_CHIP = irq_chip(
    MODULE_NAME,
    irq_enable=rp1_gpio_irq_enable,
    irq_disable=rp1_gpio_irq_disable,
    irq_mask=rp1_gpio_irq_disable,
    irq_unmask=rp1_gpio_irq_enable,
    irq_ack=rp1_gpio_irq_ack,
    irq_set_type=rp1_gpio_irq_set_type,
    irq_request_resources=rp1_gpio_irq_request_resources,
    irq_release_resources=rp1_gpio_irq_release_resources,
)


def rp1_gpio_irq_handler(desc: Any) -> None:
    """The chained bank handler: INTS, reset each latch, demultiplex into the pin IRQs."""
    pc: rp1_pinctrl = desc.irq_common_data.handler_data if hasattr(desc, "irq_common_data") else desc.handler_data
    chip = desc.irq_data.chip
    chained_irq_enter(chip, desc)
    bank = pc.parents.index(desc.irq_data.irq)
    first = BANKS[bank][0]
    ints = readl(pc.bases[bank] + REG_INTS)
    b = 0
    while ints:
        if ints & 1:
            gpio = first + b
            _reset_latch(pc, gpio)
            generic_handle_domain_irq(pc.domain, gpio)
        ints >>= 1
        b += 1
    chained_irq_exit(chip, desc)


def _map(d: Any, virq: int, hw: int) -> int:
    pc: rp1_pinctrl = d.host_data
    irq_set_chip_data(virq, pc)
    irq_set_chip_and_handler(virq, RP1_GPIO_IRQ_CHIP, handle_level_irq)
    return 0


RP1_DOMAIN_OPS = irq_domain_ops(map=_map)


def rp1_pinctrl_probe(hw: Rp1Gpio, parent_irqs: list[int], parent: Any = None) -> rp1_pinctrl:
    """Register the gpio_chip and the interrupt domain; chain the three bank parents."""
    pc = rp1_pinctrl(hw)
    gc = gpio_chip(MODULE_NAME, RP1_NUM_GPIOS, -1)
    gc.parent = parent
    gc.names = HEADER_NAMES + [None] * (RP1_NUM_GPIOS - len(HEADER_NAMES))
    gc.get = rp1_gpio_get
    gc.set = rp1_gpio_set
    gc.get_direction = rp1_gpio_get_direction
    gc.direction_input = rp1_gpio_direction_input
    gc.direction_output = rp1_gpio_direction_output
    gc.set_config = rp1_gpio_set_config
    gc.to_irq = rp1_gpio_to_irq
    pc.gc = gc
    pc.domain = irq_domain_create_linear(fwnode_handle("/axi/pcie@120000/rp1/gpio@d0000"), RP1_NUM_GPIOS,
                                         RP1_DOMAIN_OPS, pc)  # fmt: skip
    ret = gpiochip_add_data(gc, pc)
    if ret:
        raise RuntimeError(f"pinctrl-rp1: gpiochip_add_data failed: {ret}")
    pc.parents = list(parent_irqs)
    for irq in parent_irqs:
        irq_set_chained_handler_and_data(irq, rp1_gpio_irq_handler, pc)
    return pc
