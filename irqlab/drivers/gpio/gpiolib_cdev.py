"""The GPIO character device, /dev/gpiochipN (uAPI v2). Mirrors drivers/gpio/gpiolib-cdev.c.

What libgpiod's tools need: chip info, line info (name, consumer, direction, active-low, edges),
line requests that take lines exclusively (``gpiod_request_user()``: -EBUSY when a driver or another
request holds the line), get/set of values, and edge events. Edge detection is the kernel's: a
threaded interrupt named after the request's consumer (``edge_irq_handler`` takes the timestamp in
hard IRQ context, ``edge_irq_thread`` reads the level for "both" edges and queues the event),
so a ``gpiomon`` shows up in /proc/interrupts.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

from irqlab.drivers.gpio.gpiolib import (
    GPIO_LINE_DIRECTION_OUT,
    _gpio,
    gpio_desc,
    gpio_device,
    gpiod_direction_input,
    gpiod_direction_output,
    gpiod_free,
    gpiod_get_raw_value,
    gpiod_get_value,
    gpiod_request,
    gpiod_set_value,
    gpiod_to_irq,
)
from irqlab.errno import EINVAL, ENODEV, EPERM, EPROBE_DEFER
from irqlab.kernel.core import kernel
from irqlab.kernel.irq.manage import free_irq, request_threaded_irq
from irqlab.kernel.irq.types import (
    IRQ_HANDLED,
    IRQ_WAKE_THREAD,
    IRQF_ONESHOT,
    IRQF_TRIGGER_FALLING,
    IRQF_TRIGGER_RISING,
)
from irqlab.kernel.sched.wait import DECLARE_WAIT_QUEUE_HEAD, wait_event_interruptible, wake_up_interruptible_all

#: GPIO_V2_LINE_EVENT_RISING_EDGE / FALLING_EDGE.
RISING_EDGE = 1
FALLING_EDGE = 2

#: Edge detection requested on a line: "rising", "falling", "both" or "" (none).
EDGES = ("", "rising", "falling", "both")


@dataclass
class gpio_v2_line_event:
    """One edge event as read(2) returns it: timestamp (CLOCK_MONOTONIC ns), id, offset, seqnos."""

    timestamp_ns: int
    id: int
    offset: int
    seqno: int
    line_seqno: int


@dataclass
class line_info:
    """struct gpio_v2_line_info: what gpioinfo prints of a line."""

    name: str | None
    offset: int
    consumer: str | None
    used: bool
    output: bool
    active_low: bool
    edge: str


class line:
    """One requested line (struct line)."""

    def __init__(self, req: linereq, desc: gpio_desc, edge: str) -> None:
        self.req = req
        self.desc = desc
        self.edge = edge
        self.irq = -1
        self.timestamp_ns = 0
        self.line_seqno = 0


class linereq:
    """A line request (struct linereq): the lines, their event buffer and its wait queue."""

    def __init__(self, gdev: gpio_device, label: str) -> None:
        self.gdev = gdev
        self.label = label
        self.lines: list[line] = []
        self.events: deque[gpio_v2_line_event] = deque(maxlen=16 * 64)  # GPIO_V2_LINES_MAX * 16
        self.seqno = 0
        self.wait = DECLARE_WAIT_QUEUE_HEAD("linereq_wait")

    def get_values(self) -> list[int]:
        """GPIO_V2_LINE_GET_VALUES_IOCTL: logical values (active-low aware)."""
        return [gpiod_get_value(ln.desc) for ln in self.lines]

    def set_values(self, values: list[int]) -> int:
        """GPIO_V2_LINE_SET_VALUES_IOCTL: 0, or -EPERM when a line is not an output."""
        for ln, v in zip(self.lines, values):
            if not ln.desc.is_out:
                return -EPERM
            gpiod_set_value(ln.desc, v)
        return 0

    def read_event(self, is_killed: Any = None) -> gpio_v2_line_event | None:
        """read(2) of the request's file: the oldest event, sleeping until one arrives. May sleep.
        ``is_killed()`` makes the wait interruptible by the reader's job being killed (a signal)."""
        wait_event_interruptible(self.wait, lambda: bool(self.events) or bool(is_killed and is_killed()))
        return self.events.popleft() if self.events else None

    def release(self) -> None:
        """close(2) of the request: free the interrupts and the lines."""
        for ln in self.lines:
            if ln.irq >= 0:
                free_irq(ln.irq, ln)
                ln.desc.used_as_irq = False
            gpiod_free(ln.desc)
        self.lines = []


def gpio_devices() -> list[gpio_device]:
    """The registered chips, as /dev/gpiochipN (N is the gpio_device id)."""
    return list(_gpio(kernel())["devices"])


def chip_by_id(chip_id: str) -> gpio_device | None:
    """The chip named ``gpiochip0``, ``/dev/gpiochip0``, ``0``, or by its label (libgpiod's rules)."""
    for gdev in gpio_devices():
        name = gdev.name
        if chip_id in (name, f"/dev/{name}", str(gdev.id)):
            return gdev
    return None


def get_line_info(gdev: gpio_device, offset: int) -> line_info:
    """GPIO_V2_GET_LINEINFO_IOCTL (gpio_desc_to_lineinfo())."""
    # SIMPLIFICATION: no bias, drive or debounce flags: gpio_desc keeps none, so gpioinfo prints none.
    desc = gdev.descs[offset]
    gc = gdev.chip
    if gc.get_direction is not None:
        desc.is_out = gc.get_direction(gc, offset) == GPIO_LINE_DIRECTION_OUT
    used = desc.requested or desc.used_as_irq
    consumer = desc.label if desc.requested else None
    edge = getattr(desc, "cdev_edge", "")
    return line_info(desc.name, offset, consumer, used, desc.is_out, desc.active_low, edge)


def _edge_irq_handler(irq: int, ln: line) -> int:
    """edge_irq_handler(): stamp the event in hard IRQ context, defer the rest to the thread."""
    ln.timestamp_ns = kernel().engine.now
    return IRQ_WAKE_THREAD


def _edge_irq_thread(irq: int, ln: line) -> int:
    """edge_irq_thread(): work out the edge (reading the level when both are watched), queue the event."""
    if ln.edge == "both":
        level = gpiod_get_raw_value(ln.desc) ^ int(ln.desc.active_low)
        kind = RISING_EDGE if level else FALLING_EDGE
    else:
        kind = RISING_EDGE if ln.edge == "rising" else FALLING_EDGE
    # A stamp taken by the hard handler is used once; an event without one is stamped now.
    ts, ln.timestamp_ns = ln.timestamp_ns or kernel().engine.now, 0
    req = ln.req
    req.seqno += 1
    ln.line_seqno += 1
    req.events.append(gpio_v2_line_event(ts, kind, ln.desc.offset, req.seqno, ln.line_seqno))
    wake_up_interruptible_all(req.wait)
    return IRQ_HANDLED


def _edge_detector_setup(ln: line) -> int:
    """edge_detector_setup(): the line's interrupt, on the edges asked for (flipped when active-low)."""
    irq = gpiod_to_irq(ln.desc)
    if irq < 0:
        return -ENODEV
    low = ln.desc.active_low
    flags = IRQF_ONESHOT
    if ln.edge in ("rising", "both"):
        flags |= IRQF_TRIGGER_FALLING if low else IRQF_TRIGGER_RISING
    if ln.edge in ("falling", "both"):
        flags |= IRQF_TRIGGER_RISING if low else IRQF_TRIGGER_FALLING
    ret = request_threaded_irq(irq, _edge_irq_handler, _edge_irq_thread, flags, ln.req.label, ln)
    if ret:
        return ret
    ln.irq = irq
    ln.desc.used_as_irq = True
    ln.desc.cdev_edge = ln.edge  # type: ignore[attr-defined]
    return 0


def linereq_create(gdev: gpio_device, offsets: list[int], label: str, *, output: list[int] | None = None,
                   active_low: bool = False, edge: str = "", as_is: bool = False) -> linereq | int:  # fmt: skip
    """GPIO_V2_GET_LINE_IOCTL: request ``offsets`` as inputs (with ``edge`` detection), as outputs at the
    logical ``output`` values, or (``as_is``) leaving their direction alone. Returns the request or
    -errno (-EBUSY if a line is taken). May sleep."""
    if edge not in EDGES or (edge and output is not None):
        return -EINVAL
    if any(not 0 <= o < gdev.ngpio for o in offsets):
        return -EINVAL
    req = linereq(gdev, label)
    for i, off in enumerate(offsets):
        desc = gdev.descs[off]
        ret = gpiod_request(desc, label)
        if ret == -EPROBE_DEFER:
            ret = -ENODEV  # gpiod_request_user()
        if ret:
            req.release()
            return ret
        ln = line(req, desc, edge)
        req.lines.append(ln)
        desc.active_low = active_low
        if as_is:
            ret = 0
        elif output is not None:
            ret = gpiod_direction_output(desc, output[i] if i < len(output) else 0)
        else:
            ret = gpiod_direction_input(desc)
            if ret == 0 and edge:
                ret = _edge_detector_setup(ln)
        if ret:
            req.release()
            return ret
    return req


def linereq_release(req: linereq) -> None:
    for ln in req.lines:
        ln.desc.cdev_edge = ""  # type: ignore[attr-defined]
        ln.desc.active_low = False
    req.release()


__all__ = ["linereq", "line_info", "gpio_v2_line_event", "gpio_devices", "chip_by_id", "get_line_info",
           "linereq_create", "linereq_release", "RISING_EDGE", "FALLING_EDGE"]  # fmt: skip
