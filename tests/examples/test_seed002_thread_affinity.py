"""Seed 002, "Threaded IRQ Handlers" (hard-IRQ and thread affinity): examples/seed002_thread_affinity.py."""

import importlib.util
import pathlib
import re


def _example():
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed002_thread_affinity.py"
    spec = importlib.util.spec_from_file_location("seed002_thread_affinity", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_thread_follows_the_irq_unless_tasksetted_and_the_next_write_moves_it_back():
    """The IRQ thread follows smp_affinity; taskset separates it only until the next write.

    smp_affinity moves the hard-IRQ handler and, through irq_thread_check_affinity(), the IRQ thread with it
    (CPU 0, then 2); only sched_setaffinity() separates them (thread on CPU 3, handler on 2), and the next
    smp_affinity write (CPU 1) moves both again: the seed's "set separately" holds only until then.
    """
    ex = _example()
    m = ex.main(1)
    cpus = [(int(t.split()[2][:-1]), t.split()[3], int(t.split()[-1]))
            for t in m.dmesg_lines() if t.startswith("affinity: event")]
    assert cpus == [(1, "hard-IRQ", 0), (1, "thread", 0), (2, "hard-IRQ", 2), (2, "thread", 2),
                    (3, "hard-IRQ", 2), (3, "thread", 3), (4, "hard-IRQ", 1), (4, "thread", 1)]  # fmt: skip
    irq = ex.board["irq"]
    assert [cmd for cmd, _ in ex.shown] == [f"echo 2 > /proc/irq/{irq}/smp_affinity_list",
                                           f"taskset -p -c 3 $(pgrep irq/{irq}-affinity)",
                                           f"echo 1 > /proc/irq/{irq}/smp_affinity_list"]  # fmt: skip
    assert re.fullmatch(r"pid (\d+)'s current affinity list: 2\npid \1's new affinity list: 3\n", ex.shown[1][1])
    assert ex.shown[0][1] == ex.shown[2][1] == ""
