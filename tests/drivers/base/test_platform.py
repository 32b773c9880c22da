"""Platform devices (drivers/base/platform.c): resources, as of_irq_to_resource() fills them, and driver matching."""

import irqlab
from irqlab.kernel import (
    IORESOURCE_IRQ,
    IORESOURCE_MEM,
    IRQ_TYPE_EDGE_RISING,
    IRQ_TYPE_LEVEL_HIGH,
    platform_device,
    platform_get_resource,
    resource,
    resource_size,
    resource_type,
)


def test_irq_resources_carry_the_trigger_and_mem_resources_are_kept():
    """IRQ resource n is [irq, irq] with IORESOURCE_IRQ | trigger bits; MEM resources are returned as given; an index past the end gives None."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    a = m.board.map_spi(60, "level")
    b = m.board.map_spi(61, "edge")
    mem = resource(0xFE204000, 0xFE2040FF, IORESOURCE_MEM, "regs")
    pdev = platform_device("dev", irqs=[a, b], resources=[mem])
    out = {}

    def probe():
        out["irq0"] = platform_get_resource(pdev, IORESOURCE_IRQ, 0)
        out["irq1"] = platform_get_resource(pdev, IORESOURCE_IRQ, 1)
        out["irq2"] = platform_get_resource(pdev, IORESOURCE_IRQ, 2)
        out["mem"] = platform_get_resource(pdev, IORESOURCE_MEM, 0)

    m.spawn(probe)
    m.run()
    r0, r1 = out["irq0"], out["irq1"]
    assert (r0.start, r0.end, r0.flags) == (a, a, IORESOURCE_IRQ | IRQ_TYPE_LEVEL_HIGH)
    assert (r1.start, r1.flags) == (b, IORESOURCE_IRQ | IRQ_TYPE_EDGE_RISING)
    assert out["irq2"] is None
    assert out["mem"] is mem and resource_size(mem) == 0x100 and resource_type(mem) == IORESOURCE_MEM


def test_devices_bind_by_compatible_or_by_name():
    """A driver binds a device whose "compatible" is in its of_match_table (any device name), or one of its own name; other devices stay unbound."""
    from irqlab.kernel import platform_device_register, platform_driver, platform_driver_register

    m = irqlab.boot("generic", cpus=1, seed=0)
    probed = []
    drv = platform_driver("stm32f7-i2c", lambda p: probed.append(p.name) or 0, of_match_table=["st,stm32mp15-i2c"])
    devs = [platform_device("40012000.i2c", compatible="st,stm32mp15-i2c"), platform_device("stm32f7-i2c", 1),
            platform_device("40013000.i2c", compatible="vendor,other")]  # fmt: skip

    def task():
        for d in devs:
            platform_device_register(d)
        platform_driver_register(drv)

    m.spawn(task)
    m.run()
    assert probed == ["40012000.i2c", "stm32f7-i2c.1"]
