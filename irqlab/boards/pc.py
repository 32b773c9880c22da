"""A PC: x86 SMP with an IO-APIC, an i8042 keyboard controller and a PCI NIC on a shared INTx line.

Wired so seed 004's /proc/interrupts excerpt can be reproduced: the NIC (eth0) on GSI 24,
level-triggered (fasteoi), and the i8042 on GSI 25, edge. The tick comes from each CPU's
local APIC timer (the LOC row).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from irqlab.boards.board import Board, register_board
from irqlab.drivers.input.serio.i8042 import i8042_probe
from irqlab.drivers.net.simnic import simnic_probe
from irqlab.hw.i8042 import I8042
from irqlab.hw.line import Line
from irqlab.hw.nic import Nic
from irqlab.irqchip.ioapic import ioapic_init, ioapic_map
from irqlab.kernel.irq.types import IRQ_TYPE_EDGE_RISING, IRQ_TYPE_LEVEL_LOW

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel

#: The x86_cap_flags[] a KVM guest on that CPU reports, in the kernel's order.
X86_GUEST_FLAGS = tuple(
    "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ss "
    "syscall nx pdpe1gb rdtscp lm constant_tsc arch_perfmon rep_good nopl xtopology cpuid tsc_known_freq pni "
    "pclmulqdq ssse3 fma cx16 pdcm pcid sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx "
    "f16c rdrand hypervisor lahf_lm abm 3dnowprefetch cpuid_fault ssbd ibrs ibpb stibp ibrs_enhanced "
    "fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms invpcid avx512f "
    "avx512dq rdseed adx smap avx512ifma clflushopt clwb avx512cd sha_ni avx512bw avx512vl xsaveopt xsavec "
    "xgetbv1 xsaves arat avx512vbmi umip pku ospke avx512_vbmi2 gfni vaes vpclmulqdq avx512_vnni "
    "avx512_bitalg avx512_vpopcntdq rdpid movdiri movdir64b fsrm avx512_vp2intersect md_clear flush_l1d "
    "arch_capabilities".split()
)

NIC_GSI = 24
I8042_GSI = 25


def _probe(k: Kernel) -> int:
    hw = k.subsys
    nic_irq = ioapic_map(k, NIC_GSI, IRQ_TYPE_LEVEL_LOW)  # PCI INTx: level, active low
    kbd_irq = ioapic_map(k, I8042_GSI, IRQ_TYPE_EDGE_RISING)
    hw["pc_eth0"] = simnic_probe(hw["pc_nic"], nic_irq, napi_mode=True, shared=True)
    # initcall_blacklist=i8042_init keeps the built-in i8042 driver out (to load another one as a module).
    # SIMPLIFICATION: initcall_blacklist= is honoured for i8042_init only, without its pr_debug messages.
    if "i8042_init" not in (k.boot_params.get("initcall_blacklist") or "").split(","):
        hw["pc_i8042_port"] = i8042_probe(hw["pc_i8042"], kbd_irq)
    return 0


def pc_setup(k: Kernel) -> None:
    """Board setup: IO-APIC, devices on their pins, built-in drivers probed in a boot task."""
    ioapic = ioapic_init(k)
    nic_line = Line("pci-intx-24", active_high=False)
    kbd_line = Line("isa-irq-1", active_high=True)
    ioapic.connect(NIC_GSI, nic_line)
    ioapic.connect(I8042_GSI, kbd_line)
    k.subsys["pc_nic"] = Nic(k.engine, "eth0", line=nic_line, ring_size=256)
    k.subsys["pc_i8042"] = I8042(k.engine, kbd_line)
    t = k.create_task(_probe, (k,), "kworker/0:1")
    k.sched.wake_up_new_task(t)
    k.subsys.setdefault("boot_tasks", []).append(t)


PC = Board(
    name="pc",
    model="QEMU Standard PC (Q35 + ICH9, 2009)",
    hardware_name="QEMU Standard PC (Q35 + ICH9, 2009), BIOS 1.16.3-debian-1.16.3-2 04/01/2014",
    arch="x86",
    cpus=2,
    hz=250,
    preempt="voluntary",
    release="6.12.25-amd64",
    version="#1 SMP PREEMPT_DYNAMIC Debian 6.12.25-1",
    cpu_id="0x000806c1",
    costs={
        "irq_entry": 400,
        "irq_exit": 200,
        "softirq_entry": 150,
        "context_switch": 1200,
        "ipi": 800,
        "mmio_read": 500,
        "mmio_write": 100,
        "net_rx_packet": 900,
        # Caches and memory (kernel/cachecost.py, docs/cost-model.md): an 11th-gen Core, 48 KB L1D, 1.25 MB
        # private L2, 12 MB shared L3, dual-channel DDR4.
        "cache_l1_bytes": 48 * 1024,
        "cache_l2_bytes": 1280 * 1024,
        "cache_l3_bytes": 12 * 1024 * 1024,
        "cache_l2_ns": 4,
        "cache_l3_ns": 15,
        "cache_dram_ns": 85,
        "cache_dram_contention_pct": 15,
        "cache_lines_irq": 60,
        "cache_lines_switch": 120,
        "cache_sweep_bytes_per_us": 4000,
    },
    setup_hooks=(pc_setup,),
    data={
        # The hostname Debian's installer proposes, set at boot from /etc/hostname.
        "hostname": "debian",
        "irqchip": "ioapic",
        "irq_sim": 0,
        # Debian's amd64 config: the soft lockup detector and the perf NMI hard lockup detector are built in;
        # IRQ_TIME_ACCOUNTING=y (precise hardirq/softirq time in /proc/stat); NODES_SHIFT 10.
        "kconfig": {"SOFTLOCKUP_DETECTOR": True, "HARDLOCKUP_DETECTOR": "perf", "IRQ_TIME_ACCOUNTING": True,
                    "NODES_SHIFT": 10},
        # Debian's amd64 build identity for the "Linux version" banner (representative toolchain versions).
        "build": {
            "by": "debian-kernel@lists.debian.org",
            "cc": "x86_64-linux-gnu-gcc-14 (Debian 14.2.0-19) 14.2.0",
            "ld": "GNU ld (GNU Binutils for Debian) 2.44",
        },
        # A KVM guest on an 11th-gen Core (CPUID signature 0x806c1), as /proc/cpuinfo shows it.
        "cpuinfo": {
            "vendor_id": "GenuineIntel",
            "model_name": "11th Gen Intel(R) Core(TM) i7-1165G7 @ 2.80GHz",
            "microcode": "0xffffffff",
            "tsc_khz": 2803198,
            "cache_kb": 12288,
            "cpuid_level": 27,
            "flags": X86_GUEST_FLAGS,
            "bugs": ("spectre_v1", "spectre_v2", "spec_store_bypass", "swapgs", "eibrs_pbrsb", "gds", "bhi"),
            "address_sizes": "39 bits physical, 48 bits virtual",
        },
        "sigpending_max": 15524,
        "spec_store_bypass": "thread vulnerable",
        "spec_indirect_branch": "conditional enabled",
    },
)

register_board(PC)
