"""Flow handlers end to end: shared level lines, oneshot threads, storms, edges while busy or disabled."""

import re

import irqlab
from irqlab.hw.mmio import MMIO_ENABLE, MMIO_RX_READY, MMIO_STATUS, MmioDevice
from irqlab.kernel import (
    IRQ_HANDLED,
    IRQ_NONE,
    IRQ_WAKE_THREAD,
    IRQF_ONESHOT,
    IRQF_SHARED,
    IRQF_TRIGGER_HIGH,
    cpu_work,
    disable_irq,
    enable_irq,
    in_hardirq,
    in_serving_softirq,
    msleep,
    request_irq,
    request_threaded_irq,
    smp_processor_id,
)
from irqlab.kernel.irq.types import IRQD_IRQ_MASKED


def test_three_devices_share_one_level_line():
    """Three devices on one wired-OR level line: every handler runs per interrupt, checks its own status, and the line deasserts only when the last device is cleared."""
    m = irqlab.boot("generic", cpus=2, seed=0)
    line = m.spi_line(10)
    devs = [MmioDevice(m.kernel.engine, f"dev{i}", line=line) for i in range(3)]
    virq = m.board.map_spi(10)
    calls = []

    def handler(irq, dev):
        calls.append(dev.name)
        if not dev.readl(MMIO_STATUS) & MMIO_RX_READY:
            return IRQ_NONE
        cpu_work(2000)
        dev.writel(MMIO_STATUS, MMIO_RX_READY)
        return IRQ_HANDLED

    def probe():
        for d in devs:
            d.writel(MMIO_ENABLE, MMIO_RX_READY)
            assert request_irq(virq, handler, IRQF_SHARED, d.name, d) == 0

    m.spawn(probe)
    m.run(until="1ms")
    devs[0].trigger(at="2ms")
    devs[2].trigger(at="2ms")
    m.run(until="3ms")
    # One interrupt: dev0 and dev2 both handled in the same pass (all handlers run, in request order).
    assert calls == ["dev0", "dev1", "dev2"]
    assert not line.active
    devs[1].trigger(at="4ms")
    m.run(until="5ms")
    assert calls[3:] == ["dev0", "dev1", "dev2"]
    row = [r for r in m.read("/proc/interrupts").splitlines() if r.startswith(f" {virq}:")][0]
    assert row.endswith("GICv2  42 Level     dev0, dev1, dev2")
    assert m.read(f"/sys/kernel/irq/{virq}/actions") == "dev0,dev1,dev2\n"


def test_line_stays_asserted_until_last_device_is_cleared():
    """If only one of two asserting devices is cleared, the level line fires again at once."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    line = m.spi_line(11)
    a, b = MmioDevice(m.kernel.engine, "a", line=line), MmioDevice(m.kernel.engine, "b", line=line)
    virq = m.board.map_spi(11)
    seen = []

    def handler_a(irq, dev):
        if dev.readl(MMIO_STATUS) & MMIO_RX_READY:
            dev.writel(MMIO_STATUS, MMIO_RX_READY)
            seen.append(("a", m.now))
            return IRQ_HANDLED
        return IRQ_NONE

    def handler_b(irq, dev):
        # The buggy driver of b only clears its status on the second interrupt.
        if dev.readl(MMIO_STATUS) & MMIO_RX_READY:
            seen.append(("b", m.now))
            if len([s for s in seen if s[0] == "b"]) == 2:
                dev.writel(MMIO_STATUS, MMIO_RX_READY)
            return IRQ_HANDLED
        return IRQ_NONE

    def probe():
        for d in (a, b):
            d.writel(MMIO_ENABLE, MMIO_RX_READY)
        assert request_irq(virq, handler_a, IRQF_SHARED, "a", a) == 0
        assert request_irq(virq, handler_b, IRQF_SHARED, "b", b) == 0

    m.spawn(probe)
    m.run(until="1ms")
    a.trigger(at="2ms")
    b.trigger(at="2ms")
    m.run(until="3ms")
    assert [s[0] for s in seen] == ["a", "b", "b"]
    assert not line.active
    assert irq_to_desc_count(m, virq) == 2


def irq_to_desc_count(m, virq):
    return m.irq(virq).total


def test_threaded_oneshot_level_irq_stays_masked_until_thread_returns():
    """IRQF_ONESHOT with the default primary handler: the level line is masked at the GIC while the thread runs (sleeping 5 ms), unmasked when it returns, and fires exactly once."""
    m = irqlab.boot("generic", cpus=2, seed=0)
    dev = MmioDevice(m.kernel.engine, "sensor", line=m.spi_line(12))
    virq = m.board.map_spi(12)
    hw = m.board.gic
    probes = []
    runs = []

    def thread_fn(irq, d):
        runs.append(m.now)
        msleep(5)
        d.writel(MMIO_STATUS, MMIO_RX_READY)
        return IRQ_HANDLED

    def probe():
        dev.writel(MMIO_ENABLE, MMIO_RX_READY)
        assert request_threaded_irq(virq, None, thread_fn, IRQF_ONESHOT, "sensor", dev) == 0

    def sample():
        desc = m.kernel.subsys["irq"].descs[virq]
        probes.append((hw.is_enabled(44, 0), bool(desc.irq_common_data.state_use_accessors & IRQD_IRQ_MASKED),
                       dev.line.active))

    m.spawn(probe)
    m.run(until="1ms")
    dev.trigger(at="2ms")
    m.at("4ms", sample)
    m.at("20ms", sample)
    m.run(until="25ms")
    assert probes[0] == (False, True, True)  # masked at the GIC while the thread sleeps, line still asserted
    assert probes[1] == (True, False, False)  # unmasked after the thread returned and the device was cleared
    assert len(runs) == 1
    assert irq_to_desc_count(m, virq) == 1
    t = m.task(f"irq/{virq}-sensor")
    assert (t.policy_name, t.rt_priority) == ("SCHED_FIFO", 50)


def test_threaded_irq_without_oneshot_on_level_line_is_rejected():
    """handler=NULL without IRQF_ONESHOT fails with -EINVAL and the kernel's message."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    virq = m.board.map_spi(13)
    out = {}

    def probe():
        out["ret"] = request_threaded_irq(virq, None, lambda i, d: IRQ_HANDLED, 0, "nooneshot", None)

    m.spawn(probe)
    m.run(until="1ms")
    assert out["ret"] == -22
    assert f"genirq: Threaded irq requested with handler=NULL and !ONESHOT for nooneshot (irq {virq})" in m.dmesg_lines()


def test_level_line_never_cleared_is_a_storm():
    """A level source whose handler never clears it re-fires after every EOI: the CPU does nothing else."""
    m = irqlab.boot("generic", cpus=2, seed=0)
    line = m.spi_line(14)
    virq = m.board.map_spi(14)
    progress = []

    def handler(irq, dev):
        return IRQ_HANDLED  # claims it, but never clears the device

    def probe():
        assert request_irq(virq, handler, IRQF_TRIGGER_HIGH, "stuck", None) == 0

    def worker():
        while True:
            cpu_work(100_000)
            progress.append((smp_processor_id(), m.now))

    m.spawn(probe)
    m.run(until="1ms")
    m.spawn(worker, cpu=0, name="victim")
    m.at("2ms", line.assert_, "dev")
    m.run(until="7ms")
    counts = m.irq(virq).counts
    # 5 ms of back-to-back interrupts at ~200 ns each (IAR, EOIR, handler, DIR); all on CPU0.
    assert counts[0] > 20000 and counts[1] == 0
    assert not [p for p in progress if p[1] > 2_000_000]  # the victim task made no progress during the storm
    assert "Disabling IRQ" not in m.dmesg()  # handled interrupts never count as unhandled


def test_irq_none_forever_is_reported_and_disabled_after_100000():
    """A handler returning IRQ_NONE on a stuck level line: after 100000 interrupts the kernel prints "nobody cared" with the handler list, "Disabling IRQ #N", and the storm stops (lazy disable masks it)."""
    m = irqlab.boot("generic", cpus=2, seed=0)
    line = m.spi_line(15)
    virq = m.board.map_spi(15)

    def handler(irq, dev):
        return IRQ_NONE

    def probe():
        assert request_irq(virq, handler, 0, "deaf", None) == 0

    m.spawn(probe)
    m.run(until="1ms")
    m.at("2ms", line.assert_, "dev")
    m.run(until="40ms")
    lines = m.dmesg_lines()
    i = lines.index(f'irq {virq}: nobody cared (try booting with the "irqpoll" option)')
    assert lines[i + 1].startswith("CPU: 0 UID: 0 PID: 0 Comm: swapper/0 Not tainted ")
    assert lines[i + 3] == "Call trace:"
    h = lines.index("handlers:", i)
    assert re.fullmatch(r"\[<[0-9a-f]{16}>\] handler", lines[h + 1])
    assert lines[h + 2] == f"Disabling IRQ #{virq}"
    desc = m.kernel.subsys["irq"].descs[virq]
    assert sum(desc.kstat_irqs) == 100000
    assert desc.depth == 1 and desc.istate & 0x2  # IRQS_SPURIOUS_DISABLED
    assert m.read(f"/proc/irq/{virq}/spurious").startswith("count 0\nunhandled 0\nlast_unhandled ")
    # 100000 interrupts at 200 ns (IAR+EOIR 150 ns, DIR 50 ns) after 2 ms plus the first entry cost.
    rec = [r for r in m.kernel.log.records if r.text == f"Disabling IRQ #{virq}"][0]
    assert 21_000_000 < rec.ts < 23_000_000


def test_unhandled_interrupts_spaced_apart_never_accumulate():
    """Unhandled events more than HZ/10 apart restart the count at 1 (/proc/irq/N/spurious shows it)."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    line = m.spi_line(16)
    virq = m.board.map_spi(16, "edge")

    def probe():
        assert request_irq(virq, lambda i, d: IRQ_NONE, 0, "rare", None) == 0

    m.spawn(probe)
    for t in (10, 200, 400):
        m.at(f"{t}ms", line.pulse)
    m.run(until="500ms")
    text = m.read(f"/proc/irq/{virq}/spurious")
    desc = m.kernel.subsys["irq"].descs[virq]
    assert text == "count %u\nunhandled %u\nlast_unhandled %u ms\n" % (3, 1, (desc.last_unhandled * 4) & 0xFFFFFFFF)


def test_edge_arriving_mid_handler_is_replayed_once():
    """Two more edges while the handler runs: the GIC holds one (active and pending), so it runs exactly twice."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    line = m.spi_line(17)
    virq = m.board.map_spi(17, "edge")
    runs = []

    def handler(irq, dev):
        runs.append(m.now)
        cpu_work(50_000)
        return IRQ_HANDLED

    def probe():
        assert request_irq(virq, handler, 0, "edgy", None) == 0

    m.spawn(probe)
    m.at("2ms", line.pulse)
    m.at("2.01ms", line.pulse)
    m.at("2.02ms", line.pulse)
    m.run(until="3ms")
    assert len(runs) == 2
    assert runs[1] > runs[0] + 50_000
    assert m.read(f"/sys/kernel/irq/{virq}/type") == "edge\n"


def test_edge_while_disabled_is_replayed_on_enable_by_the_gic():
    """An edge during disable_irq() is marked PENDING (lazy disable masks the line); enable_irq() retriggers it in hardware (IRQS_REPLAY), so the handler runs once, in hardirq context."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    line = m.spi_line(18)
    virq = m.board.map_spi(18, "edge")
    ctx = []

    def handler(irq, dev):
        ctx.append(("hardirq" if in_hardirq() else "other", m.now))
        return IRQ_HANDLED

    def driver():
        assert request_irq(virq, handler, 0, "late", None) == 0
        disable_irq(virq)
        msleep(10)
        enable_irq(virq)

    m.spawn(driver)
    m.at("3ms", line.pulse)
    m.run(until="30ms")
    assert len(ctx) == 1 and ctx[0][0] == "hardirq"
    assert ctx[0][1] > 10_000_000


def test_edge_while_disabled_on_irq_sim_is_resent_by_the_tasklet():
    """irq_sim has no retrigger: the pending edge is replayed by the resend tasklet in TASKLET_SOFTIRQ."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    virq = m.irq_sim(3)
    ctx = []

    def handler(irq, dev):
        ctx.append("softirq" if in_serving_softirq() else "hardirq" if in_hardirq() else "task")
        return IRQ_HANDLED

    def driver():
        assert request_irq(virq, handler, 0, "simdev", None) == 0
        disable_irq(virq)
        msleep(10)
        enable_irq(virq)

    m.spawn(driver)
    m.at("2ms", m.fire_irq, virq)
    m.at("30ms", m.fire_irq, virq)
    m.run(until="40ms")
    assert ctx == ["softirq", "hardirq"]
    assert m.read("/proc/softirqs").splitlines()[7].split()[1] != "0"  # TASKLET ran on CPU0


def test_wake_thread_collapses_several_wakes_into_one_run():
    """Three hard interrupts before the thread gets the CPU wake it once (IRQTF_RUNTHREAD)."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    virq = m.irq_sim(4)
    runs = []

    def primary(irq, dev):
        return IRQ_WAKE_THREAD

    def thread_fn(irq, dev):
        runs.append(m.now)
        return IRQ_HANDLED

    def driver():
        assert request_threaded_irq(virq, primary, thread_fn, 0, "burst", None) == 0

    def hog():
        # A higher-priority FIFO task keeps the IRQ thread (FIFO 50) off the CPU for 1 ms.
        cpu_work(1_000_000)

    m.spawn(driver)
    m.run(until="1ms")
    m.at("2ms", lambda: m.spawn(hog, name="hog", policy="fifo", prio=60, cpu=0))
    for t in ("2.1ms", "2.2ms", "2.3ms"):
        m.at(t, m.fire_irq, virq)
    m.run(until="10ms")
    assert len(runs) == 1 and runs[0] > 3_000_000
    assert sum(m.kernel.subsys["irq"].descs[virq].kstat_irqs) == 3


def test_wake_thread_without_thread_fn_warns_once():
    """IRQ_WAKE_THREAD from a handler without thread_fn prints the kernel's warning once per action."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    virq = m.irq_sim(5)

    def driver():
        assert request_irq(virq, lambda i, d: IRQ_WAKE_THREAD, 0, "confused", None) == 0

    m.spawn(driver)
    for t in ("2ms", "3ms"):
        m.at(t, m.fire_irq, virq)
    m.run(until="5ms")
    msg = f"IRQ {virq} device confused returned IRQ_WAKE_THREAD but no thread function available."
    assert m.dmesg_lines().count(msg) == 1
