"""pytest fixtures and helpers for testing drivers on irqlab (loaded as a pytest plugin)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import irqlab
from irqlab.machine import Machine


@pytest.fixture
def boot_machine() -> Iterator[Callable[..., Machine]]:
    """A factory booting machines: ``m = boot_machine("generic", cpus=2, seed=1)`` (defaults: generic, seed 0)."""

    def _boot(board: str = "generic", **kw: Any) -> Machine:
        return irqlab.boot(board, **kw)

    yield _boot


@pytest.fixture
def machine() -> Machine:
    """A 4-CPU generic machine, seed 0."""
    return irqlab.boot("generic", cpus=4, seed=0)


def dmesg_texts(m: Machine) -> list[str]:
    """The dmesg message texts (no timestamps)."""
    return m.dmesg_lines()


def assert_dmesg_contains(m: Machine, *patterns: str) -> None:
    """Each pattern (a regular expression) matches some dmesg line, in the given order."""
    lines = m.dmesg_lines()
    i = 0
    for pat in patterns:
        rx = re.compile(pat)
        while i < len(lines) and not rx.search(lines[i]):
            i += 1
        if i == len(lines):
            raise AssertionError(f"no dmesg line matches {pat!r} (in order); dmesg was:\n" + m.dmesg())
        i += 1


def dmesg_stamp(m: Machine, pattern: str) -> int:
    """Simulated ns of the first record whose text matches ``pattern``."""
    rx = re.compile(pattern)
    for r in m.kernel.log.records:
        if rx.search(r.text):
            return r.ts
    raise AssertionError(f"no dmesg record matches {pattern!r}")


__all__ = ["boot_machine", "machine", "dmesg_texts", "assert_dmesg_contains", "dmesg_stamp"]
