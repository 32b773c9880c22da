"""Seed 004, "Context Checking Tools": examples/seed004_context_checks.py."""

import importlib.util
import pathlib


def _example():
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed004_context_checks.py"
    spec = importlib.util.spec_from_file_location("seed004_context_checks", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_context_macros_return_the_preempt_count_fields():
    """in_irq() = hardirq_count() (0x10000 in a handler), in_softirq() = softirq_count(): 0x100 while serving a softirq (timer, tasklet) but 0x200 in a task that only disabled BHs, where in_task() is still 1."""
    ex = _example()
    m = ex.main(1)
    assert ex.seen == {
        "module_init": (0, 0, 1, 0),
        "timer": (0, 0x100, 0, 0x100),
        "hardirq handler": (0x10000, 0, 0, 0x10000),
        "tasklet": (0, 0x100, 0, 0x100),
        "IRQ thread": (0, 0, 1, 0),
        "work item": (0, 0, 1, 0),
        "spin_lock_bh()": (0, 0x200, 1, 0x200),
    }
    assert "ctxcheck: hardirq handler  in_irq()=0x10000 in_softirq()=0 in_task()=0 in_interrupt()=0x10000" \
        in m.dmesg_lines()


def test_might_sleep_in_a_handler_is_a_report_not_an_oops():
    """The seed says might_sleep() in atomic context OOPSes; a CONFIG_DEBUG_ATOMIC_SLEEP kernel prints "BUG: sleeping function called from invalid context" (kernel/sched/core.c __might_resched()), taints W and runs on: the tasklet, thread and work item still run after it and nothing is marked D (died)."""
    ex = _example()
    m = ex.main(1)
    lines = m.dmesg_lines()
    i = next(n for n, x in enumerate(lines) if x.startswith("BUG: sleeping function called from invalid context at "))
    assert lines[i + 1] == "in_atomic(): 1, irqs_disabled(): 1, non_block: 0, pid: 0, name: swapper/0"
    assert lines[i + 2] == "preempt_count: 10000, expected: 0"
    assert " my_handler+" in "\n".join(lines[i:i + 16])
    assert m.tainted == "WO" and not [k for k, _ in m.reports if "Oops" in k]
    assert lines[-1] == "ctxcheck: unloaded after 40 ms"
