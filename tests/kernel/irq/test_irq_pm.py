"""Suspend to idle and resume: suspended lines, wake IRQs, IRQF_NO_SUSPEND, IRQF_FORCE_RESUME, replay."""

import irqlab
from irqlab.kernel import (
    IRQ_HANDLED,
    IRQF_FORCE_RESUME,
    IRQF_NO_SUSPEND,
    enable_irq_wake,
    pm_wakeup_irq,
    request_irq,
)


def _setup(m, flags_by_spi):
    hits = {}
    virqs = {}
    for spi, (trigger, _flags) in flags_by_spi.items():
        virqs[spi] = m.board.map_spi(spi, trigger)

    def probe():
        for spi, (_trigger, flags) in flags_by_spi.items():
            name = f"dev{spi}"
            hits[name] = []

            def handler(irq, dev, name=name):
                hits[name].append(m.now)
                return IRQ_HANDLED

            assert request_irq(virqs[spi], handler, flags, name, None) == 0

    m.spawn(probe)
    m.run(until="1ms")
    return virqs, hits


def test_suspended_edge_is_replayed_on_resume_and_no_suspend_lines_keep_working():
    """During s2idle a normal edge line is disabled (masked at the GIC, IRQCHIP_MASK_ON_SUSPEND); its edge is delivered after resume. An IRQF_NO_SUSPEND line is handled while suspended."""
    m = irqlab.boot("generic", cpus=2, seed=0)
    virqs, hits = _setup(m, {60: ("edge", 0), 61: ("edge", IRQF_NO_SUSPEND)})
    m.suspend()
    assert "PM: suspend entry (s2idle)" in m.dmesg_lines()
    normal = m.kernel.subsys["irq"].descs[virqs[60]]
    assert normal.istate & 0x800 and normal.depth == 1  # IRQS_SUSPENDED
    m.at(m.now + 1_000_000, m.spi_line(60).pulse)
    m.at(m.now + 1_000_000, m.spi_line(61).pulse)
    m.run(for_="5ms")
    assert hits["dev60"] == [] and len(hits["dev61"]) == 1
    t_resume = m.now
    m.resume()
    m.run(for_="1ms")
    assert "PM: suspend exit" in m.dmesg_lines()
    assert len(hits["dev60"]) == 1 and hits["dev60"][0] >= t_resume
    assert normal.depth == 0 and not normal.istate & 0x800


def test_wake_irq_wakes_the_system_and_is_handled_after_resume():
    """enable_irq_wake(): the line is armed, its interrupt wakes the system (pm_wakeup_irq()) and is then replayed once the lines are resumed."""
    m = irqlab.boot("generic", cpus=2, seed=0)
    virqs, hits = _setup(m, {62: ("edge", 0)})
    m.spawn(lambda: enable_irq_wake(virqs[62]))
    m.run(for_="1ms")
    m.suspend()
    m.at(m.now + 2_000_000, m.spi_line(62).pulse)
    m.run(for_="10ms")
    assert "PM: suspend exit" in m.dmesg_lines()
    assert len(hits["dev62"]) == 1
    out = {}
    m.spawn(lambda: out.update(w=pm_wakeup_irq()))
    m.run(for_="1ms")
    assert out["w"] == virqs[62]


def test_level_line_asserted_during_suspend_fires_after_resume():
    """A level line is not resent in software: the still-asserted input fires once it is unmasked."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    virqs, hits = _setup(m, {63: ("level", 0)})
    line = m.spi_line(63)
    m.suspend()
    m.at(m.now + 1_000_000, line.assert_, "dev")
    m.run(for_="3ms")
    assert hits["dev63"] == []
    m.resume()
    m.run(for_="10us")
    assert hits["dev63"]
    line.deassert("dev")


def test_force_resume_reenables_a_no_suspend_line_at_the_chip():
    """IRQF_NO_SUSPEND|IRQF_FORCE_RESUME: resume pretends the line was disabled and enables it again, so a line the firmware masked during sleep works again; depth is unchanged. Without FORCE_RESUME it stays masked."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    virqs, hits = _setup(m, {64: ("edge", IRQF_NO_SUSPEND | IRQF_FORCE_RESUME), 65: ("edge", IRQF_NO_SUSPEND)})
    m.suspend()
    for intid in (96, 97):
        m.board.gic.set_enable(intid, 0, False)  # firmware powered the distributor down
    m.resume()
    assert m.board.gic.is_enabled(96, 0) and not m.board.gic.is_enabled(97, 0)
    assert m.irq(virqs[64]).depth == 0


def test_early_resume_lines_are_enabled_first():
    """IRQF_EARLY_RESUME lines are resumed (syscore) before the others, so their pending edge runs first."""
    from irqlab.kernel import IRQF_EARLY_RESUME

    m = irqlab.boot("generic", cpus=1, seed=0)
    virqs, hits = _setup(m, {66: ("edge", 0), 67: ("edge", IRQF_EARLY_RESUME)})
    m.suspend()
    m.at(m.now + 1_000_000, m.spi_line(66).pulse)
    m.at(m.now + 1_000_000, m.spi_line(67).pulse)
    m.run(for_="2ms")
    m.resume()
    m.run(for_="1ms")
    assert hits["dev67"][0] < hits["dev66"][0]
