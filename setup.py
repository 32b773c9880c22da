"""Build: the core compiled by mypyc when a C compiler is present, else the pure-Python package.

``pip install .`` compiles the modules in :data:`COMPILED` when a C compiler and the Python headers are
available (mypy comes in as a build requirement, see build_backend/), and installs the pure-Python package
otherwise; ``IRQLAB_PURE=1`` always gives the pure-Python package. An editable install (``pip install -e .``)
stays pure unless ``IRQLAB_COMPILE=1`` asks for the extension modules, because they are built into the
source tree, where they shadow the ``.py`` files being edited: ``python setup.py clean_compiled`` removes
them (and ``IRQLAB_PURE=1`` at run time ignores them). Every ``.py`` file is installed either way;
``irqlab --version`` says which build runs.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import sys
import sysconfig

from setuptools import Command, setup

ROOT = pathlib.Path(__file__).resolve().parent

#: The modules mypyc compiles, relative to the repository root: the event engine, the CPU's waits and
#: interrupt entry, the Kernel object itself (kernel/kernel.py), the scheduler (core, fair, rt, deadline
#: servers, CPU-time accounting, wait queues,
#: completions), preemption helpers, the kernel lookup (kernel/core.py), the tracepoints, the IRQ core (irq_desc
#: and irqaction types, descriptor locking and kstat, flow handlers, irq_desc code, domain dispatch, irq threads,
#: spurious-interrupt detection), softirqs and tasklets, timers, hrtimers and the tick, the workqueue core, the
#: interrupt line model, the GICs' hardware models and their drivers, and the kernel stack itself. A compiled function has no Python frame, so call traces (dump_stack(), WARN and BUG splats,
#: oopses, hung-task and lockup reports) never read these modules' frames: their kernel functions record
#: themselves on an explicit per-fiber stack (irqlab/kernel/stacktrace.py; every module here must be one
#: of its SHADOWED modules, a test checks it), and both builds print the same traces.
COMPILED = [
    "irqlab/sim/engine.py",
    "irqlab/kernel/stacktrace.py",
    "irqlab/kernel/core.py",
    "irqlab/kernel/kernel.py",
    "irqlab/trace/tracepoint.py",
    "irqlab/kernel/cpu.py",
    "irqlab/kernel/preempt.py",
    "irqlab/kernel/sched/cputime.py",
    "irqlab/kernel/sched/core.py",
    "irqlab/kernel/sched/fair.py",
    "irqlab/kernel/sched/rt.py",
    "irqlab/kernel/sched/wait.py",
    "irqlab/kernel/sched/completion.py",
    "irqlab/kernel/sched/deadline.py",
    "irqlab/kernel/irq/chip.py",
    "irqlab/kernel/irq/chip_flow.py",
    "irqlab/kernel/irq/handle.py",
    "irqlab/kernel/irq/irqdesc.py",
    "irqlab/kernel/irq/irqdomain.py",
    "irqlab/kernel/irq/internals.py",
    "irqlab/kernel/irq/types.py",
    "irqlab/kernel/irq/manage_thread.py",
    "irqlab/kernel/irq/spurious.py",
    "irqlab/kernel/softirq.py",
    "irqlab/kernel/tasklet.py",
    "irqlab/kernel/time/hrtimer.py",
    "irqlab/kernel/time/timer.py",
    "irqlab/kernel/time/tick.py",
    "irqlab/kernel/rcu/tree_stall.py",
    "irqlab/kernel/workqueue_pool.py",
    "irqlab/kernel/workqueue_queue.py",
    "irqlab/kernel/workqueue_worker.py",
    "irqlab/hw/line.py",
    "irqlab/hw/gic.py",
    "irqlab/hw/gic_v3.py",
    "irqlab/irqchip/gic.py",
    "irqlab/irqchip/gic_v3.py",
]


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip() not in ("", "0")


def _why_pure() -> str | None:
    """None when the compiled build can be made, else why not."""
    if _flag("IRQLAB_PURE"):
        return "IRQLAB_PURE is set"
    if "editable_wheel" in sys.argv and not _flag("IRQLAB_COMPILE"):
        return "an editable install stays pure unless IRQLAB_COMPILE=1"
    cc = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(cc) is None:
        return f"no C compiler ({cc}) found"
    include = sysconfig.get_paths().get("include") or ""
    if not os.path.isfile(os.path.join(include, "Python.h")):
        return f"no Python headers (Python.h) in {include}"
    try:
        import mypyc.build  # noqa: F401
    except ImportError:
        return "mypyc (from mypy) is not installed in the build environment"
    return None


class clean_compiled(Command):
    """Remove extension modules built in place (they shadow the .py files of an editable install)."""

    description = "remove mypyc extension modules and their C sources from the source tree"
    user_options: list[tuple[str, str | None, str]] = []

    def initialize_options(self) -> None:
        pass

    def finalize_options(self) -> None:
        pass

    def run(self) -> None:
        for pattern in ("irqlab/**/*.so", "irqlab/**/*.pyd", "*__mypyc*.so", "*__mypyc*.pyd"):
            for p in ROOT.glob(pattern):
                print(f"removing {p.relative_to(ROOT)}")
                p.unlink()
        shutil.rmtree(ROOT / "build", ignore_errors=True)


#: The setup.py commands that build: the others (metadata, clean_compiled) need no mypyc run, which type-checks
#: the whole package and writes the C.
_BUILDING = ("build", "build_ext", "bdist_wheel", "editable_wheel", "install", "develop")


def _ext_modules() -> list[object]:
    if not any(cmd in sys.argv[1:] for cmd in _BUILDING):
        return []
    why = _why_pure()
    if why is not None:
        print(f"irqlab: installing the pure-Python package ({why})", file=sys.stderr)
        return []
    from mypyc.build import mypycify

    print(f"irqlab: compiling {len(COMPILED)} core modules with mypyc", file=sys.stderr)
    return list(mypycify(COMPILED, opt_level=os.environ.get("MYPYC_OPT_LEVEL", "3"), multi_file=False))


setup(ext_modules=_ext_modules(), cmdclass={"clean_compiled": clean_compiled})
