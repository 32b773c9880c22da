"""The README stays true: its first driver runs as shown."""

import pathlib
import re
import types

import irqlab

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def test_readme_first_driver_runs():
    """The 'A first driver' example loads, ticks every 100 ms and unloads cleanly."""
    code = re.search(r"## A first driver\n\n```python\n(.*?)```", README.read_text(), re.S).group(1)
    mod = types.ModuleType("blinky")
    exec(compile(code, "blinky.py", "exec"), mod.__dict__)
    m = irqlab.boot("generic", cpus=4, seed=1)
    assert m.insmod(mod) == 0
    m.run(until="1s")
    assert m.rmmod("blinky") == 0
    ticks = [line for line in m.dmesg_lines() if line.startswith("blinky: tick")]
    assert ticks[:3] == ["blinky: tick 1", "blinky: tick 2", "blinky: tick 3"] and len(ticks) == 9


def test_readme_quick_start_has_exactly_two_commands():
    """The Quick start block holds the demo command and the test command."""
    block = re.search(r"## Quick start\n\n```sh\n(.*?)```", README.read_text(), re.S).group(1).strip().splitlines()
    assert len(block) == 2
    assert block[0].endswith("irqlab demo") and block[1].endswith("python -m pytest")
