"""module_param(), MODULE_PARM_DESC() and MODULE_LICENSE(): insmod arguments, /sys/module and /proc/modules."""

import textwrap
import types

import pytest

import irqlab
from irqlab.errno import EACCES, EINVAL

DRIVER = '''
from irqlab.kernel import *
MODULE_LICENSE("GPL")
debounce_ms = 50
module_param("debounce_ms", int, 0o644)
MODULE_PARM_DESC("debounce_ms", "Debounce time in ms")
verbose = False
module_param("verbose", bool, 0o444)
label = "btn"
module_param("label", str, 0o644)
secret = 7
module_param("secret", "uint", 0)
def module_init():
    pr_info("drv: debounce_ms=%d verbose=%d label=%s\\n", debounce_ms, verbose, label)
    return 0
def module_exit():
    pr_info("drv: exit with debounce_ms=%d\\n", debounce_ms)
'''


def make(name="drv", source=DRIVER):
    mod = types.ModuleType(name)
    exec(compile(textwrap.dedent(source), f"{name}.py", "exec"), mod.__dict__)
    return mod


def test_insmod_arguments_set_parameters_before_init():
    """m.insmod(mod, debounce_ms=20, verbose="Y", label="b2") sets the globals module_init reads."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    mod = make()
    assert m.insmod(mod, debounce_ms=20, verbose="Y", label="b2") == 0
    assert "drv: debounce_ms=20 verbose=1 label=b2" in m.dmesg_lines()
    assert mod.debounce_ms == 20 and mod.verbose is True


def test_sysfs_parameters_read_and_write_per_perm():
    """0644 files read and write, 0444 refuses writes with -EACCES, perm 0 has no file."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    mod = make()
    assert m.insmod(mod) == 0
    p = "/sys/module/drv/parameters/"
    assert m.read(p + "debounce_ms") == "50\n" and m.read(p + "verbose") == "N\n" and m.read(p + "label") == "btn\n"
    assert m.write(p + "debounce_ms", "0x1e\n") == 5 and mod.debounce_ms == 30
    assert m.write(p + "debounce_ms", "soon") == -EINVAL and mod.debounce_ms == 30
    assert m.write(p + "verbose", "Y") == -EACCES
    with pytest.raises(FileNotFoundError):
        m.read(p + "secret")
    assert m.read("/sys/module/drv/initstate") == "live\n" and m.read("/sys/module/drv/taint") == "O\n"
    assert m.read("/sys/module/drv/coresize") == "12288\n"
    assert m.fs.listdir("/sys/module/drv/parameters") == ["debounce_ms", "label", "verbose"]
    assert m.rmmod("drv") == 0
    assert "drv: exit with debounce_ms=30" in m.dmesg_lines()
    with pytest.raises(FileNotFoundError):
        m.read(p + "debounce_ms")


def test_invalid_argument_fails_the_load_with_the_kernels_message():
    """A value the type rejects: -EINVAL, "drv: `abc' invalid for parameter `debounce_ms'", nothing loaded."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    assert m.insmod(make(), debounce_ms="abc") == -EINVAL
    assert m.dmesg_lines()[-1] == "drv: `abc' invalid for parameter `debounce_ms'"
    assert m.read("/proc/modules") == ""
    assert m.insmod(make(), secret=-1) == -EINVAL  # uint range


def test_unknown_argument_is_warned_about_and_ignored():
    """kernel/module/main.c: "drv: unknown parameter 'speed' ignored", the module loads."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    assert m.insmod(make(), speed=3) == 0
    assert "drv: unknown parameter 'speed' ignored" in m.dmesg_lines()


def test_proc_modules_lists_loaded_modules_newest_first():
    """name size refcnt users state address taints; a module without module_exit is [permanent]."""
    m = irqlab.boot("rpi5", seed=0)
    assert m.insmod(make()) == 0
    assert m.insmod(make("perm", "def module_init():\n    return 0\n")) == 0
    assert m.read("/proc/modules") == (
        "perm 12288 0 [permanent], Live 0xffffffc07a010000 (O)\n"
        "drv 12288 0 - Live 0xffffffc07a000000 (O)\n"
    )


def test_module_version_has_its_sysfs_file():
    """MODULE_VERSION("1.2") gives /sys/module/NAME/version; a module without one has no such file."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    assert m.insmod(make("ver", 'from irqlab.kernel import *\nMODULE_VERSION("1.2")\ndef module_init():\n    return 0\n')) == 0
    assert m.read("/sys/module/ver/version") == "1.2\n"
    assert m.insmod(make()) == 0
    with pytest.raises(FileNotFoundError):
        m.read("/sys/module/drv/version")


def test_a_proprietary_license_taints_p():
    """MODULE_LICENSE("Proprietary"): "module license 'Proprietary' taints kernel." and taint P."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    assert m.insmod(make("blob", 'from irqlab.kernel import *\nMODULE_LICENSE("Proprietary")\n'
                              'def module_init():\n    return 0\n')) == 0
    assert "blob: module license 'Proprietary' taints kernel." in m.dmesg_lines()
    assert "Disabling lock debugging due to kernel taint" in m.dmesg_lines()
    assert m.tainted == "PO" and m.read("/proc/modules").endswith("(PO)\n")


def test_module_param_misuse_names_the_fix():
    """The name is a string of an existing variable; world-writable perms are refused as the kernel's build does."""
    with pytest.raises(TypeError, match='module_param\\("debounce_ms", int, 0o644\\)'):
        make("x", "from irqlab.kernel import *\nv = 1\nmodule_param(v, int, 0o644)\n")
    with pytest.raises(NameError, match="define the variable first"):
        make("x", "from irqlab.kernel import *\nmodule_param('nope', int, 0o644)\n")
    with pytest.raises(ValueError, match="world-writable"):
        make("x", "from irqlab.kernel import *\nv = 1\nmodule_param('v', int, 0o666)\n")
    with pytest.raises(ValueError, match="unknown type 'float'"):
        make("x", "from irqlab.kernel import *\nv = 1\nmodule_param('v', 'float', 0o644)\n")


def test_proc_modules_marks_a_module_still_loading():
    """While module_init runs, /proc/modules says Loading and (O+), as module_flags(mod, buf, true) prints."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    seen = []
    mod = make("slow", "from irqlab.kernel import *\ndef module_init():\n    msleep(10)\n    return 0\n")
    m.at("1ms", lambda: seen.append(m.read("/proc/modules")))
    assert m.insmod(mod) == 0
    assert seen == ["slow 12288 0 [permanent], Loading 0xffffffc07a000000 (O+)\n"]


def test_shell_insmod_passes_parameters_to_the_drivers_globals(tmp_path):
    """`insmod drv.py debounce_ms=20` at the board's shell: module_init sees 20, sysfs reads and writes it."""
    f = tmp_path / "drv.py"
    f.write_text(textwrap.dedent(DRIVER))
    m = irqlab.boot("generic", cpus=1, seed=0)
    m.shell.add_host_file("drv.py", str(f))
    assert m.sh("insmod drv.py debounce_ms=20 speed=1").status == 0
    assert "drv: debounce_ms=20 verbose=0 label=btn" in m.dmesg_lines()
    assert "drv: unknown parameter 'speed' ignored" in m.dmesg_lines()
    assert m.sh("echo 35 > /sys/module/drv/parameters/debounce_ms").status == 0
    assert m.sh("cat /sys/module/drv/parameters/debounce_ms").output == "35\n"
    assert m.sh("rmmod drv").status == 0
    assert "drv: exit with debounce_ms=35" in m.dmesg_lines()
    r = m.sh("insmod drv.py debounce_ms=soon")
    assert r.status == 1 and r.output == "insmod: ERROR: could not insert module drv.py: Invalid argument\n"
