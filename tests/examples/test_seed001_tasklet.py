"""Seed 001, "Tasklet Code Deep Dive": examples/seed001_tasklet.py."""

import importlib.util
import pathlib

MS = 1_000_000
LINES = ("tasklet example init", "Example tasklet starts", "Example tasklet init continues...", "Example tasklet ends")


def _example():
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed001_tasklet.py"
    spec = importlib.util.spec_from_file_location("seed001_tasklet", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _records(m):
    return [(r.ts, r.text, r.cpu) for r in m.kernel.log.records if r.text in LINES]


def test_default_boot_runs_the_tasklet_on_insmods_stack_so_init_waits():
    """On a default 6.12 boot the order is init, starts, ends, continues (not the seed's).

    tasklet_schedule() from process context raises TASKLET_SOFTIRQ; since the v6.5 revert of
    "softirq: Let ksoftirqd do its job" the next tick's irq_exit runs it right there, on the
    stack of the interrupted insmod, so the 5 s mdelay() holds module_init up and its own
    mdelay(200) has long expired when it resumes (tests/kernel/test_tasklet.py has the why).
    """
    m = _example().main(1)
    recs = _records(m)
    assert [t for _, t, _ in recs] == [LINES[0], LINES[1], LINES[3], LINES[2]]
    entry, exit_ = m.trace.events("tasklet_entry")[0], m.trace.events("tasklet_exit")[0]
    assert (entry.comm, entry.cpu) == ("insmod", recs[0][2])
    assert entry.ts - recs[0][0] <= 4 * MS  # the first tick after tasklet_schedule (HZ=250)
    assert exit_.ts - entry.ts == 5000 * MS
    assert recs[3][0] - recs[2][0] < MS  # "continues" right after "ends"
    assert m.dmesg_lines()[-1] == "tasklet example exit"


def test_threadirqs_boot_gives_the_seeds_order():
    """With cmdline="threadirqs" ksoftirqd runs the tasklet and the seed's order appears.

    ksoftirqd/N preempts insmod and spins for 5 s with bottom halves disabled; an idle CPU pulls
    the runnable insmod over, whose mdelay(200) ends 200 ms after init, long before the tasklet.
    """
    m = _example().main(1, cmdline="threadirqs")
    recs = _records(m)
    assert [t for _, t, _ in recs] == list(LINES)
    entry = m.trace.events("tasklet_entry")[0]
    assert entry.comm == f"ksoftirqd/{recs[0][2]}"
    assert recs[2][2] != recs[0][2]  # init continued on another CPU
    assert recs[2][0] - recs[0][0] == 200 * MS
    assert recs[3][0] - entry.ts == 5000 * MS
    assert m.dmesg_lines()[-1] == "tasklet example exit"
