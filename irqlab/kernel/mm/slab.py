"""kmalloc and slab caches with GFP checks. Mirrors mm/slub.c, include/linux/slab.h and gfp_types.h.

Allocations return Python objects: ``kzalloc(MyStruct, GFP_KERNEL)`` returns
``MyStruct()``, ``kmalloc(64, GFP_ATOMIC)`` a zeroed ``bytearray(64)``. A blocking
allocation (GFP_KERNEL) in atomic context gives the might_sleep() splat, as
``might_alloc()`` does. GFP_ATOMIC allocations fail at the rate set with
``m.fail_atomic_allocations(rate)`` (or ``boot(..., gfp_atomic_fail_rate=...)``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from irqlab.kernel.core import kernel
from irqlab.kernel.printk import KERN_ERR, KERN_WARNING, vprintk
from irqlab.kernel.sched.current import might_sleep_at

___GFP_DMA = 0x01
___GFP_HIGHMEM = 0x02
___GFP_DMA32 = 0x04
___GFP_MOVABLE = 0x08
___GFP_RECLAIMABLE = 0x10
___GFP_HIGH = 0x20
___GFP_IO = 0x40
___GFP_FS = 0x80
___GFP_ZERO = 0x100
___GFP_DIRECT_RECLAIM = 0x400
___GFP_KSWAPD_RECLAIM = 0x800
___GFP_NOWARN = 0x2000
___GFP_NOFAIL = 0x8000
___GFP_NORETRY = 0x10000

__GFP_DMA = ___GFP_DMA
__GFP_HIGH = ___GFP_HIGH
__GFP_IO = ___GFP_IO
__GFP_FS = ___GFP_FS
__GFP_ZERO = ___GFP_ZERO
__GFP_DIRECT_RECLAIM = ___GFP_DIRECT_RECLAIM
__GFP_KSWAPD_RECLAIM = ___GFP_KSWAPD_RECLAIM
__GFP_RECLAIM = ___GFP_DIRECT_RECLAIM | ___GFP_KSWAPD_RECLAIM
__GFP_NOWARN = ___GFP_NOWARN
__GFP_NOFAIL = ___GFP_NOFAIL
__GFP_NORETRY = ___GFP_NORETRY

GFP_ATOMIC = __GFP_HIGH | __GFP_KSWAPD_RECLAIM
GFP_KERNEL = __GFP_RECLAIM | __GFP_IO | __GFP_FS
GFP_NOWAIT = __GFP_KSWAPD_RECLAIM | __GFP_NOWARN
GFP_NOIO = __GFP_RECLAIM
GFP_NOFS = __GFP_RECLAIM | __GFP_IO
GFP_USER = __GFP_RECLAIM | __GFP_IO | __GFP_FS
GFP_DMA = __GFP_DMA

# Slab cache flags (6.12: bits of enum _slab_flag_bits, include/linux/slab.h).
SLAB_HWCACHE_ALIGN = 1 << 4  # align objects on a cache line

_GFP_NAMES = {GFP_KERNEL: "GFP_KERNEL", GFP_ATOMIC: "GFP_ATOMIC", GFP_NOWAIT: "GFP_NOWAIT", GFP_NOIO: "GFP_NOIO",
              GFP_NOFS: "GFP_NOFS"}  # fmt: skip


def gfp_name(flags: int) -> str:
    """The %pGg rendering of a gfp mask, e.g. 'GFP_ATOMIC|__GFP_ZERO'."""
    base = flags & ~(__GFP_ZERO | __GFP_NOWARN)
    name = _GFP_NAMES.get(base, f"{base:#x}")
    if flags & __GFP_ZERO:
        name += "|__GFP_ZERO"
    if flags & __GFP_NOWARN:
        name += "|__GFP_NOWARN"
    return name


def gfpflags_allow_blocking(flags: int) -> bool:
    return bool(flags & __GFP_DIRECT_RECLAIM)


# SIMPLIFICATION: allocations are Python objects; only GFP context checks and injected failures are modelled.
def _make(size_or_type: Any) -> Any:
    if isinstance(size_or_type, type):
        return size_or_type()
    if callable(size_or_type) and not isinstance(size_or_type, int):
        return size_or_type()
    n = int(size_or_type)
    if n < 0:
        raise ValueError(f"kmalloc(): negative size {n}")
    return bytearray(n)


def _alloc(size_or_type: Any, flags: int, what: str) -> Any:
    k = kernel()
    if k.cpu is not None and gfpflags_allow_blocking(flags):
        might_sleep_at(k, "include/linux/sched/mm.h", 337)
    if not gfpflags_allow_blocking(flags) and k.gfp_atomic_fail_rate and k.engine.stream("failslab").random() < k.gfp_atomic_fail_rate:
        k.stats["gfp_atomic_failures"] = k.stats.get("gfp_atomic_failures", 0) + 1
        if not flags & __GFP_NOWARN:
            comm = k.cpu.curr.comm if k.cpu is not None else "swapper/0"
            vprintk(k, KERN_WARNING + "%s: page allocation failure: order:0, mode:%#x(%s), nodemask=(null)\n",
                    (comm, flags, gfp_name(flags)))  # fmt: skip
        return None
    return _make(size_or_type)


def kmalloc(size: Any, flags: int) -> Any:
    """Allocate ``size`` bytes (or an instance of a struct type); None on failure."""
    return _alloc(size, flags, "kmalloc")


def kzalloc(size: Any, flags: int) -> Any:
    """kmalloc() with __GFP_ZERO (Python objects start zeroed anyway)."""
    return _alloc(size, flags | __GFP_ZERO, "kzalloc")


def kcalloc(n: int, size: Any, flags: int) -> Any:
    if isinstance(size, type):
        obj = _alloc(size, flags, "kcalloc")
        return None if obj is None else [size() for _ in range(n)]
    return _alloc(int(n) * int(size), flags, "kcalloc")


kmalloc_array = kcalloc


def kfree(obj: Any) -> None:
    """Free an allocation (a no-op: the garbage collector owns Python memory)."""
    return None


kvfree = kfree
kvmalloc = kmalloc
kvzalloc = kzalloc


class kmem_cache:
    """struct kmem_cache: a named cache of same-size objects."""

    def __init__(self, name: str, size: Any, align: int, flags: int, ctor: Callable[[Any], None] | None) -> None:
        self.name = name
        self.size = size
        self.align = align
        self.flags = flags
        self.ctor = ctor
        self.active = 0


def kmem_cache_create(name: str, size: Any, align: int = 0, flags: int = 0,
                      ctor: Callable[[Any], None] | None = None) -> kmem_cache:  # fmt: skip
    """Create a slab cache. May sleep."""
    k = kernel()
    if k.cpu is not None:
        might_sleep_at(k, "mm/slab_common.c", 323)
    return kmem_cache(name, size, align, flags, ctor)


def kmem_cache_alloc(cache: kmem_cache, flags: int) -> Any:
    obj = _alloc(cache.size, flags, "kmem_cache_alloc")
    if obj is not None:
        cache.active += 1
        if cache.ctor is not None:
            cache.ctor(obj)
    return obj


def kmem_cache_zalloc(cache: kmem_cache, flags: int) -> Any:
    return kmem_cache_alloc(cache, flags | __GFP_ZERO)


def kmem_cache_free(cache: kmem_cache, obj: Any) -> None:
    if obj is not None:
        cache.active -= 1


def kmem_cache_destroy(cache: kmem_cache | None) -> None:
    if cache is None:
        return
    if cache.active:
        vprintk(kernel(), KERN_ERR + "kmem_cache_destroy %s: Slab cache still has objects when called from %pS\n",
                (cache.name, kmem_cache_destroy))  # fmt: skip


__all__ = [
    "GFP_ATOMIC",
    "GFP_KERNEL",
    "GFP_NOWAIT",
    "GFP_NOIO",
    "GFP_NOFS",
    "GFP_USER",
    "GFP_DMA",
    "__GFP_ZERO",
    "__GFP_NOWARN",
    "__GFP_NOFAIL",
    "__GFP_HIGH",
    "SLAB_HWCACHE_ALIGN",
    "gfpflags_allow_blocking",
    "kmalloc",
    "kzalloc",
    "kcalloc",
    "kmalloc_array",
    "kfree",
    "kvfree",
    "kvmalloc",
    "kvzalloc",
    "kmem_cache",
    "kmem_cache_create",
    "kmem_cache_alloc",
    "kmem_cache_zalloc",
    "kmem_cache_free",
    "kmem_cache_destroy",
]
