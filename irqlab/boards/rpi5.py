"""Raspberry Pi 5 (BCM2712 + RP1): 4 Cortex-A76, HZ=250, PREEMPT, the GIC-400 and RP1's GPIO block.

Wiring follows bcm2712-rpi-5-b.dts and the Pi OS 6.12 defconfig (bcm2712_defconfig): the
GIC-400 the device tree declares (the seed text's "GIC-600" is wrong for the Pi 5), the
arch-timer tick on PPI 14, and pinctrl-rp1 with one chained parent interrupt per GPIO bank.
Costs are drawn from published Raspberry Pi measurements (docs/cost-model.md): GPIO edge to
handler entry a few microseconds, RP1 register reads over PCIe about a microsecond.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from irqlab.boards.board import Board, register_board
from irqlab.drivers.pinctrl.pinctrl_rp1 import rp1_pinctrl_probe
from irqlab.hw.line import Line
from irqlab.hw.rp1_gpio import Rp1Gpio
from irqlab.irqchip.gic import GIC_SPI, gic_data, gic_map
from irqlab.kernel.irq.types import IRQ_TYPE_LEVEL_HIGH

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel

# SIMPLIFICATION: RP1's bank interrupts reach the GIC over PCIe MSI-X through RP1's own domain;
# here they are plain GIC SPIs.
#: GIC SPIs standing for RP1's three io_bank interrupts.
RP1_BANK_SPIS = (120, 121, 122)
#: arm64 hwcap_str[] entries a Cortex-A76 (BCM2712) reports, in the kernel's order.
CORTEX_A76_HWCAPS = ("fp", "asimd", "evtstrm", "aes", "pmull", "sha1", "sha2", "crc32", "atomics", "fphp",
                     "asimdhp", "cpuid", "asimdrdm", "lrcpc", "dcpop", "asimddp")  # fmt: skip
#: Cost of an RP1 register access over PCIe (ns).
RP1_READ_NS = 1000
RP1_WRITE_NS = 150


class platform_parent:
    """The GPIO block's parent device as gpiolib prints it ("platform/1f000d0000.gpio")."""

    bus_name = "platform"
    name = "1f000d0000.gpio"


def rpi5_setup(k: Kernel) -> None:
    """Board setup: RP1 GPIO hardware, its bank interrupts on the GIC, and pinctrl-rp1."""
    gic = gic_data(k)
    assert gic is not None
    lines = tuple(Line(f"rp1-io_bank{i}", active_high=True) for i in range(3))
    hw = Rp1Gpio(k.engine, lines)  # type: ignore[arg-type]
    for bank in hw.banks:
        bank.read_cost = RP1_READ_NS  # type: ignore[attr-defined]
        bank.write_cost = RP1_WRITE_NS  # type: ignore[attr-defined]
    parents = []
    for i, spi in enumerate(RP1_BANK_SPIS):
        gic.hw.connect_spi(32 + spi, lines[i])
        parents.append(gic_map(k, GIC_SPI, spi, IRQ_TYPE_LEVEL_HIGH))
    pc = rp1_pinctrl_probe(hw, parents, platform_parent())
    k.subsys["rp1_gpio_hw"] = hw
    k.subsys["rp1_pinctrl"] = pc
    k.subsys["gpio_pins"] = hw.pins


RPI5 = Board(
    name="rpi5",
    model="Raspberry Pi 5 Model B Rev 1.0",
    hardware_name="Raspberry Pi 5 Model B Rev 1.0 (DT)",
    arch="arm64",
    cpus=4,
    hz=250,
    preempt="full",
    release="6.12.25+rpt-rpi-2712",
    version="#1 SMP PREEMPT Debian 1:6.12.25-1+rpt1 (2025-04-30)",
    cpu_id="0x414fd0b1",
    costs={
        # GIC entry to top half: 1-3 us on the Pi 5 (cost-model.md): exception entry plus IAR read.
        "irq_entry": 1200,
        "irq_entry_jitter": 400,
        "context_switch_jitter": 800,
        "irq_exit": 400,
        "softirq_entry": 250,
        "context_switch": 2500,
        "ipi": 1500,
        "mmio_read": 150,
        "mmio_write": 80,
        "net_rx_packet": 1200,
        # Caches and memory (kernel/cachecost.py, docs/cost-model.md): Cortex-A76 64 KB L1D, 512 KB private L2,
        # 2 MB shared L3 (Raspberry Pi 5 product brief); refetch costs per serialised miss; LPDDR4X-4267.
        "cache_l1_bytes": 64 * 1024,
        "cache_l2_bytes": 512 * 1024,
        "cache_l3_bytes": 2 * 1024 * 1024,
        "cache_l2_ns": 5,
        "cache_l3_ns": 20,
        "cache_dram_ns": 100,
        "cache_dram_contention_pct": 25,
        "cache_lines_irq": 60,
        "cache_lines_switch": 120,
        "cache_sweep_bytes_per_us": 2000,
    },
    setup_hooks=(rpi5_setup,),
    data={
        # The hostname Raspberry Pi OS sets at boot (/etc/hostname) unless the imager was told another.
        "hostname": "raspberrypi",
        "irqchip": "gic-400",
        "gic_irqs": 320,
        "irq_sim": 0,
        # arch/arm64/configs/bcm2712_defconfig: DETECT_HUNG_TASK=y; no SOFTLOCKUP_DETECTOR, HARDLOCKUP_DETECTOR or
        # WQ_WATCHDOG (neither set nor defaulted), RCU_CPU_STALL_TIMEOUT at its default of 21 s; tick-sampled CPU
        # time (no IRQ_TIME_ACCOUNTING), NODES_SHIFT at arm64's default of 4.
        "kconfig": {"SOFTLOCKUP_DETECTOR": False, "HARDLOCKUP_DETECTOR": "", "DETECT_HUNG_TASK": True,
                    "RCU_CPU_STALL_TIMEOUT": 21, "WQ_WATCHDOG": False, "IRQ_TIME_ACCOUNTING": False,
                    "NODES_SHIFT": 4},
        # Who built Raspberry Pi OS's 6.12.25 kernel, and with what (its "Linux version" banner).
        "build": {
            "by": "serge@raspberrypi.com",
            "cc": "aarch64-linux-gnu-gcc-12 (Debian 12.2.0-14) 12.2.0",
            "ld": "GNU ld (GNU Binutils for Debian) 2.40",
        },
        # /proc/cpuinfo of a Pi 5 (8 GB, rev 1.0): the Cortex-A76 hwcaps and the firmware's revision code.
        "cpuinfo": {
            "features": CORTEX_A76_HWCAPS,
            "revision": "d04170",
            "serial": "5b1c3e8f2a7d9046",
        },
        "sigpending_max": 31412,
        "spec_store_bypass": "thread vulnerable",
        "spec_indirect_branch": "unknown",
    },
)

register_board(RPI5)
