"""The GIC-400 driver (kernel side): boot layout, split EOI/Deactivate, costs, routing and types."""

import irqlab
from irqlab.kernel import IRQ_HANDLED, request_irq


def test_boot_allocates_ipis_and_timer_ppis_as_on_a_pi5():
    """Virqs 1-8 are the hidden IPI SGIs, 9 the vGIC PPI, 10-13 the arch-timer PPIs; the tick is irq 11."""
    m = irqlab.boot("generic", cpus=4, seed=0)
    descs = m.kernel.subsys["irq"].descs
    assert [descs[i].irq_data.hwirq for i in range(1, 14)] == [0, 1, 2, 3, 4, 5, 6, 7, 25, 29, 30, 27, 26]
    assert all(descs[i].action.name == "IPI" for i in range(1, 9))
    lines = m.dmesg_lines()
    assert "GIC: Using split EOI/Deactivate mode" in lines
    assert "NR_IRQS: 64, nr_irqs: 64, preallocated irqs: 0" in lines
    rows = m.read("/proc/interrupts").splitlines()
    assert [r.split(":")[0].strip() for r in rows[1:4]] == ["9", "11", "12"]
    assert m.read("/sys/kernel/irq/11/actions") == "arch_timer\n"
    assert m.read("/sys/kernel/irq/1/chip_name") == "GICv2\n"


def test_interrupt_latency_is_entry_plus_ack_and_eoi_costs():
    """An idle CPU enters the handler irq_entry (500 ns) + IAR read (100 ns) + EOIR write (50 ns) after the line rises, and the GIC's DIR write follows the handler."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    line = m.spi_line(5)
    virq = m.board.map_spi(5)
    t = []

    def handler(irq, dev):
        t.append(m.now)
        line.deassert("dev")
        return IRQ_HANDLED

    m.spawn(lambda: request_irq(virq, handler, 0, "lat", None))
    m.at("1ms", line.assert_, "dev")
    m.run(until="2ms")
    assert t == [1_000_000 + 500 + 100 + 50]
    assert m.board.gic.acks[0] >= 1 and not m.board.gic.is_active(37, 0)


def test_affinity_programs_the_target_register():
    """irq_set_affinity() writes GICD_ITARGETSR with the first online CPU of the mask."""
    m = irqlab.boot("generic", cpus=4, seed=0)
    virq = m.board.map_spi(6)
    m.spawn(lambda: request_irq(virq, lambda i, d: IRQ_HANDLED, 0, "t", None))
    m.run(until="1ms")
    assert m.board.gic.targets[38] == 0b0001
    assert m.write(f"/proc/irq/{virq}/smp_affinity", "6") == 1
    assert m.board.gic.targets[38] == 0b0010
    assert m.read(f"/proc/irq/{virq}/effective_affinity") == "2\n"


def test_edge_spi_uses_edge_config_and_shows_edge():
    """<GIC_SPI n IRQ_TYPE_EDGE_RISING> configures the input as edge; /proc/interrupts shows Edge."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    virq = m.board.map_spi(7, "edge")
    m.spawn(lambda: request_irq(virq, lambda i, d: IRQ_HANDLED, 0, "e", None))
    m.run(until="1ms")
    assert m.board.gic.edge[39]
    row = [r for r in m.read("/proc/interrupts").splitlines() if r.startswith(f" {virq}:")][0]
    assert row.endswith(" GICv2  39 Edge      e")
