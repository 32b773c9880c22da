"""A gpiod_get() button driver with a thread-only IRQ: the seed's call fails without IRQF_ONESHOT.

Ported from "Best Practices and Recommendations", 1. Use Threaded IRQs for New Code and
2. Prefer Descriptor-Based GPIO API: a platform driver gets its "button" GPIO with gpiod_get()
(the board's lookup table stands in for the device tree's ``button-gpios``), converts it with
gpiod_to_irq() and requests ``request_threaded_irq(irq, NULL, button_thread_fn, ...)``. Two
things in the seed would not build or not work on 6.12: ``IRQF_TRIGGER_BOTH`` does not exist
(the port uses IRQF_TRIGGER_RISING | IRQF_TRIGGER_FALLING), and a NULL primary handler needs
IRQF_ONESHOT, or request_threaded_irq() fails with -EINVAL and "genirq: Threaded irq requested
with handler=NULL and !ONESHOT" (pinctrl-rp1's irq_chip is not IRQCHIP_ONESHOT_SAFE). The
module parameter ``oneshot`` (0 = the seed's call) shows both: main() loads it with 0, then 1.
"""

from __future__ import annotations

from types import SimpleNamespace

import irqlab
from irqlab.kernel import (
    GPIOD_IN,
    IRQ_HANDLED,
    IRQF_ONESHOT,
    IRQF_TRIGGER_FALLING,
    IRQF_TRIGGER_RISING,
    IS_ERR,
    module_param,
    PTR_ERR,
    dev_info,
    free_irq,
    gpiod_add_lookup,
    gpiod_get,
    gpiod_get_value_cansleep,
    gpiod_put,
    gpiod_to_irq,
    msleep,
    platform_device,
    platform_device_register,
    platform_device_unregister,
    platform_driver,
    platform_driver_register,
    platform_driver_unregister,
    platform_get_drvdata,
    platform_set_drvdata,
    request_threaded_irq,
)

SEED_SECTION = "001: Best Practices and Recommendations (1. Threaded IRQs, 2. Descriptor-Based GPIO API)"
MODULE_NAME = "button"

# module_param(oneshot, bool, 0444): add the IRQF_ONESHOT the seed's call lacks.
oneshot = False
module_param("oneshot", "bool", 0o444)

IRQF_TRIGGER_BOTH = IRQF_TRIGGER_RISING | IRQF_TRIGGER_FALLING  # not a kernel macro; the seed's name for both edges


class button_priv:
    def __init__(self, gpiod: object, irq: int) -> None:
        self.gpiod = gpiod
        self.irq = irq


def button_thread_fn(irq: int, dev_id: platform_device) -> int:
    priv = platform_get_drvdata(dev_id)
    msleep(1)  # a thread may sleep: e.g. talk to a slow bus before reporting
    dev_info(dev_id, "button %s\n", "pressed" if gpiod_get_value_cansleep(priv.gpiod) else "released")
    return IRQ_HANDLED


def button_probe(pdev: platform_device) -> int:
    dev = pdev.dev

    # Request GPIO
    gpiod = gpiod_get(dev, "button", GPIOD_IN)
    if IS_ERR(gpiod):
        return PTR_ERR(gpiod)

    # Convert to IRQ
    irq = gpiod_to_irq(gpiod)

    # Request threaded IRQ
    flags = IRQF_TRIGGER_BOTH | (IRQF_ONESHOT if oneshot else 0)
    ret = request_threaded_irq(irq, None, button_thread_fn, flags, "button", dev)
    if ret:
        gpiod_put(gpiod)
        return ret
    platform_set_drvdata(pdev, button_priv(gpiod, irq))
    dev_info(dev, "GPIO %d is IRQ %d\n", gpiod.gpio, irq)
    return 0


def button_remove(pdev: platform_device) -> None:
    priv = platform_get_drvdata(pdev)
    free_irq(priv.irq, pdev.dev)
    gpiod_put(priv.gpiod)  # gpiod_get() is not managed: the driver releases it (devm_gpiod_get() would not need this)


button_driver = platform_driver("button", button_probe, button_remove)
button_pdev: platform_device | None = None


def button_init() -> int:
    global button_pdev
    # Board data: the device tree's button-gpios = <&rp1_gpio 17 GPIO_ACTIVE_LOW>
    gpiod_add_lookup("button.0", "button", "pinctrl-rp1", 17, active_low=True)
    button_pdev = platform_device("button", 0)
    platform_device_register(button_pdev)
    return platform_driver_register(button_driver)


def button_exit() -> None:
    platform_driver_unregister(button_driver)
    platform_device_unregister(button_pdev)


module_init = button_init
module_exit = button_exit

shown: dict[str, str] = {}


def main(seed: int = 1) -> irqlab.Machine:
    """insmod with oneshot=0 (the seed's call: probe fails), rmmod, insmod with oneshot=1, press at 50 ms."""
    global oneshot
    shown.clear()
    m = irqlab.boot("rpi5", seed=seed, trace=["irq_handler_entry", "irq_thread_entry"])
    b = m.button(17, "typical")
    oneshot = False
    m.insmod(SimpleNamespace(**globals()))  # insmod button oneshot=0
    m.rmmod(MODULE_NAME)
    oneshot = True
    m.insmod(SimpleNamespace(**globals()))  # insmod button oneshot=1
    b.click(at="50ms", hold="150ms")
    m.run(until="400ms")
    shown["/proc/interrupts"] = "".join(r + "\n" for r in m.read("/proc/interrupts").splitlines() if r.endswith(" button"))
    m.rmmod(MODULE_NAME)
    return m


def report(m: irqlab.Machine) -> str:
    """What else the reader looks at: the IRQ's /proc/interrupts row while the driver was bound."""
    return "".join(f"--- {path} ---\n{text}" for path, text in shown.items())


if __name__ == "__main__":
    mach = main()
    print(mach.dmesg() + report(mach), end="")
