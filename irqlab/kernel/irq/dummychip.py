"""Mirrors kernel/irq/dummychip.c: the chip of lines nobody set up, and a chip that needs no control."""

from __future__ import annotations

from irqlab.kernel.irq.handle import print_irq_desc
from irqlab.kernel.irq.irqdesc import irq_subsys
from irqlab.kernel.irq.types import IRQCHIP_SKIP_SET_WAKE, irq_chip, irq_data


def _noop(d: irq_data) -> None:
    return None


def _noop_ret(d: irq_data) -> int:
    return 0


def _ack_bad(d: irq_data) -> None:
    desc = d.desc
    print_irq_desc(desc.k, d.irq, desc)
    irq_subsys(desc.k).irq_err_count += 1


#: The chip of a line nobody set up ("none"): everything is a no-op, ack reports a bad irq.
no_irq_chip = irq_chip("none", irq_startup=_noop_ret, irq_shutdown=_noop, irq_enable=_noop, irq_disable=_noop,
                       irq_ack=_ack_bad, flags=IRQCHIP_SKIP_SET_WAKE)  # fmt: skip
#: A chip for lines that need no hardware control ("dummy").
dummy_irq_chip = irq_chip("dummy", irq_startup=_noop_ret, irq_shutdown=_noop, irq_enable=_noop, irq_disable=_noop,
                          irq_ack=_noop, irq_mask=_noop, irq_unmask=_noop, flags=IRQCHIP_SKIP_SET_WAKE)  # fmt: skip


__all__ = ["no_irq_chip", "dummy_irq_chip"]
