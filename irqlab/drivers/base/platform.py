"""Mirrors drivers/base/platform.c and the devres part of drivers/base/dd.c, reduced to what devm_* needs.

A :class:`platform_device` carries its IRQs as resources (``platform_get_irq()``); registering a
:class:`platform_driver` binds it to the registered devices of the same name and calls ``probe``;
unregistering the driver or the device calls ``remove`` and then releases every managed resource
(``devres_release_all()``), which frees devm-requested IRQs. A failed probe releases them too.
# SIMPLIFICATION: no buses, no deferred probing, no sysfs device tree; binding is by name only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from irqlab.errno import ENXIO
from irqlab.kernel.container import Struct
from irqlab.kernel.core import kernel
from irqlab.kernel.irq.devres import devres_release_all

PLATFORM_DEVID_NONE = -1
PLATFORM_DEVID_AUTO = -2


class bus_type:
    """struct bus_type: its name is what dev_printk shows for an unbound device."""

    def __init__(self, name: str) -> None:
        self.name = name


platform_bus_type = bus_type("platform")


class device(Struct):
    """struct device: a name, the bound driver, driver data and the managed-resource list."""

    def __init__(self, init_name: str = "") -> None:
        self.init_name = init_name
        self.bus: bus_type | None = None
        self.driver: Any = None
        self.driver_data: Any = None
        self.parent: device | None = None
        self.devres_head: list[Any] = []

    @property
    def name(self) -> str:
        return self.init_name

    def __repr__(self) -> str:
        return f"<device {self.name}>"


class platform_device(device):
    """struct platform_device: name, id and its interrupt resources (Linux irq numbers)."""

    def __init__(self, name: str, id: int = PLATFORM_DEVID_NONE, irqs: list[int] | None = None) -> None:
        super().__init__(name if id == PLATFORM_DEVID_NONE else f"{name}.{id}")
        self.bus = platform_bus_type
        self.pdev_name = name
        self.id = id
        self.irqs = list(irqs or [])
        self.registered = False

    @property
    def dev(self) -> platform_device:
        """&pdev->dev (the platform device is its own struct device here)."""
        return self


class device_driver:
    """struct device_driver: the driver's name."""

    def __init__(self, name: str) -> None:
        self.name = name


class platform_driver:
    """struct platform_driver: ``probe(pdev)`` -> 0 or -errno, ``remove(pdev)``."""

    def __init__(self, name: str, probe: Callable[[platform_device], int],
                 remove: Callable[[platform_device], Any] | None = None) -> None:  # fmt: skip
        self.driver = device_driver(name)
        self.probe = probe
        self.remove = remove
        self.bound: list[platform_device] = []


def _state() -> dict[str, Any]:
    k = kernel()
    st = k.subsys.get("platform")
    if st is None:
        st = k.subsys["platform"] = {"devices": [], "drivers": []}
    return st  # type: ignore[no-any-return]


def _really_probe(drv: platform_driver, pdev: platform_device) -> int:
    from irqlab.kernel.printk import KERN_WARNING, vprintk

    pdev.driver = drv.driver
    ret = int(drv.probe(pdev) or 0)
    if ret:
        devres_release_all(pdev)
        pdev.driver = None
        if ret != -ENXIO and ret != -19:
            vprintk(kernel(), KERN_WARNING + "%s: probe of %s failed with error %d\n",
                    (drv.driver.name, pdev.name, ret))  # fmt: skip
        return ret
    drv.bound.append(pdev)
    return 0


def _unbind(drv: platform_driver, pdev: platform_device) -> None:
    if drv.remove is not None:
        drv.remove(pdev)
    devres_release_all(pdev)
    pdev.driver = None
    drv.bound.remove(pdev)


def platform_device_register(pdev: platform_device) -> int:
    """Add ``pdev``; a registered driver of the same name probes it. Returns 0. May sleep."""
    st = _state()
    st["devices"].append(pdev)
    pdev.registered = True
    for drv in st["drivers"]:
        if drv.driver.name == pdev.pdev_name and pdev.driver is None:
            _really_probe(drv, pdev)
    return 0


def platform_device_unregister(pdev: platform_device) -> None:
    """Remove ``pdev``: its driver's remove() runs, then its managed resources are released. May sleep."""
    st = _state()
    for drv in st["drivers"]:
        if pdev in drv.bound:
            _unbind(drv, pdev)
    if pdev in st["devices"]:
        st["devices"].remove(pdev)
    pdev.registered = False


def platform_driver_register(drv: platform_driver) -> int:
    """Register ``drv`` and probe every registered device of its name. Returns 0. May sleep."""
    st = _state()
    st["drivers"].append(drv)
    for pdev in list(st["devices"]):
        if pdev.pdev_name == drv.driver.name and pdev.driver is None:
            _really_probe(drv, pdev)
    return 0


def platform_driver_unregister(drv: platform_driver) -> None:
    """Unbind ``drv`` from its devices (remove + managed resources released) and unregister it. May sleep."""
    st = _state()
    for pdev in list(drv.bound):
        _unbind(drv, pdev)
    if drv in st["drivers"]:
        st["drivers"].remove(drv)


def platform_get_irq_optional(pdev: platform_device, num: int) -> int:
    """The Linux irq of interrupt resource ``num``, or -ENXIO."""
    if 0 <= num < len(pdev.irqs) and pdev.irqs[num] > 0:
        return pdev.irqs[num]
    return -ENXIO


def platform_get_irq(pdev: platform_device, num: int) -> int:
    """platform_get_irq_optional(), printing "IRQ index %u not found" on failure."""
    from irqlab.kernel.printk import dev_err

    ret = platform_get_irq_optional(pdev, num)
    if ret < 0:
        dev_err(pdev, "IRQ index %u not found\n", num)
    return ret


def platform_irq_count(pdev: platform_device) -> int:
    return len(pdev.irqs)


def platform_set_drvdata(pdev: platform_device, data: Any) -> None:
    pdev.driver_data = data


def platform_get_drvdata(pdev: platform_device) -> Any:
    return pdev.driver_data


def dev_get_drvdata(dev: device) -> Any:
    return dev.driver_data


def dev_set_drvdata(dev: device, data: Any) -> None:
    dev.driver_data = data


__all__ = [
    "PLATFORM_DEVID_NONE",
    "PLATFORM_DEVID_AUTO",
    "device",
    "platform_device",
    "platform_driver",
    "platform_device_register",
    "platform_device_unregister",
    "platform_driver_register",
    "platform_driver_unregister",
    "platform_get_irq",
    "platform_get_irq_optional",
    "platform_irq_count",
    "platform_set_drvdata",
    "platform_get_drvdata",
    "dev_get_drvdata",
    "dev_set_drvdata",
]
