"""Loading a user's driver or scenario file for the command line: as a real module, errors shown as the user's.

The file is imported as a module registered in ``sys.modules`` under its file name, so
``sys.modules[__name__]`` (what ``m.insmod(sys.modules[__name__])`` passes) works as it does under
``python file.py``. A syntax error is shown as Python shows it (file, line, caret); any other error
while the file runs shows the user's frames only, without irqlab's or the runner's.
"""

from __future__ import annotations

import importlib.util
import os
import pathlib
import sys
import traceback
import types

import irqlab
from irqlab.cli_examples import examples_dir

_PKG_DIR = os.path.dirname(os.path.abspath(irqlab.__file__))


class UserCodeError(Exception):
    """The user's file raised; ``text`` is what to print (the user's error first)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def resolve(name: str) -> pathlib.Path:
    """A path to an existing file, else the example of that name (with or without ``.py``)."""
    p = pathlib.Path(name)
    if p.is_file():
        return p

    d = examples_dir()
    stem = name[:-3] if name.endswith(".py") else name
    if d is not None and "/" not in stem and (d / f"{stem}.py").is_file():
        return d / f"{stem}.py"
    hint = "; `irqlab examples` lists the examples you can name" if d is not None else ""
    raise FileNotFoundError(f"no scenario file or example named {name!r}{hint}")


def module_name_for(path: pathlib.Path) -> str:
    """The file's stem, unless that name is already an imported module (``time.py``): then a name under
    ``irqlab_user.`` whose last part is still the stem (the kernel module name)."""
    stem = path.stem.replace("-", "_")
    if stem.isidentifier() and stem not in sys.modules:
        return stem
    return f"irqlab_user.{stem}"


def load(path: pathlib.Path) -> types.ModuleType:
    """Import ``path`` as a module (registered in sys.modules); UserCodeError when it fails."""
    name = module_name_for(path)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise UserCodeError(f"irqlab: cannot import {path}: not a Python source file\n")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    # As `python file.py` does, the file's directory comes first on sys.path: its sibling modules import.
    folder = str(path.resolve().parent)
    added = folder not in sys.path
    if added:
        sys.path.insert(0, folder)
    mod.__dict__["__irqlab_sys_path__"] = folder if added else None
    try:
        spec.loader.exec_module(mod)
    except SyntaxError as e:
        unload(mod)
        raise UserCodeError("".join(traceback.format_exception_only(type(e), e))) from None
    except Exception as e:
        unload(mod)
        raise UserCodeError(format_user_exception(e)) from None
    return mod


def unload(mod: types.ModuleType) -> None:
    """Forget the module registered by :func:`load` (and the sys.path entry it added)."""
    if sys.modules.get(mod.__name__) is mod:
        del sys.modules[mod.__name__]
    folder = mod.__dict__.pop("__irqlab_sys_path__", None)
    if folder is not None and folder in sys.path:
        sys.path.remove(folder)


def _is_runner_frame(filename: str) -> bool:
    return filename.startswith(_PKG_DIR) or filename.startswith("<frozen") or "greenlet" in filename


def format_user_exception(e: BaseException) -> str:
    """The traceback of ``e`` with irqlab's and importlib's frames removed, chained exceptions included.

    An irqlab internal error keeps every frame: it is irqlab's bug, to be reported with them."""
    if isinstance(e, irqlab.InternalError):
        return "".join(traceback.format_exception(e))
    _strip(e, set())
    return "".join(traceback.format_exception(e))


def _strip(e: BaseException, seen: set[int]) -> None:
    if id(e) in seen:
        return
    seen.add(id(e))
    frames = []
    tb = e.__traceback__
    while tb is not None:
        if not _is_runner_frame(tb.tb_frame.f_code.co_filename):
            frames.append((tb.tb_frame, tb.tb_lasti, tb.tb_lineno))
        tb = tb.tb_next
    out: types.TracebackType | None = None
    for frame, lasti, lineno in reversed(frames):
        out = types.TracebackType(out, frame, lasti, lineno)
    e.__traceback__ = out
    for other in (e.__cause__, e.__context__):
        if other is not None:
            _strip(other, seen)
