"""A driver for irqlab's NIC model, in NAPI and in old-style (netif_rx per packet) form.

The NAPI form is the pattern of e1000/ixgb (seed 004): the hard interrupt acknowledges the
cause, masks RX and schedules NAPI; the poll function takes up to its budget of packets
from the ring and re-enables RX only when it completed below budget. The old form hands
every packet to netif_rx() from the hard interrupt and re-enables at once: under a flood
the CPU spends all its time in hardirq context (receive livelock), which is what NAPI cures.
"""

from __future__ import annotations

from typing import Any

from irqlab.drivers.net.dev import (
    __napi_schedule,
    alloc_etherdev,
    napi_complete_done,
    napi_enable,
    napi_schedule_prep,
    napi_struct,
    net_device,
    netdev_priv,
    netif_napi_add,
    netif_receive_skb,
    netif_rx,
    register_netdev,
    sk_buff,
)
from irqlab.hw.nic import (
    NIC_CTRL,
    NIC_CTRL_RX_EN,
    NIC_INT_ENABLE_CLR,
    NIC_INT_ENABLE_SET,
    NIC_INT_RX,
    NIC_INT_RXO,
    NIC_INT_STATUS,
    Nic,
)
from irqlab.kernel.io import ioremap, readl, writel
from irqlab.kernel.irq.manage import request_irq
from irqlab.kernel.irq.types import IRQ_HANDLED, IRQ_NONE, IRQF_SHARED


class simnic_priv:
    """The driver's private data (netdev_priv())."""

    def __init__(self, hw: Nic, napi_mode: bool) -> None:
        self.hw = hw
        self.regs = ioremap(hw)
        self.napi = napi_struct()
        self.napi_mode = napi_mode
        self.irqs = 0
        self.netdev: net_device | None = None


def simnic_intr(irq: int, data: Any) -> int:
    """NAPI hard interrupt: ack, mask RX, schedule the poll (or claim nothing on a shared line)."""
    p: simnic_priv = data
    status = readl(p.regs + NIC_INT_STATUS)
    if not status & (NIC_INT_RX | NIC_INT_RXO):
        return IRQ_NONE
    p.irqs += 1
    writel(status, p.regs + NIC_INT_STATUS)
    if napi_schedule_prep(p.napi):
        writel(NIC_INT_RX | NIC_INT_RXO, p.regs + NIC_INT_ENABLE_CLR)
        __napi_schedule(p.napi)
    return IRQ_HANDLED


def simnic_poll(napi: napi_struct, budget: int) -> int:
    """NAPI poll: take up to ``budget`` packets; unmask RX only when done below budget."""
    p: simnic_priv = napi.priv  # type: ignore[attr-defined]
    work = 0
    while work < budget:
        pkt = p.hw.rx_pop()
        if pkt is None:
            break
        netif_receive_skb(sk_buff(pkt, pkt.size, p.netdev))
        work += 1
    if work < budget and napi_complete_done(napi, work):
        writel(NIC_INT_RX | NIC_INT_RXO, p.regs + NIC_INT_ENABLE_SET)
    return work


def simnic_intr_legacy(irq: int, data: Any) -> int:
    """Old-style hard interrupt: every packet to netif_rx() from hardirq context."""
    p: simnic_priv = data
    status = readl(p.regs + NIC_INT_STATUS)
    if not status & (NIC_INT_RX | NIC_INT_RXO):
        return IRQ_NONE
    p.irqs += 1
    writel(status, p.regs + NIC_INT_STATUS)
    while True:
        pkt = p.hw.rx_pop()
        if pkt is None:
            break
        netif_rx(sk_buff(pkt, pkt.size, p.netdev))
    return IRQ_HANDLED


def simnic_probe(hw: Nic, irq: int, napi_mode: bool, shared: bool = False) -> net_device:
    """Bring the NIC up: register the netdev, request the IRQ, enable RX. May sleep."""
    p = simnic_priv(hw, napi_mode)
    dev = alloc_etherdev(p)
    p.netdev = dev
    register_netdev(dev)
    dev.irq = irq
    if napi_mode:
        netif_napi_add(dev, p.napi, simnic_poll)
        p.napi.priv = p  # type: ignore[attr-defined]
        napi_enable(p.napi)
    handler = simnic_intr if napi_mode else simnic_intr_legacy
    ret = request_irq(irq, handler, IRQF_SHARED if shared else 0, dev.name, p)
    if ret:
        raise RuntimeError(f"simnic: request_irq({irq}) failed: {ret}")
    writel(NIC_CTRL_RX_EN, p.regs + NIC_CTRL)
    writel(NIC_INT_RX | NIC_INT_RXO, p.regs + NIC_INT_ENABLE_SET)
    return dev


__all__ = ["simnic_priv", "simnic_probe", "simnic_intr", "simnic_poll", "simnic_intr_legacy", "netdev_priv"]
