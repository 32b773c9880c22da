"""Seed 001, "Troubleshooting Guide, Kernel panic on msleep() in ISR": examples/seed001_sleep_in_isr.py."""

import importlib.util
import pathlib

MS = 1_000_000


def _example():
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed001_sleep_in_isr.py"
    spec = importlib.util.spec_from_file_location("seed001_sleep_in_isr", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_msleep_in_hardirq_is_a_bug_report_not_a_panic_and_the_work_item_sleeps_fine():
    """msleep() in a hardirq handler is "BUG: scheduling while atomic", not a panic; the work item sleeps fine.

    msleep() in the hardirq handler prints "BUG: scheduling while atomic" naming the interrupted task and
    preempt_count 0x00010001 (hardirq + preempt-disabled), taints W and the machine runs on (the seed says it
    panics; 6.12 panics only with panic_on_warn). schedule_work() from the other handler sleeps in a kworker.
    """
    ex = _example()
    m = ex.main(1)
    lines = m.dmesg_lines()
    hog = m.task("stress-ng-cpu")
    assert lines.count(f"BUG: scheduling while atomic: stress-ng-cpu/{hog.pid}/0x00010001") == 1
    i = lines.index(f"BUG: scheduling while atomic: stress-ng-cpu/{hog.pid}/0x00010001")
    trace = lines[i:i + 24]
    assert " msleep+0x20/0x24" in trace and " bad_isr+0x4/0xc [sleepy]" in trace
    assert "W" in m.tainted and "Oops" not in m.dmesg() and "Kernel panic" not in m.dmesg()
    bad = [e for e in m.trace.events("irq_handler_entry") if e["name"] == "sleepy#bad"]
    bad_exit = [e for e in m.trace.events("irq_handler_exit") if e["irq"] == bad[0]["irq"]]
    assert len(bad) == 1 and bad_exit[0].ts - bad[0].ts >= 100 * MS  # the CPU sat in the handler's sleep
    work = m.trace.events("workqueue_execute_start")[0]
    assert work.comm.startswith("kworker/0:") and work["function"] == "my_work_fn [sleepy]"
    assert lines[-2:] == ["sleepy: work sleeps 100 ms in process context", "sleepy: work done"]
