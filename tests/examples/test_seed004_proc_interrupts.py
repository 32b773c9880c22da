"""Seed 004, "Viewing IRQ Information: /proc/interrupts": examples/seed004_proc_interrupts.py."""

import importlib.util
import pathlib


def _example():
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed004_proc_interrupts.py"
    spec = importlib.util.spec_from_file_location("seed004_proc_interrupts", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_the_seeds_excerpt_with_both_cpu_columns():
    """The rows read "24: n m IO-APIC 24-fasteoi eth0" and "25: n m IO-APIC 25-edge i8042": on x86 "fasteoi"/"edge" is the flow handler's name after the IO-APIC pin, not a separate trigger column; counts land on CPU0 until smp_affinity moves the lines to CPU1 at 50 ms (one interrupt per eth0 packet at 20000/s)."""
    ex = _example()
    ex.main(1)
    before = ex.shown["/proc/interrupts at 50 ms"].splitlines()
    after = ex.shown["/proc/interrupts at 100 ms"].splitlines()
    assert before[0] == " " * 11 + "CPU0       CPU1       "
    assert before[1:3] == [" 24:        960          0   IO-APIC  24-fasteoi   eth0",
                           " 25:          2          0   IO-APIC  25-edge      i8042"]  # fmt: skip
    assert after[1:3] == [" 24:        961        960   IO-APIC  24-fasteoi   eth0",
                          " 25:          3          2   IO-APIC  25-edge      i8042"]  # fmt: skip
    assert [r.split(":")[0] for r in after[3:6]] == ["NMI", "LOC", "SPU"]
