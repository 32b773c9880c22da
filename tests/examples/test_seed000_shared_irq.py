"""Seed 000 "Shared IRQ Handling Patterns": two devices on one level line, each handler checking its own status."""

import importlib.util
import pathlib

MS = 1_000_000
EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"


def load(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_every_handler_runs_and_the_non_owner_returns_irq_none():
    """__handle_irq_event_percpu() (kernel/irq/handle.c) calls every action of the line in request order and ORs the
    results, so each interrupt runs both handlers: dev0's 10 ms interrupt is handled/unhandled, dev1's 20 ms one
    unhandled/handled, and the 30 ms interrupt from both is cleared in one pass (one count, not two). No interrupt was
    left unclaimed, so note_interrupt() counts 3 and unhandled 0 in /proc/irq/N/spurious."""
    ex = load("seed000_shared_irq")
    m = ex.main(1)
    irq = ex.devices[0][2]
    texts = [(r.ts // MS, r.text.rstrip("\n")) for r in m.kernel.log.records if "handled its interrupt" in r.text]
    assert texts == [(10, f"dev0: handled its interrupt on IRQ {irq}"), (20, f"dev1: handled its interrupt on IRQ {irq}"),
                     (30, f"dev0: handled its interrupt on IRQ {irq}"), (30, f"dev1: handled its interrupt on IRQ {irq}")]
    rets = [(e.ts // MS, e["ret"]) for e in m.trace.events("irq_handler_exit") if e["irq"] == irq]
    assert rets == [(10, "handled"), (10, "unhandled"), (20, "unhandled"), (20, "handled"), (30, "handled"), (30, "handled")]
    row = [r for r in m.read("/proc/interrupts").splitlines() if r.startswith(f" {irq}:")][0]
    assert row == f" {irq}:          3          0          0          0     GICv2  62 Level     my_device, my_device"
    assert m.read(f"/proc/irq/{irq}/spurious") == "count 3\nunhandled 0\nlast_unhandled 0 ms\n"
    assert m.read(f"/sys/kernel/irq/{irq}/actions") == "my_device,my_device\n"
    assert not m.spi_line(ex.SHARED_SPI).active  # both devices acknowledged


def test_the_seeds_irq_flags_and_return_values_have_the_kernels_values():
    """The "Common IRQ Flags" and "IRQ Return Values" lists name include/linux/interrupt.h and irqreturn.h constants."""
    from irqlab.kernel import (
        IRQ_HANDLED,
        IRQ_NONE,
        IRQ_WAKE_THREAD,
        IRQF_SHARED,
        IRQF_TRIGGER_FALLING,
        IRQF_TRIGGER_HIGH,
        IRQF_TRIGGER_LOW,
        IRQF_TRIGGER_RISING,
    )

    assert (IRQF_SHARED, IRQF_TRIGGER_RISING, IRQF_TRIGGER_FALLING, IRQF_TRIGGER_HIGH, IRQF_TRIGGER_LOW) == (
        0x80, 0x1, 0x2, 0x4, 0x8)
    assert (IRQ_NONE, IRQ_HANDLED, IRQ_WAKE_THREAD, IRQ_HANDLED | IRQ_WAKE_THREAD) == (0, 1, 2, 3)
