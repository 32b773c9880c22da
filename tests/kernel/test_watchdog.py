"""The lockup detectors: what a stuck CPU prints, in simulated time, with m.run(until=) returning on time."""

import irqlab
from irqlab.kernel import (
    DEFINE_SPINLOCK,
    IRQ_HANDLED,
    free_irq,
    local_irq_disable,
    local_irq_enable,
    mdelay,
    mod_timer,
    request_irq,
    spin_lock,
    spin_unlock,
    timer_delete_sync,
    timer_list,
    timer_setup,
)
from irqlab.kernel.core import kernel

CPU1_HOG = "CPU: 1 UID: 0 PID: 8 Comm: hog Not tainted 6.12.25-irqlab #1"


def _lines(m, start):
    """dmesg lines from the first one containing ``start``, without their timestamps."""
    lines = m.dmesg_lines()
    first = next(i for i, ln in enumerate(lines) if start in ln)
    return lines[first:]


def test_a_30s_mdelay_with_irqs_off_is_a_hard_lockup_then_a_soft_lockup_and_a_late_backtrace():
    """The buddy CPU reports the hard lockup at 24 s; once IRQs are back, the soft lockup and the NMI backtrace."""
    m = irqlab.boot("generic", cpus=2, seed=1)

    def hog():
        local_irq_disable()
        mdelay(30000)
        local_irq_enable()

    m.spawn(hog, name="hog", cpu=1)
    m.run(until="40s")
    assert m.now == 40_000_000_000
    out = _lines(m, "watchdog:")
    assert out[:3] == [
        "watchdog: Watchdog detected hard LOCKUP on cpu 1",
        "Modules linked in:",
        "Sending NMI from CPU 0 to CPUs 1:",
    ]
    assert out[3:7] == [
        "watchdog: BUG: soft lockup - CPU#1 stuck for 27s! [hog:8]",
        "Modules linked in:",
        CPU1_HOG,
        "Hardware name: irqlab generic SMP machine (DT)",
    ]
    assert out[7].startswith("pc : local_irq_enable+") and out[8] == "lr : hog+0xc/0x10" and out[9] == "Call trace:"
    assert out[11:15] == [" hog+0xc/0x10", " kthread+0x18/0x34", " ret_from_fork+0x10/0x20", "NMI backtrace for cpu 1"]
    assert out[15] == "CPU: 1 UID: 0 PID: 8 Comm: hog Tainted: G             L     6.12.25-irqlab #1"
    assert out[16] == "Tainted: [L]=SOFTLOCKUP"  # print_tainted_verbose() once the kernel is tainted
    assert out[18:25] == out[7:14]  # the same registers and stack: the IPI was taken at local_irq_enable()
    assert "[   24.000000] watchdog: Watchdog detected hard LOCKUP on cpu 1" in m.dmesg().splitlines()
    assert m.tainted == "L"


def test_an_abba_spinlock_deadlock_is_a_soft_lockup_on_both_cpus():
    """Two CPUs spinning on each other's lock with preemption off: both are reported at 24 s (stuck for 22 s)."""
    m = irqlab.boot("generic", cpus=2, seed=1)
    a = DEFINE_SPINLOCK("a")
    b = DEFINE_SPINLOCK("b")

    def t1():
        spin_lock(a)
        mdelay(1)
        spin_lock(b)

    def t2():
        spin_lock(b)
        mdelay(1)
        spin_lock(a)

    m.spawn(t1, name="abba1", cpu=0)
    m.spawn(t2, name="abba2", cpu=1)
    m.run(until="30s")
    heads = [ln for ln in m.dmesg().splitlines() if "soft lockup" in ln]
    assert heads == [
        "[   24.000000] watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [abba1:8]",
        "[   24.000000] watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [abba2:9]",
    ]
    out = _lines(m, "CPU#0")
    assert out[1:4] == ["Modules linked in:", "CPU: 0 UID: 0 PID: 8 Comm: abba1 Not tainted 6.12.25-irqlab #1",
                        "Hardware name: irqlab generic SMP machine (DT)"]  # fmt: skip
    assert out[8:13] == [" _acquire+0x30/0x34", " spin_lock+0x1c/0x20", " t1+0xc/0x10", " kthread+0x18/0x34",
                         " ret_from_fork+0x10/0x20"]  # fmt: skip
    assert out[13:16] == ["watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [abba2:9]", "Modules linked in:",
                          "CPU: 1 UID: 0 PID: 9 Comm: abba2 Tainted: G             L     6.12.25-irqlab #1"]


def test_a_handler_that_frees_its_own_line_warns_then_locks_its_cpu_up_for_good():
    """free_irq() from the line's own handler: the WARN, then synchronize_irq() spins with IRQs off for ever."""
    m = irqlab.boot("generic", cpus=2, seed=1)
    irq = m.irq_sim(3)
    dev = object()

    def handler(i, d):
        free_irq(i, d)
        return IRQ_HANDLED

    def starter():
        request_irq(irq, handler, 0, "selfish", dev)

    m.spawn(starter, name="starter", cpu=1)
    m.at("1s", lambda: m.fire_irq(irq))
    m.run(until="60s")
    assert m.now == 60_000_000_000
    assert f"[    1.000001] Trying to free IRQ {irq} from IRQ context!" in m.dmesg().splitlines()
    assert _lines(m, "watchdog:") == [
        "watchdog: Watchdog detected hard LOCKUP on cpu 0",
        "Modules linked in:",
        "Sending NMI from CPU 1 to CPUs 0:",
    ]


def test_timer_delete_sync_from_its_own_callback_spins_in_softirq_until_the_soft_lockup_report():
    """The callback waits for itself to finish: the timer softirq never ends and the CPU's idle task is reported."""
    m = irqlab.boot("generic", cpus=2, seed=1)
    t = timer_list()

    def cb(tt):
        timer_delete_sync(tt)

    def starter():
        timer_setup(t, cb, 0)
        mod_timer(t, kernel().jiffies + 10)

    m.spawn(starter, name="starter", cpu=1)
    m.run(until="30s")
    out = _lines(m, "watchdog:")
    assert out[:4] == [
        "watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [swapper/1:0]",
        "Modules linked in:",
        "CPU: 1 UID: 0 PID: 0 Comm: swapper/1 Not tainted 6.12.25-irqlab #1",
        "Hardware name: irqlab generic SMP machine (DT)",
    ]
    assert out[4].startswith("pc : timer_delete_sync+") and out[5] == "lr : cb+0x4/0x8"
    assert " run_timer_softirq" in " ".join(out)


def test_a_spinlock_released_in_time_and_an_idle_machine_report_nothing():
    """Holding a lock for 5 s and idling for 60 s stay under the soft lockup threshold: no report."""
    m = irqlab.boot("generic", cpus=2, seed=1)
    lock = DEFINE_SPINLOCK("l")

    def holder():
        spin_lock(lock)
        mdelay(5000)
        spin_unlock(lock)

    m.spawn(holder, name="holder", cpu=1)
    m.run(until="60s")
    assert "watchdog" not in m.dmesg() and m.tainted == ""


def test_softlockup_panic_stops_the_machine():
    """softlockup_panic=1 on the command line: the report ends in 'Kernel panic - not syncing: softlockup: hung tasks'."""
    m = irqlab.boot("generic", cpus=2, seed=1, cmdline="softlockup_panic=1")
    lock = DEFINE_SPINLOCK("l")

    def hog():
        spin_lock(lock)
        while True:
            mdelay(1)

    m.spawn(hog, name="hog", cpu=1)
    m.run(until="60s")
    lines = m.dmesg_lines()
    assert "Kernel panic - not syncing: softlockup: hung tasks" in lines
    assert lines[-1] == "---[ end Kernel panic - not syncing: softlockup: hung tasks ]---"
    assert m.now == 60_000_000_000


def test_the_pc_perf_nmi_reports_the_stuck_cpu_itself_with_its_stack():
    """On x86 the perf NMI interrupts even a CPU with IRQs off: the CPU reports itself with its own registers."""
    m = irqlab.boot("pc", cpus=2, seed=1)

    def hog():
        local_irq_disable()
        mdelay(30000)
        local_irq_enable()

    m.spawn(hog, name="hog", cpu=1)
    m.run(until="25s")
    out = _lines(m, "watchdog:")
    assert out[0] == "watchdog: Watchdog detected hard LOCKUP on cpu 1"
    assert out[2] == "CPU: 1 UID: 0 PID: 9 Comm: hog Not tainted 6.12.25-amd64 #1"
    # The RIP frame heads the registers; the call trace goes on from its caller.
    assert out[4:12] == ["RIP: 0010:__delay+0x14/0x18", "Call Trace:", " <TASK>", " mdelay+0x8/0xc",
                         " hog+0x8/0x10", " kthread+0x18/0x34", " ret_from_fork+0x10/0x20", " </TASK>"]


def test_an_offline_cpu_is_no_hard_lockup_and_is_watched_again_once_back():
    """CPU 2 unplugged for a minute raises no report; back online, a spin with IRQs off on it is caught again."""
    m = irqlab.boot("generic", cpus=4, seed=1)
    m.at("1s", lambda: m.remove_cpu(2))
    m.run(until="70s")
    assert "watchdog" not in m.dmesg()
    m.add_cpu(2)

    def hog():
        local_irq_disable()
        mdelay(40000)

    m.spawn(hog, name="hog", cpu=2)
    m.run(until="110s")
    assert [ln for ln in m.dmesg_lines() if ln.startswith("watchdog:")] == [
        "watchdog: Watchdog detected hard LOCKUP on cpu 2"
    ]


def test_the_reports_are_byte_identical_from_run_to_run():
    """Same scenario, same seed: the same dmesg, reports included."""

    def run():
        m = irqlab.boot("generic", cpus=2, seed=7)
        lock = DEFINE_SPINLOCK("l")

        def hog():
            spin_lock(lock)
            local_irq_disable()
            mdelay(30000)
            local_irq_enable()
            spin_unlock(lock)

        m.spawn(hog, name="hog", cpu=1)
        m.run(until="35s")
        return m.dmesg()

    first = run()
    assert "soft lockup" in first and "hard LOCKUP" in first and "rcu_preempt detected stalls" in first
    assert run() == first


def test_a_long_busy_wait_that_touches_the_watchdog_is_not_a_soft_lockup():
    """touch_softlockup_watchdog() every second, as long polling loops in drivers do: no soft lockup report."""
    from irqlab.kernel import touch_softlockup_watchdog

    m = irqlab.boot("generic", cpus=2, seed=1)
    lock = DEFINE_SPINLOCK("l")

    def poller():
        spin_lock(lock)
        for _ in range(40):
            mdelay(1000)
            touch_softlockup_watchdog()
        spin_unlock(lock)

    m.spawn(poller, name="poller", cpu=1)
    m.run(until="45s")
    assert not [ln for ln in m.dmesg_lines() if "soft lockup" in ln]


def test_a_pi_5_kernel_built_with_the_lockup_detectors_reports_soft_lockups_too():
    """A board copy whose kconfig adds SOFTLOCKUP_DETECTOR: the Pi then prints the soft lockup next to the RCU stall."""
    import dataclasses

    from irqlab.boards import register_board
    from irqlab.boards.rpi5 import RPI5

    kconfig = {**RPI5.data["kconfig"], "SOFTLOCKUP_DETECTOR": True, "HARDLOCKUP_DETECTOR": "buddy"}
    register_board(dataclasses.replace(RPI5, name="rpi5-lockup-debug", data={**RPI5.data, "kconfig": kconfig}))
    m = irqlab.boot("rpi5-lockup-debug", seed=1)
    assert m.read("/proc/sys/kernel/watchdog_thresh") == "10\n"
    lock = DEFINE_SPINLOCK("l")

    def hog():
        spin_lock(lock)
        while True:
            mdelay(1)

    m.spawn(hog, name="hog", cpu=1)
    m.run(until="25s")
    heads = [ln for ln in m.dmesg_lines() if "soft lockup" in ln or "self-detected" in ln]
    assert heads == ["rcu: INFO: rcu_preempt self-detected stall on CPU",
                     "watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [hog:14]"]  # fmt: skip
