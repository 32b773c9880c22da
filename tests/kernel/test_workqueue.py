"""Workqueue API (kernel/workqueue.c): queueing, delayed work, flush and cancel, with the kernel's return values."""

import irqlab
from irqlab.kernel import (
    INIT_DELAYED_WORK,
    INIT_WORK,
    WORK_BUSY_PENDING,
    WORK_BUSY_RUNNING,
    Struct,
    alloc_workqueue,
    cancel_delayed_work,
    cancel_delayed_work_sync,
    cancel_work,
    cancel_work_sync,
    container_of,
    cpu_work,
    current,
    current_work,
    delayed_work,
    delayed_work_pending,
    disable_work,
    enable_work,
    flush_delayed_work,
    flush_work,
    flush_workqueue,
    from_work,
    mod_delayed_work,
    msleep,
    queue_delayed_work,
    queue_delayed_work_on,
    queue_work,
    queue_work_on,
    schedule_delayed_work,
    schedule_work,
    schedule_work_on,
    smp_processor_id,
    system_unbound_wq,
    system_wq,
    to_delayed_work,
    work_busy,
    work_pending,
    work_struct,
)
from irqlab.kernel.core import kernel

MS = 1_000_000
WQ_EVENTS = ["workqueue_queue_work", "workqueue_activate_work", "workqueue_execute_start", "workqueue_execute_end"]


def boot(cpus=2, **kw):
    return irqlab.boot("generic", cpus=cpus, seed=0, trace=WQ_EVENTS + kw.pop("trace", []), **kw)


def starts(m, fn_name=None):
    return [e for e in m.trace.events("workqueue_execute_start") if fn_name is None or e["function"] == fn_name]


def test_queue_work_returns_false_while_pending_and_runs_once():
    """queue_work() on a pending item returns False; the item runs once, in a kworker of the local CPU."""
    m = boot()
    runs = []

    def handler(work):
        runs.append((current.comm, smp_processor_id()))

    w = work_struct(handler)
    out = []

    def thread():
        out.append(queue_work(system_wq, w))
        out.append(queue_work(system_wq, w))
        out.append(work_pending(w))
        msleep(1)
        out.append(work_pending(w))

    m.spawn(thread, cpu=1)
    m.run(until="20ms")
    assert out == [True, False, True, False]
    assert runs == [("kworker/1:0", 1)]


def test_trace_events_follow_the_kernel_format():
    """queue_work/activate/execute_start/execute_end events carry the kernel's fields."""
    m = boot()

    def my_handler(work):
        pass

    w = work_struct(my_handler)
    m.spawn(lambda: queue_work(system_wq, w), cpu=0)
    m.run(until="5ms")
    names = [e.name for e in m.trace.events() if e.name.startswith("workqueue")]
    assert names == WQ_EVENTS
    q, a, s, e = (ev for ev in m.trace.events() if ev.name.startswith("workqueue"))
    p = m.kernel.ptr(w)
    assert q.text().endswith(f"workqueue_queue_work: work struct={p} function=my_handler workqueue=events "
                             "req_cpu=2 cpu=0")  # fmt: skip
    assert a.text().endswith(f"workqueue_activate_work: work struct {p} function=my_handler ")
    assert s.text().endswith(f"workqueue_execute_start: work struct {p}: function my_handler")
    assert e.text().endswith(f"workqueue_execute_end: work struct {p}: function my_handler")
    assert s.comm == "kworker/0:0" and q.comm == "<lambda>"


def test_schedule_work_on_runs_on_that_cpu():
    """schedule_work_on(cpu) uses that CPU's pool of system_wq; req_cpu is the requested CPU."""
    m = boot(cpus=4)
    seen = []
    w = work_struct(lambda work: seen.append(smp_processor_id()))
    m.spawn(lambda: schedule_work_on(3, w), cpu=0)
    m.run(until="5ms")
    assert seen == [3]
    q = m.trace.events("workqueue_queue_work")[0]
    assert (q["req_cpu"], q["cpu"]) == (3, 3)


def test_unbound_work_runs_in_an_unbound_kworker():
    """system_unbound_wq items run in kworker/u<pool>:<n>; the trace shows cpu=-1 for unbound pools."""
    m = boot(cpus=4)
    seen = []
    w = work_struct(lambda work: seen.append(current.comm))
    m.spawn(lambda: queue_work(system_unbound_wq, w), cpu=0)
    m.run(until="5ms")
    assert seen == ["kworker/u16:0"]
    assert m.trace.events("workqueue_queue_work")[0]["cpu"] == -1


def test_work_function_finds_its_device_with_container_of():
    """Work functions get the work_struct and find the struct embedding it, as in C."""

    class MyDev(Struct):
        def __init__(self):
            self.name = "dev0"
            self.work = work_struct()
            self.dwork = delayed_work()

    m = boot()
    dev = MyDev()
    got = []
    INIT_WORK(dev.work, lambda w: got.append(container_of(w, MyDev, "work").name))
    INIT_DELAYED_WORK(dev.dwork, lambda w: got.append(from_work(MyDev, w, "dwork.work").name))

    def thread():
        schedule_work(dev.work)
        schedule_delayed_work(dev.dwork, 1)
        assert to_delayed_work(dev.dwork.work) is dev.dwork

    m.spawn(thread, cpu=0)
    m.run(until="20ms")
    assert got == ["dev0", "dev0"]


def test_requeue_while_running_runs_again_after_never_in_parallel():
    """PENDING clears before the function runs: queueing while it runs succeeds and the rerun follows it."""
    m = boot()
    ret = []

    def handler(work):
        msleep(10)

    w = work_struct(handler)

    def thread():
        queue_work(system_wq, w)
        msleep(2)
        ret.append(work_busy(w))
        ret.append(queue_work(system_wq, w))
        ret.append(work_busy(w))

    m.spawn(thread, cpu=0)
    m.run(until="60ms")
    assert ret == [WORK_BUSY_RUNNING, True, WORK_BUSY_PENDING | WORK_BUSY_RUNNING]
    ev = [(e.name, e.ts) for e in m.trace.events("workqueue_execute_start", "workqueue_execute_end")]
    assert [n for n, _ in ev] == ["workqueue_execute_start", "workqueue_execute_end"] * 2
    assert ev[2][1] >= ev[1][1]


def test_non_reentrancy_across_cpus_requeues_on_the_running_pool():
    """Queued from CPU0 while running on CPU1, the item goes to CPU1's pool and runs there after."""
    m = boot(cpus=2)
    w = work_struct(lambda work: cpu_work(30 * MS))

    def t1():
        queue_work(system_wq, w)

    def t0():
        msleep(1)
        queue_work(system_wq, w)

    m.spawn(t1, cpu=1)
    m.spawn(t0, cpu=0)
    m.run(until="100ms")
    q = m.trace.events("workqueue_queue_work")
    assert [(e.cpu, e["cpu"]) for e in q] == [(1, 1), (0, 1)]  # queued from CPU0 onto CPU1's pool
    ev = [(e.name, e.cpu, e.ts) for e in m.trace.events("workqueue_execute_start", "workqueue_execute_end")]
    assert [x[:2] for x in ev] == [("workqueue_execute_start", 1), ("workqueue_execute_end", 1),
                                   ("workqueue_execute_start", 1), ("workqueue_execute_end", 1)]  # fmt: skip
    assert ev[2][2] == ev[1][2]  # handed straight to the worker that ran it


def test_delayed_work_fires_on_the_right_jiffy():
    """queue_delayed_work(wq, dw, 10) at jiffy J: the timer (expires J+10) is collected at J+11 by the
    wheel's round-up (calc_index() never fires early) and queues the item from TIMER_SOFTIRQ."""
    m = boot(trace=["timer_expire_entry"])
    out = {}

    def handler(work):
        out["ran"] = kernel().jiffies

    dw = delayed_work(handler)

    def thread():
        out["j0"] = kernel().jiffies
        out["ret"] = (queue_delayed_work(system_wq, dw, 10), queue_delayed_work(system_wq, dw, 5))
        out["pending"] = delayed_work_pending(dw)

    m.spawn(thread, cpu=0)
    m.run(until="100ms")
    assert out["ret"] == (True, False) and out["pending"]
    assert out["ran"] == out["j0"] + 11
    exp = m.trace.events("timer_expire_entry")[-1]
    assert exp["function"] == "delayed_work_timer_fn" and exp["now"] == out["j0"] + 11
    q = m.trace.events("workqueue_queue_work")[0]
    assert q.flags[2] == "s" and q.ts == exp.ts  # queued from the timer softirq
    assert q.ts // m.kernel.tick_nsec == out["j0"] + 11 - m.kernel.initial_jiffies


def test_delayed_work_with_zero_delay_is_queued_at_once():
    """delay 0 queues immediately (no timer)."""
    m = boot(trace=["timer_start"])
    dw = delayed_work(lambda w: None)
    m.spawn(lambda: queue_delayed_work_on(1, system_wq, dw, 0), cpu=0)
    m.run(until="5ms")
    assert not [e for e in m.trace.events("timer_start") if e["function"] == "delayed_work_timer_fn"]
    assert m.trace.events("workqueue_execute_start")[0].cpu == 1


def test_mod_delayed_work_returns_whether_it_was_pending():
    """mod_delayed_work(): False (and queued) when idle, True when it re-arms a pending timer."""
    m = boot()
    out = {}
    ran = []
    dw = delayed_work(lambda w: ran.append(kernel().jiffies))

    def thread():
        j = kernel().jiffies
        out["idle"] = mod_delayed_work(system_wq, dw, 50)
        out["pending"] = mod_delayed_work(system_wq, dw, 5)
        out["j"] = j

    m.spawn(thread, cpu=0)
    m.run(until="400ms")
    assert (out["idle"], out["pending"]) == (False, True)
    assert ran == [out["j"] + 5 + 1]  # re-armed to 5 jiffies (+1: the wheel never fires early)


def test_cancel_work_returns_whether_it_was_pending():
    """cancel_work() steals a queued item (True) and returns False for an idle one; it never runs."""
    m = boot()
    out = []
    ran = []
    w = work_struct(lambda work: ran.append(1))

    def thread():
        queue_work(system_wq, w)
        out.append(cancel_work(w))
        out.append(cancel_work(w))
        out.append(work_pending(w))

    m.spawn(thread, cpu=0)
    m.run(until="10ms")
    assert out == [True, False, False] and not ran


def test_cancel_work_does_not_wait_but_cancel_work_sync_does():
    """cancel_work() returns while the item runs; cancel_work_sync() waits for the running instance."""
    m = boot()
    out = {}
    w = work_struct(lambda work: msleep(20))

    def thread():
        queue_work(system_wq, w)
        msleep(2)
        out["cancel"] = (cancel_work(w), m.now, work_busy(w))
        out["sync"] = (cancel_work_sync(w), m.now, work_busy(w))

    m.spawn(thread, cpu=0)
    m.run(until="100ms")
    end = m.trace.events("workqueue_execute_end")[0].ts
    ret, t, busy = out["cancel"]
    assert ret is False and busy == WORK_BUSY_RUNNING and t < end
    ret, t, busy = out["sync"]
    assert ret is False and busy == 0 and t >= end


def test_cancel_delayed_work_sync_stops_the_timer_and_returns_true():
    """cancel_delayed_work_sync() on an armed delayed work returns True and it never runs."""
    m = boot()
    out = []
    ran = []
    dw = delayed_work(lambda w: ran.append(1))

    def thread():
        schedule_delayed_work(dw, 5)
        out.append(cancel_delayed_work_sync(dw))
        out.append(cancel_delayed_work(dw))

    m.spawn(thread, cpu=0)
    m.run(until="100ms")
    assert out == [True, False] and not ran


def test_flush_work_waits_for_the_last_queueing():
    """flush_work() returns True after the instance finishes, False for an idle item."""
    m = boot()
    out = []
    w = work_struct(lambda work: msleep(30))

    def thread():
        out.append(flush_work(w))
        queue_work(system_wq, w)
        out.append((flush_work(w), m.now))
        out.append(flush_work(w))

    m.spawn(thread, cpu=0)
    m.run(until="100ms")
    end = m.trace.events("workqueue_execute_end")[0].ts
    assert out[0] is False
    assert out[1][0] is True and out[1][1] >= end
    assert out[2] is False


def test_flush_delayed_work_queues_it_now():
    """flush_delayed_work() kills the timer, queues the item at once and waits for it."""
    m = boot()
    out = {}
    dw = delayed_work(lambda w: out.setdefault("ran", m.now))

    def thread():
        schedule_delayed_work(dw, 250)
        msleep(5)
        out["ret"] = flush_delayed_work(dw)
        out["t"] = m.now

    m.spawn(thread, cpu=0)
    m.run(until="2s")
    assert out["ret"] is True
    assert out["ran"] < 20 * MS and out["t"] < 20 * MS


def test_flush_workqueue_waits_for_items_queued_before_it_only():
    """flush_workqueue() waits for what was queued before the call, not for later queueings."""
    m = boot()
    out = {}
    wq_holder = {}
    a = work_struct(lambda w: msleep(20))
    late = work_struct(lambda w: msleep(100))

    def thread():
        wq = alloc_workqueue("fwq", 0, 0)
        wq_holder["wq"] = wq
        queue_work(wq, a)
        flush_workqueue(wq)
        out["t"] = m.now

    def other():
        msleep(5)
        queue_work(wq_holder["wq"], late)

    m.spawn(thread, cpu=0)
    m.spawn(other, cpu=1)
    m.run(until="300ms")
    ends = {e["function"]: e.ts for e in m.trace.events("workqueue_execute_end")}
    a_end = [e.ts for e in m.trace.events("workqueue_execute_end")][0]
    assert a_end <= out["t"] < a_end + MS
    assert len(ends) == 1 or max(ends.values()) > out["t"]


def test_current_work_inside_and_outside_a_work_function():
    """current_work() is the running item in a kworker and None elsewhere."""
    m = boot()
    out = []
    w = work_struct(lambda work: out.append(current_work() is work))
    m.spawn(lambda: (out.append(current_work()), schedule_work(w)), cpu=0)
    m.run(until="5ms")
    assert out == [None, True]


def test_disable_work_makes_queueing_fail_until_enabled():
    """disable_work() cancels and makes queue_work() return False until enable_work() brings the depth to 0."""
    m = boot()
    out = []
    ran = []
    w = work_struct(lambda work: ran.append(1))

    def thread():
        queue_work(system_wq, w)
        out.append(disable_work(w))
        out.append(queue_work(system_wq, w))
        out.append(enable_work(w))
        out.append(queue_work(system_wq, w))

    m.spawn(thread, cpu=0)
    m.run(until="5ms")
    assert out == [True, False, True, True] and ran == [1]


def test_requeueing_itself_from_the_work_function():
    """A work item may queue itself again from its own function; it runs again on the same pool."""
    m = boot()
    runs = []

    def handler(work):
        runs.append(smp_processor_id())
        if len(runs) < 3:
            queue_work(system_wq, work)

    w = work_struct(handler)
    m.spawn(lambda: queue_work_on(1, system_wq, w), cpu=0)
    m.run(until="10ms")
    assert runs == [1, 1, 1]


def test_work_oops_kills_the_kworker_and_the_pool_goes_on():
    """An exception in a work function oopses its kworker (taint D); other work still runs."""
    m = boot()
    ran = []

    def bad(work):
        raise ValueError("bad work")

    w1 = work_struct(bad)
    w2 = work_struct(lambda w: ran.append(current.comm))

    def thread():
        queue_work(system_wq, w1)
        msleep(2)
        queue_work(system_wq, w2)

    m.spawn(thread, cpu=0)
    m.run(until="20ms")
    assert "D" in m.tainted
    assert any("bad work" in line for line in m.dmesg_lines())
    assert ran and ran[0].startswith("kworker/0:")


def test_work_functions_may_sleep_lock_mutexes_and_allocate_with_gfp_kernel():
    """Process-context work may block; the same calls in a BH work item are reported."""
    from irqlab.kernel import (
        DECLARE_DELAYED_WORK,
        DECLARE_WORK,
        DEFINE_MUTEX,
        GFP_KERNEL,
        kfree,
        kmalloc,
        mutex_lock,
        mutex_unlock,
        system_bh_wq,
    )

    m = boot()
    lock = DEFINE_MUTEX("dev_lock")
    done = []

    def blocking(work):
        mutex_lock(lock)
        buf = kmalloc(64, GFP_KERNEL)
        msleep(2)
        kfree(buf)
        mutex_unlock(lock)
        done.append(work)

    w = DECLARE_WORK("w", blocking)
    dw = DECLARE_DELAYED_WORK("dw", blocking)
    bh = work_struct(lambda work: kmalloc(64, GFP_KERNEL))

    def thread():
        schedule_work(w)
        schedule_delayed_work(dw, 2)
        msleep(40)
        assert not m.reports
        queue_work(system_bh_wq, bh)

    m.spawn(thread, cpu=0)
    m.run(until="100ms")
    assert done == [w, dw.work]
    kinds = [k for k, _ in m.reports]
    assert kinds == ["BUG: sleeping function called from invalid context"]
    assert "in_atomic(): 1, irqs_disabled(): 0" in m.reports[0][1]
