"""The input core and an evdev-like event log. Mirrors drivers/input/input.c and
include/uapi/linux/input-event-codes.h.

Drivers allocate an ``input_dev``, declare capabilities (``set_bit(EV_KEY, dev.evbit)``,
``set_bit(KEY_ENTER, dev.keybit)`` or ``input_set_capability``), register it and report
events; the input core filters them as ``input_handle_event()`` does (unsupported codes
and repeated key states are dropped, an empty SYN_REPORT is not delivered) and the
delivered events are readable by the scenario with timestamps, as evdev would return them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from irqlab.errno import EINVAL
from irqlab.kernel.atomic import bitmap, set_bit, test_bit
from irqlab.kernel.core import kernel
from irqlab.kernel.mm.slab import GFP_KERNEL, kzalloc
from irqlab.kernel.printk import KERN_INFO, vprintk

EV_SYN = 0x00
EV_KEY = 0x01
EV_REL = 0x02
EV_ABS = 0x03
EV_MSC = 0x04
EV_SW = 0x05
EV_LED = 0x11
EV_SND = 0x12
EV_REP = 0x14
EV_MAX = 0x1F

SYN_REPORT = 0
SYN_CONFIG = 1
SYN_DROPPED = 3

KEY_RESERVED = 0
KEY_ESC = 1
KEY_1 = 2
KEY_2 = 3
KEY_3 = 4
KEY_4 = 5
KEY_5 = 6
KEY_6 = 7
KEY_7 = 8
KEY_8 = 9
KEY_9 = 10
KEY_0 = 11
KEY_BACKSPACE = 14
KEY_TAB = 15
KEY_Q = 16
KEY_ENTER = 28
KEY_A = 30
KEY_SPACE = 57
KEY_UP = 103
KEY_LEFT = 105
KEY_RIGHT = 106
KEY_DOWN = 108
KEY_MUTE = 113
KEY_VOLUMEDOWN = 114
KEY_VOLUMEUP = 115
KEY_POWER = 116
KEY_PAUSE = 119
KEY_STOP = 128
KEY_MENU = 139
KEY_PROG1 = 148
KEY_PLAYPAUSE = 164
KEY_WAKEUP = 143
KEY_MAX = 0x2FF
BTN_MISC = 0x100
BTN_0 = 0x100
BTN_1 = 0x101
BTN_2 = 0x102
BTN_3 = 0x103
BTN_LEFT = 0x110
BTN_RIGHT = 0x111
BTN_MIDDLE = 0x112

BUS_HOST = 0x19
BUS_I8042 = 0x11
BUS_USB = 0x03
BUS_VIRTUAL = 0x06


@dataclass(frozen=True, slots=True)
class InputEvent:
    """struct input_event as evdev returns it: time (ns), type, code, value."""

    time: int
    type: int
    code: int
    value: int

    def __str__(self) -> str:
        secs, ns = divmod(self.time, 1_000_000_000)
        return f"Event: time {secs}.{ns // 1000:06d}, type {self.type}, code {self.code}, value {self.value}"


class input_id:
    def __init__(self) -> None:
        self.bustype = 0
        self.vendor = 0
        self.product = 0
        self.version = 0


class input_dev:
    """struct input_dev."""

    def __init__(self) -> None:
        self.name: str = ""
        self.phys: str = ""
        self.uniq: str = ""
        self.id = input_id()
        self.evbit = bitmap(EV_MAX + 1)
        self.keybit = bitmap(KEY_MAX + 1)
        self.relbit = bitmap(16)
        self.absbit = bitmap(64)
        self.mscbit = bitmap(8)
        self.swbit = bitmap(16)
        self.key = bitmap(KEY_MAX + 1)  # current key state
        self.dev: Any = None
        self.registered = False
        self.number = -1
        self.events: list[InputEvent] = []
        self._pending = 0
        self.private: Any = None

    @property
    def sysfs_path(self) -> str:
        return f"/devices/virtual/input/input{self.number}"

    def __repr__(self) -> str:
        return f"<input_dev {self.name!r} input{self.number}>"


def input_allocate_device() -> input_dev | None:
    """Allocate an input device; None on allocation failure. May sleep."""
    return kzalloc(input_dev, GFP_KERNEL)


def devm_input_allocate_device(dev: Any) -> input_dev | None:
    d = input_allocate_device()
    if d is not None:
        d.dev = dev
    return d


def input_free_device(dev: input_dev | None) -> None:
    return None


def input_set_capability(dev: input_dev, type_: int, code: int) -> None:
    """Mark ``dev`` as able to emit event ``code`` of ``type_``."""
    set_bit(type_, dev.evbit)
    bm = {EV_KEY: dev.keybit, EV_REL: dev.relbit, EV_ABS: dev.absbit, EV_MSC: dev.mscbit, EV_SW: dev.swbit}.get(type_)
    if bm is not None:
        set_bit(code, bm)


def input_register_device(dev: input_dev) -> int:
    """Register ``dev``; prints 'input: <name> as <path>'. Returns 0. May sleep."""
    k = kernel()
    devs: list[input_dev] = k.subsys.setdefault("input_devs", [])
    if dev.registered:
        return -EINVAL
    set_bit(EV_SYN, dev.evbit)
    dev.number = k.subsys.get("input_next", 0)
    k.subsys["input_next"] = dev.number + 1
    dev.registered = True
    devs.append(dev)
    vprintk(k, KERN_INFO + "input: %s as %s\n", (dev.name or "Unspecified device", dev.sysfs_path))
    return 0


def input_unregister_device(dev: input_dev) -> None:
    k = kernel()
    devs: list[input_dev] = k.subsys.setdefault("input_devs", [])
    if dev in devs:
        devs.remove(dev)
    dev.registered = False


def input_event(dev: input_dev, type_: int, code: int, value: int) -> None:
    """Report an event; filtered and batched as input_handle_event() does. Any context."""
    if not test_bit(type_, dev.evbit):
        return
    k = kernel()
    if type_ == EV_SYN:
        if code == SYN_REPORT:
            if dev._pending:
                dev.events.append(InputEvent(k.engine.now, EV_SYN, SYN_REPORT, 0))
            dev._pending = 0
        return
    if type_ == EV_KEY:
        if not test_bit(code, dev.keybit):
            return
        value = 1 if value else 0
        if test_bit(code, dev.key) == bool(value):
            return
        if value:
            set_bit(code, dev.key)
        else:
            dev.key.value &= ~(1 << code)
    dev.events.append(InputEvent(k.engine.now, type_, code, value))
    dev._pending += 1


def input_report_key(dev: input_dev, code: int, value: int) -> None:
    input_event(dev, EV_KEY, code, 1 if value else 0)


def input_report_rel(dev: input_dev, code: int, value: int) -> None:
    input_event(dev, EV_REL, code, value)


def input_report_abs(dev: input_dev, code: int, value: int) -> None:
    input_event(dev, EV_ABS, code, value)


def input_report_switch(dev: input_dev, code: int, value: int) -> None:
    input_event(dev, EV_SW, code, 1 if value else 0)


def input_sync(dev: input_dev) -> None:
    """End a batch of events (SYN_REPORT)."""
    input_event(dev, EV_SYN, SYN_REPORT, 0)


def input_set_drvdata(dev: input_dev, data: Any) -> None:
    dev.private = data


def input_get_drvdata(dev: input_dev) -> Any:
    return dev.private


def proc_bus_input_devices(devs: list[input_dev]) -> str:
    """/proc/bus/input/devices, as input_devices_seq_show() prints it (abridged to I/N/P/S/H/B lines)."""
    out = []
    for d in devs:
        i = d.id
        out.append(f"I: Bus={i.bustype:04x} Vendor={i.vendor:04x} Product={i.product:04x} Version={i.version:04x}\n")
        out.append(f'N: Name="{d.name}"\n')
        out.append(f"P: Phys={d.phys}\n")
        out.append(f"S: Sysfs={d.sysfs_path}\n")
        out.append("U: Uniq=\n")
        out.append(f"H: Handlers=event{d.number} \n")
        out.append(f"B: EV={d.evbit.value:x}\n")
        if d.keybit.value:
            out.append(f"B: KEY={_bitmap_words(d.keybit.value)}\n")
        out.append("\n")
    return "".join(out)


def _bitmap_words(v: int) -> str:
    words = []
    while v:
        words.append(v & 0xFFFFFFFFFFFFFFFF)
        v >>= 64
    words.reverse()
    return " ".join(f"{w:x}" for w in words) if words else "0"


def register_fs(k: Any) -> None:
    """Initcall: publish /proc/bus/input/devices."""

    def hook(fs: Any) -> None:
        fs.register("/proc/bus/input/devices", lambda: proc_bus_input_devices(k.subsys.get("input_devs", [])))

    k.subsys.setdefault("fs_hooks", []).append(hook)


__all__ = [n for n in dir() if n.startswith(("EV_", "SYN_", "KEY_", "BTN_", "BUS_"))] + [
    "InputEvent",
    "input_dev",
    "input_id",
    "input_allocate_device",
    "devm_input_allocate_device",
    "input_free_device",
    "input_set_capability",
    "input_register_device",
    "input_unregister_device",
    "input_event",
    "input_report_key",
    "input_report_rel",
    "input_report_abs",
    "input_report_switch",
    "input_sync",
    "input_set_drvdata",
    "input_get_drvdata",
]
