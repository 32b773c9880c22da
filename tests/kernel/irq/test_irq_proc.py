"""/proc/interrupts, /proc/irq/* and /sys/kernel/irq/* against text laid out with the kernel's format strings."""

import irqlab
from irqlab.errno import EINVAL, EIO, EOVERFLOW, ERANGE
from irqlab.hw.mmio import MMIO_ENABLE, MMIO_RX_READY, MMIO_STATUS, MmioDevice
from irqlab.kernel import IRQ_HANDLED, IRQ_NONE, IRQF_SHARED, request_irq

IPIS = ["Rescheduling interrupts", "Function call interrupts", "CPU stop interrupts", "CPU stop NMIs",
        "Timer broadcast interrupts", "IRQ work interrupts", "CPU backtrace interrupts", "KGDB roundup interrupts"]  # fmt: skip


def expected_interrupts(m, rows):
    """Lay /proc/interrupts out with show_interrupts()'s (6.12) and arm64 arch_show_interrupts()'s formats."""
    k = m.kernel
    prec = 3
    online = [c.id for c in k.cpus if c.online]
    text = "%*s" % (prec + 8, "") + "".join("CPU%-8d" % j for j in online) + "\n"
    for irq, counts, chip, hwirq, level, names in rows:
        text += "%*d: " % (prec, irq) + "".join("%10u " % counts[j] for j in online)
        text += " %8s" % chip + " %*d" % (prec, hwirq) + " %-8s" % level
        text += "  %s" % names[0] + "".join(", %s" % n for n in names[1:]) + "\n"
    gic = k.subsys["gic"]
    descs = k.subsys["irq"].descs
    for i, name in enumerate(IPIS):
        text += "%*s%u:%s" % (prec - 1, "IPI", i, "")
        text += "".join("%10u " % descs[gic.ipi_base + i].kstat_irqs[j] for j in online)
        text += "      %s\n" % name
    text += "%*s: %10lu\n" % (prec, "Err", 0)
    return text


def _timer_counts(m):
    return list(m.irq(11).counts)


def test_proc_interrupts_layout_with_a_shared_line():
    """Rows for the GIC PPIs and a shared SPI, the IPI rows and Err, byte for byte (6.12 spacing)."""
    m = irqlab.boot("generic", cpus=4, seed=0)
    line = m.spi_line(40)
    devs = [MmioDevice(m.kernel.engine, f"eth{i}", line=line) for i in range(2)]
    virq = m.board.map_spi(40)

    def handler(irq, dev):
        if dev.readl(MMIO_STATUS) & MMIO_RX_READY:
            dev.writel(MMIO_STATUS, MMIO_RX_READY)
            return IRQ_HANDLED
        return IRQ_NONE

    def probe():
        for d in devs:
            d.writel(MMIO_ENABLE, MMIO_RX_READY)
            request_irq(virq, handler, IRQF_SHARED, d.name, d)

    m.spawn(probe)
    for t in (2, 3, 4):
        devs[t % 2].trigger(at=f"{t}ms")
    m.run(until="10ms")
    rows = [
        (9, [0, 0, 0, 0], "GICv2", 25, "Level", ["vgic"]),
        (11, _timer_counts(m), "GICv2", 30, "Level", ["arch_timer"]),
        (12, [0, 0, 0, 0], "GICv2", 27, "Level", ["kvm guest vtimer"]),
        (virq, [3, 0, 0, 0], "GICv2", 72, "Level", ["eth0", "eth1"]),
    ]
    assert m.read("/proc/interrupts") == expected_interrupts(m, rows)
    assert m.read("/proc/interrupts").splitlines()[4] == f" {virq}:          3          0          0          0     GICv2  72 Level     eth0, eth1"  # noqa: E501


def test_affinity_write_moves_counts_to_another_cpu_column():
    """echo 2 > /proc/irq/N/smp_affinity_list: later interrupts are counted in CPU2's column."""
    m = irqlab.boot("generic", cpus=4, seed=0)
    line = m.spi_line(41)
    virq = m.board.map_spi(41, "edge")
    m.spawn(lambda: request_irq(virq, lambda i, d: IRQ_HANDLED, 0, "mover", None))
    m.at("2ms", line.pulse)
    m.run(until="3ms")
    assert m.write(f"/proc/irq/{virq}/smp_affinity_list", "2\n") == 2
    m.at("4ms", line.pulse)
    m.at("5ms", line.pulse)
    m.run(until="6ms")
    assert m.read(f"/sys/kernel/irq/{virq}/per_cpu_count") == "%u,%u,%u,%u\n" % (1, 0, 2, 0)
    assert m.read(f"/proc/irq/{virq}/smp_affinity") == "4\n"
    assert m.read(f"/proc/irq/{virq}/smp_affinity_list") == "2\n"
    assert m.read(f"/proc/irq/{virq}/effective_affinity") == "4\n"
    assert m.write(f"/proc/irq/{virq}/smp_affinity", "c") == 1  # CPUs 2-3: the GIC picks the first, 2
    assert m.read(f"/proc/irq/{virq}/effective_affinity_list") == "2\n"
    assert m.read(f"/proc/irq/{virq}/smp_affinity_list") == "2-3\n"


def test_affinity_write_errors():
    """-EIO for per-CPU lines, -EINVAL for no online CPU or garbage, -ERANGE/-EOVERFLOW past nr_cpu_ids."""
    m = irqlab.boot("generic", cpus=4, seed=0)
    virq = m.board.map_spi(42)
    m.spawn(lambda: request_irq(virq, lambda i, d: IRQ_HANDLED, 0, "x", None))
    m.run(until="1ms")
    assert m.write("/proc/irq/11/smp_affinity", "1") == -EIO  # the per-CPU arch timer
    assert m.write(f"/proc/irq/{virq}/smp_affinity", "0") == -EINVAL
    assert m.write(f"/proc/irq/{virq}/smp_affinity", "zz") == -EINVAL
    assert m.write(f"/proc/irq/{virq}/smp_affinity", "10") == -EOVERFLOW
    assert m.write(f"/proc/irq/{virq}/smp_affinity_list", "5") == -ERANGE
    assert m.write(f"/proc/irq/{virq}/smp_affinity_list", "3-1") == -EINVAL
    assert m.write(f"/proc/irq/{virq}/smp_affinity_list", "0-3:1/2") == len("0-3:1/2")
    assert m.read(f"/proc/irq/{virq}/smp_affinity") == "5\n"


def test_proc_irq_files_and_spurious():
    """/proc/irq/N/{node,affinity_hint,spurious} and the per-action directory; default_smp_affinity."""
    m = irqlab.boot("generic", cpus=4, seed=0)
    line = m.spi_line(43)
    virq = m.board.map_spi(43, "edge")
    assert not m.fs.exists(f"/proc/irq/{virq}/spurious")  # mapped but never requested: no directory yet

    def probe():
        request_irq(virq, lambda i, d: IRQ_NONE, IRQF_SHARED, "twin", 1)
        request_irq(virq, lambda i, d: IRQ_NONE, IRQF_SHARED, "twin", 2)

    m.spawn(probe)
    m.at("2ms", line.pulse)
    m.at("3ms", line.pulse)
    m.run(until="4ms")
    desc = m.kernel.subsys["irq"].descs[virq]
    assert m.read(f"/proc/irq/{virq}/node") == "%d\n" % -1
    assert m.read(f"/proc/irq/{virq}/affinity_hint") == "0\n"
    assert m.read(f"/proc/irq/{virq}/spurious") == "count %u\nunhandled %u\nlast_unhandled %u ms\n" % (
        2, 2, (desc.last_unhandled * 1000 // 250) & 0xFFFFFFFF)
    assert m.fs.exists(f"/proc/irq/{virq}/twin")
    assert [a.dir for a in (desc.action, desc.action.next)] == [True, False]  # name_unique()
    assert m.read("/proc/irq/default_smp_affinity") == "f\n"
    assert m.write("/proc/irq/default_smp_affinity", "3") == 1
    v2 = m.board.map_spi(44)
    m.spawn(lambda: request_irq(v2, lambda i, d: IRQ_HANDLED, 0, "y", None))
    m.run(until="5ms")
    assert m.read(f"/proc/irq/{v2}/smp_affinity") == "3\n"
    assert m.write("/proc/irq/default_smp_affinity", "0") == -EINVAL


def test_irqaffinity_boot_option_keeps_the_boot_cpu():
    """irqaffinity=2-3 sets irq_default_affinity to CPUs 2-3 plus the boot CPU."""
    m = irqlab.boot("generic", cpus=4, seed=0, cmdline="irqaffinity=2-3")
    assert m.read("/proc/irq/default_smp_affinity") == "d\n"


def test_sys_kernel_irq_attributes():
    """/sys/kernel/irq/N: actions (comma, no space), chip_name, hwirq, name, per_cpu_count, type, wakeup."""
    m = irqlab.boot("generic", cpus=4, seed=0)
    line = m.spi_line(45)
    virq = m.board.map_spi(45)
    m.spawn(lambda: [request_irq(virq, lambda i, d: IRQ_HANDLED, IRQF_SHARED, n, n) for n in ("a", "b")])
    m.at("2ms", line.assert_, "x")
    m.at("2ms", line.deassert, "x")
    m.run(until="3ms")
    base = f"/sys/kernel/irq/{virq}/"
    assert m.read(base + "actions") == "%s%s" % ("a", ",b") + "\n"
    assert m.read(base + "chip_name") == "%s\n" % "GICv2"
    assert m.read(base + "hwirq") == "%lu\n" % 77
    assert m.read(base + "name") == ""
    assert m.read(base + "type") == "%s\n" % "level"
    assert m.read(base + "wakeup") == "%s\n" % "disabled"
    assert m.read(base + "per_cpu_count") == "0,0,0,0\n"
    sim = m.irq_sim(0)
    assert m.read(f"/sys/kernel/irq/{sim}/actions") == ""
    assert m.read(f"/sys/kernel/irq/{sim}/chip_name") == "irq_sim\n"
    assert m.read(f"/sys/kernel/irq/{sim}/type") == "edge\n"


def test_hotplug_drops_the_cpu_column_and_migrates_the_line():
    """remove_cpu(2): the CPU2 column disappears from /proc/interrupts and a line on CPU2 moves to CPU0."""
    m = irqlab.boot("generic", cpus=4, seed=0)
    line = m.spi_line(46)
    virq = m.board.map_spi(46, "edge")
    m.spawn(lambda: request_irq(virq, lambda i, d: IRQ_HANDLED, 0, "hp", None))
    m.run(until="1ms")
    assert m.write(f"/proc/irq/{virq}/smp_affinity_list", "2") == 1
    m.at("2ms", line.pulse)
    m.run(until="3ms")
    assert m.remove_cpu(2) == 0
    assert m.read("/proc/interrupts").splitlines()[0] == " " * 11 + "CPU0       CPU1       CPU3       "
    assert m.read(f"/proc/irq/{virq}/effective_affinity_list") == "0\n"
    m.at("4ms", line.pulse)
    m.run(until="5ms")
    assert m.read(f"/sys/kernel/irq/{virq}/per_cpu_count") == "1,0,1,0\n"
    assert "CPU2: shutdown" in m.dmesg_lines()
    assert m.add_cpu(2) == 0
    assert m.read("/proc/interrupts").splitlines()[0] == " " * 11 + "CPU0       CPU1       CPU2       CPU3       "
    assert "CPU2: Booted secondary processor 0x0000000200 [0x414fd0b1]" in m.dmesg_lines()
