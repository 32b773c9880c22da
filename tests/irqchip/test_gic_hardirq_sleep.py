"""A handler that sleeps inside gic_handle_irq(): the CPU keeps taking interrupts while it sleeps."""

import pytest

import irqlab
from irqlab.kernel import IRQ_HANDLED, cpu_work, msleep, request_irq


@pytest.mark.parametrize("cpus", [2, 16], ids=["gic-400", "gicv3"])
def test_cpu_takes_ticks_while_a_handler_sleeps_and_the_handler_resumes(cpus):
    """After "scheduling while atomic" from a GIC-400 or GICv3 handler, the arch timer still reaches that CPU (the suspended IAR loop does not swallow nIRQ), so the sleep's timer fires and the handler returns ~msleep(10) later."""
    m = irqlab.boot("generic", cpus=cpus, seed=0, trace=["irq_handler_entry", "irq_handler_exit"])
    line = m.spi_line(20)
    virq = m.board.map_spi(20, "edge")

    def handler(irq, dev):
        msleep(10)
        return IRQ_HANDLED

    m.spawn(lambda: request_irq(virq, handler, 0, "sleeper", None))
    m.run(until="1ms")
    m.spawn(lambda: [cpu_work(100_000) for _ in range(1000)], cpu=0, name="victim")
    m.at("2ms", line.pulse)
    m.run(until="50ms")
    ent = [e.ts for e in m.trace.events("irq_handler_entry") if e["irq"] == virq]
    ext = [e.ts for e in m.trace.events("irq_handler_exit") if e["irq"] == virq]
    assert len(ent) == 1 and len(ext) == 1 and 16_000_000 <= ext[0] - ent[0] <= 21_000_000
    ticks = [e.ts for e in m.trace.events("irq_handler_entry") if e["name"] == "arch_timer" and e.cpu == 0]
    assert any(ent[0] < t < ext[0] for t in ticks)
    assert "BUG: scheduling while atomic: victim/" in m.dmesg()
