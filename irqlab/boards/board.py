"""The board description (Board), the generic board and the registry the board modules add themselves to."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel


@dataclass(frozen=True)
class Board:
    """A board description: what the kernel prints about itself, defaults, and the cost model."""

    name: str
    model: str
    hardware_name: str
    arch: str
    cpus: int
    hz: int
    preempt: str
    release: str
    version: str
    cpu_id: str
    #: Simulated costs in ns: irq_entry, irq_exit, context_switch, ipi, mmio_read, mmio_write.
    costs: dict[str, int] = field(default_factory=dict)
    #: Functions run at the end of boot to set up controllers and devices.
    setup_hooks: tuple[Callable[[Kernel], None], ...] = ()
    #: Free-form board data (device tables) used by setup hooks, and the kernel build's identity: "kconfig"
    #: (config options, e.g. IRQ_TIME_ACCOUNTING, NODES_SHIFT), "cpuinfo" (/proc/cpuinfo), "build" (the Linux
    #: version banner), "sigpending_max", "spec_store_bypass", "spec_indirect_branch" (/proc/PID/status) and
    #: "btime" (the wall-clock second of boot in /proc/stat).
    data: dict[str, Any] = field(default_factory=dict)


GENERIC = Board(
    name="generic",
    model="irqlab generic SMP machine",
    hardware_name="irqlab generic SMP machine (DT)",
    arch="arm64",
    cpus=4,
    hz=250,
    preempt="full",
    release="6.12.25-irqlab",
    version="#1 SMP PREEMPT",
    cpu_id="0x414fd0b1",
    costs={
        "irq_entry": 500,
        "irq_exit": 300,
        "softirq_entry": 200,
        "context_switch": 1500,
        "ipi": 1000,
        "mmio_read": 100,
        "mmio_write": 50,
    },
    # The interrupt controller (a GIC-400, as on the BCM2712) and an irq_sim domain of 32 lines.
    # A debug build for teaching: the soft lockup detector and the buddy hard lockup detector (a GIC-400 has no
    # pseudo-NMI for the perf one) are built in.
    data={
        "irqchip": "gic-400",
        # With more than 8 CPUs (a GIC-400 serves 8) the machine has a GICv3: distributor and redistributors.
        "irqchip_above_8_cpus": "gic-v3",
        "gic_irqs": 320,
        "irq_sim": 32,
        "kconfig": {"SOFTLOCKUP_DETECTOR": True, "HARDLOCKUP_DETECTOR": "buddy"},
        # The same Cortex-A76 as the Pi 5 (cpu_id is its MIDR_EL1), without the Pi firmware's lines.
        "cpuinfo": {"features": ("fp", "asimd", "evtstrm", "aes", "pmull", "sha1", "sha2", "crc32", "atomics",
                                 "fphp", "asimdhp", "cpuid", "asimdrdm", "lrcpc", "dcpop", "asimddp")},
    },
)

BOARDS: dict[str, Board] = {"generic": GENERIC}


def register_board(board: Board) -> None:
    """Make ``board`` bootable by name (a board module calls it when it loads)."""
    BOARDS[board.name] = board


def get_board(name: str) -> Board:
    try:
        return BOARDS[name]
    except KeyError:
        raise ValueError(f"unknown board {name!r}; available boards: {', '.join(sorted(BOARDS))}") from None

