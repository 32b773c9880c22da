"""Seed 001, "Critical Concepts and Gotchas, 4. SMP and CPU Affinity": examples/seed001_irq_affinity.py."""

import importlib.util
import pathlib


def _example():
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed001_irq_affinity.py"
    spec = importlib.util.spec_from_file_location("seed001_irq_affinity", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_gpio_affinity_is_refused_on_a_pi5_and_the_gic_line_follows_its_mask():
    """Affinity calls are refused for a Pi 5 GPIO IRQ (-EINVAL, EIO) and obeyed by a GIC line.

    The seed's affinity code and shell lines do not move a Pi 5 GPIO interrupt on 6.12: pinctrl-rp1 has no
    irq_set_affinity, so irq_set_affinity() is -EINVAL, the /proc write fails with EIO and every edge is
    counted on CPU 0. A line on the GIC moves: 3 events on CPU 2 after irq_set_affinity(), 2 on CPU 3 after
    ``echo 3 > /proc/irq/N/smp_affinity_list``.
    """
    ex = _example()
    m = ex.main(1)
    button, dev = ex.irqs
    assert m.dmesg_lines()[-2:] == [f"gpiomod: irq_set_affinity({button} [button], CPU 2) = -22",
                                    f"gpiomod: irq_set_affinity({dev} [mydev], CPU 2) = 0"]  # fmt: skip
    assert ex.shown[f"cat /proc/irq/{button}/smp_affinity_list"] == "0-3\n"
    assert ex.shown[f"echo 0 > /proc/irq/{button}/smp_affinity_list"] == "write error: Input/output error\n"
    assert ex.shown[f"cat /proc/irq/{dev}/smp_affinity_list"] == "2\n"
    assert ex.shown[f"cat /proc/irq/{dev}/effective_affinity_list"] == "2\n"
    assert ex.shown[f"echo 3 > /proc/irq/{dev}/smp_affinity_list"] == ""
    edges = sum(1 for e in m.trace.events("irq_handler_entry") if e["name"] == "gpiomod#button1")
    rows = ex.shown["cat /proc/interrupts"].splitlines()
    assert rows[1:] == [f"{dev:3d}: {0:10d} {0:10d} {3:10d} {2:10d}     GICv2  72 Level     mydev",
                        f"{button:3d}: {edges:10d} {0:10d} {0:10d} {0:10d}  pinctrl-rp1  17 Edge      gpiomod#button1"]
    assert {e.cpu for e in m.trace.events("irq_handler_entry") if e["name"] == "gpiomod#button1"} == {0}
