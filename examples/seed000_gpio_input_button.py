"""A GPIO button reported to the input subsystem as KEY_ENTER from its edge interrupt; contact bounce gets through.

Ported line by line from seed 000's "Event and Interrupt Chaining". On a 6.12 Pi 5 the legacy
GPIO number of header GPIO17 is 512 + 17 (pinctrl-rp1 registers with a dynamic base). The
handler reads the pin and reports it as the key state when it differs from the last one; the
seed calls that "debounced", but it is not: every bounce edge is an interrupt, and whenever the
read catches the contacts mid-bounce the key goes down and up again, so one press can give
several KEY_ENTER press/release pairs (the input core only drops repeats of the same value).
Reporting the raw level is right for a button to 3V3 with a pull-down, the wiring main() uses
by default; with the usual pull-up wiring (``main(seed, pull_up=True)``, pressed = low) the key
reads as pressed while the button is up. The seed has no exit path: the module stays loaded.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import irqlab
from irqlab.errno import ENOMEM
from irqlab.hw.button import Button
from irqlab.hw.rp1_gpio import PAD_PDE
from irqlab.kernel import (
    BUS_HOST,
    EV_KEY,
    GFP_KERNEL,
    IRQ_HANDLED,
    IRQF_TRIGGER_FALLING,
    IRQF_TRIGGER_RISING,
    KEY_ENTER,
    Struct,
    gpio_direction_input,
    gpio_free,
    gpio_get_value,
    gpio_request,
    gpio_to_irq,
    input_allocate_device,
    input_free_device,
    input_register_device,
    input_report_key,
    input_sync,
    input_unregister_device,
    kzalloc,
    request_irq,
    set_bit,
)

SEED_SECTION = "000: Event and Interrupt Chaining"
MODULE_NAME = "gpio_input_button"

# pinctrl-rp1 numbers its lines from the dynamic base 512 on 6.12: header GPIO17 is 529.
RP1_GPIO_BASE = 512
BUTTON_GPIO = 17


class my_button_device(Struct):
    def __init__(self) -> None:
        self.input: Any = None  # Input subsystem device
        self.gpio = -1  # GPIO pin
        self.irq = -1  # IRQ number
        self.state = False  # Current button state


def button_irq_handler(irq: int, dev_id: Any) -> int:
    """GPIO IRQ handler that forwards to input subsystem."""
    button_dev: my_button_device = dev_id

    # Read the GPIO pin state
    new_state = True if gpio_get_value(button_dev.gpio) else False

    # Only report if state changed (debounced)
    if new_state != button_dev.state:
        # Report the event to input subsystem
        input_report_key(button_dev.input, KEY_ENTER, new_state)
        input_sync(button_dev.input)

        # Update stored state
        button_dev.state = new_state

    return IRQ_HANDLED


def setup_button_device(button_dev: my_button_device) -> int:
    """Initialize the button device with input subsystem."""
    # Allocate input device
    button_dev.input = input_allocate_device()
    if not button_dev.input:
        return -ENOMEM

    # Configure input device
    button_dev.input.name = "GPIO Button"
    button_dev.input.phys = "gpio/input0"
    button_dev.input.id.bustype = BUS_HOST

    # Set capabilities
    set_bit(EV_KEY, button_dev.input.evbit)
    set_bit(KEY_ENTER, button_dev.input.keybit)

    # Register with input subsystem
    ret = input_register_device(button_dev.input)
    if ret:
        input_free_device(button_dev.input)
        return ret

    # Request GPIO and IRQ
    ret = gpio_request(button_dev.gpio, "button-gpio")
    if ret:
        input_unregister_device(button_dev.input)
        return ret

    ret = gpio_direction_input(button_dev.gpio)
    if ret:
        gpio_free(button_dev.gpio)
        input_unregister_device(button_dev.input)
        return ret

    button_dev.irq = gpio_to_irq(button_dev.gpio)
    ret = request_irq(button_dev.irq, button_irq_handler,
                      IRQF_TRIGGER_RISING | IRQF_TRIGGER_FALLING,
                      "button-irq", button_dev)  # fmt: skip
    if ret:
        gpio_free(button_dev.gpio)
        input_unregister_device(button_dev.input)
        return ret

    # Read initial state
    button_dev.state = True if gpio_get_value(button_dev.gpio) else False

    return 0


button_dev: my_button_device | None = None


def gpio_input_button_init() -> int:
    global button_dev
    button_dev = kzalloc(my_button_device, GFP_KERNEL)
    if button_dev is None:
        return -ENOMEM
    button_dev.gpio = RP1_GPIO_BASE + BUTTON_GPIO
    return setup_button_device(button_dev)


module_init = gpio_input_button_init

#: Three presses (ms), each held 200 ms.
PRESSES_MS = (100, 600, 1100)


def main(seed: int = 1, profile: str = "typical", pull_up: bool = False) -> irqlab.Machine:
    """Three presses of a bouncing button on GPIO17 (to 3V3 with a pull-down unless ``pull_up``)."""
    m = irqlab.boot("rpi5", seed=seed, trace=["irq_handler_entry"])
    if pull_up:
        button = m.button(BUTTON_GPIO, profile)  # to GND, pulled up: pressed = low
    else:
        # config.txt "gpio=17=ip,pd": the firmware sets the pad's pull-down before Linux runs.
        bank, n = m.kernel.subsys["rp1_gpio_hw"].bank_of(BUTTON_GPIO)
        bank.writel(0x300 + 4 * n, PAD_PDE)
        pin = m.board.gpio_pin(BUTTON_GPIO)
        pin.active_high = True  # to 3V3, pulled down: pressed = high
        button = Button(m.kernel.engine, f"button{BUTTON_GPIO}", line=pin, profile=profile)
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    for t in PRESSES_MS:
        button.click(at=f"{t}ms", hold="200ms")
    m.run(until="1500ms")
    return m


def report(m: irqlab.Machine) -> str:
    """What else the reader looks at: the input events, as evtest prints them."""
    events = m.board.input_device("GPIO Button").events
    return "--- GPIO Button events ---\n" + "".join(f"{e}\n" for e in events)


if __name__ == "__main__":
    mach = main()
    print(mach.dmesg() + report(mach), end="")
