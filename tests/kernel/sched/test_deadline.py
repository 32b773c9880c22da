"""An RT hog no longer starves its CPU's fair tasks: RT throttling and the fair server give them 50 ms a second."""

import irqlab
from irqlab.kernel import INIT_WORK, cpu_relax, ktime_get, queue_work_on, system_wq, work_struct


def _hog_and_work(m, until="1450ms"):
    """A SCHED_FIFO 50 busy loop on CPU 2 and 200 work items queued there at 10 ms; when each one ran."""
    done = []
    works = [work_struct() for _ in range(200)]

    def work_fn(w):
        done.append(ktime_get())

    def hog():
        while True:
            cpu_relax()

    def queuer():
        for w in works:
            INIT_WORK(w, work_fn)
            queue_work_on(2, system_wq, w)

    m.spawn(hog, name="hog", cpu=2, policy="fifo", prio=50)
    m.at("10ms", lambda: m.spawn(queuer, name="queuer", cpu=2))
    m.run(until=until)
    return done


def test_rt_throttling_runs_the_starved_work_once_the_hog_has_used_950ms_of_its_period():
    """At defaults the hog is throttled after 950 ms of its 1 s period: the 200 work items run then, and dmesg says so."""
    m = irqlab.boot("rpi5", seed=1)
    assert m.read("/proc/sys/kernel/sched_rt_runtime_us") == "950000\n"
    assert m.read("/proc/sys/kernel/sched_rt_period_us") == "1000000\n"
    done = _hog_and_work(m)
    assert len(done) == 200 and 950_000_000 <= done[0] and done[-1] < 1_000_000_000
    assert "[    0.950006] sched: RT throttling activated" in m.dmesg().splitlines()


def test_without_rt_throttling_the_fair_server_serves_the_work_in_its_50ms_window():
    """sched_rt_runtime_us=-1: the deferred fair server still runs the work from its zero-laxity time, 950 ms in."""
    m = irqlab.boot("rpi5", seed=1)
    assert m.write("/proc/sys/kernel/sched_rt_runtime_us", "-1") == 2
    assert m.read("/sys/kernel/debug/sched/fair_server/cpu2/runtime") == "50000000\n"
    assert m.read("/sys/kernel/debug/sched/fair_server/cpu2/period") == "1000000000\n"
    done = _hog_and_work(m)
    assert len(done) == 200 and 950_000_000 <= done[0] and done[-1] < 1_000_000_000
    assert "RT throttling" not in m.dmesg()


def test_with_both_off_the_hog_starves_the_cpu_for_ever():
    """No RT limit and a fair server of runtime 0: not one work item runs in 1.45 s, as before 6.12's fair server."""
    m = irqlab.boot("rpi5", seed=1)
    assert m.write("/proc/sys/kernel/sched_rt_runtime_us", "-1") == 2
    assert m.write("/sys/kernel/debug/sched/fair_server/cpu2/runtime", "0") == 1
    assert _hog_and_work(m) == []


def test_bandwidth_writes_are_checked_like_the_kernels():
    """runtime may not exceed period (both files), and the fair server's period stays within 100 us .. ~4 s."""
    m = irqlab.boot("rpi5", seed=1)
    assert m.write("/proc/sys/kernel/sched_rt_runtime_us", "1000001") == -22
    assert m.write("/proc/sys/kernel/sched_rt_period_us", "900000") == -22
    assert m.write("/sys/kernel/debug/sched/fair_server/cpu0/runtime", "2000000000") == -22
    assert m.write("/sys/kernel/debug/sched/fair_server/cpu0/period", "50") == -22
    assert m.read("/proc/sys/kernel/sched_rt_runtime_us") == "950000\n"
