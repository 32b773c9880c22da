"""devm_request_*irq(): managed IRQs released when the platform device goes away."""

import irqlab
from irqlab.kernel import (
    IRQ_HANDLED,
    devm_free_irq,
    devm_request_irq,
    devm_request_threaded_irq,
    irq_has_action,
    platform_device,
    platform_device_register,
    platform_device_unregister,
    platform_driver,
    platform_driver_register,
    platform_driver_unregister,
    platform_get_irq,
)


def test_devm_irqs_are_freed_when_the_device_is_removed():
    """probe() takes two IRQs with devm_*; unregistering the device frees both (after remove())."""
    m = irqlab.boot("generic", cpus=2, seed=0)
    a, b = m.board.map_spi(70), m.irq_sim(9)
    log = []
    pdev = platform_device("blinky", 0, irqs=[a, b])

    def probe(p):
        irq0 = platform_get_irq(p, 0)
        irq1 = platform_get_irq(p, 1)
        assert devm_request_irq(p, irq0, lambda i, d: IRQ_HANDLED, 0, None, p) == 0
        assert devm_request_threaded_irq(p, irq1, None, lambda i, d: IRQ_HANDLED, 0x2000, "blinky-th", p) == 0
        log.append(("probe", irq_has_action(irq0), irq_has_action(irq1)))
        return 0

    def remove(p):
        log.append(("remove", irq_has_action(a), irq_has_action(b)))

    drv = platform_driver("blinky", probe, remove)

    def init():
        platform_driver_register(drv)
        platform_device_register(pdev)
        log.append(("names", m.read(f"/sys/kernel/irq/{a}/actions"), m.read(f"/sys/kernel/irq/{b}/actions")))
        platform_device_unregister(pdev)
        log.append(("gone", irq_has_action(a), irq_has_action(b)))

    m.spawn(init)
    m.run(until="5ms")
    assert log == [("probe", True, True), ("names", "blinky.0\n", "blinky-th\n"), ("remove", True, True),
                   ("gone", False, False)]  # fmt: skip


def test_failed_probe_releases_devm_irqs_and_missing_irq_is_reported():
    """A probe failing after devm_request_irq() releases the IRQ; platform_get_irq() of a missing index prints the kernel's message and returns -ENXIO."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    a = m.board.map_spi(71)
    pdev = platform_device("flaky", irqs=[a])
    out = {}

    def probe(p):
        devm_request_irq(p, a, lambda i, d: IRQ_HANDLED, 0, "flaky", p)
        out["missing"] = platform_get_irq(p, 1)
        return -5

    def init():
        platform_device_register(pdev)
        platform_driver_register(platform_driver("flaky", probe))
        out["after"] = irq_has_action(a)

    m.spawn(init)
    m.run(until="2ms")
    assert out == {"missing": -6, "after": False}
    lines = m.dmesg_lines()
    assert "flaky flaky: IRQ index 1 not found" in lines
    assert "flaky flaky: probe with driver flaky failed with error -5" in lines


def test_devm_free_irq_and_driver_unregister():
    """devm_free_irq() frees early; driver unregister unbinds the rest."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    a, b = m.board.map_spi(72), m.board.map_spi(73)
    pdev = platform_device("two", irqs=[a, b])
    out = {}

    def probe(p):
        devm_request_irq(p, a, lambda i, d: IRQ_HANDLED, 0, "two-a", p)
        devm_request_irq(p, b, lambda i, d: IRQ_HANDLED, 0, "two-b", p)
        devm_free_irq(p, a, p)
        out["a"] = irq_has_action(a)
        return 0

    drv = platform_driver("two", probe)

    def init():
        platform_device_register(pdev)
        platform_driver_register(drv)
        platform_driver_unregister(drv)
        out["b"] = irq_has_action(b)

    m.spawn(init)
    m.run(until="2ms")
    assert out == {"a": False, "b": False}
    assert "WARNING" not in m.dmesg()
