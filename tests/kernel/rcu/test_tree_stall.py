"""RCU CPU stall warnings: what the Pi 5 prints when a CPU stops passing quiescent states."""

import irqlab
from irqlab.kernel import (
    DEFINE_SPINLOCK,
    cpu_relax,
    local_irq_disable,
    local_irq_enable,
    mdelay,
    rcu_read_lock,
    rcu_read_unlock,
    spin_lock,
)


def _report(m):
    return [ln.split("] ", 1)[1] for ln in m.dmesg().splitlines() if "] rcu: " in ln]


def test_irqs_off_for_30s_is_reported_by_another_cpu_then_the_late_backtrace():
    """A CPU spinning with IRQs off cannot tick: CPU 0 reports it at 21 s; its backtrace comes once IRQs are back."""
    m = irqlab.boot("rpi5", cpus=2, seed=1)

    def hog():
        local_irq_disable()
        mdelay(30000)
        local_irq_enable()

    m.spawn(hog, name="hog", cpu=1)
    m.run(until="40s")
    assert _report(m) == [
        "rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:",
        "rcu: \t1-...0: (1 GPs behind) idle=0001/1/0x4000000000000000 softirq=0/0 fqs=2626",
        "rcu: \t(detected by 0, t=5252 jiffies, g=-1195, q=0 ncpus=2)",
    ]
    lines = m.dmesg().splitlines()
    assert "[   21.012000] Sending NMI from CPU 0 to CPUs 1:" in lines
    assert "[   30.000019] NMI backtrace for cpu 1" in lines
    assert "[   30.000019]  hog+0xc/0x10" in lines


def test_a_spinning_lock_holder_with_irqs_on_reports_itself_and_again_every_63s():
    """With IRQs on the stalled CPU's own tick reports it (self-detected), at 21 s and 3 * 21 s + 3 jiffies later."""
    m = irqlab.boot("rpi5", cpus=2, seed=1)
    lock = DEFINE_SPINLOCK("l")

    def hog():
        spin_lock(lock)
        while True:
            cpu_relax()

    m.spawn(hog, name="hog", cpu=1)
    m.run(until="90s")
    heads = [ln for ln in m.dmesg().splitlines() if "self-detected" in ln]
    assert heads == [
        "[   21.004000] rcu: INFO: rcu_preempt self-detected stall on CPU",
        "[   84.016000] rcu: INFO: rcu_preempt self-detected stall on CPU",
    ]
    assert _report(m)[1:3] == [
        "rcu: \t1-....: (5250 ticks this GP) idle=0001/1/0x4000000000000000 softirq=0/0 fqs=2625",
        "rcu: \t(t=5250 jiffies g=-1195 q=0 ncpus=2)",
    ]
    assert "[   21.004000]  hog+0xc/0x10" in m.dmesg().splitlines()


def test_preemptible_spinning_and_rcu_readers_that_end_are_not_stalls():
    """A busy loop with preemption on passes a quiescent state at every tick; short readers end: no warning."""
    m = irqlab.boot("rpi5", cpus=2, seed=1)

    def busy():
        for _ in range(30000):
            rcu_read_lock()
            mdelay(1)
            rcu_read_unlock()

    m.spawn(busy, name="busy", cpu=1)
    m.run(until="40s")
    assert _report(m) == []


def test_the_timeout_module_parameter_moves_the_warning():
    """rcupdate.rcu_cpu_stall_timeout=5 on the command line: the stall is reported after 5 s."""
    m = irqlab.boot("rpi5", cpus=2, seed=1, cmdline="rcupdate.rcu_cpu_stall_timeout=5")
    assert m.read("/sys/module/rcupdate/parameters/rcu_cpu_stall_timeout") == "5\n"

    def hog():
        local_irq_disable()
        mdelay(8000)
        local_irq_enable()

    m.spawn(hog, name="hog", cpu=1)
    m.run(until="10s")
    assert _report(m)[2] == "rcu: \t(detected by 0, t=1252 jiffies, g=-1195, q=0 ncpus=2)"
