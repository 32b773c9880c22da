"""Mirrors drivers/base/platform.c and the devres part of drivers/base/dd.c, reduced to what devm_* needs.

A :class:`platform_device` carries its IRQs as resources (``platform_get_irq()``); registering a
:class:`platform_driver` binds it to the registered devices of the same name and calls ``probe``;
unregistering the driver or the device calls ``remove`` and then releases every managed resource
(``devres_release_all()``), which frees devm-requested IRQs. A failed probe releases them too.
# SIMPLIFICATION: no buses, no deferred probing, no sysfs device tree; binding is by device-tree
# "compatible" string (of_match_table) or by name, without id tables or match priorities.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from irqlab.errno import ENODEV, ENXIO, EPROBE_DEFER
from irqlab.kernel.container import Struct
from irqlab.kernel.core import kernel
from irqlab.kernel.irq.chip import irq_get_irq_data
from irqlab.kernel.irq.devres import devres_add_action, devres_release_all
from irqlab.kernel.irq.types import irqd_get_trigger_type
from irqlab.kernel.mm.slab import __GFP_ZERO, kmalloc
from irqlab.kernel.printk import dev_err

PLATFORM_DEVID_NONE = -1
PLATFORM_DEVID_AUTO = -2

# include/linux/ioport.h: resource types (IORESOURCE_TYPE_BITS) and, for IRQs, the trigger bits.
IORESOURCE_BITS = 0x000000FF
IORESOURCE_TYPE_BITS = 0x00001F00
IORESOURCE_IO = 0x00000100
IORESOURCE_MEM = 0x00000200
IORESOURCE_REG = 0x00000300
IORESOURCE_IRQ = 0x00000400
IORESOURCE_DMA = 0x00000800
IORESOURCE_BUS = 0x00001000


class resource:
    """struct resource: [start, end], a name and IORESOURCE_* flags."""

    def __init__(self, start: int, end: int, flags: int, name: str | None = None) -> None:
        self.start = start
        self.end = end
        self.flags = flags
        self.name = name

    def __repr__(self) -> str:
        return f"<resource {self.name} [{self.start:#x}-{self.end:#x}] flags {self.flags:#x}>"


def resource_type(res: resource) -> int:
    return res.flags & IORESOURCE_TYPE_BITS


def resource_size(res: resource) -> int:
    return res.end - res.start + 1


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

    def __init__(self, name: str, id: int = PLATFORM_DEVID_NONE, irqs: list[int] | None = None,
                 resources: list[resource] | None = None, compatible: str | None = None) -> None:  # fmt: skip
        super().__init__(name if id == PLATFORM_DEVID_NONE else f"{name}.{id}")
        self.bus = platform_bus_type
        self.pdev_name = name
        #: The device-tree node's "compatible" string (matched against a driver's of_match_table).
        self.compatible = compatible
        self.id = id
        self.irqs = list(irqs or [])
        #: Non-IRQ resources (IORESOURCE_MEM, ...); the IRQ resources are made from ``irqs``.
        self.resource = list(resources or [])
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
    """struct platform_driver: ``probe(pdev)`` -> 0 or -errno, ``remove(pdev)``; ``of_match_table`` lists the
    "compatible" strings it binds to (besides devices of its own name)."""

    def __init__(self, name: str, probe: Callable[[platform_device], int],
                 remove: Callable[[platform_device], Any] | None = None,
                 of_match_table: list[str] | None = None) -> None:  # fmt: skip
        self.driver = device_driver(name)
        self.probe = probe
        self.remove = remove
        self.of_match_table = list(of_match_table or [])
        self.bound: list[platform_device] = []


def platform_match(pdev: platform_device, drv: platform_driver) -> bool:
    """platform_match(): a device-tree compatible in the driver's of_match_table, else the same name."""
    if pdev.compatible is not None and pdev.compatible in drv.of_match_table:
        return True
    return pdev.pdev_name == drv.driver.name


def _state() -> dict[str, Any]:
    k = kernel()
    st = k.subsys.get("platform")
    if st is None:
        st = k.subsys["platform"] = {"devices": [], "drivers": []}
    return st  # type: ignore[no-any-return]


def _really_probe(drv: platform_driver, pdev: platform_device) -> int:
    pdev.driver = drv.driver
    ret = int(drv.probe(pdev) or 0)
    if ret:
        # drivers/base/dd.c call_driver_probe() (6.9+): -EPROBE_DEFER, -ENODEV and -ENXIO are dev_dbg()
        # only; any other error is dev_err()'d while dev->driver is still set, before devres is released.
        if ret not in (-EPROBE_DEFER, -ENODEV, -ENXIO):
            dev_err(pdev, "probe with driver %s failed with error %d\n", drv.driver.name, ret)
        devres_release_all(pdev)
        pdev.driver = None
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
        if platform_match(pdev, drv) and pdev.driver is None:
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
        if platform_match(pdev, drv) and pdev.driver is None:
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
    ret = platform_get_irq_optional(pdev, num)
    if ret < 0:
        dev_err(pdev, "IRQ index %u not found\n", num)
    return ret


def platform_get_resource(pdev: platform_device, type: int, num: int) -> resource | None:
    """Resource ``num`` of ``type`` (IORESOURCE_MEM, IORESOURCE_IRQ, ...), or None. Any context.

    An IRQ resource is [irq, irq] with IORESOURCE_IRQ and the line's trigger type in the low bits, as
    of_irq_to_resource() fills it for a device-tree device.
    """
    # SIMPLIFICATION: IRQ resources are built at each call, with the line's current trigger type
    # (of_irq_to_resource() fills them once, when the device is created).
    res = list(pdev.resource)
    for irq in pdev.irqs:
        d = irq_get_irq_data(irq) if irq > 0 else None
        trigger = irqd_get_trigger_type(d) if d is not None else 0
        res.append(resource(irq, irq, IORESOURCE_IRQ | (trigger & IORESOURCE_BITS), pdev.name))
    for r in res:
        if resource_type(r) == type:
            if num == 0:
                return r
            num -= 1
    return None


def platform_irq_count(pdev: platform_device) -> int:
    return len(pdev.irqs)


def devm_kmalloc(dev: device, size: Any, gfp: int) -> Any:
    """kmalloc() owned by ``dev``: released with its other managed resources. May sleep with GFP_KERNEL."""
    obj = kmalloc(size, gfp)
    if obj is not None:
        devres_add_action(dev, lambda: None, "devm_kmalloc_release")
    return obj


def devm_kzalloc(dev: device, size: Any, gfp: int) -> Any:
    """devm_kmalloc() with __GFP_ZERO (Python objects start zeroed). May sleep with GFP_KERNEL."""
    return devm_kmalloc(dev, size, gfp | __GFP_ZERO)


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
    "IORESOURCE_BITS",
    "IORESOURCE_TYPE_BITS",
    "IORESOURCE_IO",
    "IORESOURCE_MEM",
    "IORESOURCE_REG",
    "IORESOURCE_IRQ",
    "IORESOURCE_DMA",
    "IORESOURCE_BUS",
    "resource",
    "resource_type",
    "resource_size",
    "platform_get_resource",
    "device",
    "platform_device",
    "platform_driver",
    "platform_match",
    "platform_device_register",
    "platform_device_unregister",
    "platform_driver_register",
    "platform_driver_unregister",
    "platform_get_irq",
    "platform_get_irq_optional",
    "platform_irq_count",
    "devm_kmalloc",
    "devm_kzalloc",
    "platform_set_drvdata",
    "platform_get_drvdata",
    "dev_get_drvdata",
    "dev_set_drvdata",
]
