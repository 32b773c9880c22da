"""Tasklets (kernel/softirq.c): per-CPU lists, SCHED/RUN serialisation, disable/enable/kill, tracepoints."""

import pytest

import irqlab
from irqlab.kernel import (
    DECLARE_TASKLET,
    DECLARE_TASKLET_DISABLED,
    DECLARE_TASKLET_OLD,
    HI_SOFTIRQ,
    TASKLET_SOFTIRQ,
    Struct,
    from_tasklet,
    in_serving_softirq,
    mdelay,
    msleep,
    pr_info,
    smp_processor_id,
    tasklet_disable,
    tasklet_enable,
    tasklet_hi_schedule,
    tasklet_init,
    tasklet_kill,
    tasklet_schedule,
    tasklet_setup,
    tasklet_struct,
)
from irqlab.kernel.cpu import raise_interrupt

MS = 1_000_000


class SeedTaskletModule:
    """The tasklet example of seed 001 ("Tasklet Code Deep Dive"), line for line."""

    MODULE_NAME = "example_tasklet"

    def __init__(self):
        def tasklet_fn(data):
            pr_info("Example tasklet starts\n")
            mdelay(5000)  # Busy-wait for 5 seconds!
            pr_info("Example tasklet ends\n")

        self.mytask = DECLARE_TASKLET_OLD("mytask", tasklet_fn)

    def module_init(self):
        pr_info("tasklet example init\n")
        tasklet_schedule(self.mytask)
        mdelay(200)  # Main thread continues after 200ms
        pr_info("Example tasklet init continues...\n")
        return 0

    def module_exit(self):
        pr_info("tasklet example exit\n")
        tasklet_kill(self.mytask)


SEED_LINES = ("tasklet example init", "Example tasklet starts", "Example tasklet init continues...",
              "Example tasklet ends")  # fmt: skip


def _seed_run(cpus, cmdline=""):
    m = irqlab.boot("generic", cpus=cpus, seed=0, cmdline=cmdline,
                    trace=["tasklet_entry", "tasklet_exit", "sched_migrate_task", "softirq_raise"])  # fmt: skip
    assert m.insmod(SeedTaskletModule()) == 0
    m.run()
    recs = [(r.ts, r.text, r.cpu) for r in m.kernel.log.records if r.text in SEED_LINES]
    return m, recs


def test_seed_001_on_four_cpus_with_6_12_irq_exit_softirqs():
    """6.12 runs the raised TASKLET_SOFTIRQ at the next tick's irq_exit on insmod's own stack.

    Since the v6.5 revert of "softirq: Let ksoftirqd do its job", irq_exit does not defer to
    a woken ksoftirqd: the tasklet's 5 s mdelay runs in the interrupted insmod context, so
    no other CPU can pull insmod and the init continues only after the tasklet ends.
    """
    m, recs = _seed_run(4)
    assert [t for _, t, _ in recs] == ["tasklet example init", "Example tasklet starts", "Example tasklet ends",
                                       "Example tasklet init continues..."]  # fmt: skip
    entry = m.trace.events("tasklet_entry")[0]
    assert (entry.comm, entry.cpu) == ("insmod", recs[0][2])  # on insmod's own stack
    assert 4 * MS < entry.ts < 4 * MS + 10_000  # at the first tick's irq_exit
    assert entry.flags[2] == "s"
    assert m.trace.events("tasklet_exit")[0].ts - entry.ts == 5000 * MS
    assert not [e for e in m.trace.events("sched_migrate_task") if e.ts > recs[0][0]]


def test_seed_001_order_with_ksoftirqd_running_the_tasklet():
    """With threaded softirq handling (threadirqs), the seed's order appears for its stated reason.

    tasklet_schedule from process context raises TASKLET_SOFTIRQ and wakes ksoftirqd/0; at
    the tick irq_exit leaves the softirq to ksoftirqd, which preempts insmod and runs the 5 s
    mdelay with bottom halves disabled; an idle CPU pulls the runnable insmod over and its
    mdelay(200) ends long before the tasklet does.
    """
    m, recs = _seed_run(4, "threadirqs")
    assert [t for _, t, _ in recs] == list(SEED_LINES)
    t0, _, cpu = recs[0]
    entry = m.trace.events("tasklet_entry")[0]
    assert (entry.comm, entry.cpu) == (f"ksoftirqd/{cpu}", cpu)
    mig = [e for e in m.trace.events("sched_migrate_task") if e.ts > t0]
    assert [(e["comm"], e["orig_cpu"]) for e in mig] == [("insmod", cpu)]
    assert recs[2][2] == mig[0]["dest_cpu"] != cpu
    assert mig[0].ts - entry.ts <= 4 * MS  # pulled at the next tick of the busy CPU
    assert recs[2][0] == t0 + 200 * MS  # mdelay() is wall-clock time on the new CPU
    assert recs[3][0] - entry.ts == 5000 * MS


@pytest.mark.parametrize("cmdline", ["", "threadirqs"])
def test_seed_001_on_one_cpu_the_init_waits_for_the_tasklet(cmdline):
    """With one CPU nobody can pull insmod: "ends" comes before "init continues..."."""
    m, recs = _seed_run(1, cmdline)
    assert [t for _, t, _ in recs] == ["tasklet example init", "Example tasklet starts", "Example tasklet ends",
                                       "Example tasklet init continues..."]  # fmt: skip
    assert recs[3][0] - recs[2][0] < MS  # its mdelay(200) expired while the tasklet ran


def test_seed_001_rmmod_kills_the_finished_tasklet():
    """module_exit's tasklet_kill returns at once for a tasklet that already ran."""
    m, _ = _seed_run(2)
    assert m.rmmod("example_tasklet") == 0
    assert m.dmesg_lines()[-1] == "tasklet example exit"


def _hardirq(m, cpu, fn):
    m.at(m.now, lambda: raise_interrupt(m.kernel, m.kernel.cpus[cpu], lambda c: fn()))


def test_schedule_runs_on_the_scheduling_cpu_in_softirq():
    """A tasklet scheduled from a hardirq runs at that CPU's irq_exit, in softirq context."""
    m = irqlab.boot("generic", cpus=4, seed=0, trace=["tasklet_entry", "softirq_raise"])
    seen = []

    def cb(t):
        seen.append((smp_processor_id(), bool(in_serving_softirq())))

    t = DECLARE_TASKLET("t", cb)
    m.run(until="1ms")
    _hardirq(m, 2, lambda: tasklet_schedule(t))
    m.run(until="2ms")
    assert seen == [(2, True)]
    raise_ev = m.trace.events("softirq_raise")[0]
    assert (raise_ev.cpu, raise_ev["vec"]) == (2, TASKLET_SOFTIRQ)
    assert m.kernel.cpus[2].softirq_counts[TASKLET_SOFTIRQ] == 1


def test_scheduling_a_scheduled_tasklet_is_a_noop():
    """Two tasklet_schedule() calls before it runs give one run."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    runs = []
    t = DECLARE_TASKLET("t", lambda t: runs.append(m.now))

    def irq():
        tasklet_schedule(t)
        tasklet_schedule(t)

    m.run(until="1ms")
    _hardirq(m, 0, irq)
    m.run(until="5ms")
    assert len(runs) == 1


def test_rescheduling_from_the_callback_runs_once_more():
    """SCHED is cleared before the callback, so rescheduling inside it queues exactly one more run."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    runs = []

    def cb(t):
        runs.append(m.now)
        if len(runs) == 1:
            tasklet_schedule(t)
            tasklet_schedule(t)

    t = DECLARE_TASKLET("t", cb)
    m.run(until="1ms")
    _hardirq(m, 0, lambda: tasklet_schedule(t))
    m.run(until="10ms")
    assert len(runs) == 2


def test_hi_tasklets_run_in_hi_softirq_before_tasklet_softirq():
    """tasklet_hi_schedule uses HI_SOFTIRQ (vector 0), which runs before TASKLET_SOFTIRQ."""
    m = irqlab.boot("generic", cpus=1, seed=0, trace=["softirq_entry", "tasklet_entry"])
    order = []
    lo = DECLARE_TASKLET("lo", lambda t: order.append("lo"))
    hi = DECLARE_TASKLET("hi", lambda t: order.append("hi"))

    def irq():
        tasklet_schedule(lo)
        tasklet_hi_schedule(hi)

    m.run(until="1ms")
    _hardirq(m, 0, irq)
    m.run(until="2ms")
    assert order == ["hi", "lo"]
    assert [e["vec"] for e in m.trace.events("softirq_entry")] == [HI_SOFTIRQ, TASKLET_SOFTIRQ]


def test_tasklet_never_runs_on_two_cpus_at_once():
    """Scheduled on CPU1 while running on CPU0, it is requeued on CPU1 and runs there after CPU0 is done."""
    m = irqlab.boot("generic", cpus=2, seed=0, trace=["tasklet_entry", "tasklet_exit"])
    t = DECLARE_TASKLET("t", lambda t: mdelay(10))
    m.run(until="1ms")
    _hardirq(m, 0, lambda: tasklet_schedule(t))
    m.run(until="3ms")
    _hardirq(m, 1, lambda: tasklet_schedule(t))
    m.run(until="40ms")
    ev = [(e.name, e.cpu, e.ts) for e in m.trace.events("tasklet_entry", "tasklet_exit")]
    assert ev[0][:2] == ("tasklet_entry", 0) and ev[1][:2] == ("tasklet_exit", 0)
    assert ev[2][:2] == ("tasklet_entry", 1)
    assert 0 <= ev[2][2] - ev[1][2] < 10_000  # CPU1 spun on the RUN bit and starts as soon as it clears
    assert ev[1][2] - ev[0][2] == 10 * MS


def test_disabled_tasklet_stays_scheduled_until_enabled():
    """A disabled tasklet keeps re-raising its softirq; tasklet_enable lets the next pass run it."""
    m = irqlab.boot("generic", cpus=2, seed=0)
    runs = []
    t = DECLARE_TASKLET_DISABLED("t", lambda t: runs.append((m.now, smp_processor_id())))

    def thread():
        tasklet_schedule(t)
        msleep(20)
        assert not runs
        tasklet_enable(t)

    m.spawn(thread, cpu=0)
    m.run(until="100ms")
    assert len(runs) == 1 and runs[0][1] == 0
    assert 20 * MS < runs[0][0] < 40 * MS
    assert m.kernel.cpus[0].softirq_counts[TASKLET_SOFTIRQ] > 5  # it kept coming back


def test_tasklet_disable_waits_for_a_running_instance():
    """tasklet_disable() sleeps until the tasklet running on another CPU has finished."""
    m = irqlab.boot("generic", cpus=2, seed=0)
    out = {}
    t = DECLARE_TASKLET("t", lambda t: mdelay(30))

    def thread():
        msleep(5)
        tasklet_disable(t)
        out["t"] = m.now

    m.spawn(thread, cpu=1)
    m.run(until="1ms")
    _hardirq(m, 0, lambda: tasklet_schedule(t))
    m.run(until="100ms")
    assert 31 * MS <= out["t"] < 32 * MS


def test_tasklet_kill_waits_for_the_run_and_leaves_it_unscheduled():
    """tasklet_kill() waits for SCHED then RUN to clear; afterwards it can be scheduled again."""
    m = irqlab.boot("generic", cpus=2, seed=0)
    runs = []
    out = {}
    t = tasklet_struct()
    tasklet_init(t, lambda data: (runs.append(data), mdelay(8)), 42)

    def thread():
        msleep(2)
        tasklet_kill(t)
        out["killed"] = (m.now, t.state)
        tasklet_schedule(t)

    m.spawn(thread, cpu=1)
    m.run(until="1ms")
    _hardirq(m, 0, lambda: tasklet_schedule(t))
    m.run(until="50ms")
    assert runs == [42, 42]
    assert out["killed"][1] == 0
    assert out["killed"][0] >= 9 * MS


def test_tasklet_kill_from_interrupt_is_reported():
    """tasklet_kill() from interrupt context prints the kernel's notice and the sleep splat."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    t = DECLARE_TASKLET("t", lambda t: None)
    m.run(until="1ms")
    _hardirq(m, 0, lambda: tasklet_kill(t))
    m.run(until="5ms")
    lines = m.dmesg_lines()
    assert "softirq: Attempt to kill tasklet from interrupt" in lines
    assert "BUG: sleeping function called from invalid context at include/linux/wait_bit.h:192" in lines


def test_sleeping_in_a_tasklet_is_scheduling_while_atomic():
    """msleep() in a tasklet (softirq context) gives the kernel's atomic-scheduling report."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    t = DECLARE_TASKLET("t", lambda t: msleep(1))
    m.run(until="1ms")
    _hardirq(m, 0, lambda: tasklet_schedule(t))
    m.run(until="30ms")
    assert any(line.startswith("BUG: scheduling while atomic: swapper/0/0/0x00000") for line in m.dmesg_lines())


def test_tasklet_setup_and_from_tasklet_find_the_device():
    """The 5.9+ callback form: from_tasklet() gives the struct that embeds the tasklet."""

    class Dev(Struct):
        def __init__(self):
            self.name = "mydev"
            self.tl = tasklet_struct()

    m = irqlab.boot("generic", cpus=1, seed=0)
    dev = Dev()
    got = []

    def cb(t):
        got.append(from_tasklet(Dev, t, "tl").name)

    tasklet_setup(dev.tl, cb)
    m.run(until="1ms")
    _hardirq(m, 0, lambda: tasklet_schedule(dev.tl))
    m.run(until="2ms")
    assert got == ["mydev"]


def test_tasklet_tracepoints_format():
    """tasklet_entry/exit carry the tasklet and its function, in ftrace's text format."""
    m = irqlab.boot("generic", cpus=1, seed=0, trace=["tasklet_entry", "tasklet_exit"])

    def my_tasklet_fn(t):
        pass

    t = DECLARE_TASKLET("t", my_tasklet_fn)
    m.run(until="1ms")
    _hardirq(m, 0, lambda: tasklet_schedule(t))
    m.run(until="2ms")
    ent, ext = m.trace.events()
    assert ent.text().endswith("tasklet_entry: tasklet=t function=my_tasklet_fn")  # %ps of a static tasklet
    assert ext.name == "tasklet_exit" and ext["function"] == "my_tasklet_fn"


def test_tasklet_oops_is_contained_and_the_tasklet_can_run_again():
    """An exception in a tasklet oopses (taint D) but the tasklet's RUN bit is released."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    runs = []

    def cb(t):
        runs.append(1)
        if len(runs) == 1:
            raise RuntimeError("boom")

    t = DECLARE_TASKLET("t", cb)
    m.run(until="1ms")
    _hardirq(m, 0, lambda: tasklet_schedule(t))
    m.run(until="2ms")
    _hardirq(m, 0, lambda: tasklet_schedule(t))
    m.run(until="3ms")
    assert runs == [1, 1]
    assert "D" in m.tainted
