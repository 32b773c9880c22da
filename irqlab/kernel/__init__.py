"""The driver-facing kernel API, the equivalent of <linux/interrupt.h>, <linux/sched.h>,
<linux/timer.h>, <linux/spinlock.h>, ... Kernel names verbatim; return conventions are
the kernel's (0 or a negative errno from :mod:`irqlab.errno`). Every function here must
be called from code running inside a simulation.
"""

# ruff: noqa: I001  (star-import order is deliberate: later modules may refine earlier names)
import sys as _sys
from types import ModuleType as _ModuleType
from typing import NoReturn as _NoReturn

from irqlab.errno import ERR_PTR, IS_ERR, IS_ERR_OR_NULL, PTR_ERR
from irqlab.kernel.atomic import *  # noqa: F403
from irqlab.kernel.bug import *  # noqa: F403
from irqlab.kernel.container import Struct, container_of
from irqlab.kernel.core import NotInSimulationError
from irqlab.kernel.cpumask import *  # noqa: F403
from irqlab.kernel.io import *  # noqa: F403
from irqlab.kernel.irq import *  # noqa: F403
from irqlab.kernel.kthread import *  # noqa: F403
from irqlab.kernel.locking.mutex import *  # noqa: F403
from irqlab.kernel.locking.spinlock import *  # noqa: F403
from irqlab.kernel.mm.slab import *  # noqa: F403
from irqlab.kernel.module_param import *  # noqa: F403
from irqlab.kernel.preempt import *  # noqa: F403
from irqlab.kernel.rcupdate import *  # noqa: F403
from irqlab.kernel.printk import (
    KERN_ALERT,
    KERN_CONT,
    KERN_CRIT,
    KERN_DEBUG,
    KERN_DEFAULT,
    KERN_EMERG,
    KERN_ERR,
    KERN_INFO,
    KERN_NOTICE,
    KERN_WARNING,
    dev_crit,
    dev_dbg,
    dev_emerg,
    dev_name,
    dev_err,
    dev_info,
    dev_notice,
    dev_warn,
    pr_alert,
    pr_cont,
    pr_crit,
    pr_debug,
    pr_emerg,
    pr_err,
    pr_err_once,
    pr_err_ratelimited,
    pr_info,
    pr_info_once,
    pr_info_ratelimited,
    pr_notice,
    pr_notice_ratelimited,
    pr_warn,
    pr_warn_once,
    pr_warn_ratelimited,
    pr_warning,
    printk,
    printk_ratelimit,
    printk_ratelimited,
)
from irqlab.kernel.sched.completion import *  # noqa: F403
from irqlab.kernel.sched.current import *  # noqa: F403
from irqlab.kernel.sched.wait import *  # noqa: F403
from irqlab.kernel.softirq import *  # noqa: F403
from irqlab.kernel.tasklet import *  # noqa: F403
from irqlab.kernel.time.delay import *  # noqa: F403
from irqlab.kernel.time.hrtimer import *  # noqa: F403
from irqlab.kernel.time.jiffies import *  # noqa: F403
from irqlab.kernel.time.ktime import *  # noqa: F403
from irqlab.kernel.time.timer import *  # noqa: F403
from irqlab.kernel.uaccess import *  # noqa: F403
from irqlab.kernel.watchdog import touch_nmi_watchdog, touch_softlockup_watchdog
from irqlab.kernel.workqueue import *  # noqa: F403
from irqlab.kernel.seq_file import *  # noqa: F403
from irqlab.fs.debugfs import *  # noqa: F403
from irqlab.drivers.input.input import *  # noqa: F403
from irqlab.drivers.input.serio.serio import *  # noqa: F403
from irqlab.drivers.base.platform import *  # noqa: F403
from irqlab.drivers.net.dev import *  # noqa: F403
from irqlab.drivers.gpio.gpiolib import *  # noqa: F403


# What ``from irqlab.kernel import *`` exports: the kernel names of the modules above, never a Python
# module (``time``, ``io``, ``sched`` and the other submodules stay reachable as attributes) nor a name
# of the standard library's modules (``resource`` is struct resource: import it by name).
_NOT_EXPORTED = frozenset(_sys.stdlib_module_names) | {"annotations", "TYPE_CHECKING"}
__all__: list[str] = sorted(
    [n for n, v in dict(globals()).items()
     if not n.startswith("_") and not isinstance(v, _ModuleType) and n not in _NOT_EXPORTED]
    + ["jiffies"]  # through __getattr__ below: a star import binds a stand-in that says how to read it
)

_JIFFIES_BY_VALUE = (
    "`from irqlab.kernel import jiffies` would copy one value at import time, but the kernel's jiffies "
    "keeps counting: write `import irqlab.kernel` and read `irqlab.kernel.jiffies`, or call get_jiffies() "
    "(or kernel().jiffies from irqlab.kernel.core)"
)


class _StarImportedJiffies:
    """What ``from irqlab.kernel import *`` binds to ``jiffies``: a name imported by value cannot follow the
    kernel's counter, so every use says what to write instead (repr() describes it, for debuggers)."""

    __slots__ = ()
    _MSG = ("`jiffies` came from `from irqlab.kernel import *`, which copies names by value, so it cannot "
            "follow the kernel's counter: read `irqlab.kernel.jiffies` (after `import irqlab.kernel`), or "
            "call get_jiffies()")  # fmt: skip

    def __repr__(self) -> str:
        return "<jiffies imported by value: read irqlab.kernel.jiffies or call get_jiffies()>"

    def _fail(self, *args: object) -> _NoReturn:
        raise TypeError(self._MSG)

    __int__ = __index__ = __float__ = __bool__ = __hash__ = _fail  # type: ignore[assignment]
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __floordiv__ = __mod__ = _fail
    __lt__ = __le__ = __gt__ = __ge__ = __eq__ = __ne__ = __and__ = __or__ = __format__ = _fail  # type: ignore[assignment]


_STAR_JIFFIES = _StarImportedJiffies()


class _JiffiesOutsideSimulation(NotInSimulationError, AttributeError):
    """Reading irqlab.kernel.jiffies outside a simulation: also an AttributeError, so that introspection
    (``getattr(module, name, None)``, ``hasattr``, help()) goes on."""


def _import_kind() -> str:
    """How the caller of the module __getattr__ asks: "star" (``from irqlab.kernel import *``), "from"
    (``from irqlab.kernel import jiffies``) or "attribute" (``irqlab.kernel.jiffies``)."""
    import dis

    f = _sys._getframe(2)
    if f.f_code.co_name == "_handle_fromlist":  # importlib's hasattr() for ``from package import ...``
        return "star" if f.f_locals.get("recursive") else "from"
    for ins in dis.get_instructions(f.f_code):
        if ins.offset == f.f_lasti:
            return {"IMPORT_FROM": "from", "IMPORT_STAR": "star"}.get(ins.opname, "attribute")
    return "attribute"


def __getattr__(name: str):  # type: ignore[no-untyped-def]
    if name == "jiffies":
        # include/linux/jiffies.h: jiffies is a volatile global read afresh at each use; a module
        # attribute can be, a name bound by ``from ... import`` cannot.
        kind = _import_kind()
        if kind == "from":
            raise ImportError(_JIFFIES_BY_VALUE)
        if kind == "star":
            return _STAR_JIFFIES
        from irqlab.kernel.core import current_kernel

        k = current_kernel.k
        if k is None:
            raise _JiffiesOutsideSimulation(
                "irqlab.kernel.jiffies is the running kernel's: read it from code running inside a simulation "
                "(a module's module_init, a handler, a timer, a kthread), or read m.jiffies from a script")
        return k.jiffies
    from irqlab.drivers.gpio.gpiolib import REMOVED_IN_6_10

    if name in REMOVED_IN_6_10:
        raise AttributeError(REMOVED_IN_6_10[name])
    raise AttributeError(f"module 'irqlab.kernel' has no attribute {name!r}")
