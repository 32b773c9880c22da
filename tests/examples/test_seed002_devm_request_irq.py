"""Seed 002, "Kernel Interrupt Handling" (devm_request_irq): examples/seed002_devm_request_irq.py."""

import importlib.util
import pathlib


def _example():
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed002_devm_request_irq.py"
    spec = importlib.util.spec_from_file_location("seed002_devm_request_irq", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_handler_runs_in_hardirq_with_irqs_off_and_unbinding_frees_the_managed_irq():
    """The devm handler runs in hardirq with IRQs off; unbinding frees the managed IRQ.

    The handler runs in hard-IRQ context with local interrupts disabled; the IRQ named after the device
    (dev_name) shows in /proc/interrupts while bound and is gone after the driver unbinds, with no free_irq().
    """
    ex = _example()
    m = ex.main(1)
    irq = ex.board["irq"]
    assert m.dmesg_lines()[-4:] == [
        f"mydev mydev.0: irq {irq} requested (managed)",
        f"mydev mydev.0: irq {irq}: data 0x2a (in_hardirq=1 irqs_disabled=1)",
        f"mydev mydev.0: irq {irq}: data 0x2b (in_hardirq=1 irqs_disabled=1)",
        "mydev mydev.0: remove: no free_irq() here",
    ]
    assert ex.shown["/proc/interrupts (bound)"] == f"{irq:3d}: {2:10d} {0:10d} {0:10d} {0:10d}     GICv2 102 Level     mydev.0\n"
    assert ex.shown["/proc/interrupts (after rmmod)"] == ""
    assert not m.irq(irq).actions
