"""The Raspberry Pi 5 board: RP1 GPIO interrupts through pinctrl-rp1, /proc/interrupts, debugfs, the demo."""

import irqlab
from irqlab.kernel import (
    GPIOD_IN,
    IRQ_HANDLED,
    IRQF_TRIGGER_FALLING,
    disable_irq_nosync,
    gpio_request,
    gpio_to_irq,
    gpiod_add_lookup,
    gpiod_get,
    gpiod_to_irq,
    request_irq,
)
from irqlab.scenarios import rpi5_demo


class Dev:
    name = "buttons"
    driver = None
    bus = None


def _setup(m, flags, handler):
    box = {}

    def init():
        gpiod_add_lookup("buttons", "button", "pinctrl-rp1", 17)
        d = gpiod_get(Dev(), "button", GPIOD_IN)
        box["irq"] = gpiod_to_irq(d)
        box["ret"] = request_irq(box["irq"], handler, flags, "button", None)
        box["legacy17"] = gpio_request(17, "wrong")
        box["legacy_irq"] = gpio_to_irq(529)

    m.spawn(init, name="init")
    m.run(until="1ms")
    return box


def test_gpio17_interrupt_shows_as_pinctrl_rp1_edge_and_in_debugfs():
    """A falling-edge GPIO17 IRQ: '/proc/interrupts' shows 'pinctrl-rp1  17 Edge      button' and
    /sys/kernel/debug/gpio lists gpio-529 with its consumer and IRQ; each bounce edge is counted."""
    m = irqlab.boot("rpi5", seed=3)
    b = m.button(17, "typical")
    hits = []
    box = _setup(m, IRQF_TRIGGER_FALLING, lambda irq, dev: hits.append(m.now) or IRQ_HANDLED)
    assert box["ret"] == 0 and box["legacy17"] == -517 and box["legacy_irq"] == box["irq"]
    b.click(at="10ms", hold="100ms")
    m.run(until="300ms")
    falling = sum(1 for ev in b.events for _, closed in ev.transitions if closed)
    assert len(hits) == falling >= 2
    row = [r for r in m.read("/proc/interrupts").splitlines() if r.endswith(" button")][0]
    assert row == f"{box['irq']:3d}:" + "".join(f" {c:10d}" for c in (falling, 0, 0, 0)) + "  pinctrl-rp1  17 Edge      button"
    gpio = m.read("/sys/kernel/debug/gpio")
    assert gpio.startswith("gpiochip0: GPIOs 512-565, parent: platform/1f000d0000.gpio, pinctrl-rp1:\n")
    assert " gpio-529 (GPIO17              |button              ) in  hi IRQ \n" in gpio
    assert "gpiolib: gpio_request(17): no GPIO 17 on this kernel; pinctrl-rp1 numbers its lines 512-565" in m.dmesg()


def test_level_low_gpio_storms_while_held_and_uses_handle_level_irq():
    """IRQF_TRIGGER_LOW is a level type on handle_level_irq: a handler that does not silence the source
    re-fires as long as the button is held (here it disables the line after 5)."""
    from irqlab.kernel import IRQF_TRIGGER_LOW

    m = irqlab.boot("rpi5", seed=1)
    b = m.button(17, "none")
    hits = []

    def handler(irq, dev):
        hits.append(m.now)
        if len(hits) == 5:
            disable_irq_nosync(irq)
        return IRQ_HANDLED

    _setup(m, IRQF_TRIGGER_LOW, handler)
    b.press(at="10ms")
    m.run(until="20ms")
    assert len(hits) == 5 and hits[-1] - hits[0] < 200_000
    assert "Level     button" in m.read("/proc/interrupts")


def test_demo_is_deterministic_and_toggles_led_once_per_button():
    """The demo: same seed, same dmesg; the LED goes on after button 1's thread and off after button 2's."""
    a = rpi5_demo.run(5)
    b = rpi5_demo.run(5)
    assert a.machine.dmesg() == b.machine.dmesg() and a.interrupts == b.interrupts
    assert [on for _, on in a.led.timeline] == [False, True, False]
    assert all(x.top_half - x.press < 10_000 and x.thread > x.top_half for x in a.latencies)
