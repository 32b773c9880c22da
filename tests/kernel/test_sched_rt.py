"""RT throttling (kernel/sched/rt.c): an RT task that never sleeps gets 950 ms of each second, the rest goes to others."""

import irqlab
from irqlab.kernel import cpu_work
from irqlab.kernel.sched.rt import RT_RUNTIME_NS


def test_rt_hog_is_throttled_and_the_normal_task_gets_the_remainder():
    """One CPU, a FIFO spinner and a SCHED_OTHER spinner: "sched: RT throttling activated" once, ~5% for the other."""
    m = irqlab.boot("generic", cpus=1, seed=1)

    def spin():
        while True:
            cpu_work(1_000_000)

    rt = m.spawn(spin, name="rt-spin", policy="fifo", prio=80)
    other = m.spawn(spin, name="other-spin")
    m.run(until="3s")
    assert [line for line in m.dmesg().splitlines() if "RT throttling" in line] == [
        "[    0.952000] sched: RT throttling activated"
    ]
    assert 3 * RT_RUNTIME_NS - 10_000_000 < rt.sum_exec_runtime <= 3 * RT_RUNTIME_NS + 10_000_000
    assert 100_000_000 < other.sum_exec_runtime < 200_000_000
