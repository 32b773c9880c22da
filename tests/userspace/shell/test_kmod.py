"""kmod's lsmod and modinfo on the board: tools/lsmod.c's columns and tools/modinfo.c's fields."""

import pathlib

import irqlab

SEED = pathlib.Path(__file__).resolve().parents[3] / "examples" / "seed001_gpio_buttons.py"


def test_lsmod_lists_proc_modules():
    """lsmod: the header, then name (19 columns), size (8) and use count of each loaded module."""
    m = irqlab.boot("rpi5", seed=1)
    m.shell.add_host_file("gpiomod.py", str(SEED))
    assert m.sh("lsmod").output == "Module                  Size  Used by\n"
    m.sh("insmod gpiomod.ko")
    size = m.read("/proc/modules").split()[1]
    assert m.sh("lsmod").output == f"Module                  Size  Used by\ngpiomod             {size:>8}  0\n"


def test_modinfo_prints_what_irqlab_modinfo_prints():
    """modinfo FILE|NAME: the same fields as `irqlab modinfo`, for the running kernel's vermagic."""
    m = irqlab.boot("rpi5", seed=1)
    m.shell.add_host_file("gpiomod.py", str(SEED))
    expected = ("filename:       /root/gpiomod.ko\n"
                "depends:        \n"
                "name:           gpiomod\n"
                "vermagic:       6.12.25+rpt-rpi-2712 SMP preempt mod_unload modversions aarch64\n"
                "parm:           toggle:(bool)\n")  # fmt: skip
    assert m.sh("modinfo gpiomod.ko").output == expected
    assert (
        m.sh("modinfo -F vermagic gpiomod").output
        == "6.12.25+rpt-rpi-2712 SMP preempt mod_unload modversions aarch64\n"
    )
    assert m.sh("modinfo -p gpiomod").output == "toggle:(bool)\n"
    assert m.sh("modinfo nope").output == "modinfo: ERROR: Module nope not found.\n"


def test_insmod_refuses_a_file_that_is_not_a_driver_module():
    """A scenario script has no module_init(): insmod says the format is invalid, and why."""
    m = irqlab.boot("rpi5", seed=1)
    m.shell.add_host_file("t.py", str(SEED.parent / "seed001_threaded_irq.py"))
    r = m.sh("insmod t.py")
    assert r.output == ("insmod: ERROR: could not insert module t.py: Invalid module format\n"
                        "insmod: seed001_threaded_irq.py defines no module_init(): it is not a driver module\n")  # fmt: skip
    assert r.status == 1 and m.sh("lsmod | wc -l").output == "1\n"
