"""`irqlab board`: the user's mistakes are named before anything is served."""

from __future__ import annotations

from pathlib import Path

import pytest

from irqlab.cli import main

pytest.importorskip("aiohttp", reason="irqlab board needs the web extra (aiohttp)")

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["board", "no_such_driver.py"], "irqlab board: no driver file 'no_such_driver.py'"),
        (["board", str(EXAMPLES / "../irqlab/scenarios/two_buttons.py")], "has no module_init(): it is not a driver"),
        (["board", str(EXAMPLES / "seed001_gpio_buttons.py"), str(EXAMPLES / "seed001_bottomhalf_workqueue.py")],
         "both load as module 'gpiomod'; give one of them"),
        (["board", "--speed", "500"], "realtime ratio must be a number from 0.01 to 100.0"),
    ],
)
def test_mistakes_are_named(argv, message, capsys):
    """A missing file, a file that is no driver, two drivers with one module name, a speed out of range."""
    assert main(argv) == 2
    assert message in capsys.readouterr().err
