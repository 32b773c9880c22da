"""MMIO accessors: ioremap, readl/writel and friends. Mirrors include/asm-generic/io.h.

``ioremap`` of a device's register block returns an ``__iomem`` base; ``base + OFFSET``
is an address; ``readl(addr)``/``writel(val, addr)`` reach the hardware model and charge
the board's ``mmio_read``/``mmio_write`` cost on the calling CPU (a read of a device
behind PCIe, as RP1 on the Pi 5, costs about a microsecond).
"""

from __future__ import annotations

from typing import Any, Protocol

from irqlab.kernel.core import on_cpu
from irqlab.kernel.cpu import burn


class RegisterSpace(Protocol):
    def readl(self, offset: int) -> int: ...

    def writel(self, offset: int, value: int) -> None: ...


class iomem_addr:
    """An address inside an ioremap()ed window."""

    __slots__ = ("block", "offset")

    def __init__(self, block: RegisterSpace, offset: int) -> None:
        self.block = block
        self.offset = offset

    def __add__(self, off: int) -> iomem_addr:
        return iomem_addr(self.block, self.offset + int(off))

    __radd__ = __add__

    def __repr__(self) -> str:
        return f"<__iomem {getattr(self.block, 'name', self.block)}+{self.offset:#x}>"


def ioremap(block: RegisterSpace, size: int = 0) -> iomem_addr:
    """Map a device's register block; returns its base address."""
    return iomem_addr(block, 0)


devm_ioremap = lambda dev, block, size=0: ioremap(block, size)  # noqa: E731


def iounmap(addr: iomem_addr) -> None:
    return None


def _charge(block: object, attr: str, key: str) -> None:
    k = on_cpu()
    ns = getattr(block, attr, None)
    if ns is None:
        ns = k.costs.get(key, 0)
    if ns:
        burn(k, ns, False)


def readl(addr: iomem_addr) -> int:
    """Read a 32-bit register (charges the block's read_cost, else the board's mmio_read)."""
    _charge(addr.block, "read_cost", "mmio_read")
    return addr.block.readl(addr.offset) & 0xFFFFFFFF


def writel(value: int, addr: iomem_addr) -> None:
    """Write a 32-bit register (charges the block's write_cost, else the board's mmio_write)."""
    _charge(addr.block, "write_cost", "mmio_write")
    addr.block.writel(addr.offset, int(value) & 0xFFFFFFFF)


readl_relaxed = readl
writel_relaxed = writel
ioread32 = readl


def iowrite32(value: int, addr: iomem_addr) -> None:
    writel(value, addr)


def readb(addr: iomem_addr) -> int:
    return readl(addr) & 0xFF


def writeb(value: int, addr: iomem_addr) -> None:
    writel(value & 0xFF, addr)


def readw(addr: iomem_addr) -> int:
    return readl(addr) & 0xFFFF


def writew(value: int, addr: iomem_addr) -> None:
    writel(value & 0xFFFF, addr)


def inb(port: Any) -> int:
    """x86 port I/O, modelled as MMIO on the port's register block."""
    return readb(port)


def outb(value: int, port: Any) -> None:
    writeb(value, port)


__all__ = ["iomem_addr", "ioremap", "devm_ioremap", "iounmap", "readl", "writel", "readl_relaxed", "writel_relaxed",
           "ioread32", "iowrite32", "readb", "writeb", "readw", "writew", "inb", "outb"]  # fmt: skip
