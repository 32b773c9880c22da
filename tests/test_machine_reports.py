"""Kernel reports raised from user code: irqlab's "raised at" line and bugs="raise" with the user's frames first."""

import os
import textwrap
import traceback

import pytest

import irqlab
from irqlab.cli_run import dmesg_with_sites

DRIVER = '''
from irqlab.kernel import *
t = timer_list()
def check(n):
    WARN_ON(n == 2)
    return 10 // (3 - n)
def tick(tm):
    tick.n += 1
    check(tick.n)
    mod_timer(tm, get_jiffies() + 1)
tick.n = 0
def module_init():
    timer_setup(t, tick, 0)
    mod_timer(t, get_jiffies() + 1)
    return 0
'''


def load(tmp_path):
    import importlib.util

    f = tmp_path / "mydriver.py"
    f.write_text(textwrap.dedent(DRIVER))
    spec = importlib.util.spec_from_file_location("mydriver", f)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_each_report_is_followed_by_irqlabs_raised_at_line(tmp_path):
    """The WARNING and the oops each end with `---[ end trace ...]---`, then `irqlab: raised at mydriver.py:N in fn`."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    assert m.insmod(load(tmp_path)) == 0
    m.run(for_="50ms")
    lines = [line for line, _ in dmesg_with_sites(m)]
    ours = [i for i, line in enumerate(lines) if line.startswith("irqlab:")]
    assert [lines[i] for i in ours] == ["irqlab: raised at mydriver.py:5 in check", "irqlab: raised at mydriver.py:6 in check"]
    assert all(lines[i - 1].endswith("---[ end trace 0000000000000000 ]---") for i in ours)
    assert not any(line.startswith("irqlab:") for line in m.dmesg_lines())  # the kernel log itself is the kernel's


def test_bugs_raise_shows_the_users_frames_first(tmp_path):
    """bugs="raise": the oops' cause (ZeroDivisionError) carries only the driver's frames and is printed first."""
    m = irqlab.boot("generic", cpus=1, seed=0, bugs="raise")
    mod = load(tmp_path)
    with pytest.raises(irqlab.KernelBugError) as info:
        m.insmod(mod)
        mod.check.__globals__["tick"].n = 2  # the next tick divides by zero without warning first
        m.run(for_="50ms")
    e = info.value
    assert e.kind == "Oops" and isinstance(e.__cause__, ZeroDivisionError)
    cause_frames = traceback.extract_tb(e.__cause__.__traceback__)
    assert [(f.name, f.lineno) for f in cause_frames] == [("tick", 9), ("check", 6)]
    text = "".join(traceback.format_exception(e))
    assert text.index("mydriver.py") < text.index("KernelBugError")
    pkg = os.path.dirname(irqlab.__file__)
    internal = [f for f in traceback.extract_tb(e.__traceback__) if f.filename.startswith(pkg)]
    assert [f.name for f in internal] == ["run"]  # only m.run(), which re-raises it
