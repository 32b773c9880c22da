"""The legacy GPIO sysfs interface, /sys/class/gpio. Mirrors drivers/gpio/gpiolib-sysfs.c
(CONFIG_GPIO_SYSFS=y in the Raspberry Pi's 6.12 configuration).

``export`` and ``unexport`` take *global* GPIO numbers: on a Pi 5 under 6.12 the RP1 bank starts at the
chip's dynamic base, so ``echo 17 > /sys/class/gpio/export`` is refused with -EINVAL and
``export_store: invalid GPIO 17`` in dmesg, as the board does; GPIO17 is ``base + 17``.
An exported line gets /sys/class/gpio/gpioN/{value,active_low,direction,edge}; each chip
/sys/class/gpio/gpiochipB/{base,label,ngpio}.
"""

from __future__ import annotations

from typing import Any

from irqlab.drivers.gpio.gpiolib import (
    _gpio,
    gpio_desc,
    gpio_to_desc,
    gpiod_direction_input,
    gpiod_direction_output_raw,
    gpiod_free,
    gpiod_get_value_cansleep,
    gpiod_request,
    gpiod_set_value_cansleep,
    gpiod_to_irq,
)
from irqlab.errno import EINVAL, EIO, ENODEV, EPERM, EPROBE_DEFER
from irqlab.fs.read_write import run_in_cat
from irqlab.kernel.irq.manage import free_irq, request_any_context_irq
from irqlab.kernel.irq.types import IRQ_HANDLED, IRQF_SHARED, IRQF_TRIGGER_FALLING, IRQF_TRIGGER_RISING
from irqlab.kernel.printk import pr_warn

#: gpio_edge_show()'s trigger_types[]: name -> (falling, rising).
TRIGGER_TYPES = {"none": (False, False), "falling": (True, False), "rising": (False, True), "both": (True, True)}


def _kstrtol(text: str) -> int | None:
    """kstrtol(buf, 0, &v): one integer in any C base, one trailing newline allowed."""
    body = text[:-1] if text.endswith("\n") else text
    try:
        return int(body, 0) if body and body.strip() == body else None
    except ValueError:
        return None


def _sysfs_streq(buf: str, word: str) -> bool:
    """sysfs_streq(): equal, ignoring one trailing newline."""
    return (buf[:-1] if buf.endswith("\n") else buf) == word


class SysfsLine:
    """What the sysfs interface keeps for an exported line (FLAG_EXPORT/FLAG_SYSFS, the edge IRQ)."""

    def __init__(self, desc: gpio_desc, by_sysfs: bool, direction_may_change: bool) -> None:
        self.desc = desc
        self.by_sysfs = by_sysfs
        self.direction_may_change = direction_may_change
        self.edge = "none"
        self.irq = -1
        #: Edges seen since export (what poll(2) on ``value`` would wake for).
        self.events = 0


def _exported(k: Any) -> dict[int, SysfsLine]:
    return _gpio(k).setdefault("sysfs", {})  # type: ignore[no-any-return]


def gpiod_export(k: Any, desc: gpio_desc, direction_may_change: bool, by_sysfs: bool = False) -> int:
    """Export a requested line to /sys/class/gpio/gpioN; 0 or -errno (-EPERM if not requested or exported)."""
    lines = _exported(k)
    if not desc.requested or desc.gpio in lines:
        return -EPERM
    gc = desc.gdev.chip
    if gc.direction_input is None or gc.direction_output is None:
        direction_may_change = False
    lines[desc.gpio] = SysfsLine(desc, by_sysfs, direction_may_change)
    return 0


def gpiod_unexport(k: Any, desc: gpio_desc) -> None:
    line = _exported(k).pop(desc.gpio, None)
    if line is not None and line.irq >= 0:
        free_irq(line.irq, line)


def _desc_of(text: str, func: str) -> gpio_desc | int:
    """The line a class file's write names by global number, or -EINVAL (with the kernel's warning)."""
    gpio = _kstrtol(text)
    if gpio is None:
        return -EINVAL
    desc = gpio_to_desc(gpio)
    if desc is None:
        pr_warn("%s: invalid GPIO %ld\n", func, gpio)
        return -EINVAL
    return desc


def export_store(k: Any, text: str) -> int:
    """/sys/class/gpio/export: request and export a line by global number."""
    desc = _desc_of(text, "export_store")
    if isinstance(desc, int):
        return desc
    status = gpiod_request(desc, "sysfs")
    if status < 0:
        return -ENODEV if status == -EPROBE_DEFER else status
    status = gpiod_export(k, desc, True, by_sysfs=True)
    if status < 0:
        gpiod_free(desc)
        return status
    return len(text)


def unexport_store(k: Any, text: str) -> int:
    """/sys/class/gpio/unexport: undo an export made through this file (-EINVAL otherwise)."""
    desc = _desc_of(text, "unexport_store")
    if isinstance(desc, int):
        return desc
    line = _exported(k).get(desc.gpio)
    if line is None or not line.by_sysfs:
        return -EINVAL
    gpiod_unexport(k, desc)
    gpiod_free(desc)
    return len(text)


def _gpio_sysfs_irq(irq: int, line: SysfsLine) -> int:
    """gpio_sysfs_irq(): wakes poll(2) on ``value`` (sysfs_notify_dirent)."""
    line.events += 1
    return IRQ_HANDLED


def _setup_irq(line: SysfsLine, edge: str) -> int:
    """gpio_setup_irq(): (re)request the line's interrupt for the chosen edges."""
    if edge == line.edge:
        return 0
    irq = gpiod_to_irq(line.desc)
    if irq < 0:
        return -EIO
    if line.irq >= 0:
        free_irq(line.irq, line)
        line.irq = -1
        line.desc.used_as_irq = False
    line.edge = "none"
    if edge == "none":
        return 0
    falling, rising = TRIGGER_TYPES[edge]
    flags = IRQF_SHARED
    low = line.desc.active_low
    if falling:
        flags |= IRQF_TRIGGER_RISING if low else IRQF_TRIGGER_FALLING
    if rising:
        flags |= IRQF_TRIGGER_FALLING if low else IRQF_TRIGGER_RISING
    ret = request_any_context_irq(irq, _gpio_sysfs_irq, flags, "gpiolib", line)
    if ret < 0:
        return ret
    line.irq = irq
    line.desc.used_as_irq = True
    line.edge = edge
    return 0


def _line_file(k: Any, gpio: str, name: str) -> tuple[Any, Any] | None:
    line = _exported(k).get(int(gpio))
    if line is None:
        return None
    desc = line.desc

    def in_process(fn: Any) -> Any:
        return lambda *a: run_in_cat(k, lambda: fn(*a))

    if name == "value":
        def value_store(text: str) -> int:
            if not desc.is_out:
                return -EPERM
            v = _kstrtol(text)
            if v is None:
                return -EINVAL
            gpiod_set_value_cansleep(desc, v)
            return len(text)

        return (in_process(lambda: f"{gpiod_get_value_cansleep(desc)}\n"), in_process(value_store))
    if name == "active_low":
        def active_low_store(text: str) -> int:
            v = _kstrtol(text)
            if v is None:
                return -EINVAL
            if desc.active_low != bool(v):
                desc.active_low = bool(v)
                if line.edge in ("rising", "falling"):
                    edge = line.edge
                    _setup_irq(line, "none")
                    ret = _setup_irq(line, edge)
                    if ret < 0:
                        return ret
            return len(text)

        return (lambda: f"{int(desc.active_low)}\n", in_process(active_low_store))
    if name == "direction" and line.direction_may_change:
        def direction_store(text: str) -> int:
            if _sysfs_streq(text, "high"):
                ret = gpiod_direction_output_raw(desc, 1)
            elif _sysfs_streq(text, "out") or _sysfs_streq(text, "low"):
                ret = gpiod_direction_output_raw(desc, 0)
            elif _sysfs_streq(text, "in"):
                ret = gpiod_direction_input(desc)
            else:
                ret = -EINVAL
            return ret or len(text)

        return (lambda: "out\n" if desc.is_out else "in\n", in_process(direction_store))
    if name == "edge" and gpiod_to_irq(desc) >= 0 and (line.direction_may_change or not desc.is_out):
        def edge_store(text: str) -> int:
            edge = next((e for e in TRIGGER_TYPES if _sysfs_streq(text, e)), None)
            if edge is None:
                return -EINVAL
            return _setup_irq(line, edge) or len(text)

        return (lambda: f"{line.edge}\n", in_process(edge_store))
    return None


def _chip_file(k: Any, base: str, name: str) -> tuple[Any, Any] | None:
    gdev = next((d for d in _gpio(k)["devices"] if d.base == int(base)), None)
    if gdev is None:
        return None
    values = {"base": f"{gdev.base}\n", "label": f"{gdev.chip.label or ''}\n", "ngpio": f"{gdev.ngpio}\n"}
    return (lambda: values[name], None) if name in values else None


def _listing(k: Any) -> list[str]:
    out = [f"/sys/class/gpio/gpiochip{d.base}/{f}" for d in _gpio(k)["devices"] for f in ("base", "label", "ngpio")]
    for gpio, line in sorted(_exported(k).items()):
        names = ["active_low", "value"] + (["direction"] if line.direction_may_change else [])
        out.extend(f"/sys/class/gpio/gpio{gpio}/{n}" for n in names)
        if _line_file(k, str(gpio), "edge") is not None:
            out.append(f"/sys/class/gpio/gpio{gpio}/edge")
    return out


def gpiolib_sysfs_init(k: Any) -> None:
    """gpiolib_sysfs_init(): register the class files with the file tree at boot."""

    def hook(fs: Any) -> None:
        fs.register("/sys/class/gpio/export", None, lambda text: run_in_cat(k, lambda: export_store(k, text)))
        fs.register("/sys/class/gpio/unexport", None, lambda text: run_in_cat(k, lambda: unexport_store(k, text)))
        fs.register_pattern(r"/sys/class/gpio/gpio(\d+)/([a-z_]+)", lambda g, n: _line_file(k, g, n),
                            lambda: _listing(k))  # fmt: skip
        fs.register_pattern(r"/sys/class/gpio/gpiochip(\d+)/([a-z]+)", lambda b, n: _chip_file(k, b, n))

    k.subsys.setdefault("fs_hooks", []).append(hook)


__all__ = ["gpiod_export", "gpiod_unexport", "gpiolib_sysfs_init"]
