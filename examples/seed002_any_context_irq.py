"""request_any_context_irq(): hard-IRQ context on a SoC GPIO, a nested thread behind an I2C GPIO expander.

Ported from seed 002's "Context-Agnostic IRQ". A button driver does not know which
interrupt controller its line comes from, so it calls ``request_any_context_irq()`` (the
seed's ``request_anycontext_irq`` is a typo) for two buttons: one on the Pi 5's GPIO17
(pinctrl-rp1, a memory-mapped chip: IRQC_IS_HARDIRQ, the handler runs in hard-IRQ context)
and one on pin 3 of an MCP23017-style expander on I2C whose INT output goes to GPIO22. The
expander's driver (also here, as drivers/pinctrl/pinctrl-mcp23s08.c does it) must talk over
I2C to find which pin fired, which sleeps: it handles its parent interrupt in a thread and
marks its child interrupts nested (irq_set_nested_thread), so request_any_context_irq()
requests the child as threaded and returns IRQC_IS_NESTED; the button's handler then runs in
the expander's IRQ thread, where it could sleep too.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import irqlab
from irqlab.hw.button import Button
from irqlab.hw.line import Line
from irqlab.kernel import (
    GPIOF_IN,
    IRQ_HANDLED,
    IRQ_NONE,
    IRQC_IS_HARDIRQ,
    IRQC_IS_NESTED,
    IRQF_ONESHOT,
    IRQF_TRIGGER_FALLING,
    IRQF_TRIGGER_LOW,
    current,
    free_irq,
    fwnode_handle,
    gpio_free,
    gpio_request_one,
    gpio_to_irq,
    handle_nested_irq,
    in_hardirq,
    irq_chip,
    irq_create_mapping,
    irq_dispose_mapping,
    irq_domain_create_linear,
    irq_domain_ops,
    irq_domain_remove,
    irq_find_mapping,
    irq_set_chip_and_handler,
    irq_set_nested_thread,
    irq_set_parent,
    pr_err,
    pr_info,
    request_any_context_irq,
    request_threaded_irq,
    usleep_range,
)

SEED_SECTION = "002: Context-Agnostic IRQ (request_any_context_irq)"
MODULE_NAME = "buttons"

EXPANDER_INT_GPIO = 22  # header pin wired to the expander's INT output (open drain, active low)
RP1_GPIO_BASE = 512
board: dict[str, Any] = {}  # filled by main(): the expander hardware


# -- the hardware: an MCP23017-style expander (only what its interrupt path needs) --------------
class Mcp23017:
    """Eight inputs; a change latches the pin in INTF and holds INT low until INTCAP is read over I2C."""

    GPINTEN, INTF, INTCAP = 0x04, 0x0E, 0x10

    def __init__(self, int_line: Line) -> None:
        self.int_line = int_line
        self.inputs = [Line(f"mcp-gpa{i}", active_high=False) for i in range(8)]
        self.gpinten = 0
        self.intf = 0
        self.intcap = 0
        for i, line in enumerate(self.inputs):
            line.deassert(self)  # pulled up: idle high
            line.connect(lambda _l, level, i=i: self._changed(i, level))

    def _changed(self, pin: int, level: bool) -> None:
        if self.gpinten >> pin & 1 and not self.intf:
            self.intf |= 1 << pin
            self.intcap = sum(1 << i for i, line in enumerate(self.inputs) if line.level)
            self.int_line.assert_(self)

    def i2c_read(self, reg: int) -> int:
        if reg == self.INTF:
            return self.intf
        if reg == self.INTCAP:  # reading the capture clears the interrupt
            v, self.intf = self.intcap, 0
            self.int_line.deassert(self)
            return v
        return self.gpinten if reg == self.GPINTEN else 0

    def i2c_write(self, reg: int, val: int) -> None:
        if reg == self.GPINTEN:
            self.gpinten = val


# -- the expander's driver: a slow-bus irqchip with nested thread interrupts --------------------
class mcp23s08:
    def __init__(self, hw: Mcp23017) -> None:
        self.hw = hw
        self.domain: Any = None
        self.irq = -1
        self.irq_mask = 0xFF

    def read(self, reg: int) -> int:
        usleep_range(60, 80)  # an I2C register read at 400 kHz: it sleeps
        return self.hw.i2c_read(reg)

    def write(self, reg: int, val: int) -> None:
        usleep_range(40, 60)
        self.hw.i2c_write(reg, val)


mcp: mcp23s08 | None = None


def mcp23s08_irq(irq: int, data: mcp23s08) -> int:
    intf = data.read(Mcp23017.INTF)
    if not intf:
        return IRQ_NONE
    data.read(Mcp23017.INTCAP)  # releases INT
    for pin in range(8):
        if intf >> pin & 1:
            handle_nested_irq(irq_find_mapping(data.domain, pin))
    return IRQ_HANDLED


def mcp_irq_map(domain: Any, virq: int, hwirq: int) -> int:
    irq_set_chip_and_handler(virq, domain.host_data.chip, None)
    irq_set_nested_thread(virq, True)
    irq_set_parent(virq, domain.host_data.irq)
    return 0


def mcp_init() -> int:
    global mcp
    mcp = mcp23s08(board["expander"])
    gpio = RP1_GPIO_BASE + EXPANDER_INT_GPIO
    ret = gpio_request_one(gpio, GPIOF_IN, "mcp23017 int")
    if ret:
        return ret
    mcp.irq = gpio_to_irq(gpio)
    mcp.chip = irq_chip("mcp23xxx-gpio", irq_mask=lambda d: None, irq_unmask=lambda d: None)
    mcp.domain = irq_domain_create_linear(fwnode_handle("mcp23017"), 8, irq_domain_ops(map=mcp_irq_map), mcp)
    mcp.write(Mcp23017.GPINTEN, 0xFF)
    ret = request_threaded_irq(mcp.irq, None, mcp23s08_irq, IRQF_ONESHOT | IRQF_TRIGGER_LOW, "mcp23017", mcp)
    if ret:
        gpio_free(gpio)
    return ret


def mcp_exit() -> None:
    free_irq(mcp.irq, mcp)
    for pin in range(8):
        virq = irq_find_mapping(mcp.domain, pin)
        if virq:
            irq_dispose_mapping(virq)
    irq_domain_remove(mcp.domain)
    gpio_free(RP1_GPIO_BASE + EXPANDER_INT_GPIO)


mcp_module = SimpleNamespace(MODULE_NAME="pinctrl_mcp23s08", module_init=mcp_init, module_exit=mcp_exit)


# -- the button driver of the seed: it does not care which controller a line comes from --------
button_irqs = [-1, -1]
KIND = {IRQC_IS_HARDIRQ: "IRQC_IS_HARDIRQ", IRQC_IS_NESTED: "IRQC_IS_NESTED"}


def button_handler(irq: int, dev_id: str) -> int:
    pr_info("%s: irq %d in %s context (%s)\n", dev_id, irq, "hard-IRQ" if in_hardirq() else "thread", current.comm)
    return IRQ_HANDLED


def buttons_init() -> int:
    button_irqs[0] = gpio_to_irq(RP1_GPIO_BASE + 17)  # a SoC GPIO
    button_irqs[1] = irq_create_mapping(mcp.domain, 3)  # expander pin 3 (gpiod_to_irq() in a real driver)
    for i, name in enumerate(("button-soc", "button-i2c")):
        ret = request_any_context_irq(button_irqs[i], button_handler, IRQF_TRIGGER_FALLING, name, name)
        if ret < 0:
            pr_err("%s: request_any_context_irq: %d\n", name, ret)
            return ret
        pr_info("%s: request_any_context_irq(%d) = %s\n", name, button_irqs[i], KIND[ret])
    return 0


def buttons_exit() -> None:
    free_irq(button_irqs[1], "button-i2c")
    free_irq(button_irqs[0], "button-soc")


module_init = buttons_init
module_exit = buttons_exit


def main(seed: int = 1) -> irqlab.Machine:
    """insmod the expander driver and the button driver; press the SoC button at 10 ms, the expander's at 30 ms."""
    m = irqlab.boot("rpi5", seed=seed, trace=["irq_handler_entry", "irq_thread_entry"])
    soc = m.button(17, "none")
    int_pin = m.board.gpio_pin(EXPANDER_INT_GPIO)
    int_pin.active_high = False  # open-drain INT with a pull-up: idle high, asserted low
    int_pin.set(True)
    exp = Mcp23017(int_pin)
    board["expander"] = exp
    i2c = Button(m.kernel.engine, "button-i2c", line=exp.inputs[3], profile="none")
    m.insmod(mcp_module)
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    soc.click(at="10ms", hold="5ms")
    i2c.press(at="30ms")
    m.run(until="60ms")
    m.rmmod(MODULE_NAME)
    m.rmmod(mcp_module.MODULE_NAME)
    return m


if __name__ == "__main__":
    print(main().dmesg(), end="")
