"""Scheduler: priorities, wakeup preemption, fair sharing, RR slices, balancing, affinity."""

import irqlab
from irqlab.kernel import (
    complete,
    completion,
    cpu_work,
    ktime_get,
    msleep,
    set_cpus_allowed_ptr,
    smp_processor_id,
    wait_for_completion,
)


def test_fifo_thread_preempts_normal_hog_at_wakeup():
    """A FIFO-50 thread waking from msleep preempts a NORMAL hog on the same CPU at once."""
    m = irqlab.boot("generic", cpus=1, seed=0, trace=["sched_switch", "sched_wakeup"])
    log = {}

    def hog():
        cpu_work(100_000_000)
        log["hog_done"] = ktime_get()

    def rt():
        msleep(10)
        log["rt_woke"] = ktime_get()
        cpu_work(1_000_000)
        log["rt_done"] = ktime_get()

    m.spawn(hog, name="hog")
    m.spawn(rt, name="rt", policy="fifo", prio=50)
    m.run()
    wake = [e for e in m.trace.events("sched_wakeup") if e["comm"] == "rt"][0]
    assert log["rt_woke"] - wake.ts < 10_000  # switched in within the context-switch cost
    sw = [e for e in m.trace.events("sched_switch") if e["next_comm"] == "rt" and e.ts >= wake.ts][0]
    assert sw["prev_comm"] == "hog" and sw["prev_state"] == "R+"  # preempted: __trace_sched_switch_state()
    assert log["rt_done"] < log["hog_done"]


def test_two_normal_hogs_split_one_cpu_evenly():
    """Two NORMAL hogs on one CPU each get about half of it."""
    m = irqlab.boot("generic", cpus=1, seed=0)

    def hog():
        while True:
            cpu_work(1_000_000)

    a = m.spawn(hog, name="hogA")
    b = m.spawn(hog, name="hogB")
    m.run(until="1s")
    ra, rb = a.sum_exec_runtime, b.sum_exec_runtime
    assert abs(ra - rb) / (ra + rb) < 0.05
    assert ra + rb > 900_000_000


def test_nice_weights_share_cpu_by_weight():
    """nice 0 vs nice 5 share a CPU roughly 1024:335 (sched_prio_to_weight)."""
    m = irqlab.boot("generic", cpus=1, seed=0)

    def hog():
        while True:
            cpu_work(1_000_000)

    a = m.spawn(hog, name="nice0")
    b = m.spawn(hog, name="nice5", prio=5)
    m.run(until="2s")
    ratio = a.sum_exec_runtime / b.sum_exec_runtime
    assert 2.4 < ratio < 3.8


def test_rr_threads_of_equal_priority_alternate_every_100ms():
    """SCHED_RR tasks at one priority take turns in 100 ms slices; FIFO would not."""
    m = irqlab.boot("generic", cpus=1, seed=0, trace=["sched_switch"])

    def hog():
        while True:
            cpu_work(1_000_000)

    m.spawn(hog, name="rrA", policy="rr", prio=10)
    m.spawn(hog, name="rrB", policy="rr", prio=10)
    m.run(until="450ms")
    sw = [e for e in m.trace.events("sched_switch") if e["prev_comm"] in ("rrA", "rrB") and e["next_comm"] in ("rrA", "rrB")]
    assert len(sw) >= 3
    gaps = [b.ts - a.ts for a, b in zip(sw, sw[1:])]
    assert all(abs(g - 100_000_000) <= 4_000_000 for g in gaps)


def test_runnable_task_is_pulled_to_an_idle_cpu():
    """A task waiting behind a hog is pulled by an idle CPU within a tick."""
    m = irqlab.boot("generic", cpus=2, seed=0)
    where = {}

    def hog():
        cpu_work(50_000_000)

    def second():
        where["cpu"] = smp_processor_id()
        where["t"] = ktime_get()

    m.spawn(hog, name="hog", cpu=None)
    m.run(until="1ms")
    t = m.spawn(second, name="second")
    t.cpus_allowed = 0b11
    m.run()
    assert where["t"] < 10_000_000


def test_set_cpus_allowed_moves_a_task():
    """set_cpus_allowed_ptr() moves the caller to an allowed CPU; an empty mask is -EINVAL."""
    m = irqlab.boot("generic", cpus=4, seed=0)
    out = []

    def fn():
        out.append(smp_processor_id())
        out.append(set_cpus_allowed_ptr(m.task("mover"), 0))
        set_cpus_allowed_ptr(m.task("mover"), 1 << 3)
        cpu_work(10_000)
        msleep(1)
        out.append(smp_processor_id())

    m.spawn(fn, name="mover", cpu=None)
    m.run()
    assert out[1] == -22 and out[2] == 3


def test_completion_handoff_between_threads():
    """wait_for_completion blocks until complete(); the waiter sees the completer's time."""
    m = irqlab.boot("generic", cpus=2, seed=0)
    done = completion("done")
    seen = {}

    def waiter():
        wait_for_completion(done)
        seen["t"] = ktime_get()

    def completer():
        msleep(20)
        seen["c"] = ktime_get()
        complete(done)

    m.spawn(waiter, name="waiter")
    m.spawn(completer, name="completer")
    m.run()
    assert seen["t"] >= seen["c"] and seen["t"] - seen["c"] < 20_000


def test_task_state_and_result_are_visible():
    """t.result holds the return value and t.state reads 'dead' once finished."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    t = m.spawn(lambda x: x * 2, 21, name="calc")
    m.run()
    assert t.result == 42 and t.state == "dead" and t.exception is None
