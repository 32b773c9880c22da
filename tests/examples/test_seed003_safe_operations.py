"""Seed 003, "Safe Operations in Handlers": examples/seed003_safe_operations.py."""

import importlib.util
import pathlib

MS = 1_000_000


def _example():
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed003_safe_operations.py"
    spec = importlib.util.spec_from_file_location("seed003_safe_operations", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_every_safe_operation_runs_without_a_report_and_each_deferred_part_runs_where_it_should():
    """GFP_ATOMIC, MMIO, a spinlock, an atomic, an RCU reader, two wake-ups, complete(), tasklet_schedule(), schedule_work() and IRQ_WAKE_THREAD from one handler: no BUG or WARNING; the tasklet runs at that interrupt's irq_exit on CPU0, the IRQ thread next on CPU0 (FIFO 50 before the kworker), the woken tasks on their own CPUs, all within a few microseconds of the interrupt."""
    m = _example().main(1)
    recs = [(r.ts, r.text) for r in m.kernel.log.records if r.text.startswith("safe_dev: ") and "taints" not in r.text]
    assert [t for _, t in recs] == [
        "safe_dev: handler: data 0xc0ffee, count 1, threshold 3 (hardirq, CPU0, swapper/0)",
        "safe_dev: tasklet (softirq, CPU0, swapper/0)",
        "safe_dev: threaded handler (task, CPU0, irq/14-safe_dev)",
        "safe_dev: woken from wait_queue (task, CPU1, waiter)",
        "safe_dev: woken from read_queue (task, CPU2, reader)",
        "safe_dev: completion done (task, CPU3, finisher)",
        "safe_dev: work item (task, CPU0, kworker/0:0)",
        "safe_dev: exit: 1 interrupt(s)",
    ]
    assert all(5 * MS <= ts < 5 * MS + 10_000 for ts, _ in recs[:-1])
    assert "BUG" not in m.dmesg() and "WARNING" not in m.dmesg() and m.tainted == "O"
    names = [e.name for e in m.trace.events() if e.ts >= 5 * MS and e.fields.get("irq", 14) == 14]
    assert names[:5] == ["irq_handler_entry", "irq_handler_exit", "tasklet_entry", "irq_thread_entry",
                         "workqueue_execute_start"]  # fmt: skip
