"""Seed 002, "Context-Agnostic IRQ" (request_any_context_irq): examples/seed002_any_context_irq.py."""

import importlib.util
import pathlib

MS = 1_000_000


def _example():
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed002_any_context_irq.py"
    spec = importlib.util.spec_from_file_location("seed002_any_context_irq", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_hardirq_on_the_soc_gpio_nested_thread_behind_the_i2c_expander():
    """request_any_context_irq() is hard-IRQ on a SoC GPIO and a nested thread behind an I2C expander.

    request_any_context_irq() returns IRQC_IS_HARDIRQ (0) for a pinctrl-rp1 GPIO and IRQC_IS_NESTED (1) for
    the expander's nested line; the same handler runs in hard-IRQ context on the first and in the expander's
    IRQ thread on the second, after the two I2C reads (INTF, INTCAP) the thread needs; the nested child has
    no thread of its own.
    """
    ex = _example()
    m = ex.main(1)
    soc, nested = ex.button_irqs
    assert m.dmesg_lines()[-4:] == [
        f"button-soc: request_any_context_irq({soc}) = IRQC_IS_HARDIRQ",
        f"button-i2c: request_any_context_irq({nested}) = IRQC_IS_NESTED",
        f"button-soc: irq {soc} in hard-IRQ context (swapper/0)",
        f"button-i2c: irq {nested} in thread context (irq/22-mcp23017)",
    ]
    stamp = {r.text.split(":")[0]: r.ts for r in m.kernel.log.records if "context (" in r.text}
    assert 10 * MS < stamp["button-soc"] < 10 * MS + 10_000
    assert 30 * MS + 100_000 < stamp["button-i2c"] < 30 * MS + 400_000  # two I2C reads of 60-80 us
    assert [e.comm for e in m.trace.events("irq_thread_entry")] == ["irq/22-mcp23017"]
    assert not [t for t in m.tasks if t.comm.endswith("button-i2c")]
