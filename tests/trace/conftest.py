"""Fixtures for the trace tests: an example run with trace events recorded."""

import importlib.util
import pathlib

import pytest

import irqlab

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture
def traced(monkeypatch):
    """traced(name, trace=True, seed=1): the machine examples/<name>.py's main(seed) returns, booted with ``trace``."""

    def run(name: str, trace: object = True, seed: int = 1):
        orig = irqlab.boot

        def boot(*a, **kw):
            kw["trace"] = trace
            return orig(*a, **kw)

        monkeypatch.setattr(irqlab, "boot", boot)
        spec = importlib.util.spec_from_file_location(name, ROOT / "examples" / f"{name}.py")
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        return mod.main(seed)

    return run
