"""`irqlab modinfo FILE`: the module's .modinfo in modinfo(8)'s format, without loading it."""

import textwrap

from irqlab.cli import main

DRIVER = '''
from irqlab.kernel import *
MODULE_LICENSE("GPL")
MODULE_AUTHOR("Ada Lovelace <ada@example.org>")
MODULE_DESCRIPTION("Debounced button driver")
debounce_ms = 50
module_param("debounce_ms", int, 0o644)
MODULE_PARM_DESC("debounce_ms", "Debounce time in ms")
verbose = False
module_param("verbose", bool, 0o444)
def module_init():
    raise RuntimeError("modinfo must not call module_init")
'''


def test_modinfo_prints_tags_and_parameters(tmp_path, capsys):
    """filename, the MODULE_* tags (last declared first), depends, name, vermagic, then one parm per parameter."""
    f = tmp_path / "button_drv.py"
    f.write_text(textwrap.dedent(DRIVER))
    assert main(["modinfo", str(f)]) == 0
    assert capsys.readouterr().out == (
        f"filename:       {f}\n"
        "description:    Debounced button driver\n"
        "author:         Ada Lovelace <ada@example.org>\n"
        "license:        GPL\n"
        "depends:        \n"
        "name:           button_drv\n"
        "vermagic:       6.12.25+rpt-rpi-2712 SMP preempt mod_unload modversions aarch64\n"
        "parm:           debounce_ms:Debounce time in ms (int)\n"
        "parm:           verbose:(bool)\n"
    )


def test_modinfo_field_and_board(tmp_path, capsys):
    """-F prints one field's values; --board pc gives x86's vermagic and retpoline."""
    f = tmp_path / "button_drv.py"
    f.write_text(textwrap.dedent(DRIVER))
    assert main(["modinfo", "-F", "license", str(f)]) == 0
    assert capsys.readouterr().out == "GPL\n"
    assert main(["modinfo", "--board", "pc", "-F", "vermagic", str(f)]) == 0
    assert capsys.readouterr().out == "6.12.25-amd64 SMP preempt mod_unload modversions \n"
    assert main(["modinfo", "--board", "pc", "-F", "retpoline", str(f)]) == 0
    assert capsys.readouterr().out == "Y\n"


def test_modinfo_of_a_missing_file(capsys):
    """A missing file is an error naming it, exit 2."""
    assert main(["modinfo", "/nonexistent/drv.py"]) == 2
    assert "modinfo: ERROR: no scenario file or example named '/nonexistent/drv.py'" in capsys.readouterr().err
