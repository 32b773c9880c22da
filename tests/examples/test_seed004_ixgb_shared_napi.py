"""Seed 004, "Hands-on: Dissecting the Intel Network Driver Code": examples/seed004_ixgb_shared_napi.py."""

import importlib.util
import pathlib

MS = 1_000_000


def _example():
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed004_ixgb_shared_napi.py"
    spec = importlib.util.spec_from_file_location("seed004_ixgb_shared_napi", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _pairs(m, irq):
    ent = [e for e in m.trace.events("irq_handler_entry") if e["irq"] == irq]
    ext = [e for e in m.trace.events("irq_handler_exit") if e["irq"] == irq]
    return [(e.ts, e["name"], x["ret"]) for e, x in zip(ent, ext)]


def test_shared_intx_line_and_napi_under_a_flood():
    """IRQF_SHARED puts eth1 after eth0 on GSI 24 ("24-fasteoi   eth0, eth1"); during the 1 Mpps flood each interrupt runs eth0's handler (IRQ_NONE) then ixgb_intr (IRQ_HANDLED), which masks and schedules NAPI: 10001 packets in 489 interrupts, none dropped; eth0's own packets at 25 ms (2 interrupts) get IRQ_NONE from ixgb_intr."""
    ex = _example()
    m = ex.main(1)
    row = [r for r in ex.shown["/proc/interrupts (both up)"].splitlines() if r.startswith(" 24:")]
    assert row == [" 24:        491          0   IO-APIC  24-fasteoi   eth0, eth1"]
    pairs = _pairs(m, 24)
    flood = [p for p in pairs if p[0] < 20 * MS]
    assert [(n, r) for _, n, r in flood[:2]] == [("eth0", "unhandled"), ("eth1", "handled")]
    assert {(n, r) for _, n, r in flood} == {("eth0", "unhandled"), ("eth1", "handled")}
    assert [(n, r) for t, n, r in pairs if t > 20 * MS] == [("eth0", "handled"), ("eth1", "unhandled")] * 2
    assert m.dmesg_lines()[-1] == "ixgb 0000:00:04.0 eth1: 10001 packets received in 489 interrupts and 489 polls, 0 dropped"
    polls = [e for e in m.trace.events("napi_poll") if e["dev_name"] == "eth1"]
    # Each poll drains what arrived meanwhile (~20 packets at 900 ns each), below the budget of 64, and unmasks.
    assert len(polls) == 489 and max(e["work"] for e in polls) < 64 and sum(e["work"] for e in polls) == 10001


def test_ixgb_down_disables_napi_then_masks_then_frees_the_shared_irq():
    """After rmmod (ixgb_down: napi_disable, IMC + synchronize_irq, free_irq) GSI 24 carries eth0 alone and eth1's NIC no longer asserts the shared wire."""
    ex = _example()
    m = ex.main(1)
    row = [r for r in ex.shown["/proc/interrupts (after rmmod)"].splitlines() if r.startswith(" 24:")]
    assert row == [" 24:        491          0   IO-APIC  24-fasteoi   eth0"]
    assert ex.board["pdev"].hw.enable == 0 and m.kernel.subsys["pc_nic"].line.active is False
    assert "ixgb 0000:00:04.0 eth1: Intel(R) PRO/10GbE Network Connection" in m.dmesg_lines()


def test_unchecked_napi_complete_done_collapses_under_shared_traffic():
    """With eth0 busy on the same line, ixgb_intr sees its latched ICR while NAPI is scheduled (MISSED); napi_complete_done() then returns false with NAPI still scheduled (net/core/dev.c), ixgb_clean() unmasks anyway, and every packet interrupts: the hardirq load starves the poll and most packets are dropped."""
    ex = _example()
    m = ex.main(1, eth0_busy=True)
    a = ex.adapter
    hw = ex.board["pdev"].hw
    assert hw.drops > 5000 and a.netdev.stats.rx_packets < 3000
    assert a.irqs > 4000 and a.polls < 100
