"""A machine's lifetime: close(), the with-block, and machines nothing refers to any more are freed."""

import gc
import weakref

import pytest

import irqlab
from irqlab.kernel import (
    DEFINE_MUTEX,
    IRQ_HANDLED,
    completion,
    msleep,
    mutex_lock,
    request_irq,
    wait_for_completion,
)


def _busy_machine(seed):
    """A machine stopped mid-run: tasks asleep, one blocked on a mutex, one on a completion, actions pending."""
    m = irqlab.boot("generic", cpus=2, seed=seed, trace=True)
    lock, done = DEFINE_MUTEX("l"), completion("c")
    virq = m.irq_sim(1)
    m.spawn(lambda: request_irq(virq, lambda i, d: IRQ_HANDLED, 0, "dev", None))
    m.spawn(lambda: (mutex_lock(lock), msleep(1000)), name="holder")
    m.spawn(lambda: mutex_lock(lock), name="waiter")
    m.spawn(lambda: wait_for_completion(done), name="completer")
    m.at("1ms", m.fire_irq, virq)
    m.at("10s", m.fire_irq, virq)
    m.run(until="5ms")
    return m


def _handler_reading(m):
    """A handler that reads the machine's clock: the kernel then refers to the machine."""
    return lambda irq, dev: (m.now, IRQ_HANDLED)[1]


def test_unreferenced_machines_are_freed():
    """100 boot/run/del cycles, each stopped with tasks blocked and events pending: every kernel is freed."""
    refs = []
    for seed in range(100):
        m = _busy_machine(seed)
        refs.append(weakref.ref(m.kernel))
        del m
    gc.collect()
    assert sum(r() is not None for r in refs) == 0


def test_with_block_closes_the_machine_and_unwinds_its_tasks():
    """Leaving the with-block unwinds each task's stack (its finally blocks run); the machine cannot run again."""
    unwound = []

    def sleeper():
        try:
            msleep(1000)
        finally:
            unwound.append("sleeper")

    with irqlab.boot("generic", cpus=1, seed=0) as m:
        m.spawn(sleeper, name="sleeper")
        m.run(until="10ms")
        assert not m.closed
    assert m.closed and unwound == ["sleeper"]
    with pytest.raises(ValueError, match="closed"):
        m.run(until="20ms")


def test_close_frees_a_machine_its_own_code_refers_to():
    """A handler closing over m keeps the machine reachable from its own kernel: close() frees it all the same."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    virq = m.irq_sim(2)
    m.spawn(request_irq, virq, _handler_reading(m), 0, "dev", None)
    m.spawn(lambda: msleep(1000))
    m.run(until="5ms")
    ref = weakref.ref(m.kernel)
    m.close()
    m.close()
    del m
    gc.collect()
    assert ref() is None


def test_close_from_inside_the_run_is_refused():
    """close() from a scenario action: ValueError telling to call it after run() returns."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    errors = []

    def action():
        try:
            m.close()
        except ValueError as e:
            errors.append(str(e))

    m.at("1ms", action)
    m.run(until="2ms")
    assert errors and "after m.run() returns" in errors[0] and not m.closed


def test_machine_dropped_while_another_runs_is_freed_after_that_run():
    """The last reference to machine A goes away inside a task of machine B: A is closed once B's run returns."""
    holder = [_busy_machine(1)]
    ref = weakref.ref(holder[0].kernel)
    b = irqlab.boot("generic", cpus=1, seed=0)
    b.spawn(holder.clear, name="dropper")
    b.run(until="5ms")
    gc.collect()
    assert ref() is None
