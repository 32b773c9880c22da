"""Workqueues beyond the basics: BH queues, rescuers, freezing, destruction, dumps, sysfs, system queues."""

import irqlab
from irqlab.kernel import (
    DECLARE_TASKLET,
    HI_SOFTIRQ,
    TASKLET_SOFTIRQ,
    WQ_BH,
    WQ_FREEZABLE,
    WQ_HIGHPRI,
    WQ_MEM_RECLAIM,
    WQ_SYSFS,
    WQ_UNBOUND,
    alloc_workqueue,
    cancel_work_sync,
    cpu_work,
    create_singlethread_workqueue,
    create_workqueue,
    current,
    delayed_work,
    destroy_workqueue,
    flush_work,
    in_serving_softirq,
    mdelay,
    msleep,
    queue_delayed_work,
    queue_work,
    queue_work_on,
    smp_processor_id,
    system_bh_highpri_wq,
    system_bh_wq,
    system_freezable_wq,
    system_wq,
    tasklet_schedule,
    udelay,
    work_struct,
)
from irqlab.kernel.workqueue import scenario_busy

MS = 1_000_000
WQ_EVENTS = ["workqueue_queue_work", "workqueue_activate_work", "workqueue_execute_start", "workqueue_execute_end"]


def boot(cpus=2, **kw):
    return irqlab.boot("generic", cpus=cpus, seed=0, trace=WQ_EVENTS + kw.pop("trace", []), **kw)


def named(fn, name):
    fn.__code__ = fn.__code__.replace(co_name=name, co_qualname=name)
    return fn


# -- BH workqueues ---------------------------------------------------------------------------------


def test_bh_work_runs_in_the_queueing_cpus_tasklet_softirq_in_order():
    """system_bh_wq items run in TASKLET_SOFTIRQ of the queueing CPU, in queueing order, in softirq context."""
    m = boot(trace=["softirq_entry"])
    seen = []
    ws = [work_struct(named(lambda w, i=i: seen.append((i, smp_processor_id(), bool(in_serving_softirq()))),
                            f"bh{i}")) for i in range(3)]  # fmt: skip
    m.spawn(lambda: [queue_work(system_bh_wq, w) for w in ws], cpu=1)
    m.run(until="10ms")
    assert seen == [(0, 1, True), (1, 1, True), (2, 1, True)]
    sirq = m.trace.events("softirq_entry")[0]
    start = m.trace.events("workqueue_execute_start")[0]
    assert (sirq["vec"], sirq.cpu) == (TASKLET_SOFTIRQ, 1) and sirq.ts <= start.ts
    assert m.trace.events("workqueue_queue_work")[0]["cpu"] == 1


def test_bh_highpri_work_runs_in_hi_softirq():
    """system_bh_highpri_wq uses HI_SOFTIRQ."""
    m = boot(trace=["softirq_entry"])
    w = work_struct(lambda w: None)
    m.spawn(lambda: queue_work(system_bh_highpri_wq, w), cpu=0)
    m.run(until="10ms")
    assert [e["vec"] for e in m.trace.events("softirq_entry")][:1] == [HI_SOFTIRQ]


def test_bh_work_runs_before_tasklets_in_the_same_softirq():
    """tasklet_action() first calls workqueue_softirq_action(): BH work before tasklets."""
    m = boot()
    order = []
    t = DECLARE_TASKLET("t", lambda t: order.append("tasklet"))
    w = work_struct(lambda w: order.append("bh work"))

    def thread():
        tasklet_schedule(t)
        queue_work(system_bh_wq, w)

    m.spawn(thread, cpu=0)
    m.run(until="10ms")
    assert order == ["bh work", "tasklet"]


def test_bh_work_queued_for_another_cpu_is_kicked_by_irq_work():
    """queue_work_on(other CPU, system_bh_wq) raises the softirq there from its IRQ-work interrupt."""
    m = boot()
    seen = []
    w = work_struct(lambda w: seen.append(smp_processor_id()))
    m.spawn(lambda: queue_work_on(1, system_bh_wq, w), cpu=0)
    m.run(until="10ms")
    assert seen == [1]


def test_bh_work_calling_msleep_is_scheduling_while_atomic():
    """A BH work function may not sleep: msleep() gives "BUG: scheduling while atomic"."""
    m = boot()

    def sleepy_bh(w):
        msleep(10)

    w = work_struct(sleepy_bh)
    m.spawn(lambda: queue_work(system_bh_wq, w), cpu=0, name="queuer")
    m.run(until="50ms")
    bug = [line for line in m.dmesg_lines() if line.startswith("BUG: scheduling while atomic")]
    assert len(bug) == 1
    assert bug[0].endswith("/0x00000101")  # softirq offset + schedule()'s own preempt_disable
    assert any(line.startswith(" sleepy_bh+") for line in m.dmesg_lines())
    assert "W" in m.tainted


def test_bh_worker_yields_after_ten_items_and_comes_back():
    """bh_worker() handles at most BH_WORKER_RESTARTS (10) items per run, then re-raises its softirq."""
    m = boot(cpus=1, trace=["softirq_entry"])
    ws = [work_struct(named(lambda w: udelay(10), f"b{i}")) for i in range(15)]
    m.spawn(lambda: [queue_work(system_bh_wq, w) for w in ws], cpu=0)
    m.run(until="10ms")
    assert len(m.trace.events("workqueue_execute_end")) == 15
    tasklet_passes = [e for e in m.trace.events("softirq_entry") if e["vec"] == TASKLET_SOFTIRQ]
    assert len(tasklet_passes) == 2


def test_cancel_work_sync_busy_waits_for_a_running_bh_item():
    """Cancelling a running BH item waits (busy) until it finishes on its CPU."""
    m = boot()
    out = {}
    w = work_struct(lambda w: mdelay(20))

    def canceller():
        msleep(1)
        out["ret"] = cancel_work_sync(w)
        out["t"] = m.now

    def queuer():
        queue_work(system_bh_wq, w)
        cpu_work(40 * MS)

    m.spawn(queuer, cpu=0)
    m.spawn(canceller, cpu=1)
    m.run(until="50ms")
    end = m.trace.events("workqueue_execute_end")[0].ts
    assert out["ret"] is False
    assert end <= out["t"] < end + 10_000


def test_bh_queue_flags_are_checked():
    """WQ_BH with anything but WQ_HIGHPRI, or with max_active, is a WARN_ON_ONCE and returns NULL."""
    m = boot()
    out = []

    def thread():
        out.append(alloc_workqueue("bad1", WQ_BH | WQ_UNBOUND, 0))
        out.append(alloc_workqueue("bad2", WQ_BH, 4))
        out.append(alloc_workqueue("good", WQ_BH | WQ_HIGHPRI, 0) is not None)

    m.spawn(thread, cpu=0)
    m.run(until="5ms")
    assert out == [None, None, True]
    assert len([line for line in m.dmesg_lines() if line.startswith("WARNING: CPU: 0 PID:")]) == 2


# -- WQ_MEM_RECLAIM rescuer ---------------------------------------------------------------------------


def test_rescuer_runs_reclaim_work_when_no_worker_can_be_created():
    """Under memory pressure the manager cannot fork; after MAYDAY_INITIAL_TIMEOUT the rescuer runs the work."""
    m = boot(cpus=1)
    m.memory_pressure(True)
    seen = []
    holder = {}
    w = work_struct(named(lambda w: seen.append((current.comm, m.now)), "reclaim_fn"))
    plain = work_struct(named(lambda w: seen.append((current.comm, m.now)), "plain_fn"))

    def thread():
        holder["wq"] = alloc_workqueue("reclaimq", WQ_MEM_RECLAIM, 0)
        t0 = m.now
        queue_work(holder["wq"], w)
        queue_work(system_wq, plain)
        holder["t0"] = t0

    m.spawn(thread, cpu=0)
    m.run(until="500ms")
    assert [c for c, _ in seen] == ["kworker/R-recla"]  # comm is 15 chars; events has no rescuer: its item waits
    rescuer = m.task("kworker/R-recla")
    assert m.read(f"/proc/{rescuer.pid}/comm") == "kworker/R-reclaimq\n"  # detached: no "-wq" suffix
    assert "workqueue: Failed to create a worker thread: -ENOMEM" in m.dmesg_lines()
    assert 8 * MS <= seen[0][1] - holder["t0"] < 16 * MS  # 2 jiffies, then the rescuer runs
    m.memory_pressure(False)
    m.run(until="2s")  # the manager retries after CREATE_COOLDOWN (1 s)
    assert [c for c, _ in seen][1].startswith("kworker/0:")
    assert seen[1][1] >= 1000 * MS


def test_rescuer_exists_only_for_mem_reclaim_queues():
    """WQ_MEM_RECLAIM queues get a "kworker/R-<name>" thread at allocation; others do not."""
    m = boot()
    m.spawn(lambda: (alloc_workqueue("plainq", 0, 0), alloc_workqueue("memq", WQ_MEM_RECLAIM, 0)), cpu=0)
    m.run(until="5ms")
    names = [t.comm for t in m.tasks]
    assert "kworker/R-memq" in names and not any(n.startswith("kworker/R-plain") for n in names)


# -- freezing -------------------------------------------------------------------------------------------


def test_freezable_workqueue_holds_new_items_until_thawed():
    """While frozen, freezable queues park new items on their inactive list; others run; thaw starts them."""
    m = boot()
    ran = []
    fz = work_struct(named(lambda w: ran.append(("freezable", m.now)), "fz"))
    ok = work_struct(named(lambda w: ran.append(("normal", m.now)), "ok"))

    def thread():
        msleep(20)
        queue_work(system_freezable_wq, fz)
        queue_work(system_wq, ok)

    m.spawn(thread, cpu=0)
    m.run(until="1ms")
    m.freeze_workqueues()
    m.run(until="100ms")
    assert [n for n, _ in ran] == ["normal"]
    assert scenario_busy(m.kernel) is False
    m.thaw_workqueues()
    m.run(until="110ms")
    assert [n for n, _ in ran] == ["normal", "freezable"]
    assert ran[1][1] >= 100 * MS


def test_freezing_lets_running_items_finish_and_reports_busy_meanwhile():
    """freeze_workqueues_busy() stays true while a freezable item runs; it finishes normally."""
    m = boot()
    w = work_struct(lambda w: msleep(30))
    m.spawn(lambda: queue_work(system_freezable_wq, w), cpu=0)
    m.run(until="2ms")
    m.freeze_workqueues()
    assert scenario_busy(m.kernel) is True
    m.run(until="100ms")
    assert scenario_busy(m.kernel) is False
    assert len(m.trace.events("workqueue_execute_end")) == 1


# -- destruction ------------------------------------------------------------------------------------------


def test_destroy_workqueue_drains_pending_items_first():
    """destroy_workqueue() runs everything already queued before it returns."""
    m = boot()
    ran = []
    out = {}
    ws = [work_struct(named(lambda w, i=i: (msleep(5), ran.append(i)), f"d{i}")) for i in range(3)]

    def thread():
        wq = alloc_workqueue("doomed", 0, 1)
        for w in ws:
            queue_work(wq, w)
        destroy_workqueue(wq)
        out["t"] = m.now

    m.spawn(thread, cpu=0)
    m.run(until="200ms")
    assert ran == [0, 1, 2]
    assert out["t"] >= m.trace.events("workqueue_execute_end")[-1].ts


def test_queueing_on_a_draining_workqueue_warns():
    """A delayed work firing while its queue is being destroyed: "workqueue: cannot queue ... on wq ..."."""
    m = boot()
    slow = work_struct(named(lambda w: msleep(50), "slow"))

    def late_fn(w):
        pass

    dw = delayed_work(late_fn)

    def thread():
        wq = alloc_workqueue("dyingq", 0, 0)
        queue_work(wq, slow)
        queue_delayed_work(wq, dw, 5)
        destroy_workqueue(wq)

    m.spawn(thread, cpu=0)
    m.run(until="200ms")
    lines = m.dmesg_lines()
    assert "workqueue: cannot queue late_fn on wq dyingq" in lines
    warn = lines[lines.index("workqueue: cannot queue late_fn on wq dyingq") + 1]
    assert warn.startswith("WARNING: CPU: 0 PID: ") and "at kernel/workqueue.c:" in warn


def test_drain_complains_about_a_long_requeue_chain():
    """drain_workqueue() warns at the 10th retry when work keeps requeueing itself on the queue."""
    m = boot()
    runs = []
    holder = {}

    def chain(w):
        runs.append(1)
        msleep(1)
        if len(runs) < 12:
            queue_work(holder["wq"], w)

    w = work_struct(chain)

    def thread():
        wq = holder["wq"] = alloc_workqueue("chainq", 0, 0)
        queue_work(wq, w)
        destroy_workqueue(wq)

    m.spawn(thread, cpu=0)
    m.run(until="1s")
    assert len(runs) == 12
    assert "workqueue chainq: drain_workqueue() isn't complete after 10 tries" in m.dmesg_lines()


# -- dumps, sysfs, proc ----------------------------------------------------------------------------------------


def test_show_all_workqueues_dump_format():
    """The "Showing busy workqueues and worker pools:" dump lists pwqs, in-flight, pending, inactive and pools."""
    m = boot(cpus=1)
    holder = {}

    def busy_fn(w):
        msleep(100)

    def waiting_fn(w):
        pass

    a = work_struct(busy_fn)
    b = work_struct(waiting_fn)
    c = work_struct(waiting_fn)

    def thread():
        wq = holder["wq"] = alloc_workqueue("dumpq", 0, 1)
        queue_work(wq, a)
        queue_work(wq, b)
        queue_work(wq, c)
        msleep(10)
        flush_work(a)

    m.spawn(thread, cpu=0, name="flusher")
    m.run(until="30ms")
    m.show_workqueues()
    flusher = m.task("flusher").pid
    a_pid = m.task("kworker/0:0").pid
    idle = m.task("kworker/0:1").pid
    dump = m.dmesg_lines()[m.dmesg_lines().index("Showing busy workqueues and worker pools:"):]
    assert dump == [
        "Showing busy workqueues and worker pools:",
        "workqueue dumpq: flags=0x0",
        "  pwq 2: cpus=0 node=0 flags=0x0 nice=0 active=1 refcnt=5",
        f"    in-flight: {a_pid}:busy_fn BAR({flusher})",
        "    inactive: 2*waiting_fn",
        f"pool 2: cpus=0 node=0 flags=0x0 nice=0 hung=0s workers=2 idle: {idle}",
    ]


def test_proc_comm_of_a_kworker_shows_its_workqueue():
    """/proc/PID/comm is "kworker/0:0+events" while it runs an item and "-events" after."""
    m = boot()
    w = work_struct(lambda w: msleep(20))
    m.spawn(lambda: queue_work(system_wq, w), cpu=0)
    m.run(until="5ms")
    pid = m.task("kworker/0:0").pid
    assert m.read(f"/proc/{pid}/comm") == "kworker/0:0+events\n"
    m.run(until="50ms")
    assert m.read(f"/proc/{pid}/comm") == "kworker/0:0-events\n"


def test_wq_sysfs_attributes():
    """WQ_SYSFS exposes per_cpu and max_active (writable), plus the unbound attributes, until destroyed."""
    m = boot(cpus=4)
    holder = {}

    def thread():
        holder["p"] = alloc_workqueue("mysysq", WQ_SYSFS, 0)
        holder["u"] = alloc_workqueue("myunbq", WQ_SYSFS | WQ_UNBOUND, 8)

    m.spawn(thread, cpu=0)
    m.run(until="5ms")
    base = "/sys/bus/workqueue/devices"
    assert m.read(f"{base}/mysysq/per_cpu") == "1\n"
    assert m.read(f"{base}/mysysq/max_active") == "256\n"
    assert m.write(f"{base}/mysysq/max_active", "16") == 2
    assert m.read(f"{base}/mysysq/max_active") == "16\n"
    assert m.write(f"{base}/mysysq/max_active", "0") == -22
    assert m.read(f"{base}/myunbq/per_cpu") == "0\n"
    assert m.read(f"{base}/myunbq/nice") == "0\n"
    assert m.read(f"{base}/myunbq/cpumask") == "f\n"
    assert m.read(f"{base}/myunbq/affinity_scope") == "default (cache)\n"
    assert m.read("/sys/devices/virtual/workqueue/myunbq/max_active") == "8\n"
    m.spawn(lambda: destroy_workqueue(holder["p"]), cpu=0)
    m.run(until="10ms")
    assert not m.fs.exists(f"{base}/mysysq/per_cpu")


def test_system_workqueues_and_first_workers_exist_at_boot():
    """Boot creates the 6.12 system workqueues and one kworker per per-CPU pool plus the unbound pool."""
    m = boot(cpus=4)
    st = m.kernel.subsys["workqueue"]
    assert [(wq.name, wq.flags) for wq in st.workqueues] == [
        ("events", 0), ("events_highpri", WQ_HIGHPRI), ("events_long", 0), ("events_unbound", WQ_UNBOUND),
        ("events_freezable", WQ_FREEZABLE), ("events_power_efficient", 1 << 7),
        ("events_freezable_pwr_efficient", WQ_FREEZABLE | 1 << 7), ("events_bh", WQ_BH),
        ("events_bh_highpri", WQ_BH | WQ_HIGHPRI),
    ]  # fmt: skip
    kworkers = [t.comm for t in m.tasks if t.comm.startswith("kworker")]
    assert kworkers == [f"kworker/{c}:0{h}" for c in range(4) for h in ("", "H")] + ["kworker/u16:0"]
    assert [(p.id, p.cpu, p.nice) for p in st.pools][:4] == [(0, 0, 0), (1, 0, -20), (2, 0, 0), (3, 0, -20)]


def test_power_efficient_queues_become_unbound_with_the_boot_parameter():
    """workqueue.power_efficient=1 makes WQ_POWER_EFFICIENT queues unbound."""
    m = boot(cmdline="workqueue.power_efficient=1")
    st = m.kernel.subsys["workqueue"]
    assert st.system["events_power_efficient"].flags & WQ_UNBOUND


def test_legacy_create_workqueue_variants():
    """create_workqueue(): per-CPU, max_active 1, with a rescuer; create_singlethread_workqueue(): ordered too."""
    m = boot()
    out = {}

    def thread():
        a = create_workqueue("legacyq")
        b = create_singlethread_workqueue("singleq")
        out["a"] = (a.flags, a.saved_max_active)
        out["b"] = (b.flags, b.saved_max_active)

    m.spawn(thread, cpu=0)
    m.run(until="5ms")
    assert out["a"] == (1 << 18 | WQ_MEM_RECLAIM, 1)
    assert out["b"] == (1 << 18 | 1 << 17 | WQ_MEM_RECLAIM | WQ_UNBOUND, 1)
    names = [t.comm for t in m.tasks]
    assert "kworker/R-legac" in names and "kworker/R-singl" in names


def test_work_queued_from_a_hardirq():
    """From an interrupt handler: BH work runs at that interrupt's exit, normal work in a kworker right after."""
    from irqlab.kernel.cpu import raise_interrupt

    m = boot(trace=["irq_exit"])
    seen = []
    bh = work_struct(named(lambda w: seen.append(("bh", bool(in_serving_softirq()), m.now)), "bh"))
    wk = work_struct(named(lambda w: seen.append(("kworker", current.comm, m.now)), "wk"))

    def handler(cpu):
        queue_work(system_bh_wq, bh)
        queue_work(system_wq, wk)

    m.run(until="1ms")
    m.at(m.now, lambda: raise_interrupt(m.kernel, m.kernel.cpus[1], handler))
    m.run(until="5ms")
    assert [s[0] for s in seen] == ["bh", "kworker"]
    assert seen[0][1] is True and seen[1][1] == "kworker/1:0"
    assert seen[1][2] - seen[0][2] < 20_000
