"""Seed 001, "Troubleshooting Guide, request_irq() returns -EBUSY": examples/seed001_ebusy.py."""

import importlib.util
import pathlib


def _example():
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed001_ebusy.py"
    spec = importlib.util.spec_from_file_location("seed001_ebusy", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_second_requester_gets_ebusy_until_the_holder_is_unloaded():
    """A second requester of GPIO17's IRQ gets -EBUSY ("Flags mismatch") until gpiomod is unloaded.

    Without IRQF_SHARED on both sides the second request_irq() of IRQ 17 fails with -EBUSY and
    "genirq: Flags mismatch irq 17. 00000003 (gpiomod2) vs. 00000003 (gpiomod#button1)" (0x3 = both edges);
    loading gpiomod twice is -EEXIST; /sys/kernel/irq/17/actions names the holder; after rmmod gpiomod it works.
    """
    ex = _example()
    m = ex.main(1)
    lines = m.dmesg_lines()
    i = lines.index("genirq: Flags mismatch irq 17. 00000003 (gpiomod2) vs. 00000003 (gpiomod#button1)")
    assert lines[i + 1:] == ["Unable to request IRQ: -16", "bottomhalf_exit", "gpiomod2: got IRQ 17"]
    assert ex.shown == [
        ("sudo insmod gpiomod.ko", ""),
        ("sudo insmod gpiomod.ko", "insmod: ERROR: could not insert module gpiomod.ko: File exists\n"),
        ("sudo insmod gpiomod2.ko", "insmod: ERROR: could not insert module gpiomod2.ko: Device or resource busy\n"),
        ("cat /proc/interrupts | grep 17:",
         " 17:          0          0          0          0  pinctrl-rp1  17 Edge      gpiomod#button1\n"),
        ("cat /sys/kernel/irq/17/actions", "gpiomod#button1\n"),
        ("sudo rmmod gpiomod", ""),
        ("sudo insmod gpiomod2.ko", ""),
        ("cat /sys/kernel/irq/17/actions", "gpiomod2\n"),
    ]
