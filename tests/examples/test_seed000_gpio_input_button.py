"""Seed 000 "Event and Interrupt Chaining": a GPIO button's edge interrupt reported to the input core as KEY_ENTER."""

import importlib.util
import pathlib

from irqlab.kernel import EV_KEY, EV_SYN, KEY_ENTER

MS = 1_000_000
EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"


def load(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def key_events(m):
    dev = m.board.input_device("GPIO Button")
    return dev, [(e.time, e.value) for e in dev.events if e.type == EV_KEY and e.code == KEY_ENTER]


def test_clean_button_gives_one_press_and_one_release_per_click():
    """An ideal switch (profile "none") to 3V3 with a pull-down: one KEY_ENTER 1 at each press and 0 at each release,
    each followed by SYN_REPORT, a few microseconds after the edge (RP1 read over PCIe in the handler)."""
    ex = load("seed000_gpio_input_button")
    m = ex.main(1, profile="none")
    dev, keys = key_events(m)
    expected = []
    for t in ex.PRESSES_MS:
        expected += [(t, 1), (t + 200, 0)]
    assert [(ts // MS, v) for ts, v in keys] == expected
    assert all(ts % MS < 20_000 for ts, _ in keys)
    assert [e.type for e in dev.events] == [EV_KEY, EV_SYN] * 6
    assert "input: GPIO Button as /devices/virtual/input/input0" in m.dmesg_lines()
    row = [r for r in m.read("/proc/interrupts").splitlines() if r.endswith("button-irq")][0]
    assert "pinctrl-rp1  17 Edge      button-irq" in row
    assert ex.report(m).splitlines()[1:3] == ["Event: time 0.100003, type 1, code 28, value 1",
                                              "Event: time 0.100003, type 0, code 0, value 0"]


def test_the_state_compare_is_not_a_debounce():
    """With "typical" contact bounce every bounce edge is an interrupt; the handler reads the pin (about 1 us over PCIe)
    and reports whatever it sees when it differs from the last state, so a single press yields several KEY_ENTER
    press/release pairs. The input core (input_handle_event(), drivers/input/input.c) only drops repeats of the same value,
    so the reports alternate; all of one click's reports fall within its bounce window (a few ms)."""
    ex = load("seed000_gpio_input_button")
    m = ex.main(1)
    _, keys = key_events(m)
    values = [v for _, v in keys]
    assert all(a != b for a, b in zip(values, values[1:])) and values[0] == 1 and values[-1] == 0
    per_click = []
    for t in ex.PRESSES_MS:
        press = [v for ts, v in keys if t * MS <= ts < (t + 10) * MS]
        release = [v for ts, v in keys if (t + 200) * MS <= ts < (t + 210) * MS]
        assert press[0] == 1 and release[-1] == 0
        per_click.append(press.count(1) + release.count(1))
    assert len(keys) == sum(len([1 for ts, _ in keys if t * MS <= ts < (t + 210) * MS]) for t in ex.PRESSES_MS)
    assert max(per_click) > 1 and sum(per_click) > len(ex.PRESSES_MS)
    tops = [e for e in m.trace.events("irq_handler_entry") if e["name"] == "button-irq"]
    assert len(tops) > 2 * len(ex.PRESSES_MS)


def test_pull_up_wiring_reports_the_key_inverted():
    """With the usual pull-up wiring (pressed = low) the seed's gpio_get_value() state is inverted: the first press reports
    0, which the input core drops (the key is already up), and each release reports KEY_ENTER 1, so the key is "held"
    while the button is up and stays down after the last release."""
    ex = load("seed000_gpio_input_button")
    m = ex.main(1, profile="none", pull_up=True)
    _, keys = key_events(m)
    assert [(ts // MS, v) for ts, v in keys] == [(300, 1), (600, 0), (800, 1), (1100, 0), (1300, 1)]
