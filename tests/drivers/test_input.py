"""The input core: registration message, filtering like input_handle_event(), evdev-style events."""

import irqlab
from irqlab.kernel import (
    EV_KEY,
    EV_SYN,
    KEY_ENTER,
    KEY_POWER,
    SYN_REPORT,
    input_allocate_device,
    input_register_device,
    input_report_key,
    input_set_capability,
    input_sync,
    msleep,
    set_bit,
)


def test_registered_device_reports_filtered_key_events_with_timestamps():
    """Only declared keys pass, repeated states and empty syncs are dropped, events carry simulated time."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    box = {}

    def fn():
        dev = input_allocate_device()
        dev.name = "gpio_button"
        set_bit(EV_KEY, dev.evbit)
        set_bit(KEY_ENTER, dev.keybit)
        assert input_register_device(dev) == 0
        box["dev"] = dev
        input_report_key(dev, KEY_ENTER, 1)
        input_sync(dev)
        input_report_key(dev, KEY_ENTER, 1)  # same state: dropped
        input_report_key(dev, KEY_POWER, 1)  # not declared: dropped
        input_sync(dev)  # nothing pending: not delivered
        msleep(20)
        input_report_key(dev, KEY_ENTER, 0)
        input_sync(dev)

    m.spawn(fn)
    m.run()
    ev = box["dev"].events
    assert [(e.type, e.code, e.value) for e in ev] == [
        (EV_KEY, KEY_ENTER, 1), (EV_SYN, SYN_REPORT, 0), (EV_KEY, KEY_ENTER, 0), (EV_SYN, SYN_REPORT, 0)]
    assert ev[2].time - ev[0].time >= 20_000_000
    assert "input: gpio_button as /devices/virtual/input/input0" in m.dmesg_lines()
    assert 'N: Name="gpio_button"' in m.read("/proc/bus/input/devices")
    assert str(ev[0]).startswith("Event: time 0.0000")


def test_input_set_capability_declares_type_and_code():
    """input_set_capability() sets both the event type and the code bits."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    box = {}

    def fn():
        dev = input_allocate_device()
        input_set_capability(dev, EV_KEY, KEY_POWER)
        input_register_device(dev)
        input_report_key(dev, KEY_POWER, 1)
        input_sync(dev)
        box["n"] = len(dev.events)

    m.spawn(fn)
    m.run()
    assert box["n"] == 2
