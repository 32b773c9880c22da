"""The build backend: setuptools', asking for mypy (mypyc) only when the compiled build is wanted.

A wheel is compiled unless ``IRQLAB_PURE=1``; an editable install only with ``IRQLAB_COMPILE=1`` (see
setup.py). The pure-Python package builds with setuptools alone, so it needs no mypy.
"""

from __future__ import annotations

import os

from setuptools import build_meta as _setuptools
from setuptools.build_meta import *  # noqa: F403 - the rest of the PEP 517/660 hooks, unchanged

_MYPYC = ["mypy>=1.10"]


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip() not in ("", "0")


def get_requires_for_build_wheel(config_settings: dict[str, str] | None = None) -> list[str]:
    pure = _flag("IRQLAB_PURE")
    return list(_setuptools.get_requires_for_build_wheel(config_settings)) + ([] if pure else _MYPYC)


def get_requires_for_build_editable(config_settings: dict[str, str] | None = None) -> list[str]:
    compiled = _flag("IRQLAB_COMPILE") and not _flag("IRQLAB_PURE")
    return list(_setuptools.get_requires_for_build_editable(config_settings)) + (_MYPYC if compiled else [])
