"""Seed 001, "Best Practices, 4. Use devm_* for Automatic Resource Cleanup": examples/seed001_devm_probe.py."""

import importlib.util
import pathlib


def _example():
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed001_devm_probe.py"
    spec = importlib.util.spec_from_file_location("seed001_devm_probe", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


ROW = " 17:          1          0          0          0  pinctrl-rp1  17 Edge      button"
REQUESTED = " gpio-529 (GPIO17              |button              ) in  hi"
FREE = " gpio-529 (GPIO17              )"


def test_seeds_probe_binds_without_an_irq_and_the_checked_one_is_cleaned_up_by_devres():
    """The seed's devm probe binds with no IRQ; the checked one gets it, and devres frees it at unbind.

    The seed's probe uses devm_gpio_request()'s 0 as a GPIO number: gpio_to_irq(0) is -EINVAL on a Pi 5, the
    IRQ request fails, probe still returns 0 and the device binds with no interrupt. The checked probe gets
    IRQ 17 (with IRQF_ONESHOT for its NULL primary handler); unbinding frees the IRQ and the GPIO with no
    remove() code: the /proc/interrupts row and debugfs's consumer label are gone after rmmod.
    """
    ex = _example()
    m = ex.main(1)
    assert ex.shown["fixed=0, bound"] == REQUESTED + " \n"
    assert ex.shown["fixed=0, after rmmod"] == FREE + "\n"
    assert ex.shown["fixed=1, bound"] == ROW + "\n" + REQUESTED + " IRQ \n"
    assert ex.shown["fixed=1, after rmmod"] == FREE + "\n"
    lines = m.dmesg_lines()
    assert lines[-3].startswith("gpiolib: gpio_to_irq(0): no GPIO 0 on this kernel")
    assert lines[-2:] == ["devm-button devm-button: GPIO 529, IRQ 17", "devm-button devm-button: pressed (IRQ 17)"]
    assert "probe with driver" not in m.dmesg()  # the seed's probe "succeeded"
