"""Deferred-work APIs that fail do so before changing state, and a kernel BUG() in a scenario action is an oops."""

import pytest

import irqlab
from irqlab.kernel import (
    DECLARE_WORK,
    INIT_DELAYED_WORK,
    NotInSimulationError,
    add_timer,
    add_timer_on,
    delayed_work,
    mod_delayed_work_on,
    queue_delayed_work_on,
    queue_work_on,
    system_wq,
    tasklet_hi_schedule,
    tasklet_schedule,
    tasklet_struct,
    timer_list,
    timer_setup,
)


@pytest.mark.parametrize("schedule", [tasklet_schedule, tasklet_hi_schedule])
def test_tasklet_schedule_outside_every_cpu_fails_without_marking_it_scheduled(schedule):
    """From a scenario action: NotInSimulationError, and the tasklet, scheduled later from a kthread, still runs."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    ran = []
    t = tasklet_struct(lambda _t: ran.append(1))
    errors = []

    def action():
        try:
            schedule(t)
        except NotInSimulationError as e:
            errors.append(e)

    m.at("1ms", action)
    m.run(until="2ms")
    assert len(errors) == 1 and t.state == 0
    m.spawn(lambda: schedule(t))
    m.run(until="5ms")
    assert ran == [1]


def test_queue_work_on_a_cpu_that_does_not_exist_fails_without_setting_pending():
    """queue_work_on(99, ...): ValueError naming the CPUs; the same work item then queues and runs normally."""
    m = irqlab.boot("generic", cpus=2, seed=0)
    ran = []
    w = DECLARE_WORK(lambda _w: ran.append(1))
    errors, queued = [], []

    def fn():
        try:
            queue_work_on(99, system_wq, w)
        except ValueError as e:
            errors.append(str(e))
        queued.append(queue_work_on(1, system_wq, w))

    m.spawn(fn)
    m.run(until="10ms")
    assert queued == [True] and ran == [1]
    assert errors == ["queue_work_on(): there is no CPU 99 (this machine has CPUs 0-1); pass one of them or WORK_CPU_UNBOUND"]


@pytest.mark.parametrize("api", [queue_delayed_work_on, mod_delayed_work_on])
def test_delayed_work_on_a_cpu_that_does_not_exist_fails_without_setting_pending(api):
    """queue_delayed_work_on()/mod_delayed_work_on() on CPU 7 of 2: ValueError; the item then queues and runs."""
    m = irqlab.boot("generic", cpus=2, seed=0)
    ran = []
    dw = delayed_work()
    INIT_DELAYED_WORK(dw, lambda _w: ran.append(1))
    errors, queued = [], []

    def fn():
        try:
            api(7, system_wq, dw, 1)
        except ValueError as e:
            errors.append(str(e))
        queued.append(queue_delayed_work_on(0, system_wq, dw, 1))

    m.spawn(fn)
    m.run(until="20ms")
    assert len(errors) == 1 and "there is no CPU 7" in errors[0]
    assert queued == [True] and ran == [1]


def test_add_timer_of_a_pending_timer_from_a_scenario_action_is_an_oops():
    """The kernel's "kernel BUG at kernel/time/timer.c:1253!" oops, taint D; m.run() goes on and the timer still fires once."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    fired = []
    t = timer_list()

    def action():
        timer_setup(t, lambda _t: fired.append(1), 0)
        t.expires = m.jiffies + 5
        add_timer(t)
        add_timer(t)

    m.at("1ms", action)
    m.run(until="50ms")
    lines = m.dmesg_lines()
    assert "kernel BUG at kernel/time/timer.c:1253!" in lines
    assert any(line.startswith("Internal error: Oops") for line in lines)
    assert "D" in m.tainted
    assert fired == [1]


def test_add_timer_on_a_cpu_that_does_not_exist_names_the_cpus():
    """add_timer_on(t, 9) on a 2-CPU machine: ValueError naming the CPUs; the timer then starts on CPU1 and fires."""
    m = irqlab.boot("generic", cpus=2, seed=0)
    fired, errors = [], []
    t = timer_list()

    def fn():
        timer_setup(t, lambda _t: fired.append(1), 0)
        t.expires = m.jiffies + 2
        try:
            add_timer_on(t, 9)
        except ValueError as e:
            errors.append(str(e))
        add_timer_on(t, 1)

    m.spawn(fn)
    m.run(until="50ms")
    assert errors == ["add_timer_on(): there is no CPU 9 (this machine has CPUs 0-1)"]
    assert fired == [1]
