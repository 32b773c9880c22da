"""gpiolib: GPIO chips, descriptors and the legacy integer API. Mirrors drivers/gpio/gpiolib.c,
gpiolib-legacy.c and include/linux/gpio.h (6.12).

Chips register with a base number; ``base = -1`` asks for a dynamic base, allocated from
GPIO_DYNAMIC_BASE (512) upward as gpiochip_find_base_unlocked() does, so on a Pi 5 the
header's GPIO17 is legacy number 529, not 17. ``gpio_request(17, ...)`` then fails with
-EPROBE_DEFER exactly as there; irqlab adds a one-line hint to dmesg. The descriptor API
(``gpiod_get``) looks lines up in the board's table, as a device tree would.
``gpio_request_array()`` was removed in 6.10: using it raises the error a build would give.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from irqlab.errno import EBUSY, EINVAL, EIO, ENOENT, ENOSPC, ENOTSUPP, ENXIO, EPROBE_DEFER
from irqlab.fs.read_write import run_in_cat
from irqlab.kernel.core import kernel
from irqlab.kernel.irq.devres import devres_add_action
from irqlab.kernel.printk import KERN_ERR, KERN_NOTICE, KERN_WARNING, dev_name, vprintk

GPIO_DYNAMIC_BASE = 512
GPIO_DYNAMIC_MAX = 1024

GPIOF_DIR_OUT = 0 << 0
GPIOF_DIR_IN = 1 << 0
GPIOF_INIT_LOW = 0 << 1
GPIOF_INIT_HIGH = 1 << 1
GPIOF_IN = GPIOF_DIR_IN
GPIOF_OUT_INIT_LOW = GPIOF_DIR_OUT | GPIOF_INIT_LOW
GPIOF_OUT_INIT_HIGH = GPIOF_DIR_OUT | GPIOF_INIT_HIGH
GPIOF_ACTIVE_LOW = 1 << 2

GPIOD_ASIS = 0
GPIOD_IN = 1
GPIOD_OUT_LOW = 3
GPIOD_OUT_HIGH = 7
GPIOD_OUT_LOW_OPEN_DRAIN = GPIOD_OUT_LOW | 8
GPIOD_OUT_HIGH_OPEN_DRAIN = GPIOD_OUT_HIGH | 8

GPIO_LINE_DIRECTION_OUT = 0
GPIO_LINE_DIRECTION_IN = 1

PIN_CONFIG_BIAS_DISABLE = 1
PIN_CONFIG_BIAS_PULL_DOWN = 5
PIN_CONFIG_BIAS_PULL_UP = 7
PIN_CONFIG_INPUT_DEBOUNCE = 14


class gpio_chip:
    """struct gpio_chip: the provider side. Callbacks take (chip, offset, ...)."""

    def __init__(self, label: str, ngpio: int, base: int = -1) -> None:
        self.label = label
        self.ngpio = ngpio
        self.base = base
        self.parent: Any = None
        self.names: list[str | None] | None = None
        self.can_sleep = False
        self.get: Callable[[gpio_chip, int], int] | None = None
        self.set: Callable[[gpio_chip, int, int], None] | None = None
        self.direction_input: Callable[[gpio_chip, int], int] | None = None
        self.direction_output: Callable[[gpio_chip, int, int], int] | None = None
        self.get_direction: Callable[[gpio_chip, int], int] | None = None
        self.set_config: Callable[[gpio_chip, int, int, int], int] | None = None
        self.to_irq: Callable[[gpio_chip, int], int] | None = None
        self.gpiodev: gpio_device | None = None
        self.private: Any = None


class gpio_desc:
    """struct gpio_desc: one line of a chip."""

    def __init__(self, gdev: gpio_device, offset: int, name: str | None) -> None:
        self.gdev = gdev
        self.offset = offset
        self.name = name
        self.label: str | None = None
        self.requested = False
        self.is_out = False
        self.active_low = False
        self.used_as_irq = False

    @property
    def gpio(self) -> int:
        """The legacy global number (desc_to_gpio)."""
        return self.gdev.base + self.offset

    def __repr__(self) -> str:
        return f"<gpio_desc {self.gdev.chip.label}:{self.offset} gpio-{self.gpio}>"


class gpio_device:
    """struct gpio_device: a registered chip and its descriptors."""

    def __init__(self, chip: gpio_chip, index: int, base: int) -> None:
        self.chip = chip
        self.id = index
        self.base = base
        self.ngpio = chip.ngpio
        names = chip.names or []
        self.descs = [gpio_desc(self, i, names[i] if i < len(names) else None) for i in range(chip.ngpio)]

    @property
    def name(self) -> str:
        return f"gpiochip{self.id}"


def _gpio(k: Any) -> dict[str, Any]:
    st = k.subsys.get("gpio")
    if st is None:
        st = k.subsys["gpio"] = {"devices": [], "lookup": {}}
    return st  # type: ignore[no-any-return]


def _find_base(devs: list[gpio_device], ngpio: int) -> int:
    base = GPIO_DYNAMIC_BASE
    for d in sorted(devs, key=lambda d: d.base):
        if d.base + d.ngpio <= base:
            continue
        if d.base >= base + ngpio:
            break
        base = d.base + d.ngpio
    if base + ngpio > GPIO_DYNAMIC_MAX:
        return -ENOSPC
    return base



def gpiochip_add_data(gc: gpio_chip, data: Any) -> int:
    """Register ``gc``; a negative base gets a dynamic one. Returns 0 or -errno."""
    k = kernel()
    st = _gpio(k)
    devs: list[gpio_device] = st["devices"]
    base = gc.base
    if base < 0:
        base = _find_base(devs, gc.ngpio)
        if base < 0:
            return base
    else:
        vprintk(k, KERN_WARNING + "gpio gpiochip%d: Static allocation of GPIO base is deprecated, use dynamic allocation.\n",
                (len(devs),))  # fmt: skip
        for d in devs:
            if base < d.base + d.ngpio and d.base < base + gc.ngpio:
                return -EBUSY
    gdev = gpio_device(gc, len(devs), base)
    gc.gpiodev = gdev
    gc.private = data
    gc.base = base
    devs.append(gdev)
    return 0


def gpiochip_add(gc: gpio_chip) -> int:
    return gpiochip_add_data(gc, None)


def gpiochip_get_data(gc: gpio_chip) -> Any:
    return gc.private


def gpiochip_remove(gc: gpio_chip) -> None:
    st = _gpio(kernel())
    if gc.gpiodev in st["devices"]:
        st["devices"].remove(gc.gpiodev)


def gpio_to_desc(gpio: int) -> gpio_desc | None:
    """The descriptor of legacy GPIO number ``gpio``, or None."""
    for d in _gpio(kernel())["devices"]:
        if d.base <= gpio < d.base + d.ngpio:
            return d.descs[gpio - d.base]  # type: ignore[no-any-return]
    return None


def desc_to_gpio(desc: gpio_desc) -> int:
    return desc.gpio


def gpiod_to_chip(desc: gpio_desc) -> gpio_chip:
    return desc.gdev.chip


def gpio_is_valid(number: int) -> bool:
    """Only non-negative numbers are valid (include/linux/gpio.h, 6.x)."""
    return number >= 0


# SIMPLIFICATION: the kernel prints nothing here; this one-line hint is irqlab's own.
def _hint_missing(gpio: int, what: str) -> None:
    k = kernel()
    devs = _gpio(k)["devices"]
    if not devs or gpio >= GPIO_DYNAMIC_BASE:
        return
    d = devs[0]
    vprintk(k, KERN_NOTICE + "gpiolib: %s(%d): no GPIO %d on this kernel; %s numbers its lines %d-%d, "
            "so header GPIO%d is %d (better: gpiod_get())\n",
            (what, gpio, gpio, d.chip.label, d.base, d.base + d.ngpio - 1, gpio, d.base + gpio))  # fmt: skip


# -- descriptor consumer API --------------------------------------------------------------


def gpiod_request(desc: gpio_desc | None, label: str | None) -> int:
    if desc is None:
        return -EINVAL
    if desc.requested:
        return -EBUSY
    desc.requested = True
    desc.label = label
    gc = desc.gdev.chip
    if gc.get_direction is not None:
        desc.is_out = gc.get_direction(gc, desc.offset) == GPIO_LINE_DIRECTION_OUT
    return 0


def gpiod_free(desc: gpio_desc | None) -> None:
    if desc is not None:
        desc.requested = False
        desc.label = None


def gpiod_direction_input(desc: gpio_desc) -> int:
    gc = desc.gdev.chip
    ret = gc.direction_input(gc, desc.offset) if gc.direction_input is not None else 0
    if ret == 0:
        desc.is_out = False
    return ret


def gpiod_direction_output_raw(desc: gpio_desc, value: int) -> int:
    gc = desc.gdev.chip
    if desc.used_as_irq:
        vprintk(kernel(), KERN_ERR + "gpio-%d (%s): %s: tried to set a GPIO tied to an IRQ as output\n",
                (desc.gpio, desc.label or "", "gpiod_direction_output"))  # fmt: skip
        return -EIO
    ret = gc.direction_output(gc, desc.offset, 1 if value else 0) if gc.direction_output is not None else -ENOTSUPP
    if ret == 0:
        desc.is_out = True
    return ret



def gpiod_direction_output(desc: gpio_desc, value: int) -> int:
    """Make the line an output at logical ``value`` (active-low aware). 0 or -errno."""
    v = 1 if value else 0
    return gpiod_direction_output_raw(desc, v ^ int(desc.active_low))


def gpiod_get_raw_value(desc: gpio_desc) -> int:
    gc = desc.gdev.chip
    return 1 if gc.get is not None and gc.get(gc, desc.offset) else 0


def gpiod_get_value(desc: gpio_desc) -> int:
    """The logical value (inverted for an active-low line)."""
    return gpiod_get_raw_value(desc) ^ int(desc.active_low)


def gpiod_set_raw_value(desc: gpio_desc, value: int) -> None:
    gc = desc.gdev.chip
    if not desc.is_out:
        return
    if gc.set is not None:
        gc.set(gc, desc.offset, 1 if value else 0)


def gpiod_set_value(desc: gpio_desc, value: int) -> None:
    """Set the logical value of an output line."""
    gpiod_set_raw_value(desc, (1 if value else 0) ^ int(desc.active_low))


gpiod_get_value_cansleep = gpiod_get_value
gpiod_set_value_cansleep = gpiod_set_value


def gpiod_to_irq(desc: gpio_desc | None) -> int:
    """The Linux IRQ number of the line (allocating its mapping), or -errno."""
    if desc is None:
        return -EINVAL
    gc = desc.gdev.chip
    if gc.to_irq is None:
        return -ENXIO
    ret = gc.to_irq(gc, desc.offset)
    return ret


def gpiod_set_debounce(desc: gpio_desc, debounce_usec: int) -> int:
    """Ask the chip to debounce in hardware; -ENOTSUPP where it cannot (pinctrl-rp1 cannot)."""
    gc = desc.gdev.chip
    if gc.set_config is None:
        return -ENOTSUPP
    return gc.set_config(gc, desc.offset, PIN_CONFIG_INPUT_DEBOUNCE, debounce_usec)


def gpiod_set_pull(desc: gpio_desc, pull: int) -> int:
    gc = desc.gdev.chip
    if gc.set_config is None:
        return -ENOTSUPP
    return gc.set_config(gc, desc.offset, pull, 1)


def gpiod_is_active_low(desc: gpio_desc) -> bool:
    return desc.active_low


def gpiod_toggle_active_low(desc: gpio_desc) -> None:
    desc.active_low = not desc.active_low


def _configure(desc: gpio_desc, flags: int) -> int:
    if flags & 1 == 0:
        return 0
    if flags & 2:
        return gpiod_direction_output(desc, 1 if flags & 4 else 0)
    return gpiod_direction_input(desc)


def gpiod_add_lookup(dev_name: str, con_id: str | None, chip_label: str, offset: int, active_low: bool = False,
                     bias: int = 0) -> None:  # fmt: skip
    """Board data: ``gpiod_get(dev, con_id)`` on ``dev_name`` finds ``chip_label`` line ``offset``."""
    _gpio(kernel())["lookup"][(dev_name, con_id)] = (chip_label, offset, active_low, bias)


def gpiod_get_index(dev: Any, con_id: str | None, idx: int, flags: int) -> gpio_desc | int:
    """Look up, request and configure a line; a descriptor, or -ENOENT/-EBUSY/... (ERR_PTR)."""
    k = kernel()
    st = _gpio(k)
    key = (dev_name(dev), con_id if idx == 0 else f"{con_id}#{idx}")
    ent = st["lookup"].get(key)
    if ent is None:
        return -ENOENT
    label, offset, active_low, bias = ent
    for d in st["devices"]:
        if d.chip.label == label:
            desc = d.descs[offset]
            break
    else:
        return -EPROBE_DEFER
    ret = gpiod_request(desc, con_id or dev_name(dev))
    if ret:
        return ret
    desc.active_low = active_low
    if bias:
        gpiod_set_pull(desc, bias)
    ret = _configure(desc, flags)
    if ret:
        gpiod_free(desc)
        return ret
    return desc


def gpiod_get(dev: Any, con_id: str | None, flags: int) -> gpio_desc | int:
    """Get the ``con_id`` GPIO of ``dev`` (the "<con_id>-gpios" property). ERR_PTR on failure."""
    return gpiod_get_index(dev, con_id, 0, flags)


def gpiod_get_optional(dev: Any, con_id: str | None, flags: int) -> gpio_desc | int | None:
    r = gpiod_get(dev, con_id, flags)
    return None if r == -ENOENT else r


def gpiod_put(desc: gpio_desc | None) -> None:
    """Release a descriptor obtained with gpiod_get()."""
    gpiod_free(desc)


def devm_gpiod_get(dev: Any, con_id: str | None, flags: int) -> gpio_desc | int:
    """gpiod_get() released automatically when ``dev`` is unbound."""
    r = gpiod_get(dev, con_id, flags)
    if isinstance(r, gpio_desc):
        _devm_add(dev, lambda: gpiod_put(r))
    return r


def devm_gpiod_get_optional(dev: Any, con_id: str | None, flags: int) -> gpio_desc | int | None:
    r = gpiod_get_optional(dev, con_id, flags)
    if isinstance(r, gpio_desc):
        _devm_add(dev, lambda: gpiod_put(r))
    return r


def _devm_add(dev: Any, release: Callable[[], None]) -> None:
    """Register a devres release action on ``dev``, run when the device is unbound."""
    devres_add_action(dev, release, "devm_gpio")


# -- legacy integer API (gpiolib-legacy.c) ------------------------------------------------


def gpio_request(gpio: int, label: str) -> int:
    """Request legacy GPIO ``gpio``: 0, -EBUSY, or -EPROBE_DEFER when no chip has that number."""
    desc = gpio_to_desc(gpio)
    if desc is None:
        _hint_missing(gpio, "gpio_request")
        return -EPROBE_DEFER
    return gpiod_request(desc, label)


def gpio_request_one(gpio: int, flags: int, label: str) -> int:
    """gpio_request() plus direction and initial value from GPIOF_* flags."""
    desc = gpio_to_desc(gpio)
    if desc is None:
        _hint_missing(gpio, "gpio_request_one")
        return -EPROBE_DEFER
    ret = gpiod_request(desc, label)
    if ret:
        return ret
    if flags & GPIOF_ACTIVE_LOW:
        desc.active_low = True
    if flags & GPIOF_DIR_IN:
        ret = gpiod_direction_input(desc)
    else:
        ret = gpiod_direction_output_raw(desc, 1 if flags & GPIOF_INIT_HIGH else 0)
    if ret:
        gpiod_free(desc)
    return ret


def devm_gpio_request(dev: Any, gpio: int, label: str) -> int:
    ret = gpio_request(gpio, label)
    if ret == 0:
        _devm_add(dev, lambda: gpio_free(gpio))
    return ret


def devm_gpio_request_one(dev: Any, gpio: int, flags: int, label: str) -> int:
    ret = gpio_request_one(gpio, flags, label)
    if ret == 0:
        _devm_add(dev, lambda: gpio_free(gpio))
    return ret


def gpio_free(gpio: int) -> None:
    gpiod_free(gpio_to_desc(gpio))


def gpio_direction_input(gpio: int) -> int:
    desc = gpio_to_desc(gpio)
    return gpiod_direction_input(desc) if desc else -EINVAL


def gpio_direction_output(gpio: int, value: int) -> int:
    desc = gpio_to_desc(gpio)
    return gpiod_direction_output_raw(desc, value) if desc else -EINVAL


def gpio_get_value(gpio: int) -> int:
    """The raw level of legacy GPIO ``gpio`` (0 when it does not exist)."""
    desc = gpio_to_desc(gpio)
    return gpiod_get_raw_value(desc) if desc else 0


def gpio_set_value(gpio: int, value: int) -> None:
    desc = gpio_to_desc(gpio)
    if desc is not None:
        gpiod_set_raw_value(desc, value)


gpio_get_value_cansleep = gpio_get_value
gpio_set_value_cansleep = gpio_set_value


def gpio_to_irq(gpio: int) -> int:
    """The IRQ of legacy GPIO ``gpio``; -EINVAL when the number does not exist."""
    desc = gpio_to_desc(gpio)
    if desc is None:
        _hint_missing(gpio, "gpio_to_irq")
        return -EINVAL
    return gpiod_to_irq(desc)


class gpio:
    """struct gpio of the legacy array API: {gpio, flags, label}."""

    def __init__(self, gpio: int, flags: int, label: str) -> None:
        self.gpio = gpio
        self.flags = flags
        self.label = label


def gpiolib_dbg_show(k: Any) -> str:
    """/sys/kernel/debug/gpio, as gpiolib_seq_show()/gpiolib_dbg_show() print it."""
    out = []
    for i, gdev in enumerate(_gpio(k)["devices"]):
        gc = gdev.chip
        head = f"{'' if i == 0 else chr(10)}{gdev.name}: GPIOs {gdev.base}-{gdev.base + gdev.ngpio - 1}"
        if gc.parent is not None:
            bus = getattr(gc.parent, "bus_name", "platform")
            head += f", parent: {bus}/{getattr(gc.parent, 'name', '')}"
        if gc.label:
            head += f", {gc.label}"
        if gc.can_sleep:
            head += ", can sleep"
        out.append(head + ":\n")
        for desc in gdev.descs:
            if desc.used_as_irq or desc.requested:
                if gc.get_direction is not None:
                    desc.is_out = gc.get_direction(gc, desc.offset) == GPIO_LINE_DIRECTION_OUT
                value = gc.get(gc, desc.offset) if gc.get is not None else -1
                label = desc.label if desc.requested else "interrupt"
                out.append(f" gpio-{desc.gpio:<3d} ({(desc.name or '')[:20]:<20s}|{(label or '')[:20]:<20s}) "
                           f"{'out' if desc.is_out else 'in '} {('hi' if value else 'lo') if value >= 0 else '?  '} "
                           f"{'IRQ ' if desc.used_as_irq else ''}{'ACTIVE LOW' if desc.active_low else ''}\n")  # fmt: skip
            elif desc.name:
                out.append(f" gpio-{desc.gpio:<3d} ({desc.name[:20]:<20s})\n")
    return "".join(out)


def gpiolib_init(k: Any) -> None:
    """Initcall: publish /sys/kernel/debug/gpio."""


    def hook(fs: Any) -> None:
        # Reading the file reads each requested line's level from the chip: in process context.
        fs.register("/sys/kernel/debug/gpio", lambda: run_in_cat(k, lambda: gpiolib_dbg_show(k)))

    k.subsys.setdefault("fs_hooks", []).append(hook)


REMOVED_IN_6_10 = {
    "gpio_request_array": "gpio_request_array() was removed in Linux 6.10 (with gpio_free_array()): request each line "
    "with gpio_request_one(), or better, use the descriptor API (gpiod_get())",
    "gpio_free_array": "gpio_free_array() was removed in Linux 6.10: free each line with gpio_free(), or use gpiod_put()",
}


__all__ = [
    "gpio_chip",
    "gpio_desc",
    "gpio_device",
    "gpio",
    "gpiochip_add_data",
    "gpiochip_add",
    "gpiochip_get_data",
    "gpiochip_remove",
    "gpio_to_desc",
    "desc_to_gpio",
    "gpiod_to_chip",
    "gpio_is_valid",
    "gpiod_request",
    "gpiod_free",
    "gpiod_direction_input",
    "gpiod_direction_output",
    "gpiod_direction_output_raw",
    "gpiod_get_value",
    "gpiod_get_raw_value",
    "gpiod_set_value",
    "gpiod_set_raw_value",
    "gpiod_get_value_cansleep",
    "gpiod_set_value_cansleep",
    "gpiod_to_irq",
    "gpiod_set_debounce",
    "gpiod_set_pull",
    "gpiod_is_active_low",
    "gpiod_toggle_active_low",
    "gpiod_add_lookup",
    "gpiod_get",
    "gpiod_get_index",
    "gpiod_get_optional",
    "gpiod_put",
    "devm_gpiod_get",
    "devm_gpiod_get_optional",
    "gpio_request",
    "gpio_request_one",
    "devm_gpio_request",
    "devm_gpio_request_one",
    "gpio_free",
    "gpio_direction_input",
    "gpio_direction_output",
    "gpio_get_value",
    "gpio_set_value",
    "gpio_get_value_cansleep",
    "gpio_set_value_cansleep",
    "gpio_to_irq",
    "GPIO_DYNAMIC_BASE",
    "GPIOF_DIR_IN",
    "GPIOF_DIR_OUT",
    "GPIOF_IN",
    "GPIOF_OUT_INIT_LOW",
    "GPIOF_OUT_INIT_HIGH",
    "GPIOF_INIT_LOW",
    "GPIOF_INIT_HIGH",
    "GPIOF_ACTIVE_LOW",
    "GPIOD_ASIS",
    "GPIOD_IN",
    "GPIOD_OUT_LOW",
    "GPIOD_OUT_HIGH",
    "GPIO_LINE_DIRECTION_IN",
    "GPIO_LINE_DIRECTION_OUT",
    "PIN_CONFIG_BIAS_PULL_UP",
    "PIN_CONFIG_BIAS_PULL_DOWN",
    "PIN_CONFIG_BIAS_DISABLE",
]
