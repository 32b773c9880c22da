"""printk: levels, dmesg timestamps, pr_fmt prefixes, ratelimiting, the loglevel sysctl."""

import irqlab
from irqlab.kernel import KERN_ERR, cpu_work, pr_info, pr_info_ratelimited, printk

pr_fmt = "mydrv: "


def test_dmesg_lines_carry_simulated_timestamps_and_pr_fmt():
    """Records print as '[%5lu.%06lu] ' + text; pr_* apply the file's pr_fmt; levels filter dmesg(level)."""
    m = irqlab.boot("generic", cpus=1, seed=0)

    def fn():
        cpu_work(1_234_567)
        pr_info("hello %d\n", 42)
        printk(KERN_ERR + "raw %s\n", "error")

    m.spawn(fn)
    m.run()
    rec = [r for r in m.kernel.log.records if r.text == "mydrv: hello 42"][0]
    stamp = f"[    0.{rec.ts // 1000:06d}] "
    assert 1_234_567 <= rec.ts < 1_250_000
    lines = m.dmesg().splitlines()
    assert stamp + "mydrv: hello 42" in lines
    assert stamp + "raw error" in lines
    assert m.dmesg(level=3).splitlines() == [stamp + "raw error"]


def test_ratelimited_prints_ten_per_five_seconds_then_reports_suppressed():
    """pr_info_ratelimited: burst 10 per 5*HZ, then '<func>: N callbacks suppressed'."""
    m = irqlab.boot("generic", cpus=1, seed=0)

    def noisy():
        for i in range(30):
            pr_info_ratelimited("event %d\n", i)
            cpu_work(250_000_000)

    m.spawn(noisy)
    m.run()
    texts = m.dmesg_lines()
    events = [t for t in texts if t.startswith("mydrv: event")]
    assert events[:10] == [f"mydrv: event {i}" for i in range(10)]
    assert any(t.startswith("noisy: ") and t.endswith(" callbacks suppressed") for t in texts)


def test_printk_sysctl_reads_and_writes_the_console_loglevel():
    """/proc/sys/kernel/printk shows 4 tab-separated levels; writes change the console level, bad input is -EINVAL."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    assert m.read("/proc/sys/kernel/printk") == "7\t4\t1\t7\n"
    assert m.write("/proc/sys/kernel/printk", "3") == 1
    assert m.read("/proc/sys/kernel/printk").startswith("3\t")
    assert m.write("/proc/sys/kernel/printk", "loud") == -22
