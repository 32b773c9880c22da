"""Thousands of tasks started in one burst: each fiber starts on a flat stack, whoever switches into it first."""

import irqlab
from irqlab.kernel import msleep, pr_info


def test_two_thousand_tasks_started_in_one_burst_all_run():
    """2000 kthreads woken at once each sleep once and finish; no stack grows with the number started."""
    m = irqlab.boot("generic", cpus=2, seed=1)
    done = []

    def worker(i: int) -> int:
        msleep(1)
        done.append(i)
        return 0

    def starter() -> int:
        for i in range(2000):
            m.spawn(worker, i, name=f"burst/{i}")
        pr_info("burst: started 2000 tasks\n")
        return 0

    m.spawn(starter, name="starter")
    m.run(until="2s")
    assert "burst: started 2000 tasks" in m.dmesg()
    assert sorted(done) == list(range(2000))
