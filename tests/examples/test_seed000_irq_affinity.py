"""Seed 000 "IRQ Affinity and Multicore Handling": six channel IRQs distributed over four CPUs with irq_set_affinity()."""

import importlib.util
import pathlib
from types import SimpleNamespace

import irqlab
from irqlab.hw.mmio import MmioDevice
from irqlab.kernel import IRQ_HANDLED, request_irq

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"


def load(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_channel_i_is_counted_on_cpu_i_mod_4():
    """set_irq_affinity(irq, i % num_online_cpus()) routes channel i to CPU i % 4: /proc/interrupts shows each channel's
    five interrupts in that CPU's column (channels 4 and 5 back on CPUs 0 and 1), /proc/irq/N/smp_affinity_list and
    effective_affinity_list show the CPU, and each interrupt was taken on that CPU."""
    ex = load("seed000_irq_affinity")
    m = ex.main(1)
    rows = {int(r.split(":")[0]): r for r in m.read("/proc/interrupts").splitlines() if r.endswith("my_channel")}
    assert sorted(rows) == ex.channel_irqs
    for i, irq in enumerate(ex.channel_irqs):
        counts = [0, 0, 0, 0]
        counts[i % 4] = ex.EVENTS_PER_CHANNEL
        hw = ex.FIRST_SPI + i + 32
        assert rows[irq] == f" {irq}:" + "".join(f" {c:10d}" for c in counts) + f"     GICv2  {hw} Level     my_channel"
        assert m.read(f"/proc/irq/{irq}/smp_affinity_list") == f"{i % 4}\n"
        assert m.read(f"/proc/irq/{irq}/smp_affinity") == f"{1 << (i % 4):x}\n"
        assert m.read(f"/proc/irq/{irq}/effective_affinity_list") == f"{i % 4}\n"
        cpus = {e.cpu for e in m.trace.events("irq_handler_entry") if e["irq"] == irq}
        assert cpus == {i % 4}
    assert [c.events for c in ex.channels] == [ex.EVENTS_PER_CHANNEL] * ex.NUM_CHANNELS
    assert [ln for ln in m.dmesg_lines() if ln.startswith("my_channel")] == [
        f"my_channel {i}: IRQ {irq} on CPU {i % 4}" for i, irq in enumerate(ex.channel_irqs)]


def test_a_busy_channel_unwinds_the_channels_already_requested():
    """If channel 4's line is already taken without IRQF_SHARED, __setup_irq() prints "genirq: Flags mismatch" and returns
    -EBUSY (kernel/irq/manage.c; both actions show the level-high trigger 0x4 they inherited from the line); the seed's err_free_irqs loop then frees channels 3..0 and init fails with -EBUSY."""
    ex = load("seed000_irq_affinity")
    m = irqlab.boot("generic", seed=1)
    ex.channel_regs = [MmioDevice(m.kernel.engine, f"chan{i}", line=m.spi_line(ex.FIRST_SPI + i)) for i in range(6)]
    ex.channel_irqs = [m.board.map_spi(ex.FIRST_SPI + i) for i in range(6)]
    taken = ex.channel_irqs[4]
    m.spawn(lambda: request_irq(taken, lambda irq, dev: IRQ_HANDLED, 0, "other", None), name="other")
    m.run(until="1ms")
    assert m.insmod(SimpleNamespace(**vars(ex))) == -16
    assert f"genirq: Flags mismatch irq {taken}. 00000084 (my_channel) vs. 00000004 (other)" in m.dmesg_lines()
    assert "my_channel" not in m.read("/proc/interrupts")
    assert [m.read(f"/sys/kernel/irq/{irq}/actions") for irq in ex.channel_irqs] == [""] * 4 + ["other\n", ""]
