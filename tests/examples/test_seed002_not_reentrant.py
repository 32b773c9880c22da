"""Seed 002, "Important Points about Interrupts" (handlers are not reentrant): examples/seed002_not_reentrant.py."""

import importlib.util
import pathlib

US = 1_000


def _example():
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed002_not_reentrant.py"
    spec = importlib.util.spec_from_file_location("seed002_not_reentrant", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_own_edges_wait_and_merge_same_cpu_waits_other_cpu_runs_in_parallel():
    """A handler is never nested: its edges wait and merge, its CPU's other IRQs wait, other CPUs run.

    ``slow``'s three edges give two runs, back to back and never nested; ``same_cpu`` waits until CPU 0 leaves
    the handlers (its SPI loses the tie to slow's lower-numbered pending one); ``other_cpu`` runs on CPU 1 during
    slow's first run.
    """
    ex = _example()
    m = ex.main(1)
    assert [t for t in m.dmesg_lines() if ": run " in t] == [
        "slow: run 1 on CPU 0", "other_cpu: run 1 on CPU 1", "slow: run 2 on CPU 0", "same_cpu: run 1 on CPU 0"]
    names = {irq: n for n, irq in ex.board.items()}
    ev = [(e.ts, e.cpu, e.name[12:], names[e["irq"]]) for e in m.trace.events()
          if e.name in ("irq_handler_entry", "irq_handler_exit") and e["irq"] in names]  # fmt: skip
    slow = [(ts, kind) for ts, _, kind, n in ev if n == "slow"]
    assert [k for _, k in slow] == ["entry", "exit", "entry", "exit"]  # never nested
    assert slow[2][0] - slow[1][0] < 2 * US and slow[1][0] - slow[0][0] >= 200 * US
    other = [ts for ts, cpu, _, n in ev if n == "other_cpu" and cpu == 1]
    assert slow[0][0] < other[0] < slow[1][0]  # in parallel on the other CPU
    same = [ts for ts, cpu, _, n in ev if n == "same_cpu" and cpu == 0]
    assert same[0] > slow[3][0]  # waited for CPU 0
