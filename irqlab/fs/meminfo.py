"""/proc/meminfo. Mirrors fs/proc/meminfo.c meminfo_proc_show() of 6.12 (its first lines, in kB).

# SIMPLIFICATION: memory is not modelled. MemTotal is the board's RAM (board data ``mem_total_kb``, else
# 8 GiB, the Pi 5's largest model at release), nothing is allocated from it, and there is no swap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from irqlab.fs.procfs import ProcFS
    from irqlab.kernel.kernel import Kernel

#: The RAM of a board that does not name its own, in kB.
DEFAULT_MEM_TOTAL_KB = 8 * 1024 * 1024


def meminfo_proc_show(k: Kernel) -> str:
    """The lines top and free read: totals, free, available, buffers, cache, swap."""
    total = int(k.board.data.get("mem_total_kb", DEFAULT_MEM_TOTAL_KB))
    rows = [("MemTotal", total), ("MemFree", total), ("MemAvailable", total), ("Buffers", 0), ("Cached", 0),
            ("SwapCached", 0), ("SwapTotal", 0), ("SwapFree", 0), ("SReclaimable", 0)]  # fmt: skip
    # show_val_kb(): the name padded to 16 columns with its colon, the value in 8.
    return "".join(f"{name + ':':<15s} {val:8d} kB\n" for name, val in rows)


def register(fs: ProcFS, k: Kernel) -> None:
    fs.register("/proc/meminfo", lambda: meminfo_proc_show(k))


__all__ = ["meminfo_proc_show", "register"]
