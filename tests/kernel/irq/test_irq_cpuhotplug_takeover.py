"""CPU hotplug from inside the kernel: a CPU brought up by a kthread ticks, tasklets of an unplugged CPU run."""

import irqlab
from irqlab.kernel import (
    add_cpu,
    cpu_work,
    get_current,
    ktime_get,
    local_bh_disable,
    local_bh_enable,
    msleep,
    remove_cpu,
    set_cpus_allowed_ptr,
    smp_processor_id,
    tasklet_hi_schedule,
    tasklet_schedule,
    tasklet_struct,
)


def _timer_count(m, cpu):
    line = next(line for line in m.read("/proc/interrupts").splitlines() if line.rstrip().endswith("arch_timer"))
    return int(line.split()[1 + cpu])


def test_cpu_added_from_a_kthread_takes_its_own_tick():
    """remove_cpu(1) then add_cpu(1) from a kthread on CPU0: while a task computes on CPU1, CPU1 (not CPU0) ticks every 4 ms."""
    m = irqlab.boot("generic", cpus=2, seed=0)
    ret = []

    def hotplug():
        ret.append(remove_cpu(1))
        msleep(10)
        ret.append(add_cpu(1))

    m.spawn(hotplug, cpu=0, name="hotplug")
    m.run(until="50ms")
    assert ret == [0, 0]
    before = (_timer_count(m, 0), _timer_count(m, 1))
    m.spawn(lambda: cpu_work(100_000_000), cpu=1, name="hog1")
    m.run(until="150ms")
    assert (_timer_count(m, 0) - before[0], _timer_count(m, 1) - before[1]) == (0, 25)


def test_tasklets_taken_over_by_an_idle_cpu_run():
    """A tasklet (and a hi tasklet) scheduled on CPU1 when it goes offline run on CPU0, idle with its tick stopped."""
    m = irqlab.boot("generic", cpus=3, seed=0)
    ran = []
    t = tasklet_struct(lambda _t: ran.append(("tasklet", smp_processor_id(), ktime_get())))
    hi = tasklet_struct(lambda _t: ran.append(("hi", smp_processor_id(), ktime_get())))

    def scheduler():
        set_cpus_allowed_ptr(get_current(), 0b110)
        local_bh_disable()
        tasklet_schedule(t)
        tasklet_hi_schedule(hi)
        cpu_work(5_000_000)
        local_bh_enable()

    m.at("1ms", lambda: m.spawn(scheduler, cpu=1, name="sched"))
    m.at("3ms", m.remove_cpu, 1)
    m.run(until="50ms")
    assert sorted((name, cpu) for name, cpu, _ in ran) == [("hi", 0), ("tasklet", 0)]
    assert all(when < 4_000_000 for _, _, when in ran)
