"""Seed 001, "Critical Concepts and Gotchas, 3. IRQ Sharing": examples/seed001_shared_irq.py."""

import importlib.util
import pathlib


def _example():
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed001_shared_irq.py"
    spec = importlib.util.spec_from_file_location("seed001_shared_irq", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_both_handlers_run_in_request_order_and_only_the_owner_claims():
    """Both shared handlers run on every interrupt, in request order; only the owner returns IRQ_HANDLED.

    Each interrupt runs driver1's then driver2's handler (the core never stops at the first IRQ_HANDLED);
    the one whose device did not interrupt returns IRQ_NONE; when both signal, one pass handles both.
    /proc/interrupts shows one row with both names, and no event is unhandled.
    """
    ex = _example()
    m = ex.main(1)
    irq = ex.irq
    evs = [(e.ts // 1_000_000, e["name"] if e.name == "irq_handler_entry" else e["ret"])
           for e in m.trace.events() if e.name in ("irq_handler_entry", "irq_handler_exit") and e["irq"] == irq]
    assert evs == [(10, "driver1"), (10, "handled"), (10, "driver2"), (10, "unhandled"),
                   (20, "driver1"), (20, "unhandled"), (20, "driver2"), (20, "handled"),
                   (30, "driver1"), (30, "handled"), (30, "driver2"), (30, "handled")]  # fmt: skip
    assert ex.shown["/proc/interrupts"] == f"{irq:3d}: {3:10d} {0:10d} {0:10d} {0:10d}     GICv2  82 Level     driver1, driver2\n"
    assert ex.shown[f"/proc/irq/{irq}/spurious"] == "count 3\nunhandled 0\nlast_unhandled 0 ms\n"
    assert "driver1" not in m.read("/proc/interrupts")  # both freed at rmmod
