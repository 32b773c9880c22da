"""The driver API of kernel/irq/manage.c: request/free validation, sharing checks, depth, wake, affinity."""

import irqlab
from irqlab.errno import EBUSY, EINVAL, ENOTCONN
from irqlab.kernel import (
    IRQ_HANDLED,
    IRQ_NOTCONNECTED,
    IRQC_IS_HARDIRQ,
    IRQF_COND_ONESHOT,
    IRQF_COND_SUSPEND,
    IRQF_NO_AUTOEN,
    IRQF_NO_SUSPEND,
    IRQF_ONESHOT,
    IRQF_PROBE_SHARED,
    IRQF_SHARED,
    IRQF_TRIGGER_HIGH,
    IRQF_TRIGGER_RISING,
    can_request_irq,
    disable_irq,
    disable_irq_nosync,
    disable_irq_wake,
    enable_irq,
    enable_irq_wake,
    free_irq,
    irq_get_trigger_type,
    irq_has_action,
    irq_set_irq_type,
    irq_to_desc,
    request_any_context_irq,
    request_irq,
    request_threaded_irq,
)


def h(irq, dev):
    return IRQ_HANDLED


def run(m, fn):
    out = {}
    m.spawn(fn, out)
    m.run(until=m.now + 5_000_000)
    return out


def test_request_validation_order_and_errnos():
    """IRQ_NOTCONNECTED -> -ENOTCONN; SHARED without dev_id, SHARED|NO_AUTOEN, COND_SUSPEND misuse, unknown irq, NULL handler and thread -> -EINVAL, without any message."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    virq = m.board.map_spi(20)

    def fn(out):
        out["notconn"] = request_irq(IRQ_NOTCONNECTED, h, 0, "x", None)
        out["shared_null"] = request_irq(virq, h, IRQF_SHARED, "x", None)
        out["shared_noauto"] = request_irq(virq, h, IRQF_SHARED | IRQF_NO_AUTOEN, "x", 1)
        out["cond_nonshared"] = request_irq(virq, h, IRQF_COND_SUSPEND, "x", 1)
        out["cond_nosuspend"] = request_irq(virq, h, IRQF_SHARED | IRQF_COND_SUSPEND | IRQF_NO_SUSPEND, "x", 1)
        out["nodesc"] = request_irq(999, h, 0, "x", None)
        out["nohandlers"] = request_threaded_irq(virq, None, None, 0, "x", None)
        out["any"] = request_any_context_irq(IRQ_NOTCONNECTED, h, 0, "x", None)

    out = run(m, fn)
    assert out == {"notconn": -ENOTCONN, "shared_null": -EINVAL, "shared_noauto": -EINVAL,
                   "cond_nonshared": -EINVAL, "cond_nosuspend": -EINVAL, "nodesc": -EINVAL,
                   "nohandlers": -EINVAL, "any": -ENOTCONN}  # fmt: skip
    assert "genirq" not in m.dmesg()


def test_shared_flag_mismatch_is_ebusy_with_the_kernel_message():
    """A second request without IRQF_SHARED on a taken line: -EBUSY and "genirq: Flags mismatch irq ..."."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    virq = m.board.map_spi(21)

    def fn(out):
        out["first"] = request_irq(virq, h, IRQF_SHARED, "first", 1)
        out["second"] = request_irq(virq, h, 0, "second", 2)

    out = run(m, fn)
    assert out == {"first": 0, "second": -EBUSY}
    # new->flags has the line's trigger (level high, 0x4) added; old->flags had it added too.
    assert f"genirq: Flags mismatch irq {virq}. 00000004 (second) vs. 00000084 (first)" in m.dmesg_lines()


def test_trigger_mismatch_is_ebusy_with_the_kernel_message():
    """Both shared, but one asks for a rising edge on a level-high line: -EBUSY, Flags mismatch."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    virq = m.board.map_spi(22)

    def fn(out):
        out["first"] = request_irq(virq, h, IRQF_SHARED | IRQF_TRIGGER_HIGH, "lvl", 1)
        out["second"] = request_irq(virq, h, IRQF_SHARED | IRQF_TRIGGER_RISING, "edge", 2)
        out["third"] = request_irq(virq, h, IRQF_SHARED | IRQF_TRIGGER_RISING | IRQF_PROBE_SHARED, "probe", 3)

    out = run(m, fn)
    assert out == {"first": 0, "second": -EBUSY, "third": -EBUSY}
    lines = m.dmesg_lines()
    assert f"genirq: Flags mismatch irq {virq}. 00000081 (edge) vs. 00000084 (lvl)" in lines
    assert not [ln for ln in lines if "(probe)" in ln]  # IRQF_PROBE_SHARED: no message


def test_oneshot_mismatch_and_cond_oneshot():
    """Sharing needs agreement on IRQF_ONESHOT unless the newcomer says IRQF_COND_ONESHOT."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    virq = m.board.map_spi(23)

    def fn(out):
        out["a"] = request_threaded_irq(virq, None, h, IRQF_SHARED | IRQF_ONESHOT, "a", 1)
        out["b"] = request_irq(virq, h, IRQF_SHARED, "b", 2)
        out["c"] = request_irq(virq, h, IRQF_SHARED | IRQF_COND_ONESHOT, "c", 3)

    out = run(m, fn)
    assert out == {"a": 0, "b": -EBUSY, "c": 0}
    desc = m.kernel.subsys["irq"].descs[virq]
    assert desc.action.next.flags & IRQF_ONESHOT


def test_free_irq_returns_devname_and_warns_on_a_free_line():
    """free_irq() returns the devname; freeing again gives the kernel's WARN "Trying to free already-free IRQ"."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    virq = m.board.map_spi(24)

    def fn(out):
        request_irq(virq, h, 0, "mydev", 7)
        out["has"] = irq_has_action(virq)
        out["free"] = free_irq(virq, 7)
        out["has2"] = irq_has_action(virq)
        out["again"] = free_irq(virq, 7)

    out = run(m, fn)
    assert out == {"has": True, "free": "mydev", "has2": False, "again": None}
    lines = m.dmesg_lines()
    assert f"Trying to free already-free IRQ {virq}" in lines
    w = [ln for ln in lines if ln.startswith("WARNING: CPU: ")]
    assert w and "kernel/irq/manage.c:" in w[0]
    assert m.tainted == "W"


def test_depth_counting_and_unbalanced_enable():
    """disable/enable nest by depth; enable at depth 0 warns "Unbalanced enable for IRQ %d" and keeps depth 0."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    virq = m.board.map_spi(25)
    depths = []

    def fn(out):
        desc = irq_to_desc(virq)
        request_irq(virq, h, 0, "d", None)
        disable_irq(virq)
        disable_irq_nosync(virq)
        depths.append(desc.depth)
        enable_irq(virq)
        depths.append(desc.depth)
        enable_irq(virq)
        depths.append(desc.depth)
        enable_irq(virq)
        depths.append(desc.depth)

    run(m, fn)
    assert depths == [2, 1, 0, 0]
    assert f"Unbalanced enable for IRQ {virq}" in m.dmesg_lines()


def test_no_autoen_leaves_the_line_off_until_enable_irq():
    """IRQF_NO_AUTOEN: depth 1 and not started until enable_irq()."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    line = m.spi_line(26)
    virq = m.board.map_spi(26, "edge")
    hits = []

    def fn(out):
        request_irq(virq, lambda i, d: hits.append(m.now) or IRQ_HANDLED, IRQF_NO_AUTOEN, "lazy", None)
        out["depth"] = irq_to_desc(virq).depth
        from irqlab.kernel import msleep

        msleep(10)
        enable_irq(virq)

    m.spawn(fn, {})
    m.at("3ms", line.pulse)
    m.at("40ms", line.pulse)
    m.run(until="45ms")
    # The first edge came while the line was never started (masked at the GIC): it stays pending in the GIC
    # and is delivered when enable_irq() unmasks the line (msleep(10) ends at 20 ms at HZ=250).
    assert len(hits) == 2 and 10_000_000 < hits[0] < 25_000_000 and hits[1] > 40_000_000


def test_can_request_irq_and_any_context():
    """can_request_irq() for free and shareable lines; request_any_context_irq() on a GIC line is hardirq."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    virq = m.board.map_spi(27)

    def fn(out):
        out["free"] = can_request_irq(virq, 0)
        out["any"] = request_any_context_irq(virq, h, IRQF_SHARED, "any", 1)
        out["shared_ok"] = can_request_irq(virq, IRQF_SHARED)
        out["excl"] = can_request_irq(virq, 0)

    out = run(m, fn)
    assert out == {"free": True, "any": IRQC_IS_HARDIRQ, "shared_ok": True, "excl": False}


def test_trigger_type_and_failed_set_type_message():
    """irq_set_irq_type() programs the GIC; a type the GIC refuses for SPIs gives the kernel's pr_err."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    virq = m.board.map_spi(28)

    def fn(out):
        out["edge"] = irq_set_irq_type(virq, 1)
        out["type"] = irq_get_trigger_type(virq)
        out["low"] = irq_set_irq_type(virq, 8)

    out = run(m, fn)
    assert out == {"edge": 0, "type": 1, "low": -EINVAL}
    msg = [ln for ln in m.dmesg_lines() if ln.startswith("genirq: Setting trigger mode 8 for irq")][0]
    assert msg.startswith(f"genirq: Setting trigger mode 8 for irq {virq} failed (gic_set_type+0x")
    assert m.read(f"/sys/kernel/irq/{virq}/type") == "edge\n"


def test_wake_depth_and_sysfs_wakeup():
    """enable_irq_wake() counts; /sys/kernel/irq/N/wakeup shows it; an extra disable warns."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    virq = m.board.map_spi(29)
    seen = []

    def fn(out):
        request_irq(virq, h, 0, "w", None)
        enable_irq_wake(virq)
        enable_irq_wake(virq)
        seen.append(m.read(f"/sys/kernel/irq/{virq}/wakeup"))
        disable_irq_wake(virq)
        seen.append(m.read(f"/sys/kernel/irq/{virq}/wakeup"))
        disable_irq_wake(virq)
        seen.append(m.read(f"/sys/kernel/irq/{virq}/wakeup"))
        disable_irq_wake(virq)

    run(m, fn)
    assert seen == ["enabled\n", "enabled\n", "disabled\n"]
    assert f"Unbalanced IRQ {virq} wake disable" in m.dmesg_lines()


def test_free_irq_waits_for_the_thread_and_stops_it():
    """free_irq() from a task waits for a running thread function and stops the irq thread."""
    m = irqlab.boot("generic", cpus=2, seed=0)
    virq = m.irq_sim(6)
    log = []

    def thread_fn(irq, dev):
        log.append(("thread start", m.now))
        from irqlab.kernel import msleep

        msleep(10)
        log.append(("thread end", m.now))
        return IRQ_HANDLED

    def fn(out):
        request_threaded_irq(virq, None, thread_fn, IRQF_ONESHOT, "slow", None)
        from irqlab.kernel import msleep

        msleep(5)
        log.append(("free", free_irq(virq, None), m.now))

    m.spawn(fn, {})
    m.at("2ms", m.fire_irq, virq)
    m.run(until="40ms")
    assert [e[0] for e in log] == ["thread start", "thread end", "free"]
    assert log[2][1] == "slow" and log[2][2] >= log[1][1]
    assert m.task(f"irq/{virq}-slow").state.value == "dead"
