"""Call traces from the kernel stack: the core's functions with their table offsets, a driver's frames with
their own, in hardirq, softirq, a workqueue, a kthread and a blocked task; an oops unwinds the stack."""

import ast
import os
import pathlib
import subprocess
import sys

import irqlab
from irqlab.kernel import (
    DECLARE_COMPLETION,
    DECLARE_TASKLET,
    DECLARE_WORK,
    IRQ_HANDLED,
    dump_stack,
    generic_handle_irq,
    irq_set_chained_handler,
    msleep,
    request_irq,
    schedule_work,
    tasklet_schedule,
    wait_for_completion,
    wait_for_completion_timeout,
)
from irqlab.kernel.irq.chip_flow import handle_fasteoi_irq
from irqlab.kernel.stacktrace import KSYMS, SHADOWED, live_frames, virtual_stack


def contexts():
    """A hardirq handler, two tasklets (the first oopses inside generic_handle_irq()), a kthread and a work
    item each print their call trace; the generic board's dmesg after the boot lines."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    sim, demux = m.irq_sim(2), m.irq_sim(3)

    def bad_flow(desc):
        raise RuntimeError("flow handler fault")

    def tl(t):
        generic_handle_irq(demux)

    def tl2(t):
        dump_stack()

    t, t2 = DECLARE_TASKLET("tl", tl), DECLARE_TASKLET("tl2", tl2)

    def isr(irq, dev):
        dump_stack()
        tasklet_schedule(t)
        tasklet_schedule(t2)
        return IRQ_HANDLED

    def work(w):
        dump_stack()

    w = DECLARE_WORK(work)

    def kt():
        dump_stack()
        schedule_work(w)

    def setup():
        irq_set_chained_handler(demux, bad_flow)
        request_irq(sim, isr, 0, "st", None)

    m.spawn(setup, name="setup")
    m.run("1ms")
    m.fire_irq(sim)
    m.run("2ms")
    m.spawn(kt, name="kt")
    m.run("3ms")
    return [ln for ln in m.dmesg().splitlines() if not ln.startswith("[    0.000000]")]


def blocked():
    """A kthread blocked in wait_for_completion() for good: the hung-task report's trace (the Pi's dmesg)."""
    m = irqlab.boot("rpi5", seed=1)
    done = DECLARE_COMPLETION("never")

    def waiter():
        msleep(1)
        wait_for_completion(done)

    m.spawn(waiter, name="waiter")
    m.write("/proc/sys/kernel/hung_task_timeout_secs", "10")
    m.run("21s")
    lines = m.dmesg().splitlines()
    i = next(i for i, ln in enumerate(lines) if "INFO: task waiter" in ln)
    return lines[i : i + 11]


def blocked_with_timeout():
    """A kthread in wait_for_completion_timeout() with a minute to go: the hung-task report's trace."""
    m = irqlab.boot("rpi5", seed=1)
    done = DECLARE_COMPLETION("late")

    def waiter():
        msleep(1)
        wait_for_completion_timeout(done, 60 * 250)

    m.spawn(waiter, name="waiter")
    m.write("/proc/sys/kernel/hung_task_timeout_secs", "10")
    m.run("21s")
    lines = m.dmesg().splitlines()
    i = next(i for i, ln in enumerate(lines) if "INFO: task waiter" in ln)
    return lines[i : i + 11]


def trace(lines, first):
    """The call-trace lines of the block that starts with the line ending in ``first``."""
    i = next(i for i, ln in enumerate(lines) if ln.endswith(first))
    j = lines.index(lines[i][:15] + "Call trace:", i)
    k = j + 1
    while k < len(lines) and lines[k][15:].startswith(" ") and "+0x" in lines[k]:
        k += 1
    return [ln[16:] for ln in lines[j + 1 : k]]


def test_a_hardirq_handler_sees_the_flow_handlers_and_the_interrupted_idle_loop():
    """dump_stack() in a handler: the flow handlers down to gic_handle_irq(), then the interrupted do_idle()."""
    lines = contexts()
    assert trace(lines, "Comm: swapper/0 Not tainted 6.12.25-irqlab #1") == [
        "isr+0x4/0x14",
        "__handle_irq_event_percpu+0x38/0x94",
        "handle_irq_event_percpu+0x8/0x18",
        "handle_irq_event+0x1c/0x2c",
        "handle_simple_irq+0x34/0x48",
        "irq_sim_handle_irq+0x20/0x24",
        "irq_work_run+0x20/0x24",
        "handle_percpu_devid_irq+0x44/0x90",
        "handle_irq_desc+0x28/0x30",
        "generic_handle_domain_irq+0x20/0x24",
        "gic_handle_irq+0x7c/0x80",
        "do_idle+0x4c/0x50",
    ]


def test_an_oops_in_a_tasklet_unwinds_the_kernel_stack_for_the_next_one():
    """A flow handler raising under generic_handle_irq(): the oops lists the functions it unwound, and the next
    tasklet's trace has none of them left over."""
    lines = contexts()
    assert trace(lines, "RuntimeError: 0000000000000000 [#1] PREEMPT SMP") == [
        "bad_flow+0x4/0x8",
        "handle_irq_desc+0x28/0x30",
        "generic_handle_irq+0x14/0x1c",
        "tl+0x4/0x8",
        "tasklet_action_common+0x5c/0xb8",
    ]
    after = lines.index("[    0.001002] ---[ end trace 0000000000000000 ]---")
    assert trace(lines[after:], "Hardware name: irqlab generic SMP machine (DT)") == [
        "tl2+0x4/0x8",
        "tasklet_action_common+0x5c/0xb8",
        "tasklet_action+0x10/0x14",
        "handle_softirqs+0x84/0xe8",
        "do_idle+0x4c/0x50",
    ]


def test_a_kthread_and_a_work_item_end_in_kthread_and_ret_from_fork():
    """A kthread's trace and a work item's (process_one_work() and the worker loop under it)."""
    lines = contexts()
    assert trace(lines, "Comm: kt Tainted: G      D            6.12.25-irqlab #1") == [
        "kt+0x4/0xc", "kthread+0x18/0x34", "ret_from_fork+0x10/0x20"]  # fmt: skip
    assert trace(lines, "Workqueue: events work") == [
        "work+0x4/0x8",
        "process_one_work+0xd8/0x130",
        "process_scheduled_works+0x1c/0x20",
        "worker_thread+0x64/0x88",
        "kthread+0x18/0x34",
        "ret_from_fork+0x10/0x20",
    ]


def test_a_blocked_task_shows_where_it_sleeps():
    """The hung-task report of a task in wait_for_completion(): the scheduler's functions above the driver's."""
    assert [ln[16:] for ln in blocked()[5:]] == [
        "schedule+0x8/0xc",
        "schedule_timeout+0x48/0x5c",
        "wait_for_completion+0x10/0x14",
        "waiter+0x8/0xc",
        "kthread+0x18/0x34",
        "ret_from_fork+0x10/0x20",
    ]


def test_a_task_sleeping_with_a_timeout_shows_schedule_timeout_under_schedule():
    """The hung-task report of a task in wait_for_completion_timeout(): schedule() inside schedule_timeout()'s
    timed branch, then the completion's wait."""
    assert [ln[16:] for ln in blocked_with_timeout()[5:]] == [
        "schedule+0x8/0xc",
        "schedule_timeout+0x48/0x5c",
        "wait_for_completion_timeout+0x10/0x14",
        "waiter+0x8/0xc",
        "kthread+0x18/0x34",
        "ret_from_fork+0x10/0x20",
    ]


def test_the_pushed_kernel_stack_gives_the_traces_the_frames_give():
    """IRQLAB_KSTACK=1 (the kernel stack the compiled build uses, in this build) prints the same traces."""
    env = {**os.environ, "IRQLAB_KSTACK": "1",
           "PYTHONPATH": str(pathlib.Path(irqlab.__file__).resolve().parents[1])}  # fmt: skip
    out = subprocess.run([sys.executable, __file__], env=env, capture_output=True, text=True, check=True)
    assert out.stdout == "\n".join(contexts() + blocked() + blocked_with_timeout()) + "\n"


def test_an_entry_pushed_with_no_python_frame_under_it_is_outermost():
    """Compiled code with no interpreted frame below pushes an entry without a frame: the walker lists it last,
    under every frame and every entry pushed from one."""
    here = sys._getframe()
    frames = live_frames(here)
    v = virtual_stack(frames, [("kthread", None), ("schedule", here)])
    assert v[0] == "schedule" and v[1] == frames[0] and v[-1] == "kthread" and len(v) == len(frames) + 2


def test_pS_of_a_kernel_function_reads_the_table():
    """%pS and %ps of a core function: the table's offset and size, whichever build runs."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    assert m.kernel.format("%pS %ps", (handle_fasteoi_irq, handle_fasteoi_irq)) == \
        "handle_fasteoi_irq+0x48/0x6c handle_fasteoi_irq"  # fmt: skip


def test_every_compiled_module_is_shadowed_and_every_listed_function_exists():
    """setup.py's COMPILED modules all list their kernel functions here; each listed function exists and has an
    offset in the table."""
    root = pathlib.Path(__file__).resolve().parents[2]
    tree = ast.parse((root / "setup.py").read_text())
    compiled = next(ast.literal_eval(n.value) for n in tree.body
                    if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "COMPILED")  # fmt: skip
    assert sorted(p.removeprefix("irqlab/") for p in compiled if p.removeprefix("irqlab/") not in SHADOWED) == []
    pkg = pathlib.Path(irqlab.__file__).parent
    for rel, names in SHADOWED.items():
        defined = {n.name for n in ast.walk(ast.parse((pkg / rel).read_text())) if isinstance(n, ast.FunctionDef)}
        assert sorted(set(names) - defined) == [], rel
        assert sorted(k for k in names.values() if k not in KSYMS and k != "<irq>") == [], rel


if __name__ == "__main__":
    print("\n".join(contexts() + blocked() + blocked_with_timeout()))
