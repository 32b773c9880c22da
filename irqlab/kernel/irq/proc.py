"""Mirrors kernel/irq/proc.c, state side: which /proc/irq/N directories exist, and the affinity writes.

``/proc/irq/N/`` exists for lines with a chip that were set up at boot or got a handler
(``register_irq_proc``); ``/proc/irq/N/<devname>/`` for each action whose name is unique on its
line. The text of the files is rendered by :mod:`irqlab.fs.irq`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from irqlab.errno import EINVAL, EIO, EOVERFLOW, ERANGE
from irqlab.kernel.irq.chip import no_irq_chip
from irqlab.kernel.irq.irqdesc import for_each_irq_desc, irq_subsys, irq_to_desc
from irqlab.kernel.irq.manage_affinity import irq_can_set_affinity_usr, irq_set_affinity
from irqlab.kernel.irq.types import irq_desc, irqaction

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel


def register_irq_proc(irq: int, desc: irq_desc) -> None:
    """Create /proc/irq/<irq>/ (not for lines on no_irq_chip)."""
    if desc.irq_data.chip is no_irq_chip or desc.dir:
        return
    desc.dir = True


def unregister_irq_proc(irq: int, desc: irq_desc) -> None:
    desc.dir = False


def name_unique(desc: irq_desc, new_action: irqaction) -> bool:
    action = desc.action
    while action is not None:
        if action is not new_action and action.name and action.name == new_action.name:
            return False
        action = action.next
    return True


def register_handler_proc(irq: int, action: irqaction) -> None:
    """Create /proc/irq/<irq>/<devname>/ if the name is unique on the line."""
    desc = irq_to_desc(irq)
    if desc is None or not desc.dir or action.dir or not action.name or not name_unique(desc, action):
        return
    action.dir = True


def unregister_handler_proc(irq: int, action: irqaction) -> None:
    action.dir = False


def init_irq_proc(k: Kernel) -> None:
    """Create /proc/irq/N for every descriptor that exists at boot."""
    for irq, desc in list(for_each_irq_desc(k)):
        register_irq_proc(irq, desc)


# -- parsing (lib/bitmap-str.c) ------------------------------------------------------------------------


def cpumask_parse(text: str, nbits: int) -> tuple[int, int]:
    """bitmap_parse() of a hex mask ("f", "0000000f", "1,00000000"): (0 or -errno, mask)."""
    s = text.strip()
    mask = 0
    for chunk in s.split(","):
        chunk = chunk.strip()
        if not chunk:
            if s:
                return -EINVAL, 0
            continue
        if len(chunk) > 8:
            return -EOVERFLOW, 0
        try:
            v = int(chunk, 16)
        except ValueError:
            return -EINVAL, 0
        mask = (mask << 32) | v
    if mask >> nbits:
        return -EOVERFLOW, 0
    return 0, mask


def cpumask_parselist(text: str, nbits: int) -> tuple[int, int]:
    """bitmap_parselist() of a CPU list ("0-2,5", "0-7:2/4", "all"): (0 or -errno, mask)."""
    s = text.strip()
    mask = 0
    if not s:
        return 0, 0
    for region in s.split(","):
        region = region.strip()
        if not region:
            return -EINVAL, 0
        used, grp = 1, 1
        if ":" in region:
            region, _, stride = region.partition(":")
            a, sep, b = stride.partition("/")
            if not sep:
                return -EINVAL, 0
            try:
                used, grp = int(a), int(b)
            except ValueError:
                return -EINVAL, 0
            if used <= 0 or grp <= 0 or used > grp:
                return -EINVAL, 0
        try:
            if region == "all":
                lo, hi = 0, nbits - 1
            elif "-" in region:
                x, _, y = region.partition("-")
                lo = int(x)
                hi = nbits - 1 if y == "N" else int(y)
            else:
                lo = hi = nbits - 1 if region == "N" else int(region)
        except ValueError:
            return -EINVAL, 0
        if lo > hi:
            return -EINVAL, 0
        if hi >= nbits:
            return -ERANGE, 0
        for c in range(lo, hi + 1):
            if (c - lo) % grp < used:
                mask |= 1 << c
    return 0, mask


def write_irq_affinity(k: Kernel, irq: int, text: str, is_list: bool) -> int:
    """/proc/irq/N/smp_affinity[_list] write: len(text), -EIO (can't set), -EINVAL, or the parse error."""
    st = irq_subsys(k)
    if not irq_can_set_affinity_usr(irq) or st.no_irq_affinity:
        return -EIO
    nbits = len(k.cpus)
    err, mask = cpumask_parselist(text, nbits) if is_list else cpumask_parse(text, nbits)
    if err:
        return err
    if not mask & st.online_mask():
        # irq_select_affinity_usr() is -EINVAL on everything but Alpha.
        return -EINVAL
    err = irq_set_affinity(irq, mask)
    return err if err else len(text)


def write_default_affinity(k: Kernel, text: str) -> int:
    """/proc/irq/default_smp_affinity write: len(text), the parse error, or -EINVAL (no online CPU)."""
    st = irq_subsys(k)
    err, mask = cpumask_parse(text, len(k.cpus))
    if err:
        return err
    if not mask & st.online_mask():
        return -EINVAL
    st.default_affinity = mask
    return len(text)


__all__: list[str] = []
