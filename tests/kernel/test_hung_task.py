"""khungtaskd: tasks stuck in D state are reported with the kernel's text, in simulated time."""

import irqlab
from irqlab.kernel import DEFINE_MUTEX, msleep, mutex_lock


def _abba(m):
    a = DEFINE_MUTEX("a")
    b = DEFINE_MUTEX("b")

    def t1():
        mutex_lock(a)
        msleep(10)
        mutex_lock(b)

    def t2():
        mutex_lock(b)
        msleep(10)
        mutex_lock(a)

    m.spawn(t1, name="abba1")
    m.spawn(t2, name="abba2")


def test_an_abba_mutex_deadlock_on_the_pi_is_reported_after_two_check_periods():
    """Seen blocked at the ~122 s walk, reported at the next one: 'blocked for more than 120 seconds' with the task's stack."""
    m = irqlab.boot("rpi5", seed=1)
    _abba(m)
    m.run(until="250s")
    assert m.now == 250_000_000_000
    text = m.dmesg().splitlines()
    first = next(i for i, ln in enumerate(text) if "INFO: task" in ln)
    assert text[first : first + 5] == [
        "[  242.656001] INFO: task abba1:14 blocked for more than 120 seconds.",
        "[  242.656001]       Not tainted 6.12.25+rpt-rpi-2712 #1",
        '[  242.656001] "echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.',
        "[  242.656001] task:abba1           state:D stack:0     pid:14    tgid:14    ppid:2      flags:0x00000008",
        "[  242.656001] Call trace:",
    ]
    assert "[  242.656001]  t1+0xc/0x10" in text and "[  242.656001]  t2+0xc/0x10" in text
    assert "[  242.656001] INFO: task abba2:15 blocked for more than 120 seconds." in text
    assert m.read("/proc/sys/kernel/hung_task_warnings") == "8\n"


def test_a_shorter_timeout_and_the_last_warning_say_future_reports_are_suppressed():
    """hung_task_timeout_secs=10 and hung_task_warnings=1: one report, then the suppression notice, then silence."""
    m = irqlab.boot("rpi5", seed=1)
    assert m.read("/proc/sys/kernel/hung_task_timeout_secs") == "120\n"
    assert m.write("/proc/sys/kernel/hung_task_timeout_secs", "10") == 2
    assert m.write("/proc/sys/kernel/hung_task_warnings", "1") == 1
    assert m.write("/proc/sys/kernel/hung_task_panic", "2") == -22
    _abba(m)
    m.run(until="60s")
    lines = m.dmesg_lines()
    assert [ln for ln in lines if ln.startswith("INFO: task")] == ["INFO: task abba1:14 blocked for more than 10 seconds."]
    assert lines[-1] == "Future hung task reports are suppressed, see sysctl kernel.hung_task_warnings"
    assert m.read("/proc/sys/kernel/hung_task_warnings") == "0\n"


def test_a_long_uninterruptible_msleep_counts_as_hung_and_a_zero_timeout_disables_the_check():
    """msleep() sleeps in D state, so 300 s of it is reported; echo 0 > hung_task_timeout_secs keeps quiet."""
    for timeout, reported in (("120", True), ("0", False)):
        m = irqlab.boot("rpi5", seed=1)
        m.write("/proc/sys/kernel/hung_task_timeout_secs", timeout)
        m.spawn(lambda: msleep(300_000), name="sleepy")
        m.run(until="300s")
        assert ("INFO: task sleepy:14 blocked for more than" in m.dmesg()) is reported
