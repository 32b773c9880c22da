"""A platform driver with a device-managed GPIO and threaded IRQ: the seed's probe binds with no IRQ, unbinding frees.

Ported from "Best Practices and Recommendations, 4. Use devm_* for Automatic Resource Cleanup".
The seed's probe, as written (module parameter ``fixed=0``), compiles but fails silently on
6.12: devm_gpio_request() returns 0 or -errno, not a GPIO number, so gpio_to_irq(0) is
-EINVAL (there is no GPIO 0 on a Pi 5: pinctrl-rp1 starts at 512); devm_request_threaded_irq()
on -EINVAL fails, and so would a NULL primary handler without IRQF_ONESHOT; probe ignores
both and returns 0, so the driver binds with no interrupt. ``fixed=1`` checks each return
value, converts the number it requested and adds IRQF_ONESHOT; unbinding then releases the IRQ
and the GPIO with no remove() code (devres_release_all(), newest first).
"""

from __future__ import annotations

from types import SimpleNamespace

import irqlab
from irqlab.kernel import (
    IRQ_HANDLED,
    IRQF_ONESHOT,
    IRQF_TRIGGER_FALLING,
    dev_err,
    dev_info,
    devm_gpio_request,
    devm_request_threaded_irq,
    gpio_to_irq,
    module_param,
    platform_device,
    platform_device_register,
    platform_device_unregister,
    platform_driver,
    platform_driver_register,
    platform_driver_unregister,
)

SEED_SECTION = "001: Best Practices and Recommendations (4. Use devm_* for Automatic Resource Cleanup)"
MODULE_NAME = "devm_button"

# module_param(fixed, bool, 0444): 0 = the seed's probe, 1 = with its return values checked.
fixed = False
module_param("fixed", "bool", 0o444)
gpio_num = 512 + 17  # header GPIO17 on a Pi 5 (pinctrl-rp1 base 512)
flags = IRQF_TRIGGER_FALLING


def handler(irq: int, dev_id: object) -> int:
    dev_info(button_pdev, "pressed (IRQ %d)\n", irq)
    return IRQ_HANDLED


def probe_as_in_seed(pdev: platform_device) -> int:
    dev = pdev.dev
    # Request GPIO - auto-freed on driver removal
    gpio = devm_gpio_request(dev, gpio_num, "button")

    # Get IRQ - auto-freed
    irq = gpio_to_irq(gpio)
    devm_request_threaded_irq(dev, irq, None, handler, flags, "button", None)

    return 0  # No cleanup needed on error!


def probe(pdev: platform_device) -> int:
    dev = pdev.dev
    ret = devm_gpio_request(dev, gpio_num, "button")  # 0 or -errno: the GPIO is gpio_num
    if ret:
        return ret
    irq = gpio_to_irq(gpio_num)
    if irq < 0:
        return irq
    ret = devm_request_threaded_irq(dev, irq, None, handler, flags | IRQF_ONESHOT, "button", None)
    if ret:
        dev_err(dev, "request of IRQ %d failed: %d\n", irq, ret)
        return ret  # devres releases the GPIO: still no cleanup code
    dev_info(dev, "GPIO %d, IRQ %d\n", gpio_num, irq)
    return 0


def do_probe(pdev: platform_device) -> int:
    return probe(pdev) if fixed else probe_as_in_seed(pdev)


button_driver = platform_driver("devm-button", do_probe)
button_pdev = platform_device("devm-button")


def devm_button_init() -> int:
    platform_device_register(button_pdev)
    return platform_driver_register(button_driver)


def devm_button_exit() -> None:
    platform_driver_unregister(button_driver)  # unbind: devres frees the IRQ, then the GPIO
    platform_device_unregister(button_pdev)


module_init = devm_button_init
module_exit = devm_button_exit

shown: dict[str, str] = {}


def _snapshot(m: irqlab.Machine, when: str) -> None:
    rows = [r for r in m.read("/proc/interrupts").splitlines() if r.endswith(" button")]
    gpio = [r for r in m.read("/sys/kernel/debug/gpio").splitlines() if "GPIO17 " in r]
    shown[when] = "\n".join(rows + gpio) + "\n"


def main(seed: int = 1) -> irqlab.Machine:
    """insmod fixed=0 and rmmod; insmod fixed=1, press, rmmod; /proc and debugfs at each step."""
    global fixed
    shown.clear()
    m = irqlab.boot("rpi5", seed=seed)
    b = m.button(17, "none")
    for fixed_ in (False, True):
        fixed = fixed_
        m.insmod(SimpleNamespace(**globals()))  # insmod devm_button fixed=0/1
        if fixed:
            b.click(at=m.now + 10_000_000, hold="50ms")
        m.run(for_="100ms")
        _snapshot(m, f"fixed={int(fixed_)}, bound")
        m.rmmod(MODULE_NAME)
        _snapshot(m, f"fixed={int(fixed_)}, after rmmod")
    return m


def report(m: irqlab.Machine) -> str:
    """What else the reader looks at: the IRQ row and the GPIO line while bound and after unbinding."""
    return "".join(f"--- {when} ---\n{text}" for when, text in shown.items())


if __name__ == "__main__":
    mach = main()
    print(mach.dmesg() + report(mach), end="")
