"""m.run() without until= raises StalledError for every wait that can never end, naming each task and its wait."""

import pytest

import irqlab
from irqlab.kernel import (
    DECLARE_WAIT_QUEUE_HEAD,
    DEFINE_MUTEX,
    DEFINE_SEMAPHORE,
    TASK_INTERRUPTIBLE,
    completion,
    down,
    msleep,
    mutex_lock,
    schedule,
    set_current_state,
    wait_event,
    wait_event_interruptible,
    wait_for_completion,
)
from irqlab.sim import StalledError


def _stalled(m):
    with pytest.raises(StalledError) as e:
        m.run()
    return e.value


def _who(m, name):
    return f"{name}/{m.task(name).pid}"


def test_mutex_abba_deadlock_names_both_tasks():
    """Two tasks taking two mutexes in opposite order: each is named with the mutex it waits for and its holder."""
    m = irqlab.boot("generic", cpus=2, seed=0)
    a, b = DEFINE_MUTEX("a"), DEFINE_MUTEX("b")

    def ab():
        mutex_lock(a)
        msleep(1)
        mutex_lock(b)

    def ba():
        mutex_lock(b)
        msleep(1)
        mutex_lock(a)

    m.spawn(ab, name="ab", cpu=0)
    m.spawn(ba, name="ba", cpu=1)
    err = _stalled(m)
    assert sorted(err.blocked) == [(_who(m, "ab"), "mutex_lock(b) held by ba"), (_who(m, "ba"), "mutex_lock(a) held by ab")]
    assert "2 task(s) are blocked forever" in str(err)


def test_completion_that_nobody_completes():
    """wait_for_completion() on a completion nobody completes."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    done = completion("fw_loaded")
    m.spawn(lambda: wait_for_completion(done), name="loader")
    assert _stalled(m).blocked == [(_who(m, "loader"), "wait_for_completion(fw_loaded)")]


def test_wait_event_on_a_condition_that_never_comes_true():
    """wait_event() and wait_event_interruptible() on conditions nobody makes true."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    wq = DECLARE_WAIT_QUEUE_HEAD("rx_wq")
    m.spawn(lambda: wait_event(wq, lambda: False), name="rx")
    m.spawn(lambda: wait_event_interruptible(wq, lambda: False), name="rx_intr")
    assert sorted(_stalled(m).blocked) == [
        (_who(m, "rx"), "wait_event(rx_wq)"),
        (_who(m, "rx_intr"), "wait_event_interruptible(rx_wq)"),
    ]


def test_semaphore_nobody_ups():
    """down() on a semaphore with count 0 that nobody up()s."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    sem = DEFINE_SEMAPHORE("slots", 0)
    m.spawn(lambda: down(sem), name="consumer")
    assert _stalled(m).blocked == [(_who(m, "consumer"), "down(slots)")]


def test_bare_schedule_in_a_sleeping_state():
    """set_current_state(TASK_INTERRUPTIBLE); schedule() with nobody to wake the task."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    m.spawn(lambda: (set_current_state(TASK_INTERRUPTIBLE), schedule()), name="sleeper")
    assert _stalled(m).blocked == [(_who(m, "sleeper"), "schedule()")]


def test_waits_that_end_do_not_stall():
    """A task that sleeps with a timeout and then exits leaves nothing blocked: run() returns."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    t = m.spawn(lambda: msleep(5), name="napper")
    m.run()
    assert t.state == "dead"


def test_a_suspended_machine_without_wake_source_is_not_a_stall():
    """m.suspend() then m.run(): the system sleeps in s2idle until m.resume(); run() returns, nothing is reported."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    m.suspend()
    m.run()
    m.resume()
    assert "PM: suspend exit" in m.dmesg_lines()
