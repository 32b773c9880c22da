"""The pc board: IO-APIC lines laid out as seed 004's /proc/interrupts excerpt, the i8042 and the NIC."""

import re

import irqlab


def test_seed_004_proc_interrupts_excerpt_is_reproduced():
    """eth0 on GSI 24 (level, fasteoi) and i8042 on GSI 25 (edge) print as 'IO-APIC  24-fasteoi   eth0' and
    'IO-APIC  25-edge      i8042' in x86's row format (no Level/Edge column), followed by x86's arch rows."""
    m = irqlab.boot("pc", seed=1)
    kbd, nic = m.kernel.subsys["pc_i8042"], m.kernel.subsys["pc_nic"]
    kbd.key("a", at="5ms")
    nic.generate(20_000, start="1ms", until="20ms")
    m.run(until="150ms")
    text = m.read("/proc/interrupts")
    lines = text.splitlines()
    assert lines[0] == " " * 11 + "CPU0       CPU1       "
    eth0 = [l for l in lines if l.endswith("eth0")][0]
    kbd_row = [l for l in lines if l.endswith("i8042")][0]
    assert re.fullmatch(r" 24: +\d+ +\d+   IO-APIC  24-fasteoi   eth0", eth0)
    assert re.fullmatch(r" 25: +2 +0   IO-APIC  25-edge      i8042", kbd_row)
    assert [l.split(":")[0].strip() for l in lines[3:]][:3] == ["NMI", "LOC", "SPU"]
    assert lines[-2].startswith("ERR:") and lines[-1].startswith("MIS:")


def test_i8042_handler_reads_status_then_data_and_reports_keys():
    """Each scan code is one edge interrupt; the handler turns make/break codes into key events."""
    m = irqlab.boot("pc", seed=1)
    kbd = m.kernel.subsys["pc_i8042"]
    kbd.key("enter", at="10ms", hold="50ms")
    m.run(until="100ms")
    ev = m.kernel.subsys["pc_i8042_port"].input.events
    assert [(e.type, e.code, e.value) for e in ev] == [(1, 28, 1), (0, 0, 0), (1, 28, 0), (0, 0, 0)]
    assert "input: AT Translated Set 2 keyboard as /devices/virtual/input/input0" in m.dmesg_lines()
