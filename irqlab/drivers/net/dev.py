"""NAPI, the per-CPU backlog and net_rx_action. Mirrors net/core/dev.c, net/core/hotdata.c,
net/core/net-procfs.c (softnet_stat) and include/linux/netdevice.h (6.12).

A NAPI driver masks its device interrupt and calls ``napi_schedule()``; NET_RX_SOFTIRQ
polls it with ``weight`` (64) packets at a time, up to ``netdev_budget`` (300) per
``net_rx_action`` pass and ``netdev_budget_usecs`` (2 jiffies' worth of µs), counting a
``time_squeeze`` and re-raising the softirq when it runs out. A non-NAPI driver hands
each packet to ``netif_rx()`` from its hardirq handler; the per-CPU backlog (1000
packets) is drained by a NAPI of its own.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

from irqlab.errno import EINVAL
from irqlab.kernel.container import Embeddable
from irqlab.kernel.core import kernel, on_cpu
from irqlab.kernel.printk import KERN_ERR, pr_err_once, vprintk
from irqlab.kernel.softirq import NET_RX_SOFTIRQ, raise_softirq_on
from irqlab.kernel.time.delay import cpu_work
from irqlab.kernel.time.hrtimer import usleep_range
from irqlab.kernel.time.jiffies import time_after_eq, usecs_to_jiffies

NAPI_POLL_WEIGHT = 64
NAPI_STATE_SCHED = 0
NAPI_STATE_MISSED = 1
NAPI_STATE_DISABLE = 2
NAPI_STATE_NPSVC = 3
NAPI_STATE_LISTED = 4

NET_RX_SUCCESS = 0
NET_RX_DROP = 1

NETDEV_BUDGET = 300
DEV_RX_WEIGHT = 64
MAX_BACKLOG = 1000


class net_device_stats:
    def __init__(self) -> None:
        self.rx_packets = 0
        self.rx_bytes = 0
        self.rx_dropped = 0
        self.rx_errors = 0
        self.rx_fifo_errors = 0
        self.tx_packets = 0


class net_device:
    """struct net_device (what drivers and statistics need)."""

    def __init__(self, name: str = "eth%d", priv: Any = None) -> None:
        self.name = name
        self.stats = net_device_stats()
        self.napi_list: list[napi_struct] = []
        self.priv = priv
        self.irq = 0
        self.registered = False
        #: Called with each received skb after the stack's per-packet work (e.g. a socket queue).
        self.rx_handler: Callable[[sk_buff], None] | None = None

    def __repr__(self) -> str:
        return f"<net_device {self.name}>"


def netdev_priv(dev: net_device) -> Any:
    return dev.priv


def alloc_netdev(priv: Any, name: str = "eth%d") -> net_device:
    """A net_device whose netdev_priv() is ``priv`` (an object, or a type to instantiate)."""
    return net_device(name, priv() if isinstance(priv, type) else priv)


def alloc_etherdev(priv: Any) -> net_device:
    return alloc_netdev(priv, "eth%d")


def register_netdev(dev: net_device) -> int:
    """Give ``dev`` its name (eth%d -> eth0, eth1, ...). Returns 0. May sleep."""
    k = kernel()
    devs: list[net_device] = k.subsys.setdefault("netdevs", [])
    if "%d" in dev.name:
        prefix = dev.name.replace("%d", "")
        n = sum(1 for d in devs if d.name.startswith(prefix))
        dev.name = dev.name.replace("%d", str(n))
    devs.append(dev)
    dev.registered = True
    return 0


def unregister_netdev(dev: net_device) -> None:
    devs: list[net_device] = kernel().subsys.setdefault("netdevs", [])
    if dev in devs:
        devs.remove(dev)
    dev.registered = False


def free_netdev(dev: net_device) -> None:
    return None


class sk_buff:
    """struct sk_buff, reduced to what the receive path uses."""

    __slots__ = ("data", "len", "dev", "protocol", "tstamp", "hw_tstamp")

    def __init__(self, data: Any = None, length: int = 0, dev: net_device | None = None) -> None:
        self.data = data
        self.len = length
        self.dev = dev
        self.protocol = 0
        self.tstamp = 0
        self.hw_tstamp = 0


def netdev_alloc_skb(dev: net_device | None, length: int) -> sk_buff:
    return sk_buff(None, length, dev)


napi_alloc_skb = netdev_alloc_skb


def dev_kfree_skb(skb: sk_buff) -> None:
    return None


dev_kfree_skb_any = dev_kfree_skb
dev_kfree_skb_irq = dev_kfree_skb
kfree_skb = dev_kfree_skb


class napi_struct(Embeddable):
    """struct napi_struct."""

    def __init__(self) -> None:
        self.poll: Callable[[napi_struct, int], int] | None = None
        self.weight = NAPI_POLL_WEIGHT
        self.state = 1 << NAPI_STATE_SCHED  # as netif_napi_add leaves it until napi_enable
        self.dev: net_device | None = None
        self.polls = 0

    def test(self, bit: int) -> bool:
        return bool(self.state >> bit & 1)

    def __repr__(self) -> str:
        return f"<napi_struct {self.dev.name if self.dev else '?'} state={self.state:#x}>"


class softnet_data:
    """Per-CPU struct softnet_data."""

    def __init__(self, cpu: int) -> None:
        self.cpu = cpu
        self.poll_list: deque[napi_struct] = deque()
        self.processed = 0
        self.time_squeeze = 0
        self.dropped = 0
        self.in_net_rx_action = False
        self.input_pkt_queue: deque[sk_buff] = deque()
        self.backlog = napi_struct()
        self.backlog.poll = process_backlog
        self.backlog.weight = DEV_RX_WEIGHT
        self.backlog.state = 0
        self.backlog.sd = self  # type: ignore[attr-defined]


def _sd(k: Any, cpu: Any = None) -> softnet_data:
    c = cpu if cpu is not None else k.cpu
    sd = c.percpu.get("softnet_data")
    if sd is None:
        sd = c.percpu["softnet_data"] = softnet_data(c.id)
    return sd  # type: ignore[no-any-return]


# -- NAPI ----------------------------------------------------------------------------------


def netif_napi_add_weight(dev: net_device, napi: napi_struct, poll: Callable[[napi_struct, int], int], weight: int) -> None:
    """Attach ``napi`` to ``dev``; weights above 64 get the kernel's warning."""
    if weight > NAPI_POLL_WEIGHT:
        vprintk(kernel(), KERN_ERR + "netif_napi_add_weight_locked() called with weight %d\n", (weight,))
    napi.poll = poll
    napi.weight = weight
    napi.dev = dev
    napi.state = (1 << NAPI_STATE_SCHED) | (1 << NAPI_STATE_NPSVC)
    dev.napi_list.append(napi)


def netif_napi_add(dev: net_device, napi: napi_struct, poll: Callable[[napi_struct, int], int]) -> None:
    """Attach ``napi`` with the default weight (64). It stays disabled until napi_enable()."""
    netif_napi_add_weight(dev, napi, poll, NAPI_POLL_WEIGHT)


def netif_napi_del(napi: napi_struct) -> None:
    if napi.dev is not None and napi in napi.dev.napi_list:
        napi.dev.napi_list.remove(napi)


def napi_enable(n: napi_struct) -> None:
    """Allow ``n`` to be scheduled."""
    n.state &= ~((1 << NAPI_STATE_SCHED) | (1 << NAPI_STATE_NPSVC) | (1 << NAPI_STATE_DISABLE))


def napi_disable(n: napi_struct) -> None:
    """Prevent scheduling and wait for a running poll to complete. May sleep."""
    n.state |= 1 << NAPI_STATE_DISABLE
    while n.test(NAPI_STATE_SCHED):
        usleep_range(20, 200)
    n.state |= (1 << NAPI_STATE_SCHED) | (1 << NAPI_STATE_NPSVC)
    n.state &= ~(1 << NAPI_STATE_DISABLE)


def napi_schedule_prep(n: napi_struct) -> bool:
    """Claim SCHED; if it is already set, record MISSED and return False. False when disabled."""
    if n.test(NAPI_STATE_DISABLE):
        return False
    if n.test(NAPI_STATE_SCHED):
        n.state |= 1 << NAPI_STATE_MISSED
        return False
    n.state |= 1 << NAPI_STATE_SCHED
    return True


def ____napi_schedule(k: Any, sd: softnet_data, n: napi_struct) -> None:
    sd.poll_list.append(n)
    n.state |= 1 << NAPI_STATE_LISTED
    if not sd.in_net_rx_action:
        raise_softirq_on(k, k.cpu, NET_RX_SOFTIRQ)


def __napi_schedule(n: napi_struct) -> None:
    """Queue ``n`` on this CPU's poll list and raise NET_RX_SOFTIRQ."""
    k = on_cpu()
    cpu = k.cpu
    was = cpu.irqs_off
    cpu.irqs_off = True
    ____napi_schedule(k, _sd(k), n)
    cpu.irqs_off = was


def napi_schedule(n: napi_struct) -> bool:
    """Schedule ``n`` for polling; returns whether it was scheduled by this call."""
    if napi_schedule_prep(n):
        __napi_schedule(n)
        return True
    return False


def napi_complete_done(n: napi_struct, work_done: int) -> bool:
    """Mark the poll finished. False (keep device IRQs off) if a schedule was MISSED meanwhile."""
    if n.state & (1 << NAPI_STATE_NPSVC):
        return False
    if n.test(NAPI_STATE_MISSED):
        n.state &= ~(1 << NAPI_STATE_MISSED)
        __napi_schedule(n)
        return False
    n.state &= ~(1 << NAPI_STATE_SCHED)
    return True


def napi_complete(n: napi_struct) -> bool:
    return napi_complete_done(n, 0)


def _napi_poll(k: Any, n: napi_struct, repoll: list[napi_struct]) -> int:
    """napi_poll()/__napi_poll(): poll with the NAPI's weight; a NAPI that used all of it is repolled."""
    n.state &= ~(1 << NAPI_STATE_LISTED)
    weight = n.weight
    work = 0
    if n.test(NAPI_STATE_SCHED):
        tp = k.tp.napi_poll
        work = n.poll(n, weight)  # type: ignore[misc]
        n.polls += 1
        if tp.on:
            tp.emit(k.cpu.id, napi=k.ptr(n), dev_name=n.dev.name if n.dev else "(no_device)", work=work, budget=weight)
    if work > weight:
        pr_err_once("NAPI poll function %pS returned %d, exceeding its budget of %d.\n", n.poll, work, weight)
    if work < weight:
        return work
    if n.test(NAPI_STATE_DISABLE):
        napi_complete(n)
        return work
    repoll.append(n)
    return work


def net_rx_action() -> None:
    """NET_RX_SOFTIRQ: poll scheduled NAPIs within netdev_budget packets and netdev_budget_usecs."""
    k = on_cpu()
    sd = _sd(k)
    hot = k.subsys.setdefault("net_hotdata", {"netdev_budget": NETDEV_BUDGET,
                                              "netdev_budget_usecs": 2 * 1_000_000 // k.hz})  # fmt: skip
    time_limit = k.jiffies + usecs_to_jiffies(hot["netdev_budget_usecs"])
    budget = hot["netdev_budget"]
    lst: deque[napi_struct] = deque()
    repoll: list[napi_struct] = []
    while True:
        sd.in_net_rx_action = True
        lst.extend(sd.poll_list)
        sd.poll_list.clear()
        squeezed = False
        while lst:
            n = lst.popleft()
            budget -= _napi_poll(k, n, repoll)
            if budget <= 0 or time_after_eq(k.jiffies, time_limit):
                sd.time_squeeze += 1
                squeezed = True
                break
        if squeezed or repoll:
            break
        sd.in_net_rx_action = False
        if sd.poll_list:
            continue
        return
    lst.extend(sd.poll_list)
    sd.poll_list.clear()
    lst.extend(repoll)
    sd.poll_list.extend(lst)
    for n in sd.poll_list:
        n.state |= 1 << NAPI_STATE_LISTED
    if sd.poll_list:
        k.cpu.softirq_pending |= 1 << NET_RX_SOFTIRQ
        tp = k.tp.softirq_raise
        if tp.on:
            tp.emit(k.cpu.id, vec=NET_RX_SOFTIRQ, action="NET_RX")
    else:
        sd.in_net_rx_action = False


# -- receive path ------------------------------------------------------------------------------


def netif_receive_skb(skb: sk_buff) -> int:
    """Hand a packet to the stack: the per-packet protocol work, statistics, the rx_handler."""
    k = on_cpu()
    cost = k.costs.get("net_rx_packet", 1500)
    if cost:
        cpu_work(cost)
    sd = _sd(k)
    sd.processed += 1
    dev = skb.dev
    if dev is not None:
        dev.stats.rx_packets += 1
        dev.stats.rx_bytes += skb.len
        if dev.rx_handler is not None:
            dev.rx_handler(skb)
    return NET_RX_SUCCESS


# SIMPLIFICATION: GRO, RPS and threaded NAPI are not modelled.
napi_gro_receive = lambda napi, skb: netif_receive_skb(skb)  # noqa: E731 - GRO is not modelled


def netif_rx(skb: sk_buff) -> int:
    """Queue a packet on this CPU's backlog (from any context); NET_RX_DROP past max_backlog."""
    k = on_cpu()
    sd = _sd(k)
    cpu = k.cpu
    was = cpu.irqs_off
    cpu.irqs_off = True
    try:
        maxb = k.subsys.get("net_hotdata", {}).get("max_backlog", MAX_BACKLOG)
        if len(sd.input_pkt_queue) <= maxb:
            if not sd.input_pkt_queue and not sd.backlog.test(NAPI_STATE_SCHED):
                sd.backlog.state |= 1 << NAPI_STATE_SCHED
                ____napi_schedule(k, sd, sd.backlog)
            sd.input_pkt_queue.append(skb)
            return NET_RX_SUCCESS
        sd.dropped += 1
        if skb.dev is not None:
            skb.dev.stats.rx_dropped += 1
        return NET_RX_DROP
    finally:
        cpu.irqs_off = was


def process_backlog(napi: napi_struct, quota: int) -> int:
    """The backlog NAPI: deliver queued packets up to ``quota``."""
    sd: softnet_data = napi.sd  # type: ignore[attr-defined]
    work = 0
    while work < quota:
        if not sd.input_pkt_queue:
            napi.state = 0
            break
        netif_receive_skb(sd.input_pkt_queue.popleft())
        work += 1
    return work


def softnet_stat(k: Any) -> str:
    """/proc/net/softnet_stat: 15 hex columns per online CPU, as 6.12's softnet_seq_show() prints them;
    the 13th is the CPU id (seq->index), the last two input_qlen and process_qlen."""
    out = []
    for c in k.cpus:
        if not c.online:
            continue
        sd = _sd(k, c)
        input_qlen = len(sd.input_pkt_queue)
        # SIMPLIFICATION: process_backlog() dequeues from input_pkt_queue directly; there is no process_queue.
        process_qlen = 0
        out.append(f"{sd.processed:08x} {sd.dropped:08x} {sd.time_squeeze:08x} {0:08x} {0:08x} {0:08x} {0:08x} "
                   f"{0:08x} {0:08x} {0:08x} {0:08x} {input_qlen + process_qlen:08x} {c.id:08x} "
                   f"{input_qlen:08x} {process_qlen:08x}\n")  # fmt: skip
    return "".join(out)


def net_dev_init(k: Any) -> None:
    """Initcall: open NET_RX_SOFTIRQ and publish /proc/net/softnet_stat and the netdev sysctls."""
    k.softirq.actions[NET_RX_SOFTIRQ] = net_rx_action
    k.softirq.names[NET_RX_SOFTIRQ] = "net_rx_action"
    hot = k.subsys.setdefault("net_hotdata", {})
    hot.update(netdev_budget=NETDEV_BUDGET, netdev_budget_usecs=2 * 1_000_000 // k.hz, max_backlog=MAX_BACKLOG,
               dev_weight=DEV_RX_WEIGHT)  # fmt: skip

    def hook(fs: Any) -> None:
        fs.register("/proc/net/softnet_stat", lambda: softnet_stat(k))
        for key in ("netdev_budget", "netdev_budget_usecs", "netdev_max_backlog"):
            name = "max_backlog" if key == "netdev_max_backlog" else key
            fs.register(f"/proc/sys/net/core/{key}", lambda n=name: f"{hot[n]}\n",
                        lambda text, n=name: _write_int(hot, n, text))  # fmt: skip

    k.subsys.setdefault("fs_hooks", []).append(hook)


def _write_int(d: dict[str, int], key: str, text: str) -> int:
    try:
        v = int(text.strip())
    except ValueError:
        return -EINVAL
    if v < 0:
        return -EINVAL
    d[key] = v
    return len(text)


__all__ = [
    "NAPI_POLL_WEIGHT",
    "NAPI_STATE_SCHED",
    "NAPI_STATE_MISSED",
    "NAPI_STATE_DISABLE",
    "NET_RX_SUCCESS",
    "NET_RX_DROP",
    "net_device",
    "net_device_stats",
    "netdev_priv",
    "alloc_netdev",
    "alloc_etherdev",
    "register_netdev",
    "unregister_netdev",
    "free_netdev",
    "sk_buff",
    "netdev_alloc_skb",
    "napi_alloc_skb",
    "dev_kfree_skb",
    "dev_kfree_skb_any",
    "dev_kfree_skb_irq",
    "kfree_skb",
    "napi_struct",
    "netif_napi_add",
    "netif_napi_add_weight",
    "netif_napi_del",
    "napi_enable",
    "napi_disable",
    "napi_schedule_prep",
    "__napi_schedule",
    "napi_schedule",
    "napi_complete_done",
    "napi_complete",
    "napi_gro_receive",
    "netif_receive_skb",
    "netif_rx",
]
