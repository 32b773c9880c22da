"""C-style format strings with the kernel's extensions. Mirrors lib/vsprintf.c.

Supports the C conversions (``%d %i %u %x %X %o %c %s %%`` with flags, width,
precision and length modifiers) and the kernel's pointer extensions
``%p %pK %pS %ps %pF %pf %pB %pe %*pb %*pbl %pGg``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

_SPEC = re.compile(r"%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?(hh|h|ll|l|z|t|j|L|q)?([diouxXcsp%])")

#: Callables that render %pS-style symbols and %p pointers; set per kernel.
SymbolFn = Callable[[Any, bool], str]


def _default_symbol(obj: Any, offset: bool) -> str:
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None) or type(obj).__name__
    return f"{name}+0x0/0x0" if offset else str(name)


def cpumask_list(mask: int) -> str:
    """'%*pbl' of a bitmask: '0-3', '0,2', '' for empty."""
    out = []
    bit = 0
    while mask >> bit:
        if mask >> bit & 1:
            start = bit
            while mask >> (bit + 1) & 1:
                bit += 1
            out.append(str(start) if start == bit else f"{start}-{bit}")
        bit += 1
    return ",".join(out)


def cpumask_hex(mask: int, nbits: int) -> str:
    """'%*pb' of a bitmask: hex digits, comma every 32 bits as bitmap_print does."""
    ndigits = max(1, (nbits + 3) // 4)
    s = f"{mask:0{ndigits}x}"
    if ndigits > 8:
        chunks: list[str] = []
        while s:
            chunks.insert(0, s[-8:])
            s = s[:-8]
        s = ",".join(chunks)
    return s


def _to_mask(v: Any) -> int:
    if isinstance(v, int):
        return v
    mask = 0
    for bit in v:
        mask |= 1 << int(bit)
    return mask


def vsprintf(
    fmt: str,
    args: Sequence[Any],
    symbol: SymbolFn = _default_symbol,
    pointer: Callable[[Any], str] | None = None,
    errname: Callable[[int], str] | None = None,
) -> str:
    """Format ``fmt`` with ``args`` the way the kernel's vsnprintf would."""
    if "%" not in fmt:
        return fmt
    it = iter(args)
    out: list[str] = []
    pos = 0
    n = len(fmt)
    while pos < n:
        m = _SPEC.search(fmt, pos)
        if m is None:
            out.append(fmt[pos:])
            break
        out.append(fmt[pos : m.start()])
        flags, width, prec, length, conv = m.groups()
        pos = m.end()
        if conv == "%":
            out.append("%")
            continue
        w: int | None = None
        if width == "*":
            w = int(next(it))
        elif width:
            w = int(width)
        p: int | None = None
        if prec == "*":
            p = int(next(it))
        elif prec:
            p = int(prec)
        if conv == "p":
            ext = ""
            while pos < n and fmt[pos].isalpha():
                ext += fmt[pos]
                pos += 1
            arg = next(it)
            out.append(_pointer(ext, w, arg, symbol, pointer, errname))
            continue
        arg = next(it)
        left = "-" in flags  # C's '-' left-justifies (and overrides '0'); Python's '-' is a sign option
        lw = w
        if left:
            flags = flags.replace("-", "").replace("0", "")
            w = None
        spec = flags
        if w is not None:
            spec += str(w)
        if p is not None and conv == "s":
            spec += f".{p}"
        if conv in "di":
            out.append(format(int(arg), spec + "d"))
        elif conv in "uxXo":
            v = int(arg)
            if v < 0:
                bits = 64 if length in ("l", "ll", "z", "t", "j", "q") else 32
                v &= (1 << bits) - 1
            if p is not None:
                spec = spec.replace("0", "", 1) if spec.startswith("0") else spec
                digits = format(v, {"u": "d"}.get(conv, conv))
                digits = digits.rjust(p, "0")
                out.append(digits.rjust(w or 0))
            else:
                if "#" in spec and conv in "xX":
                    out.append(format(v, spec + conv) if v else "0".rjust(w or 0))
                else:
                    out.append(format(v, spec + {"u": "d"}.get(conv, conv)))
        elif conv == "c":
            out.append(format(chr(arg) if isinstance(arg, int) else str(arg), spec))
        else:  # s
            s = "(null)" if arg is None else str(arg)
            out.append(format(s, spec))
        if left and lw:
            out[-1] = out[-1].ljust(lw)
    return "".join(out)


def _pointer(
    ext: str,
    width: int | None,
    arg: Any,
    symbol: SymbolFn,
    pointer: Callable[[Any], str] | None,
    errname: Callable[[int], str] | None,
) -> str:
    if ext in ("S", "F", "B", "SR"):
        return symbol(arg, True)
    if ext in ("s", "f"):
        return symbol(arg, False)
    if ext.startswith("bl"):
        return cpumask_list(_to_mask(arg)) + ext[2:]
    if ext.startswith("b"):
        return cpumask_hex(_to_mask(arg), width if width is not None else 64) + ext[1:]
    if ext.startswith("e"):
        code = int(arg)
        if errname is not None:
            return errname(code) + ext[1:]
        return str(code) + ext[1:]
    if ext.startswith("Gg"):
        return str(arg) + ext[2:]
    if ext.startswith("K") or ext == "":
        return (pointer(arg) if pointer else "0000000000000000") + (ext[1:] if ext else "")
    # Unknown extensions print the pointer followed by the letters, as vsprintf would.
    return (pointer(arg) if pointer else "0000000000000000") + ext
