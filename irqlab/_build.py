"""Which build of irqlab runs: the core compiled by mypyc, or the pure-Python modules.

A compiled install keeps every ``.py`` file next to its extension module. ``IRQLAB_PURE=1`` in the
environment when ``irqlab`` is first imported makes every ``irqlab.*`` module load from its ``.py`` file
instead (the extension modules stay unused), so one install runs either build: the cross-build
determinism test and CI use it to compare the two.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Sequence
from types import ModuleType

#: The module whose file tells the build apart: the engine is compiled whenever anything is.
_PROBE = "irqlab.sim.engine"


class _SourceFinder:
    """A meta path finder that loads ``irqlab.*`` from ``.py`` files even where an extension module exists."""

    @staticmethod
    def find_spec(name: str, path: Sequence[str] | None = None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:  # fmt: skip
        if not name.startswith("irqlab.") or not path:
            return None
        tail = name.rpartition(".")[2]
        for d in path:
            pkg = os.path.join(d, tail)
            init = os.path.join(pkg, "__init__.py")
            if os.path.isfile(init):
                return importlib.util.spec_from_file_location(name, init, submodule_search_locations=[pkg])
            src = pkg + ".py"
            if os.path.isfile(src):
                return importlib.util.spec_from_file_location(name, src)
        return None


def force_pure() -> None:
    """Load every ``irqlab.*`` module imported from now on from its ``.py`` file (idempotent)."""
    if not any(f is _SourceFinder for f in sys.meta_path):
        sys.meta_path.insert(0, _SourceFinder)  # type: ignore[arg-type]


def is_compiled() -> bool:
    """Whether the core loaded here is the mypyc-compiled one."""
    mod = sys.modules.get(_PROBE)
    if mod is None:
        import irqlab.sim.engine as mod
    return not (getattr(mod, "__file__", None) or "").endswith(".py")


def describe() -> str:
    """'compiled (mypyc)' or 'pure Python', for ``irqlab --version``."""
    return "compiled with mypyc" if is_compiled() else "pure Python"
