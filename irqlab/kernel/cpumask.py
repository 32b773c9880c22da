"""Mirrors include/linux/cpumask.h: struct cpumask and the calls drivers use to build one.

The rest of irqlab passes CPU masks as plain integers (bit n = CPU n); a :class:`cpumask` is the
mutable struct a driver fills with ``cpumask_clear()``/``cpumask_set_cpu()`` and hands to
``irq_set_affinity(irq, &mask)``. It converts to that integer (``int(mask)``) and iterates over
its set CPUs, so it is accepted wherever a mask is.
"""

from __future__ import annotations

from collections.abc import Iterator

from irqlab.kernel.core import kernel


class cpumask:
    """struct cpumask: a bitmap of CPUs."""

    __slots__ = ("bits",)

    def __init__(self, bits: int = 0) -> None:
        self.bits = int(bits)

    def __index__(self) -> int:
        return self.bits

    __int__ = __index__

    def __iter__(self) -> Iterator[int]:
        b, cpu = self.bits, 0
        while b:
            if b & 1:
                yield cpu
            b >>= 1
            cpu += 1

    def __format__(self, spec: str) -> str:
        return format(self.bits, spec)

    def __and__(self, other: int) -> int:
        return self.bits & int(other)

    def __or__(self, other: int) -> int:
        return self.bits | int(other)

    __rand__ = __and__
    __ror__ = __or__

    def __eq__(self, other: object) -> bool:
        if isinstance(other, cpumask):
            return self.bits == other.bits
        if isinstance(other, int):
            return self.bits == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.bits)

    def __repr__(self) -> str:
        return f"<cpumask {','.join(map(str, self)) or 'empty'}>"


def cpumask_clear(dstp: cpumask) -> None:
    """Clear every CPU in ``dstp``. Any context."""
    dstp.bits = 0


def cpumask_setall(dstp: cpumask) -> None:
    """Set every possible CPU in ``dstp``. Any context."""
    dstp.bits = (1 << len(kernel().cpus)) - 1


def cpumask_set_cpu(cpu: int, dstp: cpumask) -> None:
    """Set ``cpu`` in ``dstp``. Any context."""
    dstp.bits |= 1 << cpu


def cpumask_clear_cpu(cpu: int, dstp: cpumask) -> None:
    """Clear ``cpu`` in ``dstp``. Any context."""
    dstp.bits &= ~(1 << cpu)


def cpumask_test_cpu(cpu: int, cpumask_: cpumask) -> bool:
    """True if ``cpu`` is set in the mask. Any context."""
    return bool(int(cpumask_) >> cpu & 1)


def cpumask_weight(srcp: cpumask) -> int:
    """The number of CPUs set. Any context."""
    return int(srcp).bit_count()


def cpumask_first(srcp: cpumask) -> int:
    """The lowest CPU set, or nr_cpu_ids if none. Any context."""
    b = int(srcp)
    return (b & -b).bit_length() - 1 if b else len(kernel().cpus)


def cpumask_copy(dstp: cpumask, srcp: cpumask) -> None:
    """``*dstp = *srcp``. Any context."""
    dstp.bits = int(srcp)


def cpumask_of(cpu: int) -> cpumask:
    """The constant mask of one CPU. Any context."""
    return cpumask(1 << cpu)


__all__ = ["cpumask", "cpumask_clear", "cpumask_setall", "cpumask_set_cpu", "cpumask_clear_cpu", "cpumask_test_cpu",
           "cpumask_weight", "cpumask_first", "cpumask_copy", "cpumask_of"]  # fmt: skip
