"""spinlock_debug.c's unlock checks: a report, then the unlock goes ahead and the lock is free again."""

import irqlab
from irqlab.kernel import (
    DEFINE_SPINLOCK,
    cpu_work,
    get_current,
    msleep,
    set_cpus_allowed_ptr,
    smp_processor_id,
    spin_is_locked,
    spin_lock,
    spin_unlock,
)


def test_unlock_after_sleeping_and_waking_on_another_cpu_reports_wrong_cpu_and_unlocks():
    """spin_lock on CPU0, msleep (scheduling while atomic), woken on CPU1: "BUG: spinlock wrong CPU on CPU#1", no oops, lock free."""
    m = irqlab.boot("generic", cpus=2, seed=0)
    lock = DEFINE_SPINLOCK("dev_lock")
    seen = []

    def holder():
        set_cpus_allowed_ptr(get_current(), 0b11)
        spin_lock(lock)
        msleep(10)
        seen.append(smp_processor_id())
        spin_unlock(lock)
        seen.append(spin_is_locked(lock))

    def taker():
        spin_lock(lock)
        seen.append("taken")
        spin_unlock(lock)

    t = m.spawn(holder, cpu=0, name="holder")
    m.at("3ms", lambda: m.spawn(lambda: cpu_work(50_000_000), cpu=0, name="hog0"))
    m.at("40ms", lambda: m.spawn(taker, cpu=1, name="taker"))
    m.run(until="100ms")
    lines = m.dmesg_lines()
    assert seen == [1, False, "taken"]
    assert f"BUG: spinlock wrong CPU on CPU#1, holder/{t.pid}" in lines
    i = lines.index(f"BUG: spinlock wrong CPU on CPU#1, holder/{t.pid}")
    assert lines[i + 1] == f" lock: dev_lock+0x0/0x40, .magic: dead4ead, .owner: holder/{t.pid}, .owner_cpu: 0"
    assert "Oops" not in m.dmesg()
    assert "D" not in m.tainted


def test_unlocking_a_lock_held_by_another_task_reports_wrong_owner_once():
    """Unlocking a lock another task holds: "BUG: spinlock wrong owner"; debug_locks is then off, so a second misuse is silent."""
    m = irqlab.boot("generic", cpus=2, seed=0)
    lock = DEFINE_SPINLOCK("shared")
    done = []

    def owner():
        spin_lock(lock)
        cpu_work(5_000_000)

    def thief():
        cpu_work(1_000_000)
        spin_unlock(lock)
        spin_unlock(lock)
        done.append(spin_is_locked(lock))

    m.spawn(owner, cpu=0, name="owner")
    th = m.spawn(thief, cpu=1, name="thief")
    m.run(until="20ms")
    text = m.dmesg()
    assert f"BUG: spinlock wrong owner on CPU#1, thief/{th.pid}" in text
    assert "already unlocked" not in text
    assert done == [False]
