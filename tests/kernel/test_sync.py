"""Waiting and locking primitives: kthread_stop, wait queues, semaphores, rwlocks, lockdep, PREEMPT_RT."""

import irqlab
from irqlab.kernel import (
    CLOCK_MONOTONIC,
    DECLARE_WAIT_QUEUE_HEAD,
    HRTIMER_MODE_REL,
    HRTIMER_NORESTART,
    cpu_work,
    down,
    down_timeout,
    down_trylock,
    hrtimer,
    hrtimer_init,
    hrtimer_start,
    kthread_run,
    kthread_should_stop,
    kthread_stop,
    ktime_get,
    msecs_to_jiffies,
    msleep,
    preempt_count,
    read_lock,
    read_unlock,
    rwlock,
    sema_init,
    semaphore,
    spin_lock,
    spin_lock_irqsave,
    spin_unlock,
    spin_unlock_irqrestore,
    spinlock,
    up,
    wait_event_interruptible,
    wait_event_timeout,
    wake_up,
    write_lock,
    write_unlock,
)
from irqlab.testing import assert_dmesg_contains


def test_kthread_stop_wakes_the_thread_and_returns_its_result():
    """kthread_stop() sets should_stop, wakes the thread and returns what its function returned."""
    m = irqlab.boot("generic", cpus=2, seed=0)
    wq = DECLARE_WAIT_QUEUE_HEAD("idle")
    out = {}

    def body(data):
        loops = 0
        while not kthread_should_stop():
            wait_event_interruptible(wq, kthread_should_stop)
            loops += 1
        return loops + data

    def ctl():
        t = kthread_run(body, 100, "mythread/%d", 7)
        out["name"] = t.comm
        msleep(10)
        out["ret"] = kthread_stop(t)

    m.spawn(ctl)
    m.run()
    assert out == {"name": "mythread/7", "ret": 101}


def test_wait_event_timeout_returns_zero_on_timeout_and_jiffies_left_otherwise():
    """wait_event_timeout(): 0 when the condition stayed false, else the remaining jiffies (>= 1)."""
    m = irqlab.boot("generic", cpus=2, seed=0)
    wq = DECLARE_WAIT_QUEUE_HEAD("wq")
    flag = []
    out = []

    def waiter():
        out.append(wait_event_timeout(wq, lambda: bool(flag), msecs_to_jiffies(20)))
        out.append(wait_event_timeout(wq, lambda: bool(flag), msecs_to_jiffies(200)))

    def waker():
        msleep(60)
        flag.append(1)
        wake_up(wq)

    m.spawn(waiter)
    m.spawn(waker)
    m.run()
    assert out[0] == 0 and 1 <= out[1] < 50


def test_semaphore_counts_and_times_out():
    """down() blocks at zero; up() releases a waiter; down_trylock is 0 on success; down_timeout gives -ETIME."""
    m = irqlab.boot("generic", cpus=2, seed=0)
    sem = semaphore(0, "sem")
    sema_init(sem, 1)
    out = []

    def a():
        down(sem)
        out.append(("a", down_trylock(sem)))
        msleep(20)
        up(sem)

    def b():
        msleep(1)
        out.append(("b-timeout", down_timeout(sem, 1)))
        down(sem)
        out.append(("b", ktime_get() >= 20_000_000))

    m.spawn(a)
    m.spawn(b)
    m.run()
    assert out == [("a", 1), ("b-timeout", -62), ("b", True)]


def test_rwlock_readers_share_writers_exclude():
    """Two readers hold the lock together; a writer waits until both leave."""
    m = irqlab.boot("generic", cpus=3, seed=0)
    lk = rwlock("rw")
    t = {}

    def reader(n):
        read_lock(lk)
        t[f"r{n}"] = ktime_get()
        cpu_work(1_000_000)
        read_unlock(lk)

    def writer():
        cpu_work(100_000)
        write_lock(lk)
        t["w"] = ktime_get()
        write_unlock(lk)

    m.spawn(reader, 1, cpu=0)
    m.spawn(reader, 2, cpu=1)
    m.spawn(writer, cpu=2)
    m.run()
    assert abs(t["r1"] - t["r2"]) < 100_000
    assert t["w"] >= max(t["r1"], t["r2"]) + 1_000_000


def test_lock_taken_in_hardirq_and_with_irqs_on_is_inconsistent():
    """A lock used in a hardirq and also taken with IRQs enabled gives lockdep's inconsistent-lock-state report."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    lk = spinlock("dev_lock")
    ht = hrtimer()

    def irq_cb(timer):
        spin_lock(lk)
        spin_unlock(lk)
        return HRTIMER_NORESTART

    def fn():
        hrtimer_init(ht, CLOCK_MONOTONIC, HRTIMER_MODE_REL)
        ht.function = irq_cb
        hrtimer_start(ht, 1000, HRTIMER_MODE_REL)
        cpu_work(10_000)
        spin_lock(lk)  # BUG: should be spin_lock_irqsave()
        spin_unlock(lk)
        flags = spin_lock_irqsave(lk)  # the right way does not complain
        spin_unlock_irqrestore(lk, flags)

    m.spawn(fn, name="drv")
    m.run()
    assert_dmesg_contains(m, r"^WARNING: inconsistent lock state$",
                          r"^inconsistent \{IN-HARDIRQ-W\} -> \{HARDIRQ-ON-W\} usage\.$",
                          r"^drv/\d+ \[HC0\[0\]:SC0\[0\]:HE1:SE1\] takes:$", r"\(&dev_lock\)",
                          r"^  lock\(&dev_lock\);$", r"^  <Interrupt>$", r"^ \*\*\* DEADLOCK \*\*\*$")


def test_preempt_none_kernel_thread_is_not_preempted_but_user_task_is():
    """With preempt='none' a waking FIFO thread waits for a kernel hog to block, but preempts a user hog at the tick."""
    lat = {}
    for user in (False, True):
        m = irqlab.boot("generic", cpus=1, seed=0, preempt="none")

        def hog():
            cpu_work(30_000_000)

        def rt():
            msleep(4)
            lat[user] = ktime_get()

        m.spawn(hog, name="hog", user=user)
        m.spawn(rt, name="rt", policy="fifo", prio=50)
        m.run()
    assert lat[False] >= 30_000_000
    assert lat[True] < 20_000_000


def test_preempt_rt_spinlocks_sleep_and_softirqs_run_in_threads():
    """On PREEMPT_RT a spinlock_t holder may sleep (preempt_count stays 0) and timers expire in ksoftirqd."""
    m = irqlab.boot("generic", cpus=1, seed=0, preempt="rt")
    lk = spinlock("rt_lock")
    out = {}

    def fn():
        spin_lock(lk)
        out["pc"] = preempt_count()
        msleep(5)
        spin_unlock(lk)

    m.spawn(fn)
    m.run()
    assert out["pc"] == 0
    assert not any("BUG" in line for line in m.dmesg_lines())
    assert m.read("/proc/softirqs").splitlines()[2].split()[1] != "0"


def test_spinning_on_a_write_held_rwlock_is_busy_time_in_proc_uptime():
    """A reader spinning 200 ms on a write-held rwlock burns its CPU: /proc/uptime's idle figure leaves that time out."""
    m = irqlab.boot("generic", cpus=2, seed=0)
    lk = rwlock("rw")

    def writer():
        write_lock(lk)
        cpu_work(200_000_000)
        write_unlock(lk)

    def reader():
        cpu_work(1_000_000)  # the writer holds the lock by now
        read_lock(lk)
        read_unlock(lk)

    m.spawn(writer, cpu=0)
    m.spawn(reader, cpu=1)
    m.run(until="1s")
    assert m.read("/proc/uptime") == "1.00 1.59\n"  # 2 CPU-seconds less the writer's 0.2 s and the reader's 0.2 s (199 ms spinning)
