"""Seed 004, "Code in action: Keyboard Controller Interrupt (i8042)": examples/seed004_i8042.py."""

import importlib.util
import pathlib

MS = 1_000_000


def _example():
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed004_i8042.py"
    spec = importlib.util.spec_from_file_location("seed004_i8042", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_each_scan_code_is_one_interrupt_turned_into_key_events():
    """q, a, Enter (make + break each) are six edge interrupts on GSI 25; each read of status then data goes through serio_interrupt() to atkbd, which reports the key (16, 30, 28) pressed then released."""
    ex = _example()
    m = ex.main(1)
    assert "serio: i8042 KBD port at 0x60,0x64 irq 25" in m.dmesg_lines()
    assert "input: AT Translated Set 2 keyboard as /devices/virtual/input/input0" in m.dmesg_lines()
    keys = [ln for ln in ex.shown["evtest"].splitlines() if ", type 1," in ln]
    assert keys == [
        "Event: time 0.100001, type 1, code 16, value 1",
        "Event: time 0.180001, type 1, code 16, value 0",
        "Event: time 0.250001, type 1, code 30, value 1",
        "Event: time 0.330001, type 1, code 30, value 0",
        "Event: time 0.400001, type 1, code 28, value 1",
        "Event: time 0.480001, type 1, code 28, value 0",
    ]
    assert ex.shown["/proc/interrupts"].splitlines()[2] == " 25:          7          0   IO-APIC  25-edge      i8042"


def test_an_edge_without_data_returns_irq_none():
    """i8042_interrupt() finds OBF clear on the stray edge at 500 ms: IRQ_RETVAL(0) = IRQ_NONE (its dbg() line is compiled out); the six real ones return IRQ_HANDLED."""
    ex = _example()
    m = ex.main(1)
    ent = [e for e in m.trace.events("irq_handler_entry") if e["name"] == "i8042"]
    ext = [e for e in m.trace.events("irq_handler_exit") if e["irq"] == 25]
    assert [x["ret"] for x in ext] == ["handled"] * 6 + ["unhandled"]
    assert 500 * MS <= ent[-1].ts < 500 * MS + 5_000
    assert "Interrupt 25, without any data" not in m.dmesg()


def test_the_built_in_driver_is_kept_out_by_initcall_blacklist():
    """Booted with initcall_blacklist=i8042_init the built-in driver never requests GSI 25, so the module's request_irq() is the only action: one "i8042" on the row. After rmmod the line has no action, so 6.12 no longer lists it, whatever it counted (kernel/irq/proc.c show_interrupts() since v6.11)."""
    ex = _example()
    m = ex.main(1)
    assert "pc_i8042_port" not in m.kernel.subsys
    assert m.boot_args == "initcall_blacklist=i8042_init"
    rows = m.read("/proc/interrupts").splitlines()
    assert not [r for r in rows if r.startswith(" 25:")] and rows[2].startswith("NMI:")
