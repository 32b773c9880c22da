"""Seed 004, "Code in action: STM32 Driver": examples/seed004_stm32_i2c_oneshot.py."""

import importlib.util
import pathlib
import re

MS = 1_000_000


def _example():
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed004_stm32_i2c_oneshot.py"
    spec = importlib.util.spec_from_file_location("seed004_stm32_i2c_oneshot", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_oneshot_pair_transfers_and_keeps_the_line_masked_while_the_thread_runs():
    """Each 2-byte read is three hardirqs (RXNE, RXNE+TC, STOPF) and two thread runs (send STOP, complete); the empty address gives NACKF then the automatic STOP (two of each) and -ENXIO. With IRQF_ONESHOT no hardirq comes between a primary that woke the thread and the thread's return, although TC/STOPF stay set until the thread clears them."""
    ex = _example()
    m = ex.main(1)
    assert ex.results == [(0x48, 1, b"\x19\x80"), (0x48, 1, b"\x1a\x00"), (0x50, -6, b"\x00\x00")]
    lines = m.dmesg_lines()
    assert "stm32f7-i2c 40012000.i2c: STM32F7 I2C-0 bus adapter" in lines
    assert [x for x in lines if x.startswith("i2c read")] == [
        "i2c read at 0x48: 19 80 (25.5 C)", "i2c read at 0x48: 1a 00 (26.0 C)", "i2c read at 0x50: error -6"]
    ev = [e for e in m.trace.events() if e.fields.get("irq") == 14]
    names = [e.name for e in ev]
    assert names.count("irq_handler_entry") == 8 and names.count("irq_thread_entry") == 6
    for i, e in enumerate(ev):
        if e.name == "irq_thread_entry":
            assert ev[i - 1].name == "irq_handler_exit" and ev[i + 1].name == "irq_thread_exit"
    assert {e.comm for e in ev if e.name == "irq_thread_entry"} == {"irq/14-40012000"}  # TASK_COMM_LEN 16
    row = ex.shown["/proc/interrupts"].splitlines()[4]
    assert row == " 14:          8          0     GICv2  81 Level     40012000.i2c"


def test_without_oneshot_the_uncleared_level_line_storms_until_the_kernel_disables_it():
    """Without IRQF_ONESHOT the primary returns IRQ_WAKE_THREAD with TC still set: the level line re-fires at once and the IRQ thread, bound to the same CPU, never runs. note_interrupt() treats those thread-only results as unhandled while threads_handled does not move, so after 100000 it prints "nobody cared" (the handler line shows the thread function too) and disables the line; the transfer then times out (-ETIMEDOUT)."""
    ex = _example()
    m = ex.main(1, oneshot=False)
    lines = m.dmesg_lines()
    i = lines.index('irq 14: nobody cared (try booting with the "irqpoll" option)')
    h = lines.index("handlers:", i)
    assert re.fullmatch(r"\[<[0-9a-f]{16}>\] stm32f7_i2c_isr_event \[i2c_stm32f7\] threaded "
                        r"\[<[0-9a-f]{16}>\] stm32f7_i2c_isr_event_thread \[i2c_stm32f7\]", lines[h + 1])  # fmt: skip
    assert lines[h + 2] == "Disabling IRQ #14"
    t = [r.ts for r in m.kernel.log.records if r.text == "Disabling IRQ #14"][0]
    assert 20 * MS < t < 50 * MS
    assert ex.results[0] == (0x48, -110, b"\x19\x80")
    assert ex.shown["/proc/interrupts"].splitlines()[4].startswith(" 14:     100001 ")
