"""Mirrors kernel/irq/devres.c (and the part of drivers/base/devres.c it relies on).

A device keeps a list of managed resources (``dev.devres_head``); ``devm_request_*irq()`` adds one
whose release frees the IRQ. ``devres_release_all()`` (run when the device is removed or its probe
fails) releases them in reverse order. :mod:`irqlab.drivers.base.platform` provides the device.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from irqlab.errno import ENOENT
from irqlab.kernel.core import kernel
from irqlab.kernel.irq.irqdesc_alloc import irq_alloc_descs, irq_free_descs
from irqlab.kernel.irq.manage import free_irq, request_any_context_irq, request_threaded_irq
from irqlab.kernel.irq.types import IrqHandler
from irqlab.kernel.printk import dev_name


class devres:
    """One managed resource: a release callback, a name and match data."""

    __slots__ = ("release", "name", "data")

    def __init__(self, release: Callable[[], object], name: str, data: Any = None) -> None:
        self.release = release
        self.name = name
        self.data = data

    def __repr__(self) -> str:
        return f"<devres {self.name} {self.data!r}>"


def _head(dev: Any) -> list[devres]:
    head = getattr(dev, "devres_head", None)
    if head is None:
        raise TypeError(
            f"{dev!r} is not a device with managed resources: use irqlab.drivers.base.platform.device "
            "(or give the object a 'devres_head' list)"
        )
    return head  # type: ignore[no-any-return]


def devres_add(dev: Any, dr: devres) -> None:
    """Register ``dr`` with ``dev``."""
    _head(dev).append(dr)


def devres_add_action(dev: Any, release: Callable[[], object], name: str = "devm_add_action") -> int:
    """devm_add_action(): run ``release()`` when ``dev`` goes away. Returns 0."""
    devres_add(dev, devres(release, name))
    return 0


def devres_release_all(dev: Any) -> int:
    """Release every managed resource of ``dev``, newest first; returns how many were released."""
    head = getattr(dev, "devres_head", None)
    if not head:
        return 0
    n = 0
    while head:
        dr = head.pop()
        dr.release()
        n += 1
    return n


def _devres_destroy(dev: Any, name: str, match: Callable[[devres], bool]) -> int:
    head = _head(dev)
    for i in range(len(head) - 1, -1, -1):
        if head[i].name == name and match(head[i]):
            del head[i]
            return 0
    return -ENOENT


def devm_request_threaded_irq(dev: Any, irq: int, handler: IrqHandler | None, thread_fn: IrqHandler | None,
                              irqflags: int, devname: str | None, dev_id: Any) -> int:  # fmt: skip
    """request_threaded_irq() freed automatically when ``dev`` is removed (devname None: dev_name(dev))."""
    if devname is None:
        devname = dev_name(dev)
    rc = request_threaded_irq(irq, handler, thread_fn, irqflags, devname, dev_id)
    if rc:
        return rc
    devres_add(dev, devres(lambda: free_irq(irq, dev_id), "devm_irq_release", (irq, dev_id)))
    return 0


def devm_request_irq(dev: Any, irq: int, handler: IrqHandler, irqflags: int, devname: str | None,
                     dev_id: Any) -> int:  # fmt: skip
    """request_irq() freed automatically when ``dev`` is removed."""
    return devm_request_threaded_irq(dev, irq, handler, None, irqflags, devname, dev_id)


def devm_request_any_context_irq(dev: Any, irq: int, handler: IrqHandler, irqflags: int, devname: str | None,
                                 dev_id: Any) -> int:  # fmt: skip
    """request_any_context_irq() freed automatically; returns IRQC_IS_HARDIRQ/IRQC_IS_NESTED or -errno."""
    if devname is None:
        devname = dev_name(dev)
    rc = request_any_context_irq(irq, handler, irqflags, devname, dev_id)
    if rc < 0:
        return rc
    devres_add(dev, devres(lambda: free_irq(irq, dev_id), "devm_irq_release", (irq, dev_id)))
    return rc


def devm_free_irq(dev: Any, irq: int, dev_id: Any) -> None:
    """Free an IRQ requested with devm_request_*irq() before the device goes away."""
    k = kernel()
    if _devres_destroy(dev, "devm_irq_release", lambda dr: dr.data == (irq, dev_id)):
        k.bugs.warn("kernel/irq/devres.c", 151, None)
    free_irq(irq, dev_id)


def devm_irq_alloc_descs(dev: Any, irq: int, from_: int, cnt: int, node: int = -1) -> int:
    """irq_alloc_descs() freed with ``dev``; the first irq or a negative errno."""
    base = irq_alloc_descs(irq, from_, cnt, node)
    if base < 0:
        return base
    devres_add(dev, devres(lambda: irq_free_descs(base, cnt), "devm_irq_desc_release", (base, cnt)))
    return base


__all__ = [
    "devm_request_threaded_irq",
    "devm_request_irq",
    "devm_request_any_context_irq",
    "devm_free_irq",
    "devm_irq_alloc_descs",
    "devres_add_action",
    "devres_release_all",
]
