"""The driver-facing kernel API, the equivalent of <linux/interrupt.h>, <linux/sched.h>,
<linux/timer.h>, <linux/spinlock.h>, ... Kernel names verbatim; return conventions are
the kernel's (0 or a negative errno from :mod:`irqlab.errno`). Every function here must
be called from code running inside a simulation.
"""

# ruff: noqa: I001  (star-import order is deliberate: later modules may refine earlier names)
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


def __getattr__(name: str):  # type: ignore[no-untyped-def]
    if name == "jiffies":
        from irqlab.kernel.core import kernel

        return kernel().jiffies
    from irqlab.drivers.gpio.gpiolib import REMOVED_IN_6_10

    if name in REMOVED_IN_6_10:
        raise AttributeError(REMOVED_IN_6_10[name])
    raise AttributeError(f"module 'irqlab.kernel' has no attribute {name!r}")
