"""NAPI: net_rx_action budget and time_squeeze, MISSED handling, the backlog and softnet_stat."""

import irqlab
from irqlab.kernel import (
    alloc_etherdev,
    local_bh_disable,
    local_bh_enable,
    napi_complete_done,
    napi_enable,
    napi_schedule,
    napi_struct,
    netif_napi_add,
    netif_rx,
    register_netdev,
    sk_buff,
)


def _ten_napis(polls):
    devs = []
    for i in range(10):
        dev = alloc_etherdev(None)
        register_netdev(dev)
        n = napi_struct()

        def poll(napi, budget, i=i):
            polls.append(i)
            return budget  # always uses its full weight: stays scheduled

        netif_napi_add(dev, n, poll)
        napi_enable(n)
        devs.append(n)
    return devs


def test_one_net_rx_action_pass_stops_at_the_budget():
    """Ten NAPIs using their full weight of 64: 5 polled (320 >= 300), time_squeeze +1, NET_RX re-raised."""
    m = irqlab.boot("generic", cpus=1, seed=0, trace=["softirq_entry", "softirq_raise"])
    polls = []

    def fn():
        napis = _ten_napis(polls)
        local_bh_disable()
        for n in napis:
            napi_schedule(n)
        local_bh_enable()  # one net_rx_action pass runs here ... and restarts while within limits
        polls.append("done")

    m.spawn(fn)
    m.run(until="100us")
    first_pass = polls[:5]
    assert first_pass == [0, 1, 2, 3, 4]
    squeeze = int(m.read("/proc/net/softnet_stat").split()[2], 16)
    assert squeeze >= 1
    # the pass re-raised NET_RX: a second pass polled the next five, in order
    assert polls[5:10] == [5, 6, 7, 8, 9]


def test_napi_schedule_on_scheduled_napi_sets_missed_and_complete_returns_false():
    """napi_schedule() on a scheduled NAPI sets MISSED; the next napi_complete_done() returns False and reschedules."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    out = []

    def fn():
        dev = alloc_etherdev(None)
        n = napi_struct()
        netif_napi_add(dev, n, lambda napi, budget: 0)
        napi_enable(n)
        local_bh_disable()
        out.append(napi_schedule(n))
        out.append(napi_schedule(n))
        out.append(napi_complete_done(n, 0))
        out.append(napi_complete_done(n, 0))
        local_bh_enable()

    m.spawn(fn)
    m.run()
    assert out == [True, False, False, True]


def test_backlog_drops_past_max_backlog_and_softnet_stat_counts():
    """netif_rx() queues up to netdev_max_backlog (1000) packets per CPU; the rest are dropped and counted."""
    m = irqlab.boot("generic", cpus=2, seed=0)
    res = []

    def fn():
        dev = alloc_etherdev(None)
        register_netdev(dev)
        local_bh_disable()
        for _ in range(1005):
            res.append(netif_rx(sk_buff(None, 60, dev)))
        local_bh_enable()

    m.spawn(fn, cpu=1)
    m.run()
    assert res.count(1) == 4 and res.count(0) == 1001
    rows = m.read("/proc/net/softnet_stat").splitlines()
    assert len(rows) == 2 and all(len(r.split()) == 15 for r in rows)
    cpu1 = rows[1].split()
    assert int(cpu1[0], 16) == 1001 and int(cpu1[1], 16) == 4 and cpu1[12] == "00000001"
    assert m.read("/proc/sys/net/core/netdev_budget") == "300\n"
    assert m.read("/proc/sys/net/core/netdev_budget_usecs") == "8000\n"


def test_softnet_stat_has_fifteen_columns_and_the_cpu_id_after_hot_unplug():
    """6.12's softnet_seq_show(): the 13th column is the CPU id (seq->index), so with CPU1 down the rows read
    CPU 0, 2 and 3, followed by input_qlen and process_qlen."""
    m = irqlab.boot("generic", cpus=4, seed=0)
    m.remove_cpu(1)
    rows = [r.split() for r in m.read("/proc/net/softnet_stat").splitlines()]
    assert [r[12] for r in rows] == ["00000000", "00000002", "00000003"]
    assert rows[1] == ["00000000"] * 12 + ["00000002", "00000000", "00000000"]
