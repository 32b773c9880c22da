"""The discrete-event engine: ordering, cancellation, fibers, stall detection, time units."""

import pytest
from greenlet import GreenletExit, getcurrent

from irqlab.sim import PRIO_CPU, PRIO_HW, Engine, StalledError, to_ns
from irqlab.sim.engine import RUNNING, current_stack, fiber_end, fiber_start


def test_events_run_in_time_priority_fifo_order():
    """Events run by time, then priority, then scheduling order (FIFO ties)."""
    e = Engine(seed=1)
    out = []
    e.at(10, PRIO_CPU, out.append, "c10")
    e.at(10, PRIO_HW, out.append, "hw10-a")
    e.at(5, PRIO_CPU, out.append, "c5")
    e.at(10, PRIO_HW, out.append, "hw10-b")
    e.run()
    assert out == ["c5", "hw10-a", "hw10-b", "c10"]
    assert e.now == 10


def test_cancelled_events_do_not_run_and_run_stops_at_until():
    """A cancelled handle never fires; run(until) stops with the clock at until."""
    e = Engine()
    out = []
    h = e.at(5, PRIO_HW, out.append, "x")
    e.at(20, PRIO_HW, out.append, "late")
    e.cancel(h)
    e.run(until=10)
    assert out == [] and e.now == 10
    e.run()
    assert out == ["late"]


def test_fiber_parks_and_resumes_through_the_engine():
    """A fiber that parks is resumed by an event with the value the event passes."""
    e = Engine()
    got = []

    def body():
        got.append(e.switch(e.main))

    f = e.fiber("f", body)
    e.at(7, PRIO_CPU, lambda: e.switch(f.glet, "woken"))
    e.switch(f.glet)
    e.run()
    assert got == ["woken"]
    e.switch(e.fiber("g", got.append, "with its argument").glet)
    assert got == ["woken", "with its argument"]


def test_every_greenlet_finds_its_own_local_stack_however_control_comes_back():
    """Each fiber and the main loop find their own local stack running after a switch back, a first run, a fiber
    reaped by another (thrown GreenletExit), one the collector unwinds while another runs, and close()."""
    e = Engine()
    seen = []

    def note(name):
        seen.append((name, RUNNING.stack is current_stack()))

    def parker(name):
        def body():
            note(name + " starts")
            try:
                e.switch(e.main)
                note(name)
                e.switch(e.main)
            finally:
                note(name + " unwinding")

        return body

    def reaper():
        fb.glet.parent = getcurrent()
        fb.glet.throw(GreenletExit)
        note("reaper")
        e.switch(e.main)

    held = []

    def dropper():
        held.clear()  # the last reference to fiber x: the collector unwinds it here
        note("dropper")
        e.switch(e.main)

    fa, fb, fx = e.fiber("a", parker("a")), e.fiber("b", parker("b")), e.fiber("x", parker("x"))
    e.switch(fa.glet)
    e.switch(fb.glet)
    e.switch(fx.glet)
    e.switch(fa.glet)
    note("main")
    e.switch(e.fiber("reaper", reaper).glet)
    note("main")
    e.forget(fx)
    held.append(fx)
    del fx
    e.switch(e.fiber("dropper", dropper).glet)
    note("main")
    e.close()
    note("main")
    assert seen == [
        ("a starts", True), ("b starts", True), ("x starts", True), ("a", True), ("main", True),
        ("b unwinding", True), ("reaper", True), ("main", True),
        ("x unwinding", True), ("dropper", True), ("main", True),
        ("a unwinding", True), ("main", True),
    ]  # fmt: skip


def test_a_fiber_with_its_own_base_runs_it_from_its_first_switch_and_unwinds_quietly():
    """A fiber made with base=True runs its base function with the starter and its arguments: nothing before its
    first switch, its own local stack from then on, and close() unwinds it (and one never run) quietly."""
    e = Engine()
    seen = []

    def base(starter, name, n):
        try:
            fiber_start(starter)
            seen.append((name, n, RUNNING.stack is current_stack()))
            e.switch(e.main)
            seen.append((name, "resumed"))
        except GreenletExit:
            seen.append((name, "unwound"))
        finally:
            fiber_end()

    fa = e.fiber("a", base, "a", 1, base=True)
    e.fiber("b", base, "b", 2, base=True)
    assert seen == []
    e.switch(fa.glet)
    e.close()
    assert seen == [("a", 1, True), ("b", "unwound"), ("a", "unwound")]  # close() unwinds the newest first
    assert RUNNING.stack is current_stack()


def test_stalled_run_lists_blocked_fibers():
    """When the queue dries up with fibers blocked forever, the error names each and what it waits on."""
    e = Engine()
    f = e.fiber("worker/3", lambda: e.switch(e.main))
    e.switch(f.glet)
    f.blocked_on = "wait_for_completion(done)"
    f.stuck_if_idle = True
    with pytest.raises(StalledError) as ei:
        e.run()
    assert "worker/3: waiting on wait_for_completion(done)" in str(ei.value)


def test_rng_is_seeded():
    """The same seed gives the same random stream."""
    assert [Engine(3).random() for _ in range(3)] == [Engine(3).random() for _ in range(3)]


def test_named_streams_depend_on_seed_and_name_only():
    """A named stream is the same for the same seed and name, whatever else was drawn, and apart per name."""
    e = Engine(3)
    e.rng.random()

    def draws(engine: Engine, name: str) -> list[float]:
        s = engine.stream(name)
        return [s.random() for _ in range(3)]

    a = draws(e, "button:GPIO17")
    assert a == draws(Engine(3), "button:GPIO17")
    assert a != draws(Engine(3), "button:GPIO27")
    assert a != draws(Engine(4), "button:GPIO17")
    assert e.stream("nic:eth0") is e.stream("nic:eth0")


@pytest.mark.parametrize("text,ns", [("5ms", 5_000_000), ("20us", 20_000), ("1.5s", 1_500_000_000), ("250ns", 250), (42, 42)])
def test_time_units(text, ns):
    """Times are ints of ns or numbers with a unit."""
    assert to_ns(text) == ns


def test_bad_time_names_the_accepted_forms():
    """An unreadable time raises a ValueError that shows the accepted forms."""
    with pytest.raises(ValueError, match="'5ms'"):
        to_ns("5 minutes")


def test_a_run_without_until_ends_when_only_background_housekeeping_is_left():
    """Background events run in time order among the others, but do not keep run() going on their own."""
    from irqlab.sim import Engine

    eng = Engine(0)
    seen = []

    def tick(n):
        seen.append(("bg", eng.now))
        eng.at_background(eng.now + 10, 0, tick, n + 1)

    eng.at_background(5, 0, tick, 0)
    eng.at(12, 0, lambda: seen.append(("fg", eng.now)))
    cancelled = eng.at(40, 0, lambda: seen.append(("never", eng.now)))
    Engine.cancel(cancelled)
    eng.run()
    assert seen == [("bg", 5), ("fg", 12)]
    eng.run(until=40)
    assert seen[2:] == [("bg", 15), ("bg", 25), ("bg", 35)]


def test_idle_steps_stop_short_of_the_next_event_and_of_the_run_limit():
    """A busy-wait may run ahead by whole steps that each end before the next event and within until."""
    from irqlab.sim import Engine

    eng = Engine(0)
    out = []

    def probe():
        out.append(eng.idle_steps(10))

    eng.at(0, 0, probe)
    eng.at(95, 0, lambda: None)
    eng.run(until=1000)
    eng.at(eng.now, 0, probe)
    eng.run(until=1042)
    assert out == [9, 4]


def test_resuming_events_run_in_the_one_time_priority_fifo_order():
    """Events queued with at_resume() interleave with at() events by time, priority and scheduling order."""
    e = Engine(seed=1)
    out = []
    e.at_resume(10, PRIO_CPU, out.append, "r-c10")
    e.at(10, PRIO_CPU, out.append, "c10")
    e.at_resume(10, PRIO_HW, out.append, "r-hw10")
    e.at(10, PRIO_HW, out.append, "hw10")
    e.at_resume(3, PRIO_CPU, out.append, "r-c3")
    e.at(7, PRIO_CPU, out.append, "c7")
    e.cancel(e.at_resume(8, PRIO_HW, out.append, "cancelled"))
    assert e.next_time() == 3
    e.run()
    assert out == ["r-c3", "c7", "r-hw10", "hw10", "r-c10", "c10"]


def test_many_cancelled_resuming_events_are_dropped_without_reordering_the_live_ones():
    """Thousands of cancelled resuming events (waits cut short) leave the live ones in their order."""
    e = Engine(seed=1)
    out = []
    live = [e.at_resume(5_000 - i, PRIO_CPU, out.append, i) for i in range(0, 3_000, 300)]
    for i in range(3_000):
        e.cancel(e.at_resume(10_000 + i, PRIO_CPU, out.append, "cancelled"))
    assert len(list(e.pending())) == len(live)
    e.run()
    assert out == list(range(2_700, -1, -300))


def test_a_resuming_event_queued_again_after_a_cancel_runs_once_in_order():
    """One Resume event, cancelled and queued again, runs once at its new time; queued twice live is refused."""
    from irqlab.sim import InternalError
    from irqlab.sim.engine import Resume

    e = Engine(seed=1)
    out = []
    ev = Resume(PRIO_CPU, out.append, ("again",))
    e.queue_resume(5, ev)
    e.at(6, PRIO_CPU, out.append, "heap6")
    e.cancel(ev)
    e.queue_resume(8, ev)
    with pytest.raises(InternalError, match="queued again"):
        e.queue_resume(9, ev)
    e.at_resume(8, PRIO_HW, out.append, "r-hw8")
    e.run()
    assert out == ["heap6", "r-hw8", "again"]
    e.queue_resume(e.now, ev)  # it ran: it may be queued again
    e.run()
    assert out[3:] == ["again"]
