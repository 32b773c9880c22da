"""A board session: inputs applied at the simulated time reached, recorded as a scenario that replays identically."""

from __future__ import annotations

from pathlib import Path

import pytest

from irqlab.cli import main
from irqlab.ui.session import BoardSession

DRIVER = str(Path(__file__).resolve().parents[2] / "examples" / "seed001_gpio_buttons.py")


def _session() -> BoardSession:
    s = BoardSession({"gpiomod": DRIVER})
    s.run(until=5_000_000)
    s.insmod("gpiomod")
    s.run(until=100_000_000)
    s.press(17)
    s.run(until=260_000_000)
    s.release(17)
    s.run(until=300_000_000)
    s.cpu_hog(1, True)
    s.rt_hog(0, True)
    s.run(until=400_000_000)
    s.storm(18)
    s.run(until=450_000_000)
    s.rt_hog(0, False)
    s.cpu_hog(1, False)
    s.run(until=600_000_000)
    return s


def test_recorded_session_replays_with_irqlab_run(tmp_path, capsys):
    """The scenario file of a session gives `irqlab run --plain` the session's exact dmesg."""
    s = _session()
    assert s.led_states() == {4: False}
    assert "gpiomod#button2" in s.m.read("/proc/interrupts")
    rec = tmp_path / "session.py"
    rec.write_text(s.scenario())
    assert main(["run", "--plain", str(rec)]) == 0
    assert capsys.readouterr().out == s.m.dmesg()


def test_recorded_session_replays_the_same_trace(tmp_path):
    """Replayed, the scenario gives the same trace, /proc/interrupts and LED timeline."""
    from irqlab.cli import run_file

    s = _session()
    rec = tmp_path / "session.py"
    rec.write_text(s.scenario())
    r = run_file(str(rec), seed=1)
    assert r.now == s.m.now == 600_000_000
    assert r.trace.text() == s.m.trace.text()
    assert r.read("/proc/interrupts") == s.m.read("/proc/interrupts")
    assert r.led(4).timeline == s.m.led(4).timeline


def test_scenario_lists_the_inputs_as_calls():
    """The file is plain Python: one run-to-time line and one call per input."""
    s = BoardSession({"gpiomod": DRIVER})
    s.run(until=1_000_000)
    s.insmod("gpiomod")
    s.run(until=2_500_000)
    s.press(17)
    text = s.scenario()
    assert "    s.run(until=1_000_000)\n    s.insmod('gpiomod')\n    s.run(until=2_500_000)\n    s.press(17)\n" in text
    assert text.endswith("    s.run(until=2_500_000)\n    return s.m\n")


@pytest.mark.parametrize(
    ("op", "args", "message"),
    [
        ("exec", ["import os"], "unknown input 'exec'"),
        ("press", ["17"], r"press takes \(int\), not \['17'\]"),
        ("press", [5], "no button on GPIO5"),
        ("insmod", ["/etc/passwd"], "no driver '/etc/passwd'"),
        ("cpu_hog", [7, True], "CPU 7 does not exist"),
        ("cpu_hog", [1, 1], r"cpu_hog takes \(int, bool\)"),
        ("uart_send", ["\u00e9t\u00e9"], "the console sends 1-256 ASCII characters"),
        ("nic_rate", [10_000_000], "from 0 to 1000000 packets/s"),
    ],
)
def test_inputs_are_checked(op, args, message):
    """Only the known inputs with arguments of the right type, on wired parts and given drivers."""
    s = BoardSession({"gpiomod": DRIVER})
    with pytest.raises(ValueError, match=message):
        s.apply(op, args)
    assert s.inputs == []


def test_insmod_twice_and_rmmod_unloaded_are_refused():
    """insmod of a loaded module and rmmod of one that is not loaded are refused, as the tools refuse them."""
    s = BoardSession({"gpiomod": DRIVER})
    with pytest.raises(ValueError, match="rmmod: gpiomod is not loaded"):
        s.rmmod("gpiomod")
    s.insmod("gpiomod")
    s.run(until=1_000_000)
    with pytest.raises(ValueError, match=r"insmod: gpiomod is already loaded \(rmmod it first\)"):
        s.insmod("gpiomod")
    assert [i.op for i in s.inputs] == ["insmod"]


def test_only_the_pi5_is_drawn():
    """The page draws the Pi 5 header: another board is refused with the fix."""
    with pytest.raises(ValueError, match="use board 'rpi5'"):
        BoardSession({}, board="pc")


def test_uart_console_and_nic_traffic_replay(tmp_path, capsys):
    """A driver with the examples' ``board`` dict gets uart0: typed bytes reach its handler; the replay matches."""
    uart_driver = str(Path(DRIVER).parent / "seed003_basic_handler.py")
    s = BoardSession({"my_uart": uart_driver})
    s.run(until=10_000_000)
    s.insmod("my_uart")
    s.run(until=50_000_000)
    s.uart_send("hi\n")
    s.nic_rate(10_000)
    s.run(until=80_000_000)
    s.nic_rate(0)
    s.run(until=100_000_000)
    assert bytes(b for _, b in s.uart.tx_log) == b"ok\n"
    assert "my_uart: rx: 1 byte(s) 'h'" in s.m.dmesg()
    assert s.nic.ignored == 301  # no driver turned the receiver on: one every 100 us from 50 ms to 80 ms
    rec = tmp_path / "session.py"
    rec.write_text(s.scenario())
    assert main(["run", "--plain", str(rec)]) == 0
    assert capsys.readouterr().out == s.m.dmesg()


def test_a_failing_insmod_says_what_insmod_says(tmp_path):
    """A driver whose init fails (GPIO17 already taken by another) reports insmod's error line."""
    other = tmp_path / "other.py"
    other.write_text(Path(DRIVER).read_text().replace('MODULE_NAME = "gpiomod"', 'MODULE_NAME = "gpiomod2"'))
    s = BoardSession({"gpiomod": DRIVER, "gpiomod2": str(other)})
    s.insmod("gpiomod")
    s.run(until=1_000_000)
    s.insmod("gpiomod2")
    assert s.tool_result("gpiomod2") == ""
    s.run(until=2_000_000)
    assert s.tool_result("gpiomod") == ""
    assert s.tool_result("gpiomod2") == "insmod: ERROR: could not insert module other.py: Device or resource busy"


def test_module_parameters_are_insmod_arguments():
    """Parameters are read as insmod's name=value words and given to the module's insmod; the recording keeps them."""
    from irqlab.ui.session import parse_params

    assert parse_params("debounce_ms=20 label='b 2' verbose=Y") == {"debounce_ms": "20", "label": "b 2", "verbose": "Y"}
    with pytest.raises(ValueError, match="module parameters are name=value, not 'verbose'"):
        parse_params("verbose")
    s = BoardSession({"gpiomod": DRIVER})
    s.insmod("gpiomod", "toggle=1")
    assert s.inputs[-1].call() == "s.insmod('gpiomod', 'toggle=1')"
    s.run(until=1_000_000)
    assert s.m.read("/sys/module/gpiomod/parameters/toggle") == "Y\n"
