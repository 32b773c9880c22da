"""The trace file's text, line for line as 6.12's /sys/kernel/tracing/trace prints it."""

import pytest

import irqlab
from irqlab.trace.output import lat_fmt, print_time


@pytest.mark.parametrize(
    "flags,pc,text",
    [
        (0x00, 0x00, "....."),
        (0x01, 0x02, "d..2."),
        (0x81, 0x00, "D...."),
        (0x80, 0x00, "b...."),
        (0x25, 0x01, "dN.1."),
        (0x04, 0x00, ".n..."),
        (0x20, 0x00, ".p..."),
        (0x09, 0x01, "d.h1."),
        (0x19, 0x00, "d.H.."),
        (0x10, 0x01, "..s1."),
        (0x41, 0x00, "d.z.."),
        (0x49, 0x00, "d.Z.."),
        (0x01, 0x0F, "d..f."),
        (0x00, 0x21, "...12"),
    ],
)
def test_latency_columns_follow_trace_print_lat_fmt(flags, pc, text):
    """irqs-off/BH, need-resched, hard/soft/NMI, preempt depth ('.' for 0) and migrate-disable columns."""
    assert lat_fmt(flags, pc) == text


def test_timestamps_round_to_the_nearest_microsecond():
    """ns2usecs() adds 500 ns before dividing; seconds are %5lu."""
    assert [print_time(t) for t in (499, 500, 1_999_999_499, 1_999_999_500, 12345_000_000_000)] == [
        "    0.000000", "    0.000001", "    1.999999", "    2.000000", "12345.000000"]  # fmt: skip


def test_rpi5_workqueue_example_prints_kernel_lines(traced):
    """Seed 001 workqueue on rpi5: task-pid %16s-%-7d, [%03d], latency columns and every TP_printk field."""
    text = traced("seed001_workqueue").trace.text().splitlines()
    assert text[2] == "# entries-in-buffer/entries-written: 100/100   #P:4"
    for line in [
        "          <idle>-0       [000] d..2.     0.000004: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 "
        "prev_state=R ==> next_comm=ksoftirqd/0 next_pid=1 next_prio=120",
        "          <idle>-0       [000] dNh1.     0.000003: irq_handler_entry: irq=1 name=IPI",
        "          <idle>-0       [001] d.h1.     0.004001: irq_handler_exit: irq=11 ret=handled",
        "          insmod-14      [000] d..1.     0.000018: ipi_raise: target_mask=00000000,00000008 (Rescheduling interrupts)",
        "          insmod-14      [000] d..2.     0.000018: sched_waking: comm=kworker/u16:0 pid=13 prio=120 target_cpu=003",
        "          insmod-14      [000] d..3.     0.000018: sched_wakeup: comm=kworker/u16:0 pid=13 prio=120 target_cpu=003",
        "          <idle>-0       [000] d.s4.     1.024002: sched_wakeup: comm=kworker/u16:0 pid=13 prio=120 target_cpu=000",
        "   kworker/u16:0-13      [000] d..2.     0.000021: sched_wakeup_new: comm=kworker/u16:1 pid=15 prio=120 target_cpu=001",
        "    kworker/3:0H-12      [003] d..2.     0.000012: sched_migrate_task: comm=kworker/u16:0 pid=13 prio=120 orig_cpu=0 dest_cpu=3",
        "          insmod-14      [000] d..1.     0.000018: workqueue_queue_work: work struct=00000000367856a8 "
        "function=work_handler [sched] workqueue=HELLOWORLD req_cpu=4 cpu=-1",
        "          insmod-14      [000] d..1.     0.000018: workqueue_activate_work: work struct 00000000367856a8 "
        "function=work_handler [sched] ",
        "   kworker/u16:0-13      [000] .....     0.000021: workqueue_execute_start: work struct 00000000367856a8: "
        "function work_handler [sched]",
        "   kworker/u16:0-13      [000] .....     1.024005: workqueue_execute_end: work struct 00000000367856a8: "
        "function work_handler [sched]",
        "   kworker/u16:0-13      [000] d..1.     0.000021: timer_start: timer=0000000072e74a0a function=pool_mayday_timeout "
        "expires=4294892298 [timeout=2] bucket_expiry=4294892299 cpu=0 idx=11 flags=",
        "          <idle>-0       [000] ..s1.     1.024002: timer_expire_entry: timer=00000000111ec3bb function=process_timeout "
        "now=4294892552 baseclk=4294892552",
        "          <idle>-0       [000] .Ns1.     1.024002: timer_expire_exit: timer=00000000111ec3bb",
        "   kworker/u16:0-13      [000] d..1.     0.000021: timer_cancel: timer=0000000072e74a0a",
        "          <idle>-0       [000] d..2.     0.000027: hrtimer_start: hrtimer=00000000af563d6c function=tick_sched_timer "
        "expires=1024000000 softexpires=1024000000 mode=ABS|PINNED|HARD",
        "          <idle>-0       [000] d.h1.     1.024002: hrtimer_expire_entry: hrtimer=00000000af563d6c "
        "function=tick_sched_timer now=1024001528",
        "          <idle>-0       [000] d.h1.     1.024002: hrtimer_expire_exit: hrtimer=00000000af563d6c",
        "          <idle>-0       [003] d..2.     0.000017: hrtimer_cancel: hrtimer=00000000fa096346",
        "          <idle>-0       [000] d.h1.     1.024002: softirq_raise: vec=1 [action=TIMER]",
        "          <idle>-0       [000] ..s1.     1.024002: softirq_entry: vec=1 [action=TIMER]",
        "   kworker/u16:0-13      [000] d....     0.000021: console: work handler function.",
    ]:
        assert line in text


def test_generic_tasklet_example_shows_bh_disabled_interrupts_and_raw_tasklet_address(traced):
    """An IRQ taken with BH disabled prints D.h..; a kmalloc'd tasklet's %ps is its raw 0x address."""
    text = traced("seed000_tasklet_device").trace.text().splitlines()
    assert "          bh_off-15      [000] D.h..     0.041001: irq_handler_entry: irq=14 name=my_device" in text
    assert ("          <idle>-0       [000] ..s1.     0.010001: tasklet_entry: tasklet=0xffff000072e74a0a "
            "function=my_tasklet_function [tasklet_device]") in text  # fmt: skip


def test_static_tasklet_prints_its_symbol_and_preempting_softirq_shows_need_resched(traced):
    """DECLARE_TASKLET_OLD's %ps is `mytask [example_tasklet]`; softirq on insmod's irq_exit reads .Ns.."""
    text = traced("seed001_tasklet").trace.text().splitlines()
    assert ("          insmod-14      [000] .Ns..     0.004003: tasklet_entry: tasklet=mytask [example_tasklet] "
            "function=tasklet_fn [example_tasklet]") in text  # fmt: skip
    assert "          insmod-14      [000] dNH..     0.008002: irq_handler_entry: irq=11 name=arch_timer" in text


def test_pc_board_napi_lines_x86_vectors_and_no_arm64_ipi_raise(traced):
    """On the pc board: napi_poll for a device, irq_vectors:* around the APIC timer and reschedule IPI, no ipi_raise."""
    m = traced("seed004_ixgb_shared_napi")
    text = m.trace.text().splitlines()
    assert ("          <idle>-0       [000] ..s1.     0.002020: napi_poll: napi poll on napi struct 00000000367856a8 "
            "for device eth1 work 20 budget 64") in text  # fmt: skip
    assert "          <idle>-0       [000] d.h1.     0.002001: irq_handler_exit: irq=24 ret=unhandled" in text
    assert "          <idle>-0       [001] d.h1.     0.004000: local_timer_entry: vector=236" in text
    assert "          <idle>-0       [000] d.H1.     0.004000: local_timer_exit: vector=236" in text
    assert "          <idle>-0       [000] dNh1.     0.000008: reschedule_entry: vector=253" in text
    assert "ipi:ipi_raise" not in m.trace.names


def test_preempted_task_reports_r_plus():
    """A task preempted by a woken FIFO thread switches out with prev_state=R+."""
    from irqlab.kernel import cpu_work, msleep

    m = irqlab.boot("generic", cpus=1, seed=0, trace="sched:sched_switch")
    m.spawn(lambda: cpu_work(50_000_000), name="hog")
    m.spawn(lambda: msleep(10), name="rt", policy="fifo", prio=50)
    m.run(until="30ms")
    lines = [e.text() for e in m.trace.events() if e["prev_comm"] == "hog"]
    assert lines[0] == ("             hog-5       [000] d..2.     0.020001: sched_switch: prev_comm=hog prev_pid=5 "
                        "prev_prio=120 prev_state=R+ ==> next_comm=rt next_pid=6 next_prio=49")  # fmt: skip


def test_irqlab_instrumentation_is_off_unless_named():
    """trace=True records only 6.12 events; irqlab:irq_thread_entry is recorded when named."""
    m = irqlab.boot("rpi5", seed=0, trace=True)
    assert "irqlab:irq_thread_entry" in m.trace.names
    assert not any(n.startswith("irqlab:") for n in m.read("/sys/kernel/tracing/set_event").split())
    m.trace.enable("irqlab")
    assert "irqlab:irq_entry" in m.read("/sys/kernel/tracing/set_event").split()


def test_small_ring_keeps_the_newest_pages_of_every_cpu():
    """buffer_size_kb=8 per CPU: older pages are overwritten, the header counts them, each CPU's start is annotated."""
    from irqlab.kernel import cpu_work

    m = irqlab.boot("rpi5", seed=0, trace="irq,timer", trace_ring=8)
    for cpu in range(4):
        m.spawn(lambda: cpu_work(2_000_000_000), name=f"hog{cpu}", cpu=cpu)
    m.run(until="2s")
    text = m.trace.text().splitlines()
    n, total = m.trace.entries()
    assert total > n and text[2] == f"# entries-in-buffer/entries-written: {n}/{total}   #P:4"
    assert sum(1 for line in text if line.startswith("##### CPU ") and line.endswith(" buffer started ####")) == 3
    last = m.trace.events()[-1]
    assert last.ts > 1_990_000_000
    assert all(len(c.pages) == 3 for c in m.trace.cpus)  # DIV_ROUND_UP(8 KiB, 4080-byte sub-buffers)
