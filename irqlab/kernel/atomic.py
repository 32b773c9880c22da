"""atomic_t and bit operations. Mirrors include/linux/atomic.h and include/linux/bitops.h.

Simulated CPUs interleave only at points where time passes, so every operation here
is atomic by construction; the types exist so driver code reads like C.
"""

from __future__ import annotations


class atomic_t:
    """atomic_t / atomic64_t / atomic_long_t."""

    __slots__ = ("counter",)

    def __init__(self, i: int = 0) -> None:
        self.counter = i

    def __repr__(self) -> str:
        return f"atomic_t({self.counter})"


atomic64_t = atomic_t
atomic_long_t = atomic_t


def ATOMIC_INIT(i: int) -> atomic_t:
    return atomic_t(i)


def atomic_read(v: atomic_t) -> int:
    return v.counter


def atomic_set(v: atomic_t, i: int) -> None:
    v.counter = i


def atomic_add(i: int, v: atomic_t) -> None:
    v.counter += i


def atomic_sub(i: int, v: atomic_t) -> None:
    v.counter -= i


def atomic_inc(v: atomic_t) -> None:
    v.counter += 1


def atomic_dec(v: atomic_t) -> None:
    v.counter -= 1


def atomic_add_return(i: int, v: atomic_t) -> int:
    v.counter += i
    return v.counter


def atomic_sub_return(i: int, v: atomic_t) -> int:
    v.counter -= i
    return v.counter


def atomic_inc_return(v: atomic_t) -> int:
    v.counter += 1
    return v.counter


def atomic_dec_return(v: atomic_t) -> int:
    v.counter -= 1
    return v.counter


def atomic_fetch_add(i: int, v: atomic_t) -> int:
    old = v.counter
    v.counter += i
    return old


def atomic_dec_and_test(v: atomic_t) -> bool:
    v.counter -= 1
    return v.counter == 0


def atomic_inc_and_test(v: atomic_t) -> bool:
    v.counter += 1
    return v.counter == 0


def atomic_sub_and_test(i: int, v: atomic_t) -> bool:
    v.counter -= i
    return v.counter == 0


def atomic_xchg(v: atomic_t, new: int) -> int:
    old = v.counter
    v.counter = new
    return old


def atomic_cmpxchg(v: atomic_t, old: int, new: int) -> int:
    cur = v.counter
    if cur == old:
        v.counter = new
    return cur


def atomic_add_unless(v: atomic_t, a: int, u: int) -> bool:
    if v.counter == u:
        return False
    v.counter += a
    return True


def atomic_inc_not_zero(v: atomic_t) -> bool:
    return atomic_add_unless(v, 1, 0)


atomic64_read = atomic_long_read = atomic_read
atomic64_set = atomic_long_set = atomic_set
atomic64_add = atomic_long_add = atomic_add
atomic64_inc = atomic_long_inc = atomic_inc
atomic64_dec = atomic_long_dec = atomic_dec
atomic64_inc_return = atomic_long_inc_return = atomic_inc_return


class bitmap:
    """An unsigned long (or DECLARE_BITMAP array) whose bits the bitops change in place."""

    __slots__ = ("value", "nbits")

    def __init__(self, nbits: int = 64, value: int = 0) -> None:
        self.nbits = nbits
        self.value = value

    def __int__(self) -> int:
        return self.value

    def __repr__(self) -> str:
        return f"bitmap({self.value:#x})"

    def __iter__(self):  # type: ignore[no-untyped-def]
        v = self.value
        i = 0
        while v:
            if v & 1:
                yield i
            v >>= 1
            i += 1


def DECLARE_BITMAP(nbits: int) -> bitmap:
    return bitmap(nbits)


def BIT(nr: int) -> int:
    return 1 << nr


def set_bit(nr: int, addr: bitmap) -> None:
    addr.value |= 1 << nr


def clear_bit(nr: int, addr: bitmap) -> None:
    addr.value &= ~(1 << nr)


def change_bit(nr: int, addr: bitmap) -> None:
    addr.value ^= 1 << nr


def test_bit(nr: int, addr: bitmap | int) -> bool:
    v = addr.value if isinstance(addr, bitmap) else int(addr)
    return bool(v >> nr & 1)


def test_and_set_bit(nr: int, addr: bitmap) -> bool:
    old = bool(addr.value >> nr & 1)
    addr.value |= 1 << nr
    return old


def test_and_clear_bit(nr: int, addr: bitmap) -> bool:
    old = bool(addr.value >> nr & 1)
    addr.value &= ~(1 << nr)
    return old


__set_bit = set_bit
__clear_bit = clear_bit


def bitmap_zero(addr: bitmap, nbits: int = 0) -> None:
    addr.value = 0


def find_first_bit(addr: bitmap, size: int) -> int:
    v = addr.value & ((1 << size) - 1)
    return (v & -v).bit_length() - 1 if v else size


def hweight_long(w: int) -> int:
    return bin(int(w)).count("1")


__all__ = [n for n in list(globals()) if not n.startswith("_") or n in ("__set_bit", "__clear_bit")]
__all__ = [n for n in __all__ if n not in ("annotations",)]
