"""Word expansion as POSIX sh does it (XCU 2.6): tilde, parameters, command substitution,
arithmetic, quote removal, field splitting of unquoted results, and pathname expansion.

The grammar (lists, pipelines, compound commands, redirections) comes from bashlex; a word
reaches this module as its raw source text, quotes included, so quoting decides here what is
expanded and split, exactly as in the shell.
"""

from __future__ import annotations

import ast
import fnmatch
import math
import operator
from collections.abc import Callable

GLOB_CHARS = "*?["


class ExpansionError(Exception):
    """A word that cannot be expanded (bad substitution, unterminated quote, bad arithmetic)."""


class Expander:
    """Expands raw words against the shell's variables; ``run_subst`` runs ``$(...)`` and returns its output."""

    def __init__(self, lookup: Callable[[str], str | None], run_subst: Callable[[str], str],
                 listdir: Callable[[str], list[str]], exists: Callable[[str], bool],
                 home: str = "/root") -> None:  # fmt: skip
        self.lookup = lookup
        self.run_subst = run_subst
        self.listdir = listdir
        self.exists = exists
        self.home = home

    # -- public ---------------------------------------------------------------------------
    def fields(self, raw: str) -> list[str]:
        """The fields a word expands to (zero or more: an unquoted empty expansion vanishes)."""
        pieces = self._pieces(raw)
        fields: list[tuple[str, str]] = []  # (text, glob pattern)
        cur_text, cur_pat, has = "", "", False
        for text, quoted, expanded in pieces:
            if quoted or not expanded:
                cur_text += text
                cur_pat += _escape_glob(text) if quoted else text
                has = has or quoted or bool(text)
                continue
            parts = text.split()
            if not parts:
                if text and has:  # whitespace only: ends the current field
                    fields.append((cur_text, cur_pat))
                    cur_text, cur_pat, has = "", "", False
                continue
            if text[0].isspace() and has:
                fields.append((cur_text, cur_pat))
                cur_text, cur_pat = "", ""
            for i, part in enumerate(parts):
                if i:
                    fields.append((cur_text, cur_pat))
                    cur_text, cur_pat = "", ""
                cur_text += part
                cur_pat += _escape_glob(part)
            has = True
            if text[-1].isspace():
                fields.append((cur_text, cur_pat))
                cur_text, cur_pat, has = "", "", False
        if has:
            fields.append((cur_text, cur_pat))
        out: list[str] = []
        for text, pat in fields:
            out.extend(self._glob(pat) or [text] if any(c in pat for c in GLOB_CHARS) else [text])
        return out

    def string(self, raw: str) -> str:
        """The word expanded without field splitting or globbing (assignments, redirection targets)."""
        return "".join(text for text, _, _ in self._pieces(raw))

    # -- scanning -------------------------------------------------------------------------
    def _pieces(self, s: str) -> list[tuple[str, bool, bool]]:
        """(text, quoted, came from an expansion) pieces of a raw word."""
        out: list[tuple[str, bool, bool]] = []
        i, n = 0, len(s)
        if s.startswith("~") and (n == 1 or s[1] == "/"):
            out.append((self.home, True, False))
            i = 1
        while i < n:
            c = s[i]
            if c == "'":
                j = s.find("'", i + 1)
                if j < 0:
                    raise ExpansionError("unexpected EOF while looking for matching `''")
                out.append((s[i + 1 : j], True, False))
                i = j + 1
            elif c == '"':
                i = self._double(s, i + 1, out)
            elif c == "\\":
                if i + 1 < n:
                    out.append((s[i + 1], True, False))
                i += 2
            elif c == "$" or c == "`":
                text, i = self._dollar(s, i)
                out.append((text, False, True))
            else:
                j = i
                while j < n and s[j] not in "'\"\\$`":
                    j += 1
                out.append((s[i:j], False, False))
                i = j
        return out

    def _double(self, s: str, i: int, out: list[tuple[str, bool, bool]]) -> int:
        buf = []
        n = len(s)
        while i < n and s[i] != '"':
            c = s[i]
            if c == "\\" and i + 1 < n and s[i + 1] in '$`"\\\n':
                buf.append(s[i + 1])
                i += 2
            elif c == "$" or c == "`":
                text, i = self._dollar(s, i)
                buf.append(text)
            else:
                buf.append(c)
                i += 1
        if i >= n:
            raise ExpansionError("unexpected EOF while looking for matching `\"'")
        out.append(("".join(buf), True, False))
        return i + 1

    def _dollar(self, s: str, i: int) -> tuple[str, int]:
        """Expand the $-construct (or backquotes) starting at ``s[i]``; returns (text, next index)."""
        n = len(s)
        if s[i] == "`":
            j = s.find("`", i + 1)
            if j < 0:
                raise ExpansionError("unexpected EOF while looking for matching ``'")
            return _strip_newlines(self.run_subst(s[i + 1 : j])), j + 1
        if i + 1 >= n:
            return "$", i + 1
        c = s[i + 1]
        if s.startswith("$((", i):
            j = _matching(s, i + 1)
            inner = s[i + 3 : j - 1]
            return str(self.arith(inner)), j + 1
        if c == "(":
            j = _matching(s, i + 1)
            return _strip_newlines(self.run_subst(s[i + 2 : j])), j + 1
        if c == "{":
            j = s.find("}", i + 2)
            if j < 0:
                raise ExpansionError(f"{s[i:]}: bad substitution")
            return self._param(s[i + 2 : j], s[i : j + 1]), j + 1
        if c in "?$!#@*-" or c.isdigit():
            return self.lookup(c) or "", i + 2
        if c.isalpha() or c == "_":
            j = i + 1
            while j < n and (s[j].isalnum() or s[j] == "_"):
                j += 1
            return self.lookup(s[i + 1 : j]) or "", j
        return "$", i + 1

    def _param(self, body: str, whole: str) -> str:
        for op in (":-", ":=", ":+", "-", "+"):
            name, sep, word = body.partition(op)
            if sep and _is_name(name):
                val = self.lookup(name)
                unset = val is None or (op.startswith(":") and val == "")
                if op in (":-", "-"):
                    return self.string(word) if unset else (val or "")
                if op == ":=":
                    return self.string(word) if unset else (val or "")
                return "" if unset else self.string(word)
        if body.startswith("#") and _is_name(body[1:]):
            return str(len(self.lookup(body[1:]) or ""))
        if not (_is_name(body) or body in ("?", "$", "!", "#") or body.isdigit()):
            raise ExpansionError(f"{whole}: bad substitution")
        return self.lookup(body) or ""

    # -- arithmetic -----------------------------------------------------------------------
    def arith(self, expr: str) -> int:
        """$((expr)): C integer arithmetic on shell variables (unset or empty counts as 0)."""
        text = self.string(expr).strip()
        try:
            tree = ast.parse(text.replace("&&", " and ").replace("||", " or ").replace("!", " not ")
                             .replace(" not =", "!="), mode="eval")  # fmt: skip
            return int(self._eval(tree.body))
        except (SyntaxError, ValueError, ZeroDivisionError, KeyError) as e:
            raise ExpansionError(f"{text}: syntax error in expression") from e

    def _eval(self, node: ast.AST) -> int:
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return node.value
        if isinstance(node, ast.Name):
            v = self.lookup(node.id) or "0"
            return int(v) if v.lstrip("-").isdigit() else 0
        if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
            return int(_UNARY[type(node.op)](self._eval(node.operand)))
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            a, b = self._eval(node.left), self._eval(node.right)
            if isinstance(node.op, ast.Div | ast.FloorDiv | ast.Mod) and b == 0:
                raise ZeroDivisionError
            if isinstance(node.op, ast.Div | ast.FloorDiv):
                return int(a / b)  # C division truncates toward zero
            return int(_BINARY[type(node.op)](a, b))
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _COMPARE:
            return int(_COMPARE[type(node.ops[0])](self._eval(node.left), self._eval(node.comparators[0])))
        if isinstance(node, ast.BoolOp):
            vals = [self._eval(v) for v in node.values]
            return int(all(vals) if isinstance(node.op, ast.And) else any(vals))
        raise ValueError(ast.dump(node))

    # -- globbing -------------------------------------------------------------------------
    def _glob(self, pattern: str) -> list[str]:
        """Pathname expansion: matches sorted, or [] when nothing matches (the word then stays as it is)."""
        absolute = pattern.startswith("/")
        parts = [p for p in pattern.split("/") if p]
        paths = ["/" if absolute else ""]
        for part in parts:
            nxt = []
            for base in paths:
                if not any(c in part for c in GLOB_CHARS):
                    nxt.append(_join(base, _unescape_glob(part)))
                    continue
                try:
                    names = self.listdir(base or ".")
                except OSError:
                    continue
                nxt.extend(_join(base, name) for name in names
                           if fnmatch.fnmatchcase(name, part) and (not name.startswith(".") or part.startswith(".")))  # fmt: skip
            paths = nxt
        return sorted(p for p in paths if self.exists(p))


_UNARY: dict[type, Callable[[int], int]] = {ast.USub: operator.neg, ast.UAdd: operator.pos,
                                            ast.Not: lambda a: int(not a), ast.Invert: operator.invert}  # fmt: skip
_BINARY: dict[type, Callable[[int, int], int]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.floordiv,
    ast.FloorDiv: operator.floordiv, ast.Mod: lambda a, b: int(math.fmod(a, b)),
    ast.LShift: operator.lshift, ast.RShift: operator.rshift, ast.BitAnd: operator.and_, ast.BitOr: operator.or_,
    ast.BitXor: operator.xor, ast.Pow: operator.pow,
}
_COMPARE: dict[type, Callable[[int, int], bool]] = {ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt,
                                                     ast.GtE: operator.ge, ast.Eq: operator.eq, ast.NotEq: operator.ne}  # fmt: skip


def _is_name(s: str) -> bool:
    return bool(s) and (s[0].isalpha() or s[0] == "_") and all(c.isalnum() or c == "_" for c in s)


def _strip_newlines(s: str) -> str:
    return s.rstrip("\n")


def _escape_glob(s: str) -> str:
    return "".join(f"[{c}]" if c in GLOB_CHARS else c for c in s)


def _unescape_glob(s: str) -> str:
    for c in GLOB_CHARS:
        s = s.replace(f"[{c}]", c)
    return s


def _join(base: str, name: str) -> str:
    if not base:
        return name
    return base + name if base.endswith("/") else base + "/" + name


def _matching(s: str, i: int) -> int:
    """Index of the parenthesis closing the one at ``s[i]`` (quotes respected)."""
    depth, j, n = 0, i, len(s)
    while j < n:
        c = s[j]
        if c == "'":
            j = s.find("'", j + 1)
            if j < 0:
                break
        elif c == "\\":
            j += 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return j
        j += 1
    raise ExpansionError("unexpected EOF while looking for matching `)'")
