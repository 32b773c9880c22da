"""The build options irqlab models that change what the kernel reports, read per board.

A board's ``data["kconfig"]`` overrides the defaults below (the values of a 6.12 arm64 build with the lockup
detectors left out, as the Raspberry Pi 5's bcm2712_defconfig has them). To model a differently built kernel,
register a copy of a board with other values: ``dataclasses.replace(board, name=..., data={..., "kconfig": {...}})``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel

DEFAULTS: dict[str, Any] = {
    # lib/Kconfig.debug: "Detect Soft Lockups" (no default; selects LOCKUP_DETECTOR).
    "SOFTLOCKUP_DETECTOR": False,
    # lib/Kconfig.debug: "Detect Hard Lockups": "" (not built), "buddy" (kernel/watchdog_buddy.c) or "perf"
    # (kernel/watchdog_perf.c, a per-CPU NMI).
    "HARDLOCKUP_DETECTOR": "",
    "BOOTPARAM_SOFTLOCKUP_PANIC": 0,
    "BOOTPARAM_HARDLOCKUP_PANIC": 0,
    # lib/Kconfig.debug: "Detect Hung Tasks", default timeout 120 s.
    "DETECT_HUNG_TASK": True,
    "DEFAULT_HUNG_TASK_TIMEOUT": 120,
    "BOOTPARAM_HUNG_TASK_PANIC": 0,
    # kernel/rcu/Kconfig.debug: RCU_CPU_STALL_TIMEOUT, default 21 s (RCU_STALL_COMMON is always on for TREE_RCU).
    "RCU_CPU_STALL_TIMEOUT": 21,
    # lib/Kconfig.debug: "Detect Workqueue Stalls" (no default).
    "WQ_WATCHDOG": False,
}


def CONFIG(k: Kernel, name: str) -> Any:
    """The value of CONFIG_<name> for this kernel's board."""
    return k.board.data.get("kconfig", {}).get(name, DEFAULTS[name])


def IS_ENABLED(k: Kernel, name: str) -> bool:
    """IS_ENABLED(CONFIG_<name>)."""
    return bool(CONFIG(k, name))
