"""request_irq() returns -EBUSY: a second driver asks for GPIO17's interrupt while gpiomod holds it.

Ported from "Troubleshooting Guide, Problem: request_irq() returns -EBUSY". gpiomod (the
chapter's two-button driver, irqlab/scenarios/seed001_threaded_buttons.py) holds GPIO17's
interrupt without IRQF_SHARED; ``gpiomod2`` (this file) requests the same IRQ and gets -EBUSY
with the kernel's "genirq: Flags mismatch" line. The seed's diagnosis then runs: the IRQ's
/proc/interrupts row and /sys/kernel/irq/N/actions (the seed's ``ls -l /sys/kernel/irq/N/``
"shows driver name": the names are in its ``actions`` file). Its solutions: loading gpiomod a
second time fails with -EEXIST ("File exists", lsmod would show it loaded), and unloading the
conflicting driver lets gpiomod2 in.
"""

from __future__ import annotations

from types import SimpleNamespace

import irqlab
from irqlab.kernel import (
    IRQ_HANDLED,
    IRQF_TRIGGER_FALLING,
    IRQF_TRIGGER_RISING,
    free_irq,
    gpio_to_irq,
    pr_err,
    pr_info,
    request_irq,
)
from irqlab.scenarios import seed001_threaded_buttons as gpiomod

SEED_SECTION = "001: Troubleshooting Guide (Problem: request_irq() returns -EBUSY)"
MODULE_NAME = "gpiomod2"

BUTTON1_GPIO = 512 + 17  # header GPIO17 (pinctrl-rp1 base 512)
irq = -1


def gpiomod2_isr(irq: int, data: object) -> int:
    return IRQ_HANDLED


def gpiomod2_init() -> int:
    global irq
    irq = gpio_to_irq(BUTTON1_GPIO)  # no gpio_request(): gpiomod owns the line, the IRQ is what clashes
    ret = request_irq(irq, gpiomod2_isr, IRQF_TRIGGER_RISING | IRQF_TRIGGER_FALLING, "gpiomod2", None)
    if ret:
        pr_err("Unable to request IRQ: %d\n", ret)
        return ret
    pr_info("gpiomod2: got IRQ %d\n", irq)
    return 0


def gpiomod2_exit() -> None:
    free_irq(irq, None)


module_init = gpiomod2_init
module_exit = gpiomod2_exit

ERRNO_TEXT = {-16: "Device or resource busy", -17: "File exists"}
shown: list[tuple[str, str]] = []


def _insmod(m: irqlab.Machine, name: str, mod: object) -> None:
    ret = m.insmod(mod)
    err = f"insmod: ERROR: could not insert module {name}.ko: {ERRNO_TEXT.get(ret, ret)}\n" if ret else ""
    shown.append((f"sudo insmod {name}.ko", err))


def main(seed: int = 1) -> irqlab.Machine:
    """insmod gpiomod, gpiomod again, gpiomod2 (-EBUSY); diagnose; rmmod gpiomod; insmod gpiomod2."""
    shown.clear()
    m = irqlab.boot("rpi5", seed=seed)
    m.button(17, "typical")
    m.button(18, "typical")
    m.led(4)
    me = SimpleNamespace(**globals())  # this file as a module
    _insmod(m, "gpiomod", gpiomod)
    _insmod(m, "gpiomod", gpiomod)  # Check for duplicate module loading
    _insmod(m, "gpiomod2", me)
    n = gpiomod.button_irqs[0]
    shown.append((f"cat /proc/interrupts | grep {n}:", "".join(
        r + "\n" for r in m.read("/proc/interrupts").splitlines() if r.startswith(f"{n:3d}:"))))
    shown.append((f"cat /sys/kernel/irq/{n}/actions", m.read(f"/sys/kernel/irq/{n}/actions")))
    m.rmmod("gpiomod")  # Unload conflicting driver
    shown.append(("sudo rmmod gpiomod", ""))
    _insmod(m, "gpiomod2", me)
    shown.append((f"cat /sys/kernel/irq/{n}/actions", m.read(f"/sys/kernel/irq/{n}/actions")))
    m.rmmod(MODULE_NAME)
    return m


def report(m: irqlab.Machine) -> str:
    """What else the reader looks at: the seed's diagnosis commands and what they print."""
    return "".join(f"$ {cmd}\n{out}" for cmd, out in shown)


if __name__ == "__main__":
    mach = main()
    print(mach.dmesg() + report(mach), end="")
