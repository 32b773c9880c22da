"""Fixtures for the hardware-model tests: a bare engine and a line-edge recorder."""

from collections.abc import Callable

import pytest

from irqlab.hw import Line
from irqlab.sim import Engine


@pytest.fixture
def engine() -> Engine:
    """A bare engine, seed 0 (no kernel)."""
    return Engine(seed=0)


@pytest.fixture
def record(engine: Engine) -> Callable[..., list[tuple[int, bool]]]:
    """record(line, eng=engine) -> a list receiving (eng.now, level) for every level change of the line."""

    def _record(line: Line, eng: Engine | None = None) -> list[tuple[int, bool]]:
        clock = engine if eng is None else eng
        log: list[tuple[int, bool]] = []
        line.connect(lambda _line, level: log.append((clock.now, level)))
        return log

    return _record
