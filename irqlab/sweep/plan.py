"""What a sweep runs: seed lists, parameter values and their cartesian product, from text or Python."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from irqlab.sweep.scenario import Scenario

_RANGE_RE = re.compile(r"^\s*(-?[\d.]+)\s*\.\.\s*(-?[\d.]+)\s*(?::\s*([\d.]+))?\s*$")
_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_MAX_RUNS = 10_000_000


def parse_seeds(text: str) -> list[int]:
    """Seeds from "1-1000", "7", "1,2,5" or "1-10,20-25" (ranges inclusive), in the order written,
    duplicates dropped. Raises ValueError naming the accepted forms."""
    seeds: list[int] = []
    seen: set[int] = set()
    for part in text.split(","):
        part = part.strip()
        m = re.fullmatch(r"(\d+)\s*-\s*(\d+)|(\d+)", part)
        if not m:
            raise ValueError(f"cannot read the seeds {text!r}: write a seed (7), a range (1-1000) or a list (1,2,10-20)")
        lo, hi = (int(m.group(1)), int(m.group(2))) if m.group(3) is None else (int(m.group(3)), int(m.group(3)))
        if hi < lo:
            raise ValueError(f"seed range {part!r} runs backwards; write it low-high ({hi}-{lo})")
        if hi - lo > _MAX_RUNS:
            raise ValueError(f"seed range {part!r} has more than {_MAX_RUNS} seeds")
        for s in range(lo, hi + 1):
            if s not in seen:
                seen.add(s)
                seeds.append(s)
    return seeds


def _value(text: str) -> Any:
    """An int, then a float, else the string itself."""
    t = text.strip()
    for conv in (int, float):
        try:
            return conv(t)
        except ValueError:
            pass
    return t


def parse_param(text: str) -> tuple[str, list[Any]]:
    """``name=v1,v2,...`` or ``name=lo..hi:step`` (inclusive; ints when all three are) -> (name, values).

    Values read as int, else float, else string ("full", "rt"). Raises ValueError naming the forms.
    """
    name, eq, spec = text.partition("=")
    name = name.strip()
    if not eq or not _NAME_RE.match(name) or not spec.strip():
        raise ValueError(
            f"cannot read --param {text!r}: write name=v1,v2,... (hz=100,250,1000) or name=lo..hi:step (debounce_ms=5..50:5)"
        )
    m = _RANGE_RE.match(spec)
    if m:
        lo, hi, step = _value(m.group(1)), _value(m.group(2)), _value(m.group(3) or "1")
        if not all(isinstance(v, int | float) for v in (lo, hi, step)) or step <= 0:
            raise ValueError(f"--param {text!r}: a range needs numbers and a positive step, e.g. {name}=5..50:5")
        if hi < lo:
            raise ValueError(f"--param {text!r}: the range runs backwards; write {name}={hi}..{lo}")
        if (hi - lo) / step > _MAX_RUNS:
            raise ValueError(f"--param {text!r}: more than {_MAX_RUNS} values")
        if all(isinstance(v, int) for v in (lo, hi, step)):
            return name, list(range(lo, hi + 1, step))
        n = int((hi - lo) / step + 1e-9)
        return name, [round(lo + i * step, 12) for i in range(n + 1)]
    values = [_value(v) for v in spec.split(",")]
    if any(v == "" for v in values):
        raise ValueError(f"--param {text!r} has an empty value; separate values with single commas")
    return name, list(dict.fromkeys(values))


@dataclass(frozen=True)
class Plan:
    """The runs of a sweep: ``names`` of the parameters, ``points`` (one value per name, in product
    order) and ``seeds``; runs go point by point, seeds innermost."""

    names: tuple[str, ...]
    points: tuple[tuple[Any, ...], ...]
    seeds: tuple[int, ...]

    def __len__(self) -> int:
        return len(self.points) * len(self.seeds)

    def runs(self) -> Iterable[tuple[int, dict[str, Any], int]]:
        """(index, params, seed) of every run, in plan order."""
        i = 0
        for point in self.points:
            for seed in self.seeds:
                yield i, dict(zip(self.names, point)), seed
                i += 1


def make_plan(sc: Scenario, seeds: Iterable[int], params: Mapping[str, Sequence[Any]] | None = None) -> Plan:
    """The cartesian product of ``params`` (given names first, in order, then the scenario's declared
    PARAMS not overridden) and ``seeds``. Raises ValueError for a parameter the scenario cannot take."""
    given = dict(params or {})
    for name, values in given.items():
        sc.check_param(name)
        if isinstance(values, str) or not isinstance(values, Iterable) or not list(values):
            raise ValueError(f"parameter {name!r} needs a non-empty list of values, not {values!r}")
    merged: dict[str, list[Any]] = {k: list(v) for k, v in given.items()}
    for name, values in sc.params.items():
        merged.setdefault(name, list(values))
    seed_list = list(dict.fromkeys(int(s) for s in seeds))
    if not seed_list:
        raise ValueError("a sweep needs at least one seed, e.g. --seeds 1-100")
    names = tuple(merged)
    points = tuple(itertools.product(*merged.values())) if names else ((),)
    return Plan(names, points, tuple(seed_list))
