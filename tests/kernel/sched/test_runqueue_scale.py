"""Two thousand tasks queued on a small machine: the RT priority array and the fair timeline at size."""


import irqlab
from irqlab.kernel import DECLARE_COMPLETION, complete_all, cpu_work, msleep, pr_info, wait_for_completion

N = 2000


def _worker(go, i):
    """Park until released, compute 50 us, say so."""
    wait_for_completion(go)
    cpu_work(50_000)
    pr_info("w%d done\n", i)


def _spawn(m, go, i):
    # Every fourth task is SCHED_FIFO, priorities 1..90 in turn; the others are SCHED_NORMAL.
    if i % 4 == 0:
        return m.spawn(_worker, go, i, name=f"w{i}", policy="fifo", prio=1 + i % 90)
    return m.spawn(_worker, go, i, name=f"w{i}")


def _done_order(m):
    return [int(line.split()[-2][1:]) for line in m.dmesg().splitlines() if line.endswith(" done")]


def _expected_order():
    # RT first, most important priority first and FIFO within one; then the fair ones in wake order,
    # every one woken with the same vruntime credit.
    rt = sorted((i for i in range(N) if i % 4 == 0), key=lambda i: (-(1 + i % 90), i))
    return rt, [i for i in range(N) if i % 4]


def test_2000_tasks_released_at_once_run_rt_by_priority_then_fair_in_wake_order():
    """2000 parked tasks woken by one complete_all() on one CPU: RT by priority, then fair FIFO; /proc/loadavg counts them."""
    m = irqlab.boot("generic", cpus=1, seed=1)
    go = DECLARE_COMPLETION("go")
    for i in range(N):
        t = _spawn(m, go, i)
        # Each task starts (and parks) before the next one is created.
        m.run_until(lambda t=t: t.state.value == "blocked", "1s")
    m.spawn(lambda: complete_all(go), name="release")
    m.run(for_="10us")
    # The 2000 woken tasks and the releasing one are runnable; 2005 threads exist.
    assert m.read("/proc/loadavg") == f"0.00 0.00 0.00 {N + 1}/2005 2005\n"
    m.run(for_="200ms")
    rt, fair = _expected_order()
    assert _done_order(m) == rt + fair


def test_2000_tasks_spawned_in_one_burst_all_run():
    """2000 tasks spawned back to back, none started before the next is created, all run to completion."""
    m = irqlab.boot("generic", cpus=2, seed=1)
    go = DECLARE_COMPLETION("go")
    for i in range(N):
        _spawn(m, go, i)
    m.spawn(lambda: complete_all(go), name="release")
    m.run(for_="300ms")
    assert sorted(_done_order(m)) == list(range(N))


def test_rt_tasks_preempted_again_as_they_switch_in_do_not_nest():
    """600 FIFO tasks looping cpu_work(2 us) + msleep(1), released at once: preemptions taken as a task switches
    back in loop in schedule() instead of nesting on its stack, so every task keeps cycling with no oops."""
    n = 600
    m = irqlab.boot("generic", cpus=1, seed=1)
    go = DECLARE_COMPLETION("go")
    laps = [0] * n

    def body(i):
        wait_for_completion(go)
        while True:
            cpu_work(2_000)
            laps[i] += 1
            msleep(1)

    for i in range(n):
        t = m.spawn(body, i, name=f"rt{i}", policy="fifo", prio=1 + i % 90)
        m.run_until(lambda t=t: t.state.value == "blocked", "1s")
    m.spawn(lambda: complete_all(go), name="release")
    m.run(for_="60ms")
    assert "Call trace:" not in m.dmesg() and not m.kernel.bugs.reports
    # msleep(1) sleeps two 4 ms jiffies: every task laps 5 to 6 times in 60 ms.
    assert min(laps) >= 5 and m.kernel.cpus[0].nr_switches > 4_000
