"""Seed 004, "Modern Approach: Managed Resources (devm_request_irq)": examples/seed004_devm_platform.py."""

import importlib.util
import pathlib


def _example():
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed004_devm_platform.py"
    spec = importlib.util.spec_from_file_location("seed004_devm_platform", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_probe_paths_and_the_managed_irq():
    """my_device.0 gets its IRQ resource and a managed handler (3 interrupts handled); my_device.1 has no IRQ resource (-ENXIO: the driver core logs nothing more); my_device.2's devm_request_irq() on the same non-shared line fails with genirq's "Flags mismatch" and -EBUSY, which the driver core reports. (in 6.9+'s words, dd.c call_driver_probe(): "my_device my_device.2: probe with driver my_device failed with error -16")."""
    ex = _example()
    m = ex.main(1)
    lines = m.dmesg_lines()
    i = lines.index("my_device my_device.0: irq 14")
    assert lines[i + 1:i + 5] == [
        "my_device my_device.1: get interrupt resource failed.",
        "genirq: Flags mismatch irq 14. 00000004 (my_device) vs. 00000004 (my_device)",
        "my_device my_device.2: request interrupt failed.",
        lines[i + 4],
    ]
    assert lines[i + 4] == "my_device my_device.2: probe with driver my_device failed with error -16"
    assert ex.handled == {"my_device.0": 3}
    row = [r for r in ex.shown["/proc/interrupts (loaded)"].splitlines() if r.startswith(" 14:")]
    assert row == [" 14:          3          0     GICv2  80 Level     my_device"]


def test_rmmod_frees_the_irq_without_free_irq_in_the_driver():
    """The driver has no remove(): unregistering it releases my_device.0's devres, which frees the IRQ; its row goes (since 6.11 a line without an action is not listed, whatever it counted)."""
    ex = _example()
    m = ex.main(1)
    row = [r for r in ex.shown["/proc/interrupts (after rmmod)"].splitlines() if r.startswith(" 14:")]
    assert row == []
    assert m.irq(14).actions == ()
    assert ex.my_driver.remove is None
