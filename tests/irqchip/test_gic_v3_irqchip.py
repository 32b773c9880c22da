"""The GICv3 driver (kernel side) on generic boards of 16 and 64 CPUs: boot, affinity spread, /proc/interrupts."""

import pytest

import irqlab
from irqlab.kernel import IRQ_HANDLED, IRQF_TRIGGER_RISING, cpu_work, irq_set_affinity, request_irq

IPI_NAMES = ("Rescheduling interrupts", "Function call interrupts", "CPU stop interrupts", "CPU stop NMIs",
             "Timer broadcast interrupts", "IRQ work interrupts", "CPU backtrace interrupts",
             "KGDB roundup interrupts")  # fmt: skip


def _proc_interrupts(ncpus, rows, ipi0):
    """/proc/interrupts as 6.12 prints it (prec 3): the header ("%*s" of prec+8, then "CPU%-8d"); per line
    "%*d: ", "%10u " per CPU, " %8s" chip, " %*lu" hwirq, " %-8s" Level/Edge, "  %s" action (kernel/irq/proc.c;
    6.13 moved the separators, not 6.12); then arm64's IPI rows ("%*s%u:%s", "%10u " per CPU, "      %s") and
    "%*s: %10lu" Err (arch/arm64/kernel/smp.c)."""
    out = [" " * 11 + "".join(f"CPU{c:<8d}" for c in range(ncpus))]
    for irq, counts, hwirq, level, name in rows:
        out.append(
            f"{irq:3d}: " + "".join(f"{n:10d} " for n in counts) + f" {'GICv3':>8s} {hwirq:3d} {level:<8s}  {name}"
        )
    for i, text in enumerate(IPI_NAMES):
        counts = ipi0 if i == 0 else [0] * ncpus
        out.append(f"{'IPI':>2s}{i}:" + "".join(f"{n:10d} " for n in counts) + f"      {text}")
    out.append(f"{'Err':>3s}: {0:10d}")
    return "\n".join(out) + "\n"


def _boot_rows(ncpus, timer_ticks):
    return [(9, [0] * ncpus, 25, "Level", "vgic"), (11, timer_ticks, 30, "Level", "arch_timer"),
            (12, [0] * ncpus, 27, "Level", "kvm guest vtimer")]  # fmt: skip


def _spread_workload(m, ncpus, pulses=5):
    """2*ncpus edge SPIs (40..), line i affine to CPU i % ncpus, each pulsed ``pulses`` times; a 2 us handler."""
    nlines = 2 * ncpus
    virqs = [m.board.map_spi(40 + i, "edge") for i in range(nlines)]
    lines = [m.spi_line(40 + i) for i in range(nlines)]

    def handler(irq, dev):
        cpu_work(2_000)
        return IRQ_HANDLED

    def setup():
        for i, virq in enumerate(virqs):
            assert request_irq(virq, handler, IRQF_TRIGGER_RISING, f"dev{i}", None) == 0
            assert irq_set_affinity(virq, 1 << (i % ncpus)) == 0

    m.spawn(setup, name="setup")
    m.run(until="1ms")
    for p in range(pulses):
        for i, line in enumerate(lines):
            m.at(1_000_000 + p * 100_000 + i * 1_000, line.pulse)
    m.run(until="2ms")
    return virqs


def test_16_cpu_generic_board_boots_with_a_gicv3():
    """Above 8 CPUs the generic board has a GICv3: its boot lines, "GICv3" rows and chip name, as 6.12 prints them."""
    m = irqlab.boot("generic", cpus=16, seed=1)
    lines = m.dmesg_lines()
    start = lines.index("NR_IRQS: 64, nr_irqs: 64, preallocated irqs: 0")
    assert lines[start : start + 7] == [
        "NR_IRQS: 64, nr_irqs: 64, preallocated irqs: 0",
        "GICv3: GIC: Using split EOI/Deactivate mode",
        "GICv3: 288 SPIs implemented",
        "GICv3: 0 Extended SPIs implemented",
        "GICv3: GICv3 features: 16 PPIs",
        "GICv3: CPU0: found redistributor 0 region 0:0x00000000080a0000",
        "arch_timer: cp15 timer(s) running at 54.00MHz (phys).",
    ]
    # Nothing has run yet: no tick (HZ 250) and no IPI delivered.
    assert m.read("/proc/interrupts") == _proc_interrupts(16, _boot_rows(16, [0] * 16), [0] * 16)
    assert m.read("/sys/kernel/irq/11/chip_name") == "GICv3\n"
    assert m.read("/sys/kernel/irq/11/hwirq") == "30\n"


@pytest.mark.parametrize("ncpus", [16, 64])
def test_interrupts_spread_by_affinity_land_on_their_cpus(ncpus):
    """Each SPI is taken only by the CPU its affinity names (GICD_IROUTER); /proc/interrupts shows the exact 6.12 layout."""
    m = irqlab.boot("generic", cpus=ncpus, seed=1)
    virqs = _spread_workload(m, ncpus)
    rows = _boot_rows(ncpus, [0] * ncpus)  # 2 ms: no 4 ms tick yet; one reschedule IPI per CPU from boot
    for i, virq in enumerate(virqs):
        rows.append((virq, [5 if c == i % ncpus else 0 for c in range(ncpus)], 72 + i, "Edge", f"dev{i}"))
    assert m.read("/proc/interrupts") == _proc_interrupts(ncpus, rows, [1] * ncpus)
    assert m.read(f"/proc/irq/{virqs[-1]}/effective_affinity_list") == f"{ncpus - 1}\n"


def test_each_interrupt_is_its_own_exception_on_a_gicv3():
    """Two SPIs raised together on CPU0: the second handler starts after the first's DIR, irq_exit, a new irq_entry and IAR/EOIR (650 + 1000 ns)."""
    m = irqlab.boot("generic", cpus=16, seed=0)
    t = []
    virqs = [m.board.map_spi(5, "edge"), m.board.map_spi(6, "edge")]

    def handler(irq, dev):
        t.append((irq, m.now))
        return IRQ_HANDLED

    m.spawn(lambda: [request_irq(v, handler, IRQF_TRIGGER_RISING, "lat", None) for v in virqs])
    m.at("1ms", m.spi_line(6).pulse)
    m.at("1ms", m.spi_line(5).pulse)
    m.run(until="2ms")
    # IAR picks the lower ID first; 500 entry + 100 IAR + 50 EOIR, then 50 DIR + 300 exit + 500 entry + 150.
    assert t == [(virqs[0], 1_000_650), (virqs[1], 1_001_650)]


def test_cpu_hotplug_wakes_the_redistributor_again_and_interrupts_follow():
    """CPU 9 goes down and up: its redistributor line is printed before "Booted secondary", and its SPI is taken there again."""
    m = irqlab.boot("generic", cpus=16, seed=1)
    virqs = _spread_workload(m, 16, pulses=1)
    assert m.remove_cpu(9) == 0
    assert m.add_cpu(9) == 0
    lines = m.dmesg_lines()
    at = lines.index("Detected PIPT I-cache on CPU9")
    assert lines[at + 1 : at + 3] == [
        "GICv3: CPU9: found redistributor 900 region 0:0x00000000081c0000",
        "CPU9: Booted secondary processor 0x0000000900 [0x414fd0b1]",
    ]
    assert irq_set_affinity_in(m, virqs[9], 1 << 9) == 0
    m.at(m.now + 10_000, m.spi_line(49).pulse)
    m.run(for_="1ms")
    assert m.read(f"/sys/kernel/irq/{virqs[9]}/per_cpu_count").split(",")[9] == "2"


def irq_set_affinity_in(m, virq, mask):
    """irq_set_affinity() run in a kernel thread; its return value."""
    t = m.spawn(lambda: irq_set_affinity(virq, mask), name="affinity")
    m.run(for_="100us")
    return t.result


def test_a_gic400_board_refuses_more_than_8_cpus():
    """The Raspberry Pi 5's GIC-400 serves 8 CPUs: booting it with 16 says so and names the way out."""
    with pytest.raises(ValueError, match=r"board 'rpi5' has a GIC-400, which serves at most 8 CPUs, not 16: boot it "
                                         r"with cpus=8 or fewer, or use the generic board"):  # fmt: skip
        irqlab.boot("rpi5", cpus=16)


@pytest.mark.parametrize("cpus,name", [(4, "gic400"), (16, "gicv3")])
def test_mapping_an_spi_past_the_controller_names_the_line_and_the_limit(cpus, name):
    """map_spi(300) on a controller with 288 SPIs raises ValueError naming SPI 300 and the range 0-287."""
    m = irqlab.boot("generic", cpus=cpus)
    with pytest.raises(
        ValueError, match=rf"{name}: GIC SPI 300 does not exist: this controller implements 288 SPIs, 0-287"
    ):
        m.board.map_spi(300)
    assert m.board.map_spi(287) > 0
