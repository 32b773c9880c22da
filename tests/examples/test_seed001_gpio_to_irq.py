"""Seed 001, "Troubleshooting Guide, ISR not called when button pressed": examples/seed001_gpio_to_irq.py."""

import importlib.util
import pathlib


def _example():
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed001_gpio_to_irq.py"
    spec = importlib.util.spec_from_file_location("seed001_gpio_to_irq", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_gpio17_is_not_a_gpio_on_a_pi5_and_529_is():
    """gpio_to_irq(17) is -EINVAL on a 6.12 Pi 5 ("Invalid IRQ: -22"); GPIO 529 is IRQ 17.

    gpio_to_irq(17) is -EINVAL on 6.12 (no chip has number 17: pinctrl-rp1's base is 512), so the seed's
    check prints "Invalid IRQ: -22" and insmod fails; with 529 every edge of the press reaches the ISR.
    """
    ex = _example()
    m = ex.main(1)
    assert ex.shown["insmod gpiomod gpio=17"] == "-22"
    assert ex.shown["insmod gpiomod gpio=529"] == "0"
    lines = m.dmesg_lines()
    assert lines[lines.index("Invalid IRQ: -22") - 1].startswith("gpiolib: gpio_to_irq(17): no GPIO 17 on this kernel")
    assert "gpiomod: GPIO 529 is IRQ 17" in lines
    isr = [t for t in lines if t.startswith("gpiomod: IRQ 17, GPIO 529 reads ")]
    assert len(isr) >= 4 and isr[0].endswith("reads 0")  # the first edge of the press pulls the pin low
    assert ex.shown["cat /sys/kernel/debug/gpio | grep GPIO17"] == \
        " gpio-529 (GPIO17              |LED 1 ON BUTTON     ) in  hi IRQ \n"
    assert ex.shown["cat /proc/interrupts | grep gpiomod"] == \
        f" 17: {len(isr):10d} {0:10d} {0:10d} {0:10d}  pinctrl-rp1  17 Edge      gpiomod#button1\n"
    assert "gpiomod" not in m.read("/proc/interrupts")  # rmmod freed it
