"""Reproducer: a weak reference to an instance of a mypyc native class that derives from an interpreted class.

On CPython 3.11 mypyc gives such a class (it "inherits Python", as irqlab's timer_list, hrtimer, work_struct
and tasklet_struct derive from the interpreted container.Embeddable) a ``__dict__`` slot and a ``__weakref__``
slot (tp_weaklistoffset). Its generated deallocator never calls PyObject_ClearWeakRefs(): its tp_clear does
Py_CLEAR() on the weak-reference list head, a borrowed pointer to the first weakref object. So when the
instance dies the weakref's callback does not run, the weakref is not cleared, and the weakref object loses a
reference it never gave: it is freed while its owner (here a dict, in irqlab the %p table of Kernel.ptr())
still holds it. Calling it then reads freed memory. CPython 3.12+ builds use a managed dict instead and give no
weak-reference slot at all (weakref.ref() raises TypeError). Upstream: mypyc/mypyc#1102 (weakref support).

    python benchmarks/mypyc_weakref.py

Compiles a two-module package with mypyc in a temporary directory (a C compiler and mypy needed, ~30 s),
then runs the scenario in a child process and prints what it saw and the child's exit status (-11 = SIGSEGV).
Seen with mypy/mypyc 2.4.1 and CPython 3.11.7 (greenlet plays no part).
"""

from __future__ import annotations

import pathlib
import subprocess
import sys
import tempfile
import textwrap

BASE = '''
class Base:
    """An interpreted class (this module is not compiled)."""
'''

NATIVE = '''
from base import Base


class Native(Base):
    """Compiled: a native class deriving from an interpreted one."""

    def __init__(self) -> None:
        self.x = 1
'''

SETUP = '''
from setuptools import setup
from mypyc.build import mypycify

setup(name="repro", ext_modules=mypycify(["native.py"]))
'''

SCENARIO = '''
import gc
import sys
import weakref

import native
from native import Native

print("native.py compiled:", not native.__file__.endswith(".py"))
print("__weakrefoffset__:", Native.__weakrefoffset__)
table = {}
fired = []
obj = Native()
try:
    table["k"] = weakref.ref(obj, lambda _ref: fired.append(True))
except TypeError as e:
    print("weakref.ref() refused:", e)
    sys.exit(0)
print("weakref refcount before the object dies:", sys.getrefcount(table["k"]) - 1)
del obj
gc.collect()
print("callback ran when the object died:", bool(fired))
junk = [bytearray(64) for _ in range(10000)]  # reuse the freed memory
print("calling the weakref the table still holds...", flush=True)
print("it returned:", type(table["k"]()))
'''


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="mypyc-weakref-") as tmp:
        d = pathlib.Path(tmp)
        for name, text in (("base.py", BASE), ("native.py", NATIVE), ("setup.py", SETUP), ("scenario.py", SCENARIO)):
            (d / name).write_text(textwrap.dedent(text))
        build = subprocess.run([sys.executable, "setup.py", "build_ext", "--inplace"], cwd=d,
                               capture_output=True, text=True)  # fmt: skip
        if build.returncode != 0:
            print(build.stdout[-2000:], build.stderr[-2000:], sep="\n")
            print("mypyc build failed (a C compiler and mypy are needed)")
            return 1
        run = subprocess.run([sys.executable, "-X", "faulthandler", "scenario.py"], cwd=d,
                             capture_output=True, text=True)  # fmt: skip
        print(run.stdout, end="")
        if run.stderr.strip():
            print(run.stderr.strip().splitlines()[0])
        print(f"child exit status: {run.returncode}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
