"""The i8042 keyboard controller driver with the AT keyboard on top. Mirrors
drivers/input/serio/i8042.c (i8042_interrupt) and drivers/input/keyboard/atkbd.c.

The handler of seed 004: read the status register, read the data byte, hand it on, return.
The keyboard half translates set-1 scan codes (make code = Linux key code for the basic keys,
bit 7 = release) into input events.
"""

from __future__ import annotations

from typing import Any

from irqlab.drivers.input.input import (
    EV_KEY,
    input_allocate_device,
    input_register_device,
    input_report_key,
    input_sync,
    set_bit,
)
from irqlab.hw.i8042 import I8042_DATA_REG, I8042_STATUS_REG, I8042_STR_OBF, SCANCODES
from irqlab.kernel.io import ioremap, readb
from irqlab.kernel.irq.manage import request_irq
from irqlab.kernel.irq.types import IRQ_HANDLED, IRQ_NONE, IRQF_SHARED


class i8042_port:
    def __init__(self, hw: Any) -> None:
        self.base = ioremap(hw)
        self.input: Any = None
        self.bytes = 0


def i8042_interrupt(irq: int, dev_id: Any) -> int:
    """Read status, read data, pass the byte to the keyboard; IRQ_NONE when the buffer was empty."""
    port: i8042_port = dev_id
    st = readb(port.base + I8042_STATUS_REG)  # 1. read the status register
    if not st & I8042_STR_OBF:
        return IRQ_NONE
    data = readb(port.base + I8042_DATA_REG)  # 2. read the data
    port.bytes += 1
    atkbd_interrupt(port, data)  # 3. hand it to the input layer
    return IRQ_HANDLED


# SIMPLIFICATION: atkbd reduced to set-1 make/break codes -> key events (no LEDs, typematic or AUX port).
def atkbd_interrupt(port: i8042_port, code: int) -> None:
    dev = port.input
    if dev is None:
        return
    input_report_key(dev, code & 0x7F, 0 if code & 0x80 else 1)
    input_sync(dev)


def i8042_probe(hw: Any, irq: int) -> i8042_port:
    """Register the keyboard input device and request the shared keyboard IRQ. May sleep."""
    port = i8042_port(hw)
    dev = input_allocate_device()
    if dev is None:
        raise RuntimeError("i8042: cannot allocate the keyboard input device")
    dev.name = "AT Translated Set 2 keyboard"
    dev.phys = "isa0060/serio0/input0"
    dev.id.bustype = 0x11
    set_bit(EV_KEY, dev.evbit)
    for code in SCANCODES.values():
        set_bit(code, dev.keybit)
    input_register_device(dev)
    port.input = dev
    ret = request_irq(irq, i8042_interrupt, IRQF_SHARED, "i8042", port)
    if ret:
        raise RuntimeError(f"i8042: request_irq({irq}) failed: {ret}")
    return port
