"""Subsystem initcalls run at the end of boot, in order. Mirrors the kernel's initcall levels.

Each entry is "module:function"; the function takes the booting Kernel. Subsystems keep
their per-kernel state in ``k.subsys[<name>]``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel

INITCALLS: list[str] = [
    # core_initcall / subsys_initcall entries are appended here, one line per subsystem.
    "irqlab.irqchip.irqchip:irqchip_init",
    "irqlab.kernel.tasklet:softirq_init",
    "irqlab.kernel.sched.cputime:cputime_init",
    "irqlab.kernel.workqueue:workqueue_init",
    "irqlab.drivers.input.input:register_fs",
    "irqlab.drivers.net.dev:net_dev_init",
    "irqlab.drivers.gpio.gpiolib:gpiolib_init",
    "irqlab.kernel.sched.loadavg:loadavg_init",
    "irqlab.drivers.gpio.gpiolib_sysfs:gpiolib_sysfs_init",
    "irqlab.kernel.watchdog:wall_limit_init",
    "irqlab.kernel.watchdog:lockup_detector_init",
    "irqlab.kernel.hung_task:hung_task_init",
    "irqlab.kernel.rcu.tree_stall:rcu_init",
    "irqlab.kernel.sched.deadline:sched_bandwidth_init",
]


def run_all(k: Kernel) -> None:
    for spec in INITCALLS:
        mod, _, fn = spec.partition(":")
        getattr(importlib.import_module(mod), fn)(k)
