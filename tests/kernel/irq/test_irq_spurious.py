"""spurious.c corners, boot options, bad lines, tracepoints, IPIs and per-CPU interrupts."""

import re

import irqlab
from irqlab.kernel import (
    IRQ_HANDLED,
    IRQ_NONE,
    generic_handle_irq,
    irq_alloc_desc,
    irq_set_affinity_hint,
    irq_update_affinity_hint,
    local_irq_restore,
    local_irq_save,
    request_irq,
    wake_up_process,
)


def test_bogus_return_value_is_reported_without_accounting():
    """A handler returning 42: "irq event %d: bogus return value %x" with the handler list, no unhandled count."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    virq = m.irq_sim(10)
    m.spawn(lambda: request_irq(virq, lambda i, d: 42, 0, "weird", None))
    m.at("2ms", m.fire_irq, virq)
    m.run(until="3ms")
    lines = m.dmesg_lines()
    i = lines.index(f"irq event {virq}: bogus return value 2a")
    assert "handlers:" in lines[i:]
    assert m.read(f"/proc/irq/{virq}/spurious").startswith("count 0\nunhandled 0\n")


def test_noirqdebug_disables_detection():
    """noirqdebug: "IRQ lockup detection disabled" at boot and no "nobody cared" after 100000 unhandled."""
    m = irqlab.boot("generic", cpus=1, seed=0, cmdline="noirqdebug")
    line = m.spi_line(80)
    virq = m.board.map_spi(80)
    m.spawn(lambda: request_irq(virq, lambda i, d: IRQ_NONE, 0, "deaf", None))
    m.at("1ms", line.assert_, "x")
    m.at("25ms", line.deassert, "x")
    m.run(until="26ms")
    assert "IRQ lockup detection disabled" in m.dmesg_lines()
    assert sum(m.kernel.subsys["irq"].descs[virq].kstat_irqs) > 100000
    assert "nobody cared" not in m.dmesg()


def test_irqpoll_and_irqfixup_boot_messages():
    """irqfixup and irqpoll print the kernel's warnings (and are refused on PREEMPT_RT)."""
    m = irqlab.boot("generic", cpus=1, seed=0, cmdline="irqpoll")
    lines = m.dmesg_lines()
    assert "Misrouted IRQ fixup and polling support enabled" in lines
    assert "This may significantly impact system performance" in lines
    m = irqlab.boot("generic", cpus=1, seed=0, cmdline="irqfixup")
    assert "Misrouted IRQ fixup support enabled." in m.dmesg_lines()
    m = irqlab.boot("generic", cpus=1, seed=0, cmdline="irqfixup", preempt="rt")
    assert "irqfixup boot option not supported with PREEMPT_RT" in m.dmesg_lines()


def test_irqfixup_polls_other_shared_lines_when_one_is_unhandled():
    """irqfixup: an unhandled interrupt polls the other (shared) lines; a misrouted device is found there."""
    m = irqlab.boot("generic", cpus=1, seed=0, cmdline="irqfixup")
    a, b = m.irq_sim(11), m.irq_sim(12)
    polled = []

    def other(irq, dev):
        polled.append(irq)
        return IRQ_HANDLED

    def probe():
        request_irq(a, lambda i, d: IRQ_NONE, 0, "noisy", None)
        request_irq(b, other, 0x80, "victim", 1)

    m.spawn(probe)
    m.at("2ms", m.fire_irq, a)
    m.run(until="3ms")
    assert polled == [b]
    assert m.read(f"/proc/irq/{a}/spurious").startswith("count 1\nunhandled 0\n")


def test_interrupt_on_an_unconfigured_line_is_a_bad_irq():
    """generic_handle_irq() on a descriptor nobody set up runs handle_bad_irq: its report and the Err count."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    out = {}

    def fn():
        irq = irq_alloc_desc()
        out["irq"] = irq
        flags = local_irq_save()
        generic_handle_irq(irq)
        local_irq_restore(flags)

    m.spawn(fn)
    m.run(until="1ms")
    lines = m.dmesg_lines()
    assert re.fullmatch(r"irq %d, desc: [0-9a-f]{16}, depth: 1, count: 0, unhandled: 0" % out["irq"],
                        [ln for ln in lines if ln.startswith(f"irq {out['irq']}, desc:")][0])  # fmt: skip
    assert m.read("/proc/interrupts").splitlines()[-1] == "Err:          1"


def test_handler_tracepoints_with_return_values():
    """irq_handler_entry/exit carry irq, name and ret=handled/unhandled, in ftrace's text format."""
    m = irqlab.boot("generic", cpus=1, seed=0, trace=["irq_handler_entry", "irq_handler_exit"])
    virq = m.irq_sim(13)
    m.spawn(lambda: [request_irq(virq, h, 0x80, n, n) for h, n in ((lambda i, d: IRQ_NONE, "a"),
                                                                    (lambda i, d: IRQ_HANDLED, "b"))])  # fmt: skip
    m.at("2ms", m.fire_irq, virq)
    m.run(until="3ms")
    evs = [e for e in m.trace.events() if e.fields.get("irq") == virq]
    bodies = [e.text().split(": ", 1)[1] for e in evs]
    assert bodies == [f"irq_handler_entry: irq={virq} name=a", f"irq_handler_exit: irq={virq} ret=unhandled",
                      f"irq_handler_entry: irq={virq} name=b", f"irq_handler_exit: irq={virq} ret=handled"]  # fmt: skip


def test_reschedule_ipis_are_counted_per_cpu():
    """Waking a task on another CPU sends a reschedule IPI through the GIC (SGI 0): IPI0 counts it."""
    m = irqlab.boot("generic", cpus=2, seed=0)
    st = {}

    def sleeper():
        from irqlab.kernel import TASK_INTERRUPTIBLE, schedule, set_current_state

        set_current_state(TASK_INTERRUPTIBLE)
        schedule()

    def waker():
        wake_up_process(st["t"])

    st["t"] = m.spawn(sleeper, cpu=1)
    m.run(until="1ms")
    before = m.kernel.subsys["irq"].descs[1].kstat_irqs[1]
    m.spawn(waker, cpu=0)
    m.run(until="2ms")
    assert m.kernel.subsys["irq"].descs[1].kstat_irqs[1] == before + 1
    row = [r for r in m.read("/proc/interrupts").splitlines() if r.startswith("IPI0:")][0]
    assert row.endswith("      Rescheduling interrupts")


def test_arch_timer_ticks_are_counted_per_cpu():
    """The scheduler tick arrives through PPI 14 (hwirq 30): busy CPUs count about HZ ticks per second."""
    m = irqlab.boot("generic", cpus=2, seed=0)

    def spin():
        from irqlab.kernel import cpu_work

        cpu_work(100_000_000)

    m.spawn(spin, cpu=1)
    m.run(until="100ms")
    counts = m.kernel.subsys["irq"].descs[11].kstat_irqs
    assert 24 <= counts[1] <= 26


def test_affinity_hint_is_shown_and_applied():
    """irq_set_affinity_hint() shows in /proc/irq/N/affinity_hint and applies the mask; irq_update_affinity_hint(None) clears it."""
    m = irqlab.boot("generic", cpus=4, seed=0)
    virq = m.board.map_spi(81)

    def fn():
        request_irq(virq, lambda i, d: IRQ_HANDLED, 0, "hinted", None)
        irq_set_affinity_hint(virq, 0b1000)

    m.spawn(fn)
    m.run(until="1ms")
    assert m.read(f"/proc/irq/{virq}/affinity_hint") == "8\n"
    assert m.read(f"/proc/irq/{virq}/effective_affinity_list") == "3\n"
    m.spawn(lambda: irq_update_affinity_hint(virq, None))
    m.run(until="2ms")
    assert m.read(f"/proc/irq/{virq}/affinity_hint") == "0\n"


def test_thread_only_results_are_judged_at_the_next_interrupt():
    """A primary returning exactly IRQ_WAKE_THREAD defers the verdict: the first interrupt is not counted, later ones count as unhandled when no thread run returned IRQ_HANDLED in between."""
    from irqlab.kernel import IRQF_ONESHOT, request_threaded_irq

    m = irqlab.boot("generic", cpus=1, seed=0)
    deaf, good = m.irq_sim(14), m.irq_sim(15)

    def probe():
        request_threaded_irq(deaf, None, lambda i, d: IRQ_NONE, IRQF_ONESHOT, "deaf", None)
        request_threaded_irq(good, None, lambda i, d: IRQ_HANDLED, IRQF_ONESHOT, "good", None)

    m.spawn(probe)
    for n in range(4):
        m.at(f"{2 + n}ms", m.fire_irq, deaf)
        m.at(f"{2 + n}.5ms", m.fire_irq, good)
    m.run(until="10ms")
    assert m.read(f"/proc/irq/{deaf}/spurious").startswith("count 3\nunhandled 3\n")
    assert m.read(f"/proc/irq/{good}/spurious").startswith("count 3\nunhandled 0\n")


def test_poll_timer_polls_a_spuriously_disabled_shared_line():
    """After "Disabling IRQ #N" the poll timer runs the handlers of the shared line every HZ/10."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    line = m.spi_line(82)
    virq = m.board.map_spi(82)
    calls = []

    def handler(irq, dev):
        calls.append(m.now)
        return IRQ_NONE

    m.spawn(lambda: [request_irq(virq, handler, 0x80, n, n) for n in ("p", "q")])
    m.at("1ms", line.assert_, "stuck")
    m.run(until="30ms")
    assert f"Disabling IRQ #{virq}" in m.dmesg_lines()
    n = len(calls)
    m.run(until="500ms")
    polls = calls[n:]
    # Two handlers per poll; mod_timer(jiffies + HZ/10) lands one jiffy later on the wheel: every 104 ms.
    assert len(polls) == 2 * 4
    assert polls[2] - polls[0] == 26 * 4_000_000
