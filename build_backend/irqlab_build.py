"""The build backend: setuptools', asking for mypy (mypyc) only when the compiled build is wanted.

The pure-Python package builds with setuptools alone; ``IRQLAB_COMPILE=1`` adds mypy to the build
requirements so that setup.py can compile the core (see setup.py).
"""

from __future__ import annotations

import os

from setuptools import build_meta as _setuptools
from setuptools.build_meta import *  # noqa: F403 - the rest of the PEP 517/660 hooks, unchanged

_MYPYC = ["mypy>=1.10"]


def _compile() -> bool:
    return os.environ.get("IRQLAB_COMPILE", "").strip() not in ("", "0") and os.environ.get(
        "IRQLAB_PURE", "").strip() in ("", "0")  # fmt: skip


def get_requires_for_build_wheel(config_settings: dict[str, str] | None = None) -> list[str]:
    return list(_setuptools.get_requires_for_build_wheel(config_settings)) + (_MYPYC if _compile() else [])


def get_requires_for_build_editable(config_settings: dict[str, str] | None = None) -> list[str]:
    return list(_setuptools.get_requires_for_build_editable(config_settings)) + (_MYPYC if _compile() else [])
