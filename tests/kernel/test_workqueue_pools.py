"""Worker pools (kernel/workqueue.c): concurrency management, max_active, ordered queues, CPU hogs, workers."""

import irqlab
from irqlab.kernel import (
    WQ_BH,
    WQ_CPU_INTENSIVE,
    WQ_HIGHPRI,
    WQ_UNBOUND,
    alloc_ordered_workqueue,
    alloc_workqueue,
    cpu_work,
    current,
    msleep,
    queue_work,
    queue_work_on,
    smp_processor_id,
    system_wq,
    work_struct,
    workqueue_set_max_active,
)

MS = 1_000_000
WQ_EVENTS = ["workqueue_queue_work", "workqueue_activate_work", "workqueue_execute_start", "workqueue_execute_end"]


def boot(cpus=2, **kw):
    return irqlab.boot("generic", cpus=cpus, seed=0, trace=WQ_EVENTS + kw.pop("trace", []), **kw)


def timeline(m):
    """(event, function, cpu, comm, ts) of execute start/end events."""
    return [(e.name[18:], e["function"], e.cpu, e.comm, e.ts)
            for e in m.trace.events("workqueue_execute_start", "workqueue_execute_end")]  # fmt: skip


def named(fn, name):
    fn.__code__ = fn.__code__.replace(co_name=name, co_qualname=name)
    return fn


def test_concurrency_management_starts_a_second_worker_only_when_the_first_sleeps():
    """Two items on one per-CPU pool: the second starts in another kworker at the instant the first blocks."""
    m = boot(trace=["sched_switch"])
    a = work_struct(named(lambda w: (cpu_work(3 * MS), msleep(20)), "a"))
    b = work_struct(named(lambda w: cpu_work(1 * MS), "b"))

    def thread():
        queue_work(system_wq, a)
        queue_work(system_wq, b)

    m.spawn(thread, cpu=0)
    m.run(until="50ms")
    tl = timeline(m)
    assert [(x[0], x[1]) for x in tl] == [("start", "a"), ("start", "b"), ("end", "b"), ("end", "a")]
    a_start, b_start = tl[0][4], tl[1][4]
    blocked = [e for e in m.trace.events("sched_switch") if e["prev_comm"] == tl[0][3] and e["prev_state"] == "D"]
    assert b_start - a_start >= 3 * MS  # b waited while a computed
    assert blocked[0].ts <= b_start < blocked[0].ts + 10_000  # ...and started when a blocked
    assert tl[0][3] == "kworker/0:0" and tl[1][3] == "kworker/0:1"


def test_cpu_bound_items_run_back_to_back_in_one_worker():
    """Items that never sleep are not run concurrently: nr_running stays 1, the same kworker takes them in turn."""
    m = boot()
    ws = [work_struct(named(lambda w: cpu_work(2 * MS), f"burn{i}")) for i in range(3)]
    m.spawn(lambda: [queue_work(system_wq, w) for w in ws], cpu=0)
    m.run(until="50ms")
    tl = timeline(m)
    assert [x[0] for x in tl] == ["start", "end"] * 3
    assert {x[3] for x in tl} == {"kworker/0:0"}
    assert all(tl[i + 1][4] == tl[i][4] for i in range(1, 5, 2))  # each starts as the previous ends


def test_max_active_one_serialises_sleeping_items_and_two_overlaps_them():
    """max_active bounds a pwq: with 1 the second item waits as inactive, with 2 it runs when the first sleeps."""
    res = {}
    for ma in (1, 2):
        m = boot()
        a = work_struct(named(lambda w: msleep(10), "a"))
        b = work_struct(named(lambda w: msleep(10), "b"))

        def thread(ma=ma):
            wq = alloc_workqueue("mawq", 0, ma)
            queue_work(wq, a)
            queue_work(wq, b)

        m.spawn(thread, cpu=0)
        m.run(until="100ms")
        tl = timeline(m)
        act = m.trace.events("workqueue_activate_work")
        res[ma] = ([(x[0], x[1]) for x in tl], [e.ts for e in act], tl)
    order1, act1, tl1 = res[1]
    assert order1 == [("start", "a"), ("end", "a"), ("start", "b"), ("end", "b")]
    assert act1[1] == tl1[1][4]  # b activated when a finished
    order2, act2, tl2 = res[2]
    assert order2[:2] == [("start", "a"), ("start", "b")]  # b ran while a slept
    assert act2[0] == act2[1]  # both active at queueing


def test_unbound_max_active_lets_cpu_bound_items_run_in_parallel():
    """Unbound pools have no concurrency management: max_active=2 runs two CPU hogs at once on two CPUs."""
    res = {}
    for ma in (1, 2):
        m = boot(cpus=2)
        ws = [work_struct(named(lambda w: cpu_work(10 * MS), f"h{i}")) for i in range(2)]

        def thread(ma=ma, ws=ws):
            wq = alloc_workqueue("ubwq", WQ_UNBOUND, ma)
            for w in ws:
                queue_work(wq, w)

        m.spawn(thread, cpu=0)
        m.run(until="100ms")
        res[ma] = timeline(m)
    serial = res[1]
    assert [(x[0], x[1]) for x in serial] == [("start", "h0"), ("end", "h0"), ("start", "h1"), ("end", "h1")]
    par = res[2]
    assert [(x[0], x[1]) for x in par][:2] == [("start", "h0"), ("start", "h1")]
    assert {x[2] for x in par} == {0, 1}
    assert par[-1][4] - par[0][4] < 12 * MS
    assert all(x[3].startswith("kworker/u8:") for x in par)


def test_ordered_workqueue_runs_one_at_a_time_in_queueing_order():
    """alloc_ordered_workqueue(): items run strictly in order, one at a time, even when they sleep."""
    m = boot(cpus=4)
    ws = [work_struct(named(lambda w: msleep(5), f"o{i}")) for i in range(5)]

    def thread():
        wq = alloc_ordered_workqueue("ordwq", 0)
        for i, w in enumerate(ws):
            queue_work_on(i % 4, wq, w)

    m.spawn(thread, cpu=0)
    m.run(until="200ms")
    tl = timeline(m)
    assert [(x[0], x[1]) for x in tl] == [(p, f"o{i}") for i in range(5) for p in ("start", "end")]


def test_highpri_pool_workers_are_named_H_and_run_at_nice_minus_20():
    """WQ_HIGHPRI items run in kworker/N:MH at nice -20 (prio 100)."""
    m = boot()
    seen = []
    w = work_struct(lambda w: seen.append((current.comm, current.nice, current.kernel_prio)))
    m.spawn(lambda: queue_work(alloc_workqueue("hiwq", WQ_HIGHPRI, 0), w), cpu=1)
    m.run(until="10ms")
    assert seen == [("kworker/1:0H", -20, 100)]


def test_cpu_intensive_items_do_not_hold_back_the_pool():
    """A WQ_CPU_INTENSIVE item does not count in nr_running: another worker is woken for the next item at
    once and the scheduler shares the CPU between them (it preempts the hog when its slice ends)."""
    m = boot()
    hog = work_struct(named(lambda w: cpu_work(20 * MS), "hog"))
    nxt = work_struct(named(lambda w: cpu_work(1 * MS), "nxt"))

    def thread():
        queue_work(alloc_workqueue("ciwq", WQ_CPU_INTENSIVE, 0), hog)
        queue_work(system_wq, nxt)

    m.spawn(thread, cpu=0)
    m.run(until="100ms")
    tl = timeline(m)
    assert [(x[0], x[1]) for x in tl] == [("start", "hog"), ("start", "nxt"), ("end", "nxt"), ("end", "hog")]
    assert tl[1][3] != tl[0][3]
    assert tl[1][4] - tl[0][4] <= 4 * MS  # at the first tick, not after the hog's 20 ms


def test_cpu_hog_detection_unblocks_the_pool_after_the_threshold():
    """A per-CPU item running longer than wq_cpu_intensive_thresh_us is flagged CPU_INTENSIVE at a tick."""
    m = boot(cmdline="workqueue.cpu_intensive_thresh_us=10000")
    hog = work_struct(named(lambda w: cpu_work(50 * MS), "hog"))
    nxt = work_struct(named(lambda w: None, "nxt"))
    m.spawn(lambda: (queue_work(system_wq, hog), queue_work(system_wq, nxt)), cpu=0)
    m.run(until="200ms")
    tl = timeline(m)
    starts = {x[1]: x[4] for x in tl if x[0] == "start"}
    assert 10 * MS <= starts["nxt"] - starts["hog"] <= 18 * MS  # first tick past 10 ms of CPU time
    assert m.kernel.subsys["workqueue"].cpu_intensive_thresh_us == 10000


def test_cpu_hog_report_message_backs_off_exponentially():
    """CONFIG_WQ_CPU_INTENSIVE_REPORT: the 4th, 5th, 7th... violation print the kernel's warning."""
    m = boot(cmdline="workqueue.cpu_intensive_thresh_us=10000")

    def hog_fn(w):
        cpu_work(15 * MS)

    hog = work_struct(hog_fn)

    def thread():
        for _ in range(7):
            queue_work(system_wq, hog)
            msleep(40)

    m.spawn(thread, cpu=0)
    m.run(until="1s")
    msgs = [line for line in m.dmesg_lines() if "hogged CPU" in line]
    assert msgs == [f"workqueue: hog_fn hogged CPU for >10000us {n} times, consider switching to WQ_UNBOUND"
                    for n in (4, 5, 7)]  # fmt: skip


def test_default_cpu_intensive_threshold_on_arm64_is_one_second():
    """wq_cpu_intensive_thresh_init(): arm64's timer-based loops_per_jiffy gives BogoMIPS 1, so 10 ms scales to 1 s."""
    m = boot()
    assert m.kernel.subsys["workqueue"].cpu_intensive_thresh_us == 1_000_000


def test_workers_are_created_on_demand_and_reaped_after_idle_timeout():
    """Sleeping items bring up kworker/0:1, /0:2...; idle ones above the ratio are culled after 300 s."""
    m = boot(cpus=1)
    ws = [work_struct(named(lambda w: msleep(100), f"s{i}")) for i in range(6)]
    m.spawn(lambda: [queue_work(system_wq, w) for w in ws], cpu=0)
    m.run(until="1s")
    names = sorted({x[3] for x in timeline(m)})
    assert names == [f"kworker/0:{i}" for i in range(6)]
    pool = m.kernel.subsys["workqueue"].cpu_pools[0][0]
    assert (pool.nr_workers, pool.nr_idle) == (7, 7)
    m.run(until="400s")
    # too_many_workers(): idle > 2 and (idle - 2) * 4 >= busy: culled down to 2 idle workers
    assert (pool.nr_workers, pool.nr_idle) == (2, 2)
    dead = [t.comm for t in m.tasks if t.state.value == "dead" and t.comm.startswith("kworker/0:")]
    assert len(dead) == 5


def test_max_active_is_clamped_with_the_kernels_warning():
    """6.12: default 256, limit 512; out-of-range values are clamped with a warning."""
    m = boot()
    out = {}

    def thread():
        out["dfl"] = alloc_workqueue("dflwq", 0, 0).saved_max_active
        out["big"] = alloc_workqueue("bigwq", 0, 1000).saved_max_active
        wq = alloc_workqueue("negwq", 0, -3)
        out["neg"] = wq.saved_max_active
        workqueue_set_max_active(wq, 600)
        out["set"] = wq.saved_max_active

    m.spawn(thread, cpu=0)
    m.run(until="5ms")
    assert out == {"dfl": 256, "big": 512, "neg": 1, "set": 512}
    lines = [line for line in m.dmesg_lines() if "clamping" in line]
    assert lines == [
        "workqueue: max_active 1000 requested for bigwq is out of range, clamping between 1 and 512",
        "workqueue: max_active -3 requested for negwq is out of range, clamping between 1 and 512",
        "workqueue: max_active 600 requested for negwq is out of range, clamping between 1 and 512",
    ]


def test_set_max_active_refused_for_ordered_and_bh_queues():
    """workqueue_set_max_active() on an ordered or BH queue is a WARN_ON and changes nothing."""
    m = boot()
    out = {}

    def thread():
        o = alloc_ordered_workqueue("ord", 0)
        workqueue_set_max_active(o, 4)
        out["ord"] = o.saved_max_active
        b = alloc_workqueue("bhq", WQ_BH, 0)
        workqueue_set_max_active(b, 4)
        out["bh"] = b.saved_max_active

    m.spawn(thread, cpu=0)
    m.run(until="5ms")
    assert out == {"ord": 1, "bh": 0x7FFFFFFF}
    warns = [line for line in m.dmesg_lines() if line.startswith("WARNING: CPU: 0 PID:")]
    assert len(warns) == 2 and all("kernel/workqueue.c" in w and "workqueue_set_max_active" in w for w in warns)


def test_raising_max_active_activates_inactive_items():
    """workqueue_set_max_active() activates waiting items at once."""
    m = boot()
    ws = [work_struct(named(lambda w: msleep(50), f"i{i}")) for i in range(3)]
    holder = {}

    def thread():
        wq = holder["wq"] = alloc_workqueue("grow", 0, 1)
        for w in ws:
            queue_work(wq, w)
        msleep(10)
        workqueue_set_max_active(wq, 3)

    m.spawn(thread, cpu=0)
    m.run(until="300ms")
    starts = [x[4] for x in timeline(m) if x[0] == "start"]
    assert abs(starts[1] - starts[2]) < 10_000 and starts[1] - starts[0] < 20 * MS


def test_smp_processor_id_in_per_cpu_workers():
    """Per-CPU pool workers are bound to their CPU."""
    m = boot(cpus=4)
    seen = []
    ws = [work_struct(lambda w: seen.append((smp_processor_id(), current.comm))) for _ in range(4)]
    m.spawn(lambda: [queue_work_on(c, system_wq, ws[c]) for c in range(4)], cpu=0)
    m.run(until="10ms")
    assert sorted(seen) == [(c, f"kworker/{c}:0") for c in range(4)]
