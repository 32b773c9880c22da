"""struct cpumask (include/linux/cpumask.h): built by a driver and accepted wherever irqlab takes a CPU mask."""

import irqlab
from irqlab.kernel import (
    IRQ_HANDLED,
    cpumask,
    cpumask_clear,
    cpumask_clear_cpu,
    cpumask_copy,
    cpumask_first,
    cpumask_of,
    cpumask_set_cpu,
    cpumask_setall,
    cpumask_test_cpu,
    cpumask_weight,
    irq_set_affinity,
    irq_set_affinity_and_hint,
    request_irq,
)


def test_cpumask_operations_and_irq_set_affinity():
    """A mask built with cpumask_clear/set_cpu routes an IRQ (smp_affinity_list 2-3); a cpumask hint reads back in hex."""
    m = irqlab.boot("generic", cpus=4, seed=0)
    virq = m.board.map_spi(50, "edge")
    out = {}

    def fn():
        mask = cpumask()
        cpumask_setall(mask)
        out["all"] = (int(mask), cpumask_weight(mask))
        cpumask_clear(mask)
        cpumask_set_cpu(3, mask)
        cpumask_set_cpu(2, mask)
        cpumask_clear_cpu(0, mask)
        out["bits"] = (int(mask), list(mask), cpumask_first(mask), cpumask_test_cpu(2, mask), cpumask_test_cpu(1, mask))
        copy = cpumask()
        cpumask_copy(copy, mask)
        out["copy"] = copy == mask and copy == 0b1100 and cpumask_first(cpumask()) == 4
        request_irq(virq, lambda irq, dev: IRQ_HANDLED, 0, "masked", None)
        out["ret"] = irq_set_affinity(virq, mask)
        out["hint"] = irq_set_affinity_and_hint(virq, cpumask_of(1))

    m.spawn(fn)
    m.run(until="1ms")
    assert out["all"] == (0xF, 4)
    assert out["bits"] == (0b1100, [2, 3], 2, True, False) and out["copy"]
    assert out["ret"] == 0 and out["hint"] == 0
    assert m.read(f"/proc/irq/{virq}/affinity_hint") == "2\n"
    assert m.read(f"/proc/irq/{virq}/smp_affinity_list") == "1\n"
