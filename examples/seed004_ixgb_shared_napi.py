"""The ixgb pattern: request_irq(pdev->irq, IRQF_SHARED, netdev->name), an interrupt that only schedules NAPI, ordered teardown.

Seed 004's "Dissecting the Intel Network Driver Code" (drivers/net/ethernet/intel/ixgb/ixgb_main.c):
ixgb_up(), ixgb_down(), and the ixgb_intr()/ixgb_clean() pair they register, ported line by
line onto irqlab's NIC model (irqlab/hw/nic.py). The pc board already has eth0 on IO-APIC GSI 24
(a level, active-low PCI INTx line); this example plugs a second NIC into the same INTx wire, as
two PCI functions often share one, so ixgb's request_irq() with IRQF_SHARED joins eth0 on the
line and /proc/interrupts shows "24-fasteoi   eth0, eth1".

On every interrupt both handlers run; each reads its own cause register and answers IRQ_NONE when
it is quiet ("Not our interrupt"). ixgb_intr() masks the NIC (IMC) and schedules NAPI; ixgb_clean()
polls up to its budget of 64 and unmasks only when it finished below budget, so a flood of 1 million
packets/s for 10 ms costs about 500 interrupts for 10000 packets. Three packets for eth0 at 25 ms
show the sharing from the other side (eth1 answers IRQ_NONE). ixgb_down() then tears down in the
order the seed stresses: napi_disable(), mask the NIC and synchronize, free_irq().

``main(seed, eth0_busy=True)`` adds 20000 packets/s on eth0 during the flood and shows a latent
ixgb bug under 6.12's NAPI: eth0's interrupts make ixgb_intr() find its own latched ICR while its
poll is scheduled, so napi_schedule_prep() records NAPI_STATE_MISSED; napi_complete_done() then
keeps the NAPI scheduled and returns false (net/core/dev.c), but ixgb_clean() ignores the result
and unmasks the NIC anyway. From then on every packet interrupts and the CPU drowns in hardirqs:
most of the flood is dropped. Drivers that survived (e1000e, ixgbe) check that return value.

Departures: ixgb itself left the kernel in 6.4 (commit e485f3a6eae0, "ixgb: Remove ixgb driver"),
so on 6.12 this is an out-of-tree module; e1000e/ixgbe keep the same pattern. The 82597's ICR
clears when read; irqlab's NIC latches causes until they are written back, so the port writes the
value it read back to ICR. MSI (used by ixgb in PCI-X mode) is not modelled: INTx only.
"""

from __future__ import annotations

from types import SimpleNamespace

import irqlab
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
from irqlab.kernel import (
    IRQ_HANDLED,
    IRQ_NONE,
    IRQF_SHARED,
    KERN_ERR,
    KERN_INFO,
    Struct,
    __napi_schedule,
    alloc_etherdev,
    clear_bit,
    container_of,
    free_irq,
    free_netdev,
    ioremap,
    napi_complete_done,
    napi_disable,
    napi_enable,
    napi_schedule_prep,
    napi_struct,
    netdev_priv,
    netif_napi_add,
    netif_receive_skb,
    printk,
    readl,
    register_netdev,
    request_irq,
    set_bit,
    sk_buff,
    synchronize_irq,
    test_bit,
    unregister_netdev,
    writel,
)
from irqlab.kernel.atomic import bitmap
from irqlab.machine import Machine

SEED_SECTION = "004: Hands-on: Dissecting the Intel Network Driver Code"
MODULE_NAME = "ixgb"

# The 82597EX register and cause names, on irqlab's NIC model.
ICR = NIC_INT_STATUS  # Interrupt Cause Read
IMS = NIC_INT_ENABLE_SET  # Interrupt Mask Set (enable)
IMC = NIC_INT_ENABLE_CLR  # Interrupt Mask Clear (disable)
IXGB_INT_RXT0 = NIC_INT_RX  # receive timer 0: packets received
IXGB_INT_RXO = NIC_INT_RXO  # receive overrun
__IXGB_DOWN = 0

board: dict[str, object] = {}


class pci_dev(Struct):
    """The bits of struct pci_dev the driver uses: its name and the irq the PCI core assigned."""

    def __init__(self, name: str, irq: int, hw: Nic) -> None:
        self.name = name
        self.irq = irq
        self.hw = hw


class ixgb_hw(Struct):
    def __init__(self) -> None:
        self.hw_addr = None


class ixgb_adapter(Struct):
    def __init__(self) -> None:
        self.netdev = None
        self.pdev: pci_dev | None = None
        self.hw = ixgb_hw()
        self.napi = napi_struct()
        self.flags = bitmap(8)
        self.irqs = 0
        self.polls = 0


def IXGB_READ_REG(hw: ixgb_hw, reg: int) -> int:
    return readl(hw.hw_addr + reg)


def IXGB_WRITE_REG(hw: ixgb_hw, reg: int, value: int) -> None:
    writel(value, hw.hw_addr + reg)


def netif_msg(level: str, adapter: ixgb_adapter, fmt: str, *args: object) -> None:
    """netif_info()/netif_err(): "ixgb <pci name> <netdev>: message"."""
    printk(level + "ixgb %s %s: " + fmt, adapter.pdev.name, adapter.netdev.name, *args)  # type: ignore[union-attr]


def ixgb_irq_enable(adapter: ixgb_adapter) -> None:
    IXGB_WRITE_REG(adapter.hw, IMS, IXGB_INT_RXT0 | IXGB_INT_RXO)


def ixgb_irq_disable(adapter: ixgb_adapter) -> None:
    IXGB_WRITE_REG(adapter.hw, IMC, ~0)
    synchronize_irq(adapter.pdev.irq)  # type: ignore[union-attr]


def ixgb_intr(irq: int, data: object) -> int:
    netdev = data
    adapter: ixgb_adapter = netdev_priv(netdev)  # type: ignore[arg-type]
    hw = adapter.hw
    icr = IXGB_READ_REG(hw, ICR)

    if not icr:
        return IRQ_NONE  # Not our interrupt
    IXGB_WRITE_REG(hw, ICR, icr)  # irqlab's ICR is write-1-to-clear (the 82597's clears on read)
    adapter.irqs += 1

    if napi_schedule_prep(adapter.napi):
        # Disable interrupts and register for poll. The flush
        # of the posted write is intentionally left out.
        IXGB_WRITE_REG(adapter.hw, IMC, ~0)
        __napi_schedule(adapter.napi)
    return IRQ_HANDLED


def ixgb_clean_rx_irq(adapter: ixgb_adapter, budget: int) -> int:
    """Hand up to ``budget`` received frames to the stack; returns the work done."""
    work_done = 0
    hw: Nic = adapter.pdev.hw  # type: ignore[union-attr]
    while work_done < budget:
        pkt = hw.rx_pop()  # the next descriptor with DD set, given back to the NIC
        if pkt is None:
            break
        netif_receive_skb(sk_buff(pkt, pkt.size, adapter.netdev))
        work_done += 1
    return work_done


def ixgb_clean(napi: napi_struct, budget: int) -> int:
    adapter = container_of(napi, ixgb_adapter, "napi")
    adapter.polls += 1
    work_done = ixgb_clean_rx_irq(adapter, budget)

    # If budget not fully consumed, exit the polling mode
    if work_done < budget:
        napi_complete_done(napi, work_done)
        if not test_bit(__IXGB_DOWN, adapter.flags):
            ixgb_irq_enable(adapter)

    return work_done


def ixgb_up(adapter: ixgb_adapter) -> int:
    netdev = adapter.netdev
    irq_flags = IRQF_SHARED

    # disable interrupts and get the hardware into a known state
    IXGB_WRITE_REG(adapter.hw, IMC, 0xFFFFFFFF)

    err = request_irq(adapter.pdev.irq, ixgb_intr, irq_flags, netdev.name, netdev)  # type: ignore[union-attr]
    if err:
        netif_msg(KERN_ERR, adapter, "Unable to allocate interrupt Error: %d\n", err)
        return err

    IXGB_WRITE_REG(adapter.hw, NIC_CTRL, NIC_CTRL_RX_EN)
    clear_bit(__IXGB_DOWN, adapter.flags)

    napi_enable(adapter.napi)
    ixgb_irq_enable(adapter)
    return 0


def ixgb_down(adapter: ixgb_adapter, kill_watchdog: bool) -> None:
    # prevent the interrupt handler from restarting watchdog
    set_bit(__IXGB_DOWN, adapter.flags)

    napi_disable(adapter.napi)  # NAPI must be disabled first
    # waiting for NAPI to complete can re-enable interrupts
    ixgb_irq_disable(adapter)  # then the hardware stops interrupting
    free_irq(adapter.pdev.irq, adapter.netdev)  # type: ignore[union-attr]
    IXGB_WRITE_REG(adapter.hw, NIC_CTRL, 0)


adapter: ixgb_adapter | None = None


def ixgb_probe(pdev: pci_dev) -> int:
    global adapter
    netdev = alloc_etherdev(ixgb_adapter)
    adapter = netdev_priv(netdev)
    adapter.netdev = netdev
    adapter.pdev = pdev
    adapter.hw.hw_addr = ioremap(pdev.hw)
    netif_napi_add(netdev, adapter.napi, ixgb_clean)
    register_netdev(netdev)
    set_bit(__IXGB_DOWN, adapter.flags)
    netif_msg(KERN_INFO, adapter, "Intel(R) PRO/10GbE Network Connection\n")
    return 0


def module_init() -> int:
    """ixgb_init_module(): pci_register_driver() finds the card and probes it; then `ip link set eth1 up`."""
    pdev = board["pdev"]
    ret = ixgb_probe(pdev)  # type: ignore[arg-type]
    if ret:
        return ret
    return ixgb_up(adapter)  # type: ignore[arg-type]


def module_exit() -> None:
    """`ip link set eth1 down`, then ixgb_remove()."""
    assert adapter is not None
    ixgb_down(adapter, True)
    hw: Nic = adapter.pdev.hw  # type: ignore[union-attr]
    netif_msg(KERN_INFO, adapter, "%d packets received in %d interrupts and %d polls, %d dropped\n",
              adapter.netdev.stats.rx_packets, adapter.irqs, adapter.polls, hw.drops)  # type: ignore[union-attr]  # fmt: skip
    unregister_netdev(adapter.netdev)  # type: ignore[arg-type]
    free_netdev(adapter.netdev)  # type: ignore[arg-type]


def main(seed: int = 1, eth0_busy: bool = False) -> Machine:
    """eth1 (this driver) gets 1 million packets/s from 2 to 12 ms; eth0 (the board's, on the same GSI 24)
    three packets at 25 ms, or with ``eth0_busy`` also 20000 packets/s during the flood."""
    from irqlab.boards.pc import NIC_GSI

    m = irqlab.boot("pc", seed=seed, trace=["irq_handler_entry", "irq_handler_exit", "napi_poll"])
    eth0_hw = m.kernel.subsys["pc_nic"]
    nic = Nic(m.kernel.engine, "ixgb0", line=eth0_hw.line, ring_size=256)  # the same INTx wire as eth0
    board.update(pdev=pci_dev("0000:00:04.0", NIC_GSI, nic))
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    nic.generate(1_000_000, start="2ms", until="12ms")
    if eth0_busy:
        eth0_hw.generate(20_000, start="2ms", until="12ms")
    eth0_hw.inject(3, at="25ms")
    m.run(until="30ms")
    shown["/proc/interrupts (both up)"] = m.read("/proc/interrupts")
    shown["/proc/net/softnet_stat"] = m.read("/proc/net/softnet_stat")
    m.rmmod(MODULE_NAME)
    shown["/proc/interrupts (after rmmod)"] = m.read("/proc/interrupts")
    return m


shown: dict[str, str] = {}


def report(m: Machine) -> str:
    """/proc/interrupts with eth0 and eth1 sharing GSI 24, softnet_stat, and the row after ixgb_down()."""
    return "".join(f"--- {what} ---\n{text}" for what, text in shown.items())


if __name__ == "__main__":
    print(main().dmesg() + report(None), end="")  # type: ignore[arg-type]
