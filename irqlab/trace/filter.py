"""Event filters, as written to events/<system>/<event>/filter. Mirrors kernel/trace/trace_events_filter.c.

A filter is predicates ``field op value`` joined by ``&&`` and ``||`` with parentheses. Numeric
fields take ``== != < <= > >= &``; string fields (char arrays, __string, ``%ps`` symbols) take
``== != ~`` (``~`` is a glob: ``"eth*"``). Fields are the event's format fields and
``common_pid``/``common_flags``/``common_preempt_count``, compared as the kernel stores them
(``ret`` 0/1, ``prev_state`` the long, pointers as numbers).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable
from typing import Any

from irqlab.trace.events import EventDef, prev_state_value

Pred = Callable[[Any], bool]

_TOKEN = re.compile(r'\s*(?:(&&|\|\||==|!=|<=|>=|[<>~&()])|"([^"]*)"|\'([^\']*)\'|([^\s()&|=!<>~"\']+))')
_NUM_OPS = {"==", "!=", "<", "<=", ">", ">=", "&"}
_STR_OPS = {"==", "!=", "~"}


class FilterError(ValueError):
    """A filter the kernel would refuse with EINVAL."""


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise FilterError(f"cannot parse the filter at {text[pos:]!r}")
        pos = m.end()
        if m[1]:
            out.append(("op", m[1]))
        elif m[2] is not None or m[3] is not None:
            out.append(("str", m[2] if m[2] is not None else m[3]))
        elif m[4]:
            out.append(("word", m[4]))
    return out


def _getter(ev_def: EventDef, name: str) -> tuple[Callable[[Any], Any], bool]:
    """How to read field ``name`` of an event as the kernel stores it, and whether it is a string."""
    common = {"common_pid": lambda e: e.pid, "common_flags": lambda e: e.trace_flags,
              "common_preempt_count": lambda e: e.preempt_count}  # fmt: skip
    if name in common:
        return common[name], False
    for f in ev_def.fields:
        if f.name != name:
            continue
        key = f.k
        if f.kind in ("str", "dstr", "sym", "cstr", "cstring"):
            return (lambda e: str(e.fields[key]).split(" [")[0]) if f.kind == "sym" else (lambda e: str(e.fields[key])), True
        if f.kind == "ret":
            return (lambda e: 0 if e.fields[key] == "unhandled" else 1), False
        if f.kind == "state":
            return (lambda e: prev_state_value(e.fields[key])), False
        if f.kind == "ptr":
            return (lambda e: int(e.fields[key], 16) if isinstance(e.fields[key], str) else int(e.fields[key])), False
        if f.kind == "bitmask":
            return (lambda e: int(e.fields[key][0])), False
        return (lambda e: e.fields[key]), False
    names = ["common_pid", "common_flags", "common_preempt_count"] + [f.name for f in ev_def.fields]
    raise FilterError(f"{ev_def.name} has no field {name!r}; fields: {', '.join(names)}")


def compile_filter(ev_def: EventDef, text: str) -> Pred | None:
    """The predicate for ``text`` on ``ev_def`` (None for "0" or an empty filter, which clear it)."""
    if text.strip() in ("", "0"):
        return None
    toks = _tokens(text)
    pos = 0

    def peek() -> tuple[str, str] | None:
        return toks[pos] if pos < len(toks) else None

    def take() -> tuple[str, str]:
        nonlocal pos
        if pos >= len(toks):
            raise FilterError("the filter ends too early")
        pos += 1
        return toks[pos - 1]

    def expr() -> Pred:
        left = conj()
        while peek() == ("op", "||"):
            take()
            right = conj()
            left = (lambda a, b: lambda e: a(e) or b(e))(left, right)
        return left

    def conj() -> Pred:
        left = term()
        while peek() == ("op", "&&"):
            take()
            right = term()
            left = (lambda a, b: lambda e: a(e) and b(e))(left, right)
        return left

    def term() -> Pred:
        if peek() == ("op", "("):
            take()
            inner = expr()
            if take() != ("op", ")"):
                raise FilterError("a '(' is not closed")
            return inner
        kind, field = take()
        if kind != "word":
            raise FilterError(f"expected a field name, not {field!r}")
        get, is_str = _getter(ev_def, field)
        kind, op = take()
        if kind != "op" or op not in (_STR_OPS if is_str else _NUM_OPS):
            allowed = " ".join(sorted(_STR_OPS if is_str else _NUM_OPS))
            raise FilterError(f"{field}: operator {op!r} is not one of {allowed}")
        _, raw = take()
        if is_str:
            s = raw
            if op == "~":
                return lambda e: fnmatch.fnmatchcase(get(e), s)
            return (lambda e: get(e) == s) if op == "==" else (lambda e: get(e) != s)
        try:
            n = int(raw, 0)
        except ValueError:
            raise FilterError(f"{field}: {raw!r} is not a number") from None
        return {
            "==": lambda e: get(e) == n, "!=": lambda e: get(e) != n, "<": lambda e: get(e) < n,
            "<=": lambda e: get(e) <= n, ">": lambda e: get(e) > n, ">=": lambda e: get(e) >= n,
            "&": lambda e: bool(get(e) & n),
        }[op]  # fmt: skip

    pred = expr()
    if pos != len(toks):
        raise FilterError(f"unexpected {toks[pos][1]!r} in the filter")
    return pred
