"""Hardware models: lines, registers and devices. They import only irqlab.sim, never the kernel."""

from irqlab.hw.button import BOUNCE_PROFILES, BounceProfile, Button, ButtonEvent
from irqlab.hw.led import Led
from irqlab.hw.line import Line
from irqlab.hw.mmio import MmioDevice, TimerDevice
from irqlab.hw.nic import Nic, Packet, PacketFlow, RxDesc
from irqlab.hw.regs import IrqOutput, RegisterBlock
from irqlab.hw.uart import Uart

__all__ = [
    "Line",
    "RegisterBlock",
    "IrqOutput",
    "Button",
    "BounceProfile",
    "BOUNCE_PROFILES",
    "ButtonEvent",
    "Led",
    "Uart",
    "Nic",
    "Packet",
    "PacketFlow",
    "RxDesc",
    "MmioDevice",
    "TimerDevice",
]
