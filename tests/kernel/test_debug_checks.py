"""Rules enforced like a debug kernel: atomic sleeps, GFP, uaccess, WARN/BUG, oopses, locks."""

import pytest

import irqlab
from irqlab.kernel import (
    BUG,
    GFP_ATOMIC,
    GFP_KERNEL,
    WARN_ON,
    copy_to_user,
    cpu_work,
    kmalloc,
    ktime_get,
    msleep,
    mutex,
    mutex_lock,
    mutex_unlock,
    pr_info,
    spin_lock,
    spin_lock_irqsave,
    spin_unlock,
    spin_unlock_irqrestore,
    spinlock,
)
from irqlab.testing import assert_dmesg_contains


def test_msleep_in_spinlock_reports_scheduling_while_atomic_and_machine_goes_on():
    """msleep() under spin_lock(): 6.12 has no might_sleep() on that path, so schedule() reports
    'BUG: scheduling while atomic' with preempt_count 2 (the lock's plus schedule's own); the task
    still sleeps and the machine keeps running."""
    m = irqlab.boot("generic", cpus=2, seed=0)
    lock = spinlock("lk")
    out = []

    def bad():
        spin_lock(lock)
        msleep(5)
        spin_unlock(lock)
        out.append("bad finished")

    def other():
        msleep(50)
        out.append("other finished")

    t = m.spawn(bad, name="bad")
    m.spawn(other, name="other")
    m.run()
    assert_dmesg_contains(m, rf"^BUG: scheduling while atomic: bad/{t.pid}/0x00000002$", r"^1 lock held by bad/",
                          r"^Modules linked in:$", r"^CPU: \d UID: 0 PID: \d+ Comm: bad Not tainted", r"^Call trace:$",
                          r"^ msleep\+")
    assert out == ["bad finished", "other finished"]
    assert "W" in m.tainted


def test_mutex_lock_in_atomic_context_gives_sleeping_function_splat():
    """mutex_lock() with a spinlock held prints the __might_resched() block with the kernel's lines."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    lock, mtx = spinlock("lk"), mutex("mx")

    def bad():
        spin_lock(lock)
        mutex_lock(mtx)
        mutex_unlock(mtx)
        spin_unlock(lock)

    t = m.spawn(bad, name="bad")
    m.run()
    lines = m.dmesg_lines()
    i = lines.index("BUG: sleeping function called from invalid context at kernel/locking/mutex.c:283")
    assert lines[i + 1] == f"in_atomic(): 1, irqs_disabled(): 0, non_block: 0, pid: {t.pid}, name: bad"
    assert lines[i + 2] == "preempt_count: 1, expected: 0"
    assert lines[i + 3] == "RCU nest depth: 0, expected: 0"


def test_sleeping_splat_is_rate_limited_to_one_per_second():
    """__might_resched() prints at most once per HZ jiffies."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    lock, mtx = spinlock("lk"), mutex("mx")

    def bad():
        for _ in range(3):
            spin_lock(lock)
            mutex_lock(mtx)
            mutex_unlock(mtx)
            spin_unlock(lock)
            cpu_work(600_000_000)

    m.spawn(bad, name="bad")
    m.run()
    n = sum(1 for line in m.dmesg_lines() if line.startswith("BUG: sleeping function called"))
    assert n == 2  # at 0 s and at 1.2 s; the one at 0.6 s is within HZ jiffies of the first


def test_gfp_kernel_in_irqs_off_section_is_reported_gfp_atomic_is_not():
    """kmalloc(GFP_KERNEL) with IRQs off hits might_alloc(); GFP_ATOMIC is fine there."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    lock = spinlock("lk")

    def fn():
        flags = spin_lock_irqsave(lock)
        kmalloc(64, GFP_ATOMIC)
        kmalloc(64, GFP_KERNEL)
        spin_unlock_irqrestore(lock, flags)

    m.spawn(fn, name="alloc")
    m.run()
    lines = m.dmesg_lines()
    assert lines.count("BUG: sleeping function called from invalid context at include/linux/sched/mm.h:337") == 1
    i = lines.index("BUG: sleeping function called from invalid context at include/linux/sched/mm.h:337")
    assert lines[i + 1].startswith("in_atomic(): 1, irqs_disabled(): 1,")


def test_gfp_atomic_failures_can_be_injected():
    """fail_atomic_allocations(1.0) makes GFP_ATOMIC return None with the allocation-failure warning."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    m.fail_atomic_allocations(1.0)
    out = []
    m.spawn(lambda: out.append(kmalloc(16, GFP_ATOMIC)), name="a")
    m.run()
    assert out == [None]
    assert_dmesg_contains(m, r"^a: page allocation failure: order:0, mode:0x820\(GFP_ATOMIC\), nodemask=\(null\)$")


def test_copy_to_user_in_atomic_context_is_reported():
    """copy_to_user() may fault: under a spinlock it gives the might_fault() splat but still copies."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    lock = spinlock("lk")
    buf = bytearray(4)
    res = []

    def fn():
        spin_lock(lock)
        res.append(copy_to_user(buf, b"abcd", 4))
        spin_unlock(lock)

    m.spawn(fn)
    m.run()
    assert res == [0] and buf == b"abcd"
    assert_dmesg_contains(m, r"^BUG: sleeping function called from invalid context at include/linux/uaccess.h:184$")


def test_exception_in_kthread_oopses_taints_and_others_continue():
    """An exception escaping a kthread prints an oops, taints D, kills only that thread."""
    m = irqlab.boot("generic", cpus=2, seed=0)
    log = []

    def crash():
        msleep(2)
        return {}["missing"]

    def worker():
        for i in range(3):
            msleep(10)
            log.append(i)
        pr_info("worker still alive\n")

    c = m.spawn(crash, name="crasher")
    w = m.spawn(worker, name="worker")
    m.run()
    assert isinstance(c.exception, KeyError) and c.state == "dead"
    assert w.result is None and log == [0, 1, 2]
    assert "D" in m.tainted
    assert_dmesg_contains(m, r"Internal error: Oops - KeyError: 0+ \[#1\] PREEMPT SMP", r"^Call trace:$",
                          r"crash\+0x", r"^---\[ end trace 0000000000000000 \]---$", r"worker still alive")
    # A later report shows the taint the kernel would print.
    m.spawn(lambda: WARN_ON(True), name="warner")
    m.run()
    assert any(line.startswith("CPU: ") and "Tainted: G      D" in line for line in m.dmesg_lines()[-24:])


def test_warn_on_prints_the_kernel_splat_and_returns_condition():
    """WARN_ON(1): cut-here line, WARNING: CPU/PID at file:line, modules, CPU line, call trace, end marker."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    out = []
    m.spawn(lambda: out.append(WARN_ON(1 + 1 == 2)), name="w")
    m.run()
    assert out == [True]
    assert_dmesg_contains(m, r"^------------\[ cut here \]------------$",
                          r"^WARNING: CPU: 0 PID: \d+ at kernel/test_debug_checks.py:\d+ <lambda>\+",
                          r"^Modules linked in:$", r"^CPU: 0 UID: 0 PID: \d+ Comm: w Not tainted",
                          r"^---\[ end trace 0000000000000000 \]---$")
    assert m.tainted == "W"


def test_bug_unwinds_the_context_as_an_oops():
    """BUG() prints 'kernel BUG at file:line!' and an 'Oops - BUG' report; code after it never runs."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    after = []

    def fn():
        BUG()
        after.append("not reached")

    m.spawn(fn, name="bugger")
    m.run()
    assert after == []
    assert_dmesg_contains(m, r"^kernel BUG at kernel/test_debug_checks.py:\d+!$",
                          r"^Internal error: Oops - BUG: 00000000f2000800 \[#1\] PREEMPT SMP$")


def test_bugs_raise_policy_raises_out_of_run():
    """With bugs='raise' a kernel report raises KernelBugError out of m.run()."""
    m = irqlab.boot("generic", cpus=1, seed=0, bugs="raise")
    m.spawn(lambda: WARN_ON(True), name="w")
    with pytest.raises(irqlab.KernelBugError) as ei:
        m.run()
    assert ei.value.kind == "WARNING"


def test_spinning_on_a_contended_lock_burns_time_on_the_waiter():
    """A CPU spinning on a lock held by another CPU gets it when the holder releases it."""
    m = irqlab.boot("generic", cpus=2, seed=0)
    lock = spinlock("lk")
    t = {}

    def holder():
        spin_lock(lock)
        cpu_work(2_000_000)
        t["released"] = ktime_get()
        spin_unlock(lock)

    def waiter():
        cpu_work(100_000)
        spin_lock(lock)
        t["got"] = ktime_get()
        spin_unlock(lock)

    m.spawn(holder, name="holder", cpu=0)
    m.spawn(waiter, name="waiter", cpu=1)
    m.run()
    assert t["got"] == t["released"]
    assert m.kernel.cpus[1].busy_ns >= 1_900_000


def test_spinlock_recursion_is_reported_and_unwound():
    """Taking a spinlock the current task already holds gives the DEBUG_SPINLOCK report."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    lock = spinlock("lk")

    def fn():
        spin_lock(lock)
        spin_lock(lock)

    m.spawn(fn, name="rec")
    m.run()
    assert_dmesg_contains(m, r"^BUG: spinlock recursion on CPU#0, rec/\d+$", r"\.owner: rec/\d+, \.owner_cpu: 0")


def test_mutex_unlock_by_non_owner_warns():
    """DEBUG_MUTEXES: unlocking a mutex another task holds warns."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    mtx = mutex("mx")

    def owner():
        mutex_lock(mtx)
        msleep(20)

    def thief():
        msleep(5)
        mutex_unlock(mtx)

    m.spawn(owner, name="owner")
    m.spawn(thief, name="thief")
    m.run()
    assert_dmesg_contains(m, r"^DEBUG_LOCKS_WARN_ON\(__owner_task\(owner\) != current\)$", r"^WARNING: CPU: 0 PID")


def test_api_outside_simulation_says_so():
    """Kernel APIs called outside a running simulation raise an error that says where to call them."""
    with pytest.raises(RuntimeError, match="inside a simulation"):
        msleep(1)
