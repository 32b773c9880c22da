"""The syscall surface user programs use: clock_nanosleep on hrtimers, scheduling, affinity, files."""

import irqlab
from irqlab.userspace import syscalls as sc


def _run(prog, preempt="full", until="50ms", **kw):
    m = irqlab.boot("generic", cpus=2, preempt=preempt, seed=3)
    out: dict = {}
    m.spawn(prog, out, user=True, name="prog", **kw)
    m.run(until=until)
    return m, out


def test_absolute_sleep_wakes_after_the_programmed_time_and_an_rt_task_has_no_slack():
    """An RT task sleeping TIMER_ABSTIME wakes a few µs after its expiry: no 50 µs timer slack."""
    def prog(out):
        assert sc.sched_setscheduler(0, sc.SCHED_FIFO, 80) == 0
        nxt = sc.clock_gettime() + 1_000_000
        out["ret"] = sc.clock_nanosleep(sc.CLOCK_MONOTONIC, sc.TIMER_ABSTIME, nxt)
        out["late"] = sc.clock_gettime() - nxt

    _, out = _run(prog)
    assert out["ret"] == 0
    assert 0 < out["late"] < 20_000


def test_a_normal_task_sleeps_with_the_default_50us_timer_slack():
    """SCHED_OTHER sleepers get the default timer_slack_ns: they wake up to 50 µs late, never early."""
    def prog(out):
        nxt = sc.clock_gettime() + 1_000_000
        sc.clock_nanosleep(sc.CLOCK_MONOTONIC, sc.TIMER_ABSTIME, nxt)
        out["late"] = sc.clock_gettime() - nxt

    _, out = _run(prog)
    assert 50_000 <= out["late"] < 70_000


def test_bad_arguments_return_errno():
    """Out-of-range priorities, bad clocks and bad mlockall flags return -EINVAL, as the syscalls do."""
    def prog(out):
        out["prio"] = sc.sched_setscheduler(0, sc.SCHED_FIFO, 0)
        out["other"] = sc.sched_setscheduler(0, sc.SCHED_OTHER, 5)
        out["clock"] = sc.clock_nanosleep(99, 0, 1000)
        out["mlock"] = sc.mlockall(0)
        out["ok"] = sc.mlockall(sc.MCL_CURRENT | sc.MCL_FUTURE)
        out["aff"] = sc.sched_setaffinity(0, 1 << 7)

    _, out = _run(prog)
    assert out == {"prio": -22, "other": -22, "clock": -22, "mlock": -22, "ok": 0, "aff": -22}


def test_setaffinity_moves_the_caller_before_returning():
    """sched_setaffinity to another CPU returns with the caller running there."""
    def prog(out):
        sc.sched_setaffinity(0, 1 << 1)
        out["cpu"] = sc.sched_getaffinity(0), irqlab_cpu()

    def irqlab_cpu():
        from irqlab.kernel.core import on_cpu

        return on_cpu().cpu.id

    _, out = _run(prog, cpu=None)
    assert out["cpu"] == (2, 1)


def test_proc_loadavg_counts_the_reader_and_decays_a_busy_load():
    """/proc/loadavg reads as the kernel prints it; one LOAD_FREQ fold of one busy task gives 0.08 0.02 0.01."""
    def prog(out):
        sc.user_work(10_000_000_000)
        out["text"] = sc.read_file("/proc/loadavg")

    m, out = _run(prog, until="10.1s")
    one, five, fifteen, runnable, last = out["text"].split()
    assert out["text"].endswith("\n")
    assert one == "0.08" and five == "0.02" and fifteen == "0.01", out["text"]
    assert runnable.startswith("1/")
    assert m.read("/proc/loadavg") == "0.07 0.02 0.00 0/7 8\n"  # the 10.048 s fold saw no active task


def _munmap_vs_sleeper(preempt):
    """A task unmapping 64 MB over and over and a FIFO 99 task sleeping 1 ms periods on one CPU: its wakeup delays."""
    import irqlab
    from irqlab.userspace import syscalls as sc

    def unmapper():
        while sc.clock_gettime() < 50_000_000:
            sc.munmap(64 << 20)
            sc.user_work(100_000)

    def sleeper(out):
        sc.sched_setscheduler(0, sc.SCHED_FIFO, 99)
        t = sc.clock_gettime() + 1_000_000
        for _ in range(40):
            sc.clock_nanosleep(sc.CLOCK_MONOTONIC, sc.TIMER_ABSTIME, t)
            out.append(sc.clock_gettime() - t)
            t += 1_000_000

    m = irqlab.boot("generic", cpus=1, seed=1, preempt=preempt)
    out: list[int] = []
    m.spawn(unmapper, name="unmapper", user=True)
    m.spawn(sleeper, out, name="sleeper", user=True)
    m.run(until="50ms")
    return max(out), sorted(out)[len(out) // 2]


def test_munmap_holds_the_cpu_per_page_table_without_preemption():
    """munmap(): 512 PTEs zapped under the PTE lock, then freed; PREEMPT_NONE waits for cond_resched() after each
    step (51.2 µs apiece), PREEMPT only for the locked zap, PREEMPT_RT (a sleeping PTE lock) for neither."""
    assert _munmap_vs_sleeper("none") == (51_800, 27_300)
    assert _munmap_vs_sleeper("full") == (51_200, 2_600)
    assert _munmap_vs_sleeper("rt") == (2_600, 2_600)
