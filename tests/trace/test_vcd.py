"""VCD of GPIO pins and IRQ lines: independent readers see the LED and button timelines."""

import re
import shutil
import subprocess

import pytest

import irqlab
from irqlab.scenarios import rpi5_demo, two_buttons

pytest.importorskip("vcd", reason="pyvcd is not installed")


def _demo_with_vcd(tmp_path):
    m = irqlab.boot("rpi5", seed=1)
    rec = m.vcd
    buttons = {g: m.button(g, "typical") for g in two_buttons.BUTTON_GPIOS}
    led = m.led(two_buttons.LED_GPIO)
    m.insmod(rpi5_demo.driver)
    for at, g in rpi5_demo.PRESSES:
        buttons[g].click(at=at, hold="150ms")
    m.run(until="3s")
    path = tmp_path / "demo.vcd"
    assert rec.save(str(path)) == 4
    want = {"GPIO4": [(t, int(on)) for t, on in led.timeline]}
    for g, b in buttons.items():
        # Closed contacts pull the active-low pin down.
        want[f"GPIO{g}"] = [(0, 1)] + [(t, int(not closed)) for ev in b.events for t, closed in ev.transitions]
    return path, want


def test_vcdvcd_reads_the_led_and_button_transitions(tmp_path):
    """The demo's VCD, read by the vcdvcd parser, has GPIO4's LED timeline and each button's contact bounce in ns."""
    vcdvcd = pytest.importorskip("vcdvcd", reason="vcdvcd is not installed")
    path, want = _demo_with_vcd(tmp_path)
    v = vcdvcd.VCDVCD(str(path))
    assert v.timescale["unit"] == "ns" and v.timescale["magnitude"] == 1
    got = {sig.split(".")[-1]: [(t, int(x)) for t, x in v[sig].tv] for sig in v.signals}
    assert sorted(got) == ["GPIO17", "GPIO18", "GPIO4", "rp1_io_bank0"]
    for name in ("GPIO4", "GPIO17", "GPIO18"):
        assert got[name] == want[name]
    assert [x for _, x in got["GPIO4"]] == [0, 1, 0]  # the LED lit by the first press, dark after the second
    # The bank interrupt line rises only at a button edge (the irqchip's ack drops it again).
    rises = {t for t, x in got["rp1_io_bank0"] if x}
    assert rises and rises <= {t for t, _ in want["GPIO17"] + want["GPIO18"]}


@pytest.mark.skipif(shutil.which("sigrok-cli") is None, reason="sigrok-cli is not installed (apt-get install sigrok-cli)")
def test_sigrok_cli_reads_the_led_timeline(tmp_path):
    """sigrok-cli -I vcd (downsampled to 1 µs) re-emits the LED's transitions on GPIO4."""
    path, want = _demo_with_vcd(tmp_path)
    out = subprocess.run(["sigrok-cli", "-I", "vcd:downsample=1000", "-i", str(path), "-O", "vcd"],
                         capture_output=True, text=True, check=True, timeout=120).stdout  # fmt: skip
    ids = dict(re.findall(r"\$var wire 1 (\S+) (\S+) \$end", out))
    led = next(i for i, n in ids.items() if n == "GPIO4")
    seen, level = [], None
    for line in out.splitlines():
        if not line.startswith("#"):
            continue
        stamp, *changes = line.split()
        for c in changes:
            if c[1:] == led and c[0] != level:
                level = c[0]
                seen.append((int(stamp[1:]), int(level)))
    assert seen == [(t // 1000, v) for t, v in want["GPIO4"]]
