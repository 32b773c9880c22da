"""The workqueue examples of the seed texts, ported line for line, run as the kernel runs them."""

import irqlab
from irqlab.errno import ENOMEM
from irqlab.kernel import (
    INIT_DELAYED_WORK,
    INIT_WORK,
    WQ_MEM_RECLAIM,
    WQ_UNBOUND,
    alloc_workqueue,
    atomic_dec_and_test,
    atomic_inc,
    atomic_set,
    atomic_t,
    cancel_delayed_work_sync,
    cancel_work_sync,
    container_of,
    current,
    delayed_work,
    destroy_workqueue,
    flush_workqueue,
    init_waitqueue_head,
    msecs_to_jiffies,
    msleep,
    pr_err,
    pr_info,
    queue_delayed_work,
    queue_work,
    spin_lock_init,
    spin_lock_irqsave,
    spin_unlock_irqrestore,
    spinlock_t,
    to_delayed_work,
    wait_event,
    wait_queue_head,
    wake_up,
    work_struct,
)

MS = 1_000_000


class HelloWorldModule:
    """Seed 001, "Workqueue Code Analysis": an unbound max_active=1 queue and one work item."""

    MODULE_NAME = "sched"

    def __init__(self):
        self.queue = None
        self.work = work_struct()

    def work_handler(self, data):
        pr_info("work handler function.\n")
        msleep(1000)  # OK in workqueue context

    def module_init(self):
        self.queue = alloc_workqueue("HELLOWORLD", WQ_UNBOUND, 1)
        if not self.queue:
            pr_err("Failed to allocate workqueue\n")
            return -ENOMEM
        INIT_WORK(self.work, self.work_handler)
        queue_work(self.queue, self.work)
        return 0

    def module_exit(self):
        flush_workqueue(self.queue)  # Wait for all work to complete
        destroy_workqueue(self.queue)


def test_seed_001_helloworld_workqueue():
    """The handler runs in an unbound kworker; rmmod's flush_workqueue waits out its msleep(1000)."""
    m = irqlab.boot("generic", cpus=4, seed=0, trace=["workqueue_execute_start", "workqueue_execute_end"])
    mod = HelloWorldModule()
    assert m.insmod(mod) == 0
    m.run(until="100ms")
    assert "work handler function." in m.dmesg_lines()
    start = m.trace.events("workqueue_execute_start")[0]
    assert start.comm.startswith("kworker/u16:") and start["function"] == "work_handler [sched]"
    assert m.rmmod("sched") == 0
    end = m.trace.events("workqueue_execute_end")[0]
    assert end.ts - start.ts >= 1000 * MS
    assert m.now >= end.ts
    assert mod.queue.destroyed


class my_device:
    """Seed 000, "Workqueue Patterns and Best Practices": a plain struct (no irqlab base class)."""

    def __init__(self):
        self.wq = None
        self.normal_work = work_struct()
        self.delayed_work = delayed_work()
        self.flush_work = work_struct()
        self.lock = spinlock_t()
        self.busy_count = atomic_t(0)
        self.flush_wait = wait_queue_head()
        self.flush_complete = False
        self.needs_monitoring = True
        self.log = []


def my_normal_work_fn(work):
    dev = container_of(work, my_device, "normal_work")
    dev.log.append(("normal", current.comm))
    if atomic_dec_and_test(dev.busy_count):
        wake_up(dev.flush_wait)


def my_delayed_work_fn(work):
    delayed_work_ = to_delayed_work(work)
    dev = container_of(delayed_work_, my_device, "delayed_work")
    dev.log.append(("delayed", irqlab.kernel.jiffies))
    flags = spin_lock_irqsave(dev.lock)
    if dev.needs_monitoring:
        queue_delayed_work(dev.wq, dev.delayed_work, msecs_to_jiffies(1000))
    spin_unlock_irqrestore(dev.lock, flags)
    if atomic_dec_and_test(dev.busy_count):
        wake_up(dev.flush_wait)


def my_flush_work_fn(work):
    dev = container_of(work, my_device, "flush_work")
    dev.flush_complete = True
    wake_up(dev.flush_wait)


def init_my_device_work(dev):
    spin_lock_init(dev.lock)
    atomic_set(dev.busy_count, 0)
    init_waitqueue_head(dev.flush_wait)
    dev.flush_complete = False
    dev.wq = alloc_workqueue("my_device_wq", WQ_MEM_RECLAIM, 1)
    if not dev.wq:
        return -ENOMEM
    INIT_WORK(dev.normal_work, my_normal_work_fn)
    INIT_DELAYED_WORK(dev.delayed_work, my_delayed_work_fn)
    INIT_WORK(dev.flush_work, my_flush_work_fn)
    return 0


def test_seed_000_my_device_work_patterns():
    """Normal, self-rearming delayed and flush work on a max_active=1 reclaim queue, then clean-up."""
    m = irqlab.boot("generic", cpus=2, seed=0)
    dev = my_device()
    out = {}

    def driver():
        assert init_my_device_work(dev) == 0
        atomic_inc(dev.busy_count)
        queue_work(dev.wq, dev.normal_work)
        atomic_inc(dev.busy_count)
        j0 = irqlab.kernel.jiffies
        queue_delayed_work(dev.wq, dev.delayed_work, msecs_to_jiffies(1000))
        out["j0"] = j0
        msleep(2500)
        flush_workqueue(dev.wq)
        dev.flush_complete = False
        queue_work(dev.wq, dev.flush_work)
        wait_event(dev.flush_wait, lambda: dev.flush_complete)
        dev.needs_monitoring = False
        out["cancel"] = (cancel_work_sync(dev.normal_work), cancel_delayed_work_sync(dev.delayed_work))
        destroy_workqueue(dev.wq)
        out["done"] = m.now

    m.spawn(driver, cpu=0)
    m.run(until="5s")
    assert dev.log[0] == ("normal", "kworker/0:0")
    delayed = [j for kind, j in dev.log if kind == "delayed"]
    # msecs_to_jiffies(1000) = 250 jiffies at HZ=250: a level-1 timer, rounded up to the next 8 jiffies
    assert out["j0"] + 250 < delayed[0] <= out["j0"] + 250 + 8 and delayed[0] % 8 == 0
    assert len(delayed) == 2 and 250 < delayed[1] - delayed[0] <= 258
    assert dev.flush_complete
    assert out["cancel"] == (False, True)  # the re-armed delayed work was still pending
    assert "done" in out
    assert not [t for t in m.tasks if t.comm == "kworker/R-my_de" and t.state.value != "dead"]
