"""Domains: linear and hierarchical mappings, chained demultiplexers, handle_edge_irq, nested threaded IRQs."""

import irqlab
from irqlab.kernel import (
    IRQ_HANDLED,
    IRQ_TYPE_LEVEL_HIGH,
    IRQC_IS_NESTED,
    IRQF_ONESHOT,
    chained_irq_enter,
    chained_irq_exit,
    cpu_work,
    fwnode_handle,
    generic_handle_domain_irq,
    handle_edge_irq,
    handle_nested_irq,
    in_hardirq,
    in_task,
    irq_chip,
    irq_chip_eoi_parent,
    irq_chip_mask_parent,
    irq_chip_set_affinity_parent,
    irq_chip_set_type_parent,
    irq_chip_unmask_parent,
    irq_create_mapping,
    irq_desc_get_chip,
    irq_desc_get_handler_data,
    irq_dispose_mapping,
    irq_domain_alloc_irqs,
    irq_domain_alloc_irqs_parent,
    irq_domain_create_hierarchy,
    irq_domain_create_linear,
    irq_domain_ops,
    irq_domain_set_hwirq_and_chip,
    irq_find_mapping,
    irq_fwspec,
    irq_set_chained_handler_and_data,
    irq_set_chip_and_handler,
    irq_set_irq_type,
    irq_set_nested_thread,
    irq_set_parent,
    irq_to_desc,
    msleep,
    request_any_context_irq,
    request_irq,
    request_threaded_irq,
    smp_processor_id,
)


class DemuxChip:
    """A GPIO-like bank: per-line status bits, edge lines, demultiplexed from parent SPIs."""

    def __init__(self, n):
        self.status = 0
        self.acked = []
        self.chip = irq_chip("demux", irq_ack=self.ack, irq_mask=lambda d: None, irq_unmask=lambda d: None)
        self.domain = irq_domain_create_linear(fwnode_handle("demux"), n, irq_domain_ops(map=self.map), self)

    def map(self, domain, virq, hwirq):
        irq_set_chip_and_handler(virq, self.chip, handle_edge_irq)
        return 0

    def ack(self, d):
        self.acked.append(d.hwirq)
        self.status &= ~(1 << d.hwirq)


def demux_handler(desc):
    bank = irq_desc_get_handler_data(desc)
    chip = irq_desc_get_chip(desc)
    chained_irq_enter(chip, desc)
    pending = bank.status
    for bit in range(8):
        if pending >> bit & 1:
            generic_handle_domain_irq(bank.domain, bit)
    chained_irq_exit(chip, desc)


def test_linear_domain_mapping_and_dispose():
    """irq_create_mapping() allocates from hint hwirq % nr_irqs, irq_find_mapping() finds it, dispose frees it."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    out = {}

    def fn():
        bank = DemuxChip(8)
        v = irq_create_mapping(bank.domain, 3)
        out["v"] = v
        out["again"] = irq_create_mapping(bank.domain, 3)
        out["find"] = irq_find_mapping(bank.domain, 3)
        out["none"] = irq_find_mapping(bank.domain, 4)
        irq_dispose_mapping(v)
        out["after"] = (irq_find_mapping(bank.domain, 3), irq_to_desc(v))

    m.spawn(fn)
    m.run(until="1ms")
    assert out["v"] == out["again"] == out["find"] and out["v"] > 13 and out["none"] == 0
    assert out["after"] == (0, None)


def test_chained_demux_with_edge_lines_shows_child_rows_only():
    """A chained handler on an SPI demultiplexes into edge child lines; /proc/interrupts shows the children (chip "demux", hwirq, Edge) and not the chained parent."""
    m = irqlab.boot("generic", cpus=2, seed=0)
    line = m.spi_line(50)
    parent = m.board.map_spi(50)
    hits = []
    state = {}

    def probe():
        bank = DemuxChip(8)
        state["bank"] = bank
        irq_set_chained_handler_and_data(parent, demux_handler, bank)
        for hw in (1, 5):
            v = irq_create_mapping(bank.domain, hw)
            request_irq(v, lambda i, d: hits.append((d, bool(in_hardirq()))) or IRQ_HANDLED, 0, f"pin{hw}", hw)

    def fire(bits):
        state["bank"].status |= bits
        line.assert_("bank")

    def clear_when_done():
        if not state["bank"].status:
            line.deassert("bank")

    m.spawn(probe)
    m.at("2ms", fire, 0b100010)
    m.at("2.1ms", clear_when_done)
    m.run(until="3ms")
    assert hits == [(1, True), (5, True)]
    assert state["bank"].acked == [1, 5]
    text = m.read("/proc/interrupts")
    assert f" {parent}:" not in text
    v1 = irq_find_mapping(state["bank"].domain, 1)
    row = [r for r in text.splitlines() if r.startswith(f" {v1}:")][0]
    assert row == "%*d: " % (3, v1) + "%10u %10u " % (1, 0) + " %8s" % "demux" + " %*d" % (3, 1) + " %-8s" % "Edge" + "  pin1"


def test_handle_edge_irq_replays_an_edge_from_another_cpu_once():
    """Child line 0 is fed by two parents (on CPU0 and CPU1). An edge on CPU1 while CPU0 runs its handler is marked PENDING (and masked+acked); CPU0 runs the handler once more, counting the interrupt once."""
    m = irqlab.boot("generic", cpus=2, seed=0)
    la, lb = m.spi_line(51), m.spi_line(52)
    pa, pb = m.board.map_spi(51, "edge"), m.board.map_spi(52, "edge")
    runs = []
    state = {}

    def probe():
        bank = DemuxChip(2)
        state["bank"] = bank
        irq_set_chained_handler_and_data(pa, demux_handler, bank)
        irq_set_chained_handler_and_data(pb, demux_handler, bank)
        from irqlab.kernel import irq_set_affinity

        irq_set_affinity(pb, 1 << 1)
        v = irq_create_mapping(bank.domain, 0)
        state["v"] = v

        def handler(irq, dev):
            runs.append((smp_processor_id(), m.now))
            cpu_work(100_000)
            return IRQ_HANDLED

        request_irq(v, handler, 0, "shared-pin", None)

    def edge(line):
        state["bank"].status |= 1
        line.pulse()

    m.spawn(probe)
    m.at("2ms", edge, la)
    m.at("2.03ms", edge, lb)
    m.run(until="3ms")
    assert [r[0] for r in runs] == [0, 0]
    assert runs[1][1] >= runs[0][1] + 100_000
    assert m.kernel.subsys["irq"].descs[state["v"]].kstat_irqs == [1, 0]


def test_nested_threaded_irqs_run_in_the_parent_thread():
    """A slow-bus expander: the parent's threaded handler calls handle_nested_irq() for the child, whose thread_fn runs in the parent's thread; request_any_context_irq() reports IRQC_IS_NESTED."""
    m = irqlab.boot("generic", cpus=2, seed=0)
    parent = m.irq_sim(7)
    seen = []
    state = {}

    def parent_thread(irq, dev):
        msleep(1)  # "read the expander's status over I2C"
        handle_nested_irq(state["child"])
        return IRQ_HANDLED

    def child_fn(irq, dev):
        seen.append((in_task(), m.kernel.cpu.curr.comm))
        return IRQ_HANDLED

    def probe():
        chip = irq_chip("expander", irq_mask=lambda d: None, irq_unmask=lambda d: None)
        dom = irq_domain_create_linear(fwnode_handle("expander"), 4,
                                       irq_domain_ops(map=lambda d, v, hw: irq_set_chip_and_handler(v, chip, None)),
                                       None)  # fmt: skip
        child = irq_create_mapping(dom, 2)
        irq_set_nested_thread(child, True)
        irq_set_parent(child, parent)
        state["child"] = child
        assert request_threaded_irq(parent, None, parent_thread, IRQF_ONESHOT, "expander", None) == 0
        state["any"] = request_any_context_irq(child, child_fn, 0, "button", None)

    m.spawn(probe)
    m.at("2ms", m.fire_irq, parent)
    m.run(until="30ms")  # msleep(1) is 8-12 ms at HZ=250
    assert state["any"] == IRQC_IS_NESTED
    assert seen == [(True, f"irq/{parent}-expander")]
    assert sum(m.kernel.subsys["irq"].descs[state["child"]].kstat_irqs) == 1
    assert m.task(f"irq/{parent}-expander")  # no thread of its own for the nested child
    assert not [t for t in m.tasks if t.comm.endswith("-button")]


def test_hierarchical_domain_on_top_of_the_gic():
    """A child domain stacked on the GIC allocates through irq_domain_alloc_irqs_parent(); its chip forwards mask/unmask/eoi/type/affinity to the GIC level and the line works end to end."""
    m = irqlab.boot("generic", cpus=2, seed=0)
    line = m.spi_line(53)
    hits = []
    state = {}

    def alloc(domain, virq, nr, fwspec):
        hwirq = fwspec.param[0]
        irq_domain_set_hwirq_and_chip(domain, virq, hwirq, state["chip"], None)
        gic = m.kernel.subsys["gic"].domain
        return irq_domain_alloc_irqs_parent(domain, virq, nr, irq_fwspec(gic.fwnode, [0, 53, 4]))

    def probe():
        state["chip"] = irq_chip("msi-like", irq_mask=irq_chip_mask_parent, irq_unmask=irq_chip_unmask_parent,
                                 irq_eoi=irq_chip_eoi_parent, irq_set_type=irq_chip_set_type_parent,
                                 irq_set_affinity=irq_chip_set_affinity_parent)  # fmt: skip
        parent = m.kernel.subsys["gic"].domain
        dom = irq_domain_create_hierarchy(parent, 0, 8, fwnode_handle("child"), irq_domain_ops(alloc=alloc), None)
        v = irq_domain_alloc_irqs(dom, 1, -1, irq_fwspec(fwnode_handle("child"), [3]))
        from irqlab.kernel import handle_fasteoi_irq, irq_set_handler

        irq_set_handler(v, handle_fasteoi_irq)
        assert irq_set_irq_type(v, IRQ_TYPE_LEVEL_HIGH) == 0  # forwarded to the GIC level
        state["v"] = v

        def handler(irq, dev):
            hits.append(m.now)
            line.deassert("x")  # the device clears its level request
            return IRQ_HANDLED

        request_irq(v, handler, 0, "stacked", None)

    m.spawn(probe)
    m.at("2ms", line.assert_, "x")
    m.run(until="3ms")
    v = state["v"]
    assert len(hits) == 1
    row = [r for r in m.read("/proc/interrupts").splitlines() if r.startswith(f" {v}:")][0]
    assert row.endswith(" msi-like   3 Level     stacked")
    d = m.kernel.subsys["irq"].descs[v].irq_data
    assert d.parent_data is not None and d.parent_data.hwirq == 85 and d.parent_data.chip.name == "GICv2"
