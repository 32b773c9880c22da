"""/proc/cpuinfo. Mirrors arch/arm64/kernel/cpuinfo.c c_show() (with the Raspberry Pi kernel's Revision,
Serial and Model lines on a Pi) and arch/x86/kernel/cpu/proc.c show_cpuinfo().

The CPU identity comes from the board: ``Board.cpu_id`` (MIDR_EL1 on arm64, the CPUID signature on x86)
and ``Board.data["cpuinfo"]`` (features, model name, revision, ...). One block per online CPU.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel

#: The arm64 architected timer frequency the boards use (54 MHz on the BCM2712).
ARCH_TIMER_HZ = 54_000_000


def bogomips(lpj: int, hz: int) -> str:
    """The "%lu.%02lu" of loops_per_jiffy / (500000/HZ) and loops_per_jiffy / (5000/HZ) % 100."""
    return f"{lpj // (500000 // hz)}.{lpj // (5000 // hz) % 100:02d}"


def arm64_show(k: Kernel, info: dict[str, Any]) -> str:
    midr = int(k.board.cpu_id, 16)
    # arm64 calibrates loops_per_jiffy from the timer: arch_timer_rate / HZ.
    lpj = int(info.get("timer_hz", ARCH_TIMER_HZ)) // k.hz
    out = []
    for c in k.cpus:
        if not c.online:
            continue
        out.append(
            f"processor\t: {c.id}\n"
            f"BogoMIPS\t: {bogomips(lpj, k.hz)}\n"
            f"Features\t:{''.join(' ' + f for f in info['features'])}\n"
            f"CPU implementer\t: 0x{midr >> 24 & 0xFF:02x}\n"
            "CPU architecture: 8\n"
            f"CPU variant\t: 0x{midr >> 20 & 0xF:x}\n"
            f"CPU part\t: 0x{midr >> 4 & 0xFFF:03x}\n"
            f"CPU revision\t: {midr & 0xF}\n\n"
        )
    if "revision" in info:
        # The Raspberry Pi kernel's addition: the firmware's /system linux,revision and the root node's
        # serial-number and model properties.
        out.append(f"Revision\t: {info['revision']}\n")
        out.append(f"Serial\t\t: {info['serial']}\n")
        out.append(f"Model\t\t: {k.board.model}\n")
    return "".join(out)


def x86_show(k: Kernel, info: dict[str, Any]) -> str:
    sig = int(k.board.cpu_id, 16)
    family = sig >> 8 & 0xF
    model = sig >> 4 & 0xF
    if family in (6, 15):
        model |= (sig >> 16 & 0xF) << 4
    if family == 15:
        family += sig >> 20 & 0xFF
    stepping = sig & 0xF
    tsc_khz = int(info["tsc_khz"])
    lpj = tsc_khz * 1000 // k.hz
    ncpus = len(k.cpus)
    out = []
    for c in k.cpus:
        if not c.online:
            continue
        out.append(
            f"processor\t: {c.id}\n"
            f"vendor_id\t: {info['vendor_id']}\n"
            f"cpu family\t: {family}\n"
            f"model\t\t: {model}\n"
            f"model name\t: {info['model_name']}\n"
            f"stepping\t: {stepping}\n"
            f"microcode\t: {info['microcode']}\n"
            f"cpu MHz\t\t: {tsc_khz // 1000}.{tsc_khz % 1000:03d}\n"
            f"cache size\t: {info['cache_kb']} KB\n"
            "physical id\t: 0\n"
            f"siblings\t: {ncpus}\n"
            f"core id\t\t: {c.id}\n"
            f"cpu cores\t: {ncpus}\n"
            f"apicid\t\t: {c.id}\n"
            f"initial apicid\t: {c.id}\n"
            "fpu\t\t: yes\n"
            "fpu_exception\t: yes\n"
            f"cpuid level\t: {info['cpuid_level']}\n"
            "wp\t\t: yes\n"
            f"flags\t\t:{''.join(' ' + f for f in info['flags'])}\n"
            f"bugs\t\t:{''.join(' ' + b for b in info['bugs'])}\n"
            f"bogomips\t: {bogomips(lpj, k.hz)}\n"
            "clflush size\t: 64\n"
            "cache_alignment\t: 64\n"
            f"address sizes\t: {info['address_sizes']}\n"
            "power management:\n\n"
        )
    return "".join(out)


def show_cpuinfo(k: Kernel) -> str:
    """The whole of /proc/cpuinfo for the board's architecture."""
    info = k.board.data.get("cpuinfo")
    if info is None:
        raise FileNotFoundError(f"the {k.board.name} board describes no CPU for /proc/cpuinfo (Board.data['cpuinfo'])")
    if k.board.arch == "x86":
        return x86_show(k, info)
    return arm64_show(k, info)


__all__ = ["show_cpuinfo", "bogomips"]
