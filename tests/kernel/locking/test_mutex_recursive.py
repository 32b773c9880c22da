"""A task locking a mutex it already holds deadlocks on it, as in the kernel, after lockdep's report."""

import pytest

import irqlab
from irqlab.kernel import DEFINE_MUTEX, mutex_is_locked, mutex_lock, mutex_unlock
from irqlab.sim import StalledError


def test_recursive_mutex_lock_deadlocks_the_task():
    """Lockdep's "possible recursive locking detected", then the task sleeps in D state for good, owning the mutex."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    lock = DEFINE_MUTEX("cfg_lock")
    reached = []

    def twice():
        mutex_lock(lock)
        mutex_lock(lock)
        reached.append("second lock returned")
        mutex_unlock(lock)
        mutex_unlock(lock)

    t = m.spawn(twice, name="twice")
    m.run(until="1s")
    assert "WARNING: possible recursive locking detected" in m.dmesg_lines()
    assert reached == []
    assert t.state == "blocked"
    assert mutex_is_locked(lock) and lock.owner is t


def test_recursive_mutex_lock_makes_run_without_until_stall():
    """m.run() with nothing left to do raises StalledError naming the task and "mutex_lock(cfg_lock) held by itself"."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    lock = DEFINE_MUTEX("cfg_lock")
    m.spawn(lambda: (mutex_lock(lock), mutex_lock(lock)), name="twice")
    with pytest.raises(StalledError) as e:
        m.run()
    assert e.value.blocked == [(f"twice/{m.task('twice').pid}", "mutex_lock(cfg_lock) held by itself")]


def test_recursive_mutex_lock_is_reported_by_the_hung_task_detector():
    """Left alone, the deadlocked task is reported after 120 s: "INFO: task twice:N blocked for more than 120 seconds."."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    lock = DEFINE_MUTEX("cfg_lock")
    t = m.spawn(lambda: (mutex_lock(lock), mutex_lock(lock)), name="twice")
    m.run(until="250s")
    assert f"INFO: task twice:{t.pid} blocked for more than 120 seconds." in m.dmesg_lines()
