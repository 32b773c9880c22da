"""%p prints a stable hash per live object and keeps no object alive (tracing long runs stays flat)."""

import gc

import irqlab
from irqlab.kernel import INIT_WORK, flush_work, queue_work, system_wq, work_struct
from irqlab.scenarios import seed001_threaded_buttons


def test_traced_work_items_are_freed_after_they_ran():
    """2000 work items queued with workqueue tracing on: once run and dropped, none stays alive."""
    m = irqlab.boot("generic", cpus=1, seed=0, trace=["workqueue_queue_work", "workqueue_execute_start"])

    def fn(_w: work_struct) -> None:
        pass

    def producer():
        for _ in range(2000):
            w = work_struct()
            INIT_WORK(w, fn)
            queue_work(system_wq, w)
            flush_work(w)

    m.spawn(producer)
    m.run(until="2s")
    assert sum(e["function"] == "fn" for e in m.trace.events("workqueue_execute_start")) == 2000
    gc.collect()
    # Counted, not weakly referenced: a compiled work_struct's weak references are not cleared when it dies.
    assert sum(isinstance(o, work_struct) and o.func is fn for o in gc.get_objects()) == 0


def test_threaded_bottom_half_msleep_timers_print_one_hash_each():
    """Timer tracing on while the button driver's bottom half sleeps in msleep() after each of three presses:
    every on-stack timer_list, created and dropped by schedule_timeout(), prints its own timer= value."""
    m = irqlab.boot("rpi5", seed=1, trace=["timer_start"])
    btn = {g: m.button(g, "none") for g in (17, 18)}
    m.insmod(seed001_threaded_buttons)
    for at, g in (("100ms", 17), ("1s", 18), ("2s", 17)):
        btn[g].click(at=at, hold="150ms")
    m.run(until="3100ms")
    starts = [(e["timer"], e["expires"]) for e in m.trace.events("timer_start") if e["function"] == "process_timeout"]
    assert starts == [
        ("00000000fa096346", 4294892447), ("000000009840dcf7", 4294892447), ("00000000367856a8", 4294892574),
        ("00000000d4afd059", 4294892672), ("0000000072e74a0a", 4294892672), ("00000000111ec3bb", 4294892806),
        ("00000000af563d6c", 4294892922), ("000000004d8db71d", 4294892922), ("00000000ebc530ce", 4294893054),
    ]  # fmt: skip
    assert [ln for ln in m.dmesg().splitlines() if "Bottom half" in ln] == [
        "[    0.100006] Bottom half task starts", "[    0.608010] Bottom half task ends",
        "[    0.608010] Bottom half task starts", "[    1.000007] Bottom half task starts",
        "[    1.120007] Bottom half task ends", "[    1.536009] Bottom half task ends",
        "[    1.536009] Bottom half task starts", "[    2.000006] Bottom half task starts",
        "[    2.048006] Bottom half task ends", "[    2.528007] Bottom half task ends",
        "[    2.528007] Bottom half task starts", "[    3.040007] Bottom half task ends",
    ]  # fmt: skip
    m.rmmod(seed001_threaded_buttons.MODULE_NAME)


def test_one_object_prints_one_hash_and_two_objects_two():
    """The same work item queued twice shows the same work= value; another item shows a different one."""
    m = irqlab.boot("generic", cpus=1, seed=0, trace=["workqueue_queue_work"])
    a, b = work_struct(), work_struct()
    INIT_WORK(a, lambda _w: None)
    INIT_WORK(b, lambda _w: None)

    def producer():
        for w in (a, b, a):
            queue_work(system_wq, w)
            flush_work(w)

    m.spawn(producer)
    m.run(until="100ms")
    ptrs = [e["work"] for e in m.trace.events("workqueue_queue_work")]
    assert len(ptrs) == 3 and ptrs[0] == ptrs[2] != ptrs[1]
    assert all(len(p) == 16 and p.startswith("00000000") for p in ptrs)
