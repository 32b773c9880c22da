"""gpiolib: dynamic bases, the legacy integer API as 6.12 has it, descriptors, debugfs."""

import pytest

import irqlab
import irqlab.kernel as K
from irqlab.kernel import (
    GPIOD_IN,
    GPIOD_OUT_LOW,
    GPIOF_OUT_INIT_HIGH,
    gpio_chip,
    gpio_get_value,
    gpio_request,
    gpio_request_one,
    gpio_to_desc,
    gpiochip_add_data,
    gpiod_add_lookup,
    gpiod_get,
    gpiod_get_value,
    gpiod_put,
    gpiod_set_debounce,
    gpiod_set_value,
)


class FakeDev:
    name = "buttons"
    driver = None
    bus = None


def _chip():
    levels = [0] * 8
    dirs = [1] * 8
    gc = gpio_chip("fake-gpio", 8)
    gc.names = [f"L{i}" for i in range(8)]
    gc.get = lambda c, o: levels[o]
    gc.set = lambda c, o, v: levels.__setitem__(o, v)
    gc.direction_input = lambda c, o: dirs.__setitem__(o, 1) or 0
    gc.direction_output = lambda c, o, v: (dirs.__setitem__(o, 0), levels.__setitem__(o, v)) and 0
    gc.get_direction = lambda c, o: dirs[o]
    return gc, levels


def test_dynamic_base_and_legacy_numbers():
    """A chip with base -1 gets 512; gpio_request(3) fails with -EPROBE_DEFER (and a hint), 515 works."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    out = []
    gc, levels = _chip()

    def fn():
        out.append(gpiochip_add_data(gc, None))
        out.append(gc.base)
        out.append(gpio_request(3, "mine"))
        out.append(gpio_request(515, "mine"))
        out.append(gpio_request(515, "again"))
        out.append(gpio_request_one(516, GPIOF_OUT_INIT_HIGH, "led"))
        out.append(gpio_get_value(516))

    m.spawn(fn)
    m.run()
    assert out == [0, 512, -517, 0, -16, 0, 1]
    assert any("no GPIO 3 on this kernel; fake-gpio numbers its lines 512-519" in line for line in m.dmesg_lines())


def test_descriptor_lookup_active_low_and_debugfs():
    """gpiod_get() finds the board's line; active-low inverts values; /sys/kernel/debug/gpio lists consumers."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    gc, levels = _chip()
    out = {}

    def fn():
        gpiochip_add_data(gc, None)
        gpiod_add_lookup("buttons", "button", "fake-gpio", 5, active_low=True)
        gpiod_add_lookup("buttons", "led", "fake-gpio", 6)
        b = gpiod_get(FakeDev(), "button", GPIOD_IN)
        led = gpiod_get(FakeDev(), "led", GPIOD_OUT_LOW)
        levels[5] = 1
        out["pressed"] = gpiod_get_value(b)
        gpiod_set_value(led, 1)
        out["led"] = levels[6]
        out["missing"] = gpiod_get(FakeDev(), "nope", GPIOD_IN)
        out["debounce"] = gpiod_set_debounce(b, 5000)
        out["desc"] = gpio_to_desc(517) is b
        out["b"] = b

    m.spawn(fn)
    m.run()
    assert out["pressed"] == 0 and out["led"] == 1 and out["missing"] == -2 and out["debounce"] == -524 and out["desc"]
    assert m.read("/sys/kernel/debug/gpio") == (
        "gpiochip0: GPIOs 512-519, fake-gpio:\n"
        " gpio-512 (L0                  )\n"
        " gpio-513 (L1                  )\n"
        " gpio-514 (L2                  )\n"
        " gpio-515 (L3                  )\n"
        " gpio-516 (L4                  )\n"
        " gpio-517 (L5                  |button              ) in  hi ACTIVE LOW\n"
        " gpio-518 (L6                  |led                 ) out hi \n"
        " gpio-519 (L7                  )\n"
    )
    m.spawn(lambda: gpiod_put(out["b"]))
    m.run()
    assert "|button" not in m.read("/sys/kernel/debug/gpio")


def test_gpio_request_array_is_gone_as_in_6_10():
    """gpio_request_array() was removed in Linux 6.10: the name does not exist, with a message saying so."""
    with pytest.raises(AttributeError, match="removed in Linux 6.10"):
        K.gpio_request_array  # noqa: B018
    with pytest.raises(ImportError):
        from irqlab.kernel import gpio_request_array  # noqa: F401
