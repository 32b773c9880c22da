"""Mirrors drivers/input/serio/serio.c: serial I/O ports (i8042 KBD/AUX, ...) and the drivers bound to them.

A port driver (i8042) registers a :class:`serio` and calls :func:`serio_interrupt` for each byte
its interrupt handler reads; the serio core hands it, under the port's spinlock, to the bound
:class:`serio_driver`'s ``interrupt`` (atkbd, psmouse, ...). Registering a port binds it to the
first registered driver whose ``connect`` accepts it, and vice versa.
# SIMPLIFICATION: binding is synchronous (the kernel does it from the kseriod workqueue), there is
# no id matching (drivers accept or refuse in connect()), no serio_rescan() for an unbound port,
# and no sysfs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from irqlab.kernel.container import Struct
from irqlab.kernel.core import kernel
from irqlab.kernel.irq.types import IRQ_NONE
from irqlab.kernel.locking.spinlock import spin_lock_irqsave, spin_unlock_irqrestore, spinlock

SERIO_8042 = 0x01
SERIO_8042_XL = 0x06


class serio_device_id:
    def __init__(self, type_: int = SERIO_8042_XL, proto: int = 0, id_: int = 0, extra: int = 0) -> None:
        self.type = type_
        self.proto = proto
        self.id = id_
        self.extra = extra


class serio_driver:
    """struct serio_driver: ``connect(serio, drv)`` -> 0 or -errno, ``interrupt(serio, data, flags)`` ->
    irqreturn, ``disconnect(serio)``."""

    def __init__(self, name: str, description: str, connect: Callable[[Any, Any], int],
                 interrupt: Callable[[Any, int, int], int], disconnect: Callable[[Any], None] | None = None) -> None:  # fmt: skip
        self.name = name
        self.description = description
        self.connect = connect
        self.interrupt = interrupt
        self.disconnect = disconnect


class serio(Struct):
    """struct serio: a port's name, phys path, id, lock, bound driver and the port driver's data."""

    def __init__(self, name: str = "", phys: str = "") -> None:
        self.name = name
        self.phys = phys
        self.id = serio_device_id()
        self.lock = spinlock()
        self.drv: serio_driver | None = None
        self.port_data: Any = None
        self.drvdata: Any = None
        self.registered = False


def _state() -> dict[str, list[Any]]:
    st = kernel().subsys.setdefault("serio", {"ports": [], "drivers": []})
    return st  # type: ignore[no-any-return]


def _bind(port: serio, drv: serio_driver) -> bool:
    flags = spin_lock_irqsave(port.lock)
    port.drv = drv  # serio_set_drv(): set before connect, as the interrupt may come at once
    spin_unlock_irqrestore(port.lock, flags)
    if drv.connect(port, drv):
        flags = spin_lock_irqsave(port.lock)
        port.drv = None
        spin_unlock_irqrestore(port.lock, flags)
        return False
    return True


def serio_register_port(port: serio) -> None:
    """Register ``port`` and bind it to the first driver that accepts it. May sleep."""
    st = _state()
    st["ports"].append(port)
    port.registered = True
    for drv in st["drivers"]:
        if _bind(port, drv):
            break


def serio_unregister_port(port: serio) -> None:
    """Disconnect the bound driver and unregister ``port``. May sleep."""
    drv = port.drv
    if drv is not None and drv.disconnect is not None:
        drv.disconnect(port)
    flags = spin_lock_irqsave(port.lock)
    port.drv = None
    spin_unlock_irqrestore(port.lock, flags)
    st = _state()
    if port in st["ports"]:
        st["ports"].remove(port)
    port.registered = False


def serio_register_driver(drv: serio_driver) -> int:
    """Register ``drv`` and offer it every unbound port. Returns 0. May sleep."""
    st = _state()
    st["drivers"].append(drv)
    for port in st["ports"]:
        if port.drv is None:
            _bind(port, drv)
    return 0


def serio_unregister_driver(drv: serio_driver) -> None:
    """Disconnect ``drv`` from its ports and unregister it. May sleep."""
    st = _state()
    for port in st["ports"]:
        if port.drv is drv:
            if drv.disconnect is not None:
                drv.disconnect(port)
            flags = spin_lock_irqsave(port.lock)
            port.drv = None
            spin_unlock_irqrestore(port.lock, flags)
    if drv in st["drivers"]:
        st["drivers"].remove(drv)


def serio_interrupt(port: serio, data: int, dfl: int) -> int:
    """Pass one byte from the port's interrupt handler to the bound driver. Any context (called in hardirq).
    Returns the driver's irqreturn, IRQ_NONE when no driver is bound."""
    ret = IRQ_NONE
    flags = spin_lock_irqsave(port.lock)
    if port.drv is not None:
        ret = port.drv.interrupt(port, data, dfl)
    spin_unlock_irqrestore(port.lock, flags)
    return ret


def serio_set_drvdata(port: serio, data: Any) -> None:
    port.drvdata = data


def serio_get_drvdata(port: serio) -> Any:
    return port.drvdata


__all__ = [
    "SERIO_8042",
    "SERIO_8042_XL",
    "serio",
    "serio_driver",
    "serio_device_id",
    "serio_register_port",
    "serio_unregister_port",
    "serio_register_driver",
    "serio_unregister_driver",
    "serio_interrupt",
    "serio_set_drvdata",
    "serio_get_drvdata",
]
