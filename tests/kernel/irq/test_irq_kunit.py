"""The four KUnit cases of kernel/irq/irq_test.c (suite "irq_test_cases"), re-expressed for irqlab."""

import irqlab
from irqlab.kernel import (
    IRQ_HANDLED,
    IRQCHIP_SKIP_SET_WAKE,
    NUMA_NO_NODE,
    add_cpu,
    disable_irq,
    enable_irq,
    free_irq,
    handle_simple_irq,
    irq_activate,
    irq_affinity_desc,
    irq_chip,
    irq_data_update_effective_affinity,
    irq_domain_alloc_descs,
    irq_set_chip_and_handler,
    irq_shutdown_and_deactivate,
    irq_startup_managed,
    irq_to_desc,
    irqd_affinity_is_managed,
    irqd_is_activated,
    irqd_is_started,
    remove_cpu,
    request_irq,
)
from irqlab.kernel.irq.internals import desc_lock_irqsave, desc_unlock_irqrestore
from irqlab.kernel.irq.types import IRQ_NOREQUEST


def noop_handler(irq, data):
    return IRQ_HANDLED


def _noop(d):
    return None


def _noop_affinity(d, dest, force):
    irq_data_update_effective_affinity(d, dest)
    return 0


fake_irq_chip = irq_chip(
    "fake",
    irq_startup=lambda d: 0,
    irq_shutdown=_noop,
    irq_enable=_noop,
    irq_disable=_noop,
    irq_ack=_noop,
    irq_mask=_noop,
    irq_unmask=_noop,
    irq_set_affinity=_noop_affinity,
    flags=IRQCHIP_SKIP_SET_WAKE,
)


def irq_test_setup_fake_irq(affd=None):
    virq = irq_domain_alloc_descs(-1, 1, 0, NUMA_NO_NODE, [affd] if affd is not None else None)
    assert virq >= 0
    irq_set_chip_and_handler(virq, fake_irq_chip, handle_simple_irq)
    desc = irq_to_desc(virq)
    assert desc is not None
    desc.status_use_accessors &= ~IRQ_NOREQUEST  # irq_settings_clr_norequest()
    return virq


def run_case(case, cpus=2):
    m = irqlab.boot("generic", cpus=cpus, seed=0, bugs="raise")
    res = {}
    m.spawn(case, res, name="kunit_try_catch")
    m.run(until="50ms")
    assert res.get("done"), res
    return res


def test_irq_disable_depth_test():
    """request_irq gives depth 0; disable_irq 1; enable_irq 0 again."""

    def case(res):
        virq = irq_test_setup_fake_irq()
        desc = irq_to_desc(virq)
        assert request_irq(virq, noop_handler, 0, "test_irq", None) == 0
        assert desc.depth == 0
        disable_irq(virq)
        assert desc.depth == 1
        enable_irq(virq)
        assert desc.depth == 0
        free_irq(virq, None)
        res["done"] = True

    run_case(case)


def test_irq_free_disabled_test():
    """free_irq of a disabled line leaves depth >= 1; a new request restarts it at depth 0."""

    def case(res):
        virq = irq_test_setup_fake_irq()
        desc = irq_to_desc(virq)
        assert request_irq(virq, noop_handler, 0, "test_irq", None) == 0
        assert desc.depth == 0
        disable_irq(virq)
        assert desc.depth == 1
        free_irq(virq, None)
        assert desc.depth >= 1
        assert request_irq(virq, noop_handler, 0, "test_irq", None) == 0
        assert desc.depth == 0
        free_irq(virq, None)
        res["done"] = True

    run_case(case)


def test_irq_shutdown_depth_test():
    """A managed line shut down while disabled is not restarted by irq_startup_managed(): depth stays 1."""

    def case(res):
        virq = irq_test_setup_fake_irq(irq_affinity_desc(mask=0b11, is_managed=True))
        desc = irq_to_desc(virq)
        data = desc.irq_data
        assert request_irq(virq, noop_handler, 0, "test_irq", None) == 0
        assert irqd_is_activated(data)
        assert irqd_is_started(data)
        assert irqd_affinity_is_managed(data)
        assert desc.depth == 0
        disable_irq(virq)
        assert desc.depth == 1
        flags = desc_lock_irqsave(desc.k, desc)
        irq_shutdown_and_deactivate(desc)
        desc_unlock_irqrestore(desc.k, desc, flags)
        assert not irqd_is_activated(data)
        assert not irqd_is_started(data)
        assert irq_activate(desc) == 0
        irq_startup_managed(desc)
        assert desc.depth == 1
        enable_irq(virq)
        assert desc.depth == 0
        free_irq(virq, None)
        res["done"] = True

    run_case(case)


def test_irq_cpuhotplug_test():
    """Managed line on CPU1: remove_cpu(1) shuts it down, add_cpu(1) keeps a disabled one down, enable_irq starts it."""

    def case(res):
        virq = irq_test_setup_fake_irq(irq_affinity_desc(mask=1 << 1, is_managed=True))
        desc = irq_to_desc(virq)
        data = desc.irq_data
        assert request_irq(virq, noop_handler, 0, "test_irq", None) == 0
        assert irqd_is_activated(data)
        assert irqd_is_started(data)
        assert irqd_affinity_is_managed(data)
        assert desc.depth == 0
        disable_irq(virq)
        assert desc.depth == 1
        assert remove_cpu(1) == 0
        assert not irqd_is_activated(data)
        assert not irqd_is_started(data)
        assert desc.depth >= 1
        assert add_cpu(1) == 0
        assert not irqd_is_activated(data)
        assert not irqd_is_started(data)
        assert desc.depth == 1
        enable_irq(virq)
        assert irqd_is_activated(data)
        assert irqd_is_started(data)
        assert desc.depth == 0
        free_irq(virq, None)
        res["done"] = True

    run_case(case)


def test_irq_cpuhotplug_enabled_line_restarts():
    """An enabled managed line shut down with its last CPU starts again when that CPU returns."""

    def case(res):
        virq = irq_test_setup_fake_irq(irq_affinity_desc(mask=1 << 1, is_managed=True))
        desc = irq_to_desc(virq)
        assert request_irq(virq, noop_handler, 0, "test_irq", None) == 0
        assert remove_cpu(1) == 0
        assert not irqd_is_started(desc.irq_data) and desc.depth == 1
        assert add_cpu(1) == 0
        assert irqd_is_started(desc.irq_data) and desc.depth == 0
        assert desc.irq_common_data.effective_affinity == 1 << 1
        free_irq(virq, None)
        res["done"] = True

    run_case(case)
