"""The built-in initcalls, run in this order at the end of boot (the kernel's initcall levels and link order).

Each takes the booting Kernel and keeps its per-kernel state in ``k.subsys[<name>]``. The list lives above the
kernel, the irqchips and the drivers it names, as the linker collects the initcall sections of every object: the
kernel is handed it (``Kernel(initcalls=...)``) and never names a subsystem itself. A new subsystem adds its
init function here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from irqlab.drivers.gpio.gpiolib import gpiolib_init
from irqlab.drivers.gpio.gpiolib_sysfs import gpiolib_sysfs_init
from irqlab.drivers.input.input import register_fs
from irqlab.drivers.net.dev import net_dev_init
from irqlab.irqchip.irqchip import irqchip_init
from irqlab.kernel.hung_task import hung_task_init
from irqlab.kernel.rcu.tree_stall import rcu_init
from irqlab.kernel.sched.cputime import cputime_init
from irqlab.kernel.sched.deadline import sched_bandwidth_init
from irqlab.kernel.sched.loadavg import loadavg_init
from irqlab.kernel.tasklet import softirq_init
from irqlab.kernel.watchdog import lockup_detector_init, wall_limit_init
from irqlab.kernel.workqueue import workqueue_init

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel

INITCALLS: tuple[Callable[[Kernel], None], ...] = (
    # core_initcall / subsys_initcall entries, one line per subsystem.
    irqchip_init,
    softirq_init,
    cputime_init,
    workqueue_init,
    register_fs,
    net_dev_init,
    gpiolib_init,
    loadavg_init,
    gpiolib_sysfs_init,
    wall_limit_init,
    lockup_detector_init,
    hung_task_init,
    rcu_init,
    sched_bandwidth_init,
)
