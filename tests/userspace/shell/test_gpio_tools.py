"""libgpiod's tools on the Pi 5's GPIO character device: 2.x syntax and output, and 1.x's where typed so."""

import pathlib

import pytest

import irqlab

EXAMPLES = pathlib.Path(__file__).resolve().parents[3] / "examples"


@pytest.fixture
def m():
    return irqlab.boot("rpi5", seed=1)


def test_gpiodetect_and_gpioinfo_formats(m):
    """gpiodetect's one line per chip; gpioinfo 2.x's tab-separated columns and 1.6's padded ones."""
    assert m.sh("gpiodetect").output == "gpiochip0 [pinctrl-rp1] (54 lines)\n"
    assert m.sh("gpioinfo | head -3").output == (
        'gpiochip0 - 54 lines:\n\tline   0:\t"ID_SDA"        \tinput\n\tline   1:\t"ID_SCL"        \tinput\n')
    assert m.sh("gpioinfo gpiochip0 | head -2").output == (
        'gpiochip0 - 54 lines:\n\tline   0:     "ID_SDA"       unused   input  active-high \n')
    assert m.sh("gpioinfo -c gpiochip0 | sed 1d").status == 127  # no sed on this board: command not found


def test_gpioset_holds_the_line_until_killed_and_gpioinfo_shows_the_consumer(m):
    """gpioset 2.x keeps the line requested (consumer "gpioset") until it is killed; the LED follows."""
    led = m.led(4)
    m.sh("gpioset GPIO4=1 &")
    m.sh("sleep 0.001")  # the background job runs while the foreground sleeps
    assert led.on
    assert m.sh("gpioinfo GPIO4").output == 'gpiochip0 4\t"GPIO4"         \toutput consumer="gpioset"\n'
    assert m.sh("gpioset GPIO4=0").output == "gpioset: unable to request lines on chip '/dev/gpiochip0': Device or resource busy\n"
    m.sh("kill %1")
    assert m.sh("gpioinfo GPIO4").output == 'gpiochip0 4\t"GPIO4"         \toutput\n'
    m.sh("gpioset -t0 GPIO4=off")
    assert not led.on


def test_v1_syntax_sets_and_exits_and_reads_bare_values(m):
    """gpioset gpiochip0 17=0 (the seed's 1.x syntax) sets and returns at once; gpioget prints "0"."""
    assert m.sh("gpioset gpiochip0 17=0; gpioget gpiochip0 17").output == "1\n"  # gpioget makes it an input again
    assert m.sh("gpioget GPIO17 GPIO18").output == '"GPIO17"=active "GPIO18"=active\n'
    assert m.sh("gpioget -c gpiochip0 --numeric 17").output == "1\n"
    assert m.sh("gpioget GPIO99").output == "gpioget: cannot find line 'GPIO99'\n"


def test_a_line_held_by_a_driver_is_busy_as_on_the_board():
    """With the seed's gpiomod loaded, its button line is taken: gpioset fails with EBUSY, 1.x wording."""
    m = irqlab.boot("rpi5", seed=1)
    m.shell.add_host_file("gpiomod.py", str(EXAMPLES / "seed001_gpio_buttons.py"))
    m.sh("insmod gpiomod.ko")
    r = m.sh("gpioset gpiochip0 17=0")
    assert r.output == "gpioset: error setting the GPIO line values: Device or resource busy\n" and r.status == 1
    assert m.sh("gpioinfo GPIO17").output == 'gpiochip0 17\t"GPIO17"        \tinput consumer="LED 1 ON BUTTON"\n'


def test_gpiomon_prints_each_edge_with_its_monotonic_timestamp(m):
    """gpiomon requests a threaded IRQ named after its consumer and prints each bounce edge it sees."""
    btn = m.button(17, "none")
    m.sh("gpiomon -n 2 GPIO17 &")
    assert "gpiomon" in m.sh("cat /proc/interrupts | grep gpiomon").output
    btn.click(at=m.now + 1_000_000, hold="20ms")
    out = m.sh("wait").output.splitlines()
    assert out[0].endswith('\tfalling\t"GPIO17"') and out[1].endswith('\trising\t"GPIO17"')
    t0, t1 = (float(line.split("\t")[0]) for line in out[:2])
    assert 0.019 < t1 - t0 < 0.021
    assert out[2] == "[1]+  Done                    gpiomon -n 2 GPIO17"
    m.sh("gpiomon -n 1 -f gpiochip0 17 &")
    btn.click(at=m.now + 1_000_000, hold="1ms")
    assert m.sh("wait").output.startswith("event: FALLING EDGE offset: 17 timestamp: [")
