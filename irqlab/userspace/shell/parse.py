"""The shell's grammar: bash's syntax through bashlex, with what bashlex does not parse masked."""

from __future__ import annotations

import re
from typing import Any

import bashlex  # type: ignore[import-untyped]

_ARITH = re.compile(r"\$\(\(")
_TIME = re.compile(r"(^|[;&|({}\n]|\bdo|\bthen|\belse)(\s*)time(?=\s)")


class ShellSyntaxError(Exception):
    """A line bash would reject with "syntax error"."""


def parse(text: str) -> list[Any]:
    """bashlex's parse of ``text``, with ``$((...))`` and the ``time`` keyword (which bashlex does not
    parse) masked by same-length placeholders so that every node's position still indexes ``text``."""
    masked = _mask(text)
    if not masked.strip():
        return []
    try:
        return list(bashlex.parse(masked))
    except bashlex.errors.ParsingError as e:
        msg = str(getattr(e, "message", e))
        if msg.startswith("unexpected EOF"):
            raise ShellSyntaxError("syntax error: unexpected end of file") from None
        m = re.match(r"unexpected token '(.*)'", msg, re.S)
        token = m.group(1) if m else msg
        token = "newline" if token in ("\n", "\\n") else token
        raise ShellSyntaxError(f"syntax error near unexpected token `{token}'") from None
    except (NotImplementedError, AttributeError) as e:
        raise ShellSyntaxError(f"syntax error: {e}") from None


def _mask(text: str) -> str:
    out = list(_blank_comments(text))
    for m in _ARITH.finditer(text):
        depth, j = 0, m.start() + 1
        while j < len(text):
            if text[j] == "(":
                depth += 1
            elif text[j] == ")":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        for i in range(m.start() + 1, min(j + 1, len(text))):
            out[i] = "_"
    masked = "".join(out)
    return _TIME.sub(lambda m: m.group(1) + m.group(2) + "TIME", masked)


def _blank_comments(text: str) -> str:
    """Comments (``#`` starting a word, to the end of its line) replaced by spaces, positions kept."""
    out = list(text)
    quote = ""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if quote:
            if c == "\\" and quote == '"':
                i += 1
            elif c == quote:
                quote = ""
        elif c in "'\"":
            quote = c
        elif c == "\\":
            i += 1
        elif c == "#" and (i == 0 or text[i - 1] in " \t\n;&|()"):
            while i < n and text[i] != "\n":
                out[i] = " "
                i += 1
            continue
        i += 1
    return "".join(out)


def is_complete(text: str) -> bool:
    """Whether ``text`` is a complete command (an interactive shell asks for more with ``> `` otherwise)."""
    try:
        parse(text)
    except ShellSyntaxError as e:
        return "unexpected end of file" not in str(e)
    return True


__all__ = ["ShellSyntaxError", "parse", "is_complete"]
