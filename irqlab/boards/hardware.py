"""A booted board's hardware as a scenario reaches it: the GPIO header's pins and the buttons and LEDs wired
to them, the input devices, the GIC. ``Machine.board`` gives it (``m.board.button(17)``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from irqlab.hw.button import Button
from irqlab.hw.led import Led
from irqlab.irqchip.gic import GIC_SPI, gic_map
from irqlab.kernel.irq.types import IRQ_TYPE_EDGE_RISING, IRQ_TYPE_LEVEL_HIGH

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel


class BoardHardware:
    """The devices of one booted board. ``in_kernel(fn, *args)`` runs ``fn`` as the kernel (the Machine's)."""

    def __init__(self, kernel: Kernel, in_kernel: Callable[..., Any]) -> None:
        self.kernel = kernel
        self._in_kernel = in_kernel
        #: What is wired to each GPIO: ("button" | "led", gpio) -> the device.
        self._wired: dict[tuple[str, int], Any] = {}

    def gpio_pin(self, gpio: int) -> Any:
        """The hardware line of header/SoC GPIO ``gpio`` (what a device connected to it drives); ValueError on a
        board without a GPIO block or for a GPIO it does not have."""
        pins = self.kernel.subsys.get("gpio_pins")
        if pins is None:
            raise ValueError(f"board {self.kernel.board.name!r} has no GPIO block; boot 'rpi5' for GPIOs")
        if not 0 <= gpio < len(pins):
            raise ValueError(f"GPIO{gpio} does not exist on this board (GPIO0-{len(pins) - 1})")
        return pins[gpio]

    def button(self, gpio: int, profile: Any = None, name: str | None = None) -> Any:
        """A push button between GPIO ``gpio`` and ground (pressed = low), bouncing per ``profile``
        ("none", "typical" (the default), "worn", or a BounceProfile). Press it with ``.press(at)``,
        ``.release(at)``, ``.click(at)``.

        A GPIO has one button: asking again for the same GPIO without a profile, or with the profile
        it was wired with, returns the button already there; naming another profile raises ValueError
        (rewire by booting another machine). Also ValueError on a board without a GPIO block or for a
        GPIO the board does not have."""
        wired = self._wired
        old = wired.get(("button", gpio))
        if old is not None:
            if profile is not None and getattr(profile, "name", profile) != old.profile.name:
                raise ValueError(f"GPIO{gpio} already has a button with profile {old.profile.name!r}; "
                                 f"m.button({gpio}) returns it, another profile needs another machine")  # fmt: skip
            return old
        if profile is None:
            profile = "typical"
        pin = self.gpio_pin(gpio)
        # The switch goes to ground with an external pull-up (seed 001's 10 kOhm): idle high.
        pin.active_high = False
        if not pin.active:
            pin.set(True)
        b = wired[("button", gpio)] = Button(self.kernel.engine, name or f"button{gpio}", line=pin, profile=profile)
        return b

    def led(self, gpio: int, name: str | None = None) -> Any:
        """An LED on GPIO ``gpio`` (lit while the pin is high); ``.timeline`` records its states.
        Asking again for the same GPIO returns the LED already wired there (``m.led(4).timeline``)."""
        wired = self._wired
        if ("led", gpio) in wired:
            return wired[("led", gpio)]
        pin = self.gpio_pin(gpio)
        # The LED and its resistor to ground hold an undriven pin low.
        pin.active_high = True
        if not any(pin._drivers.values()):
            pin.set(False)
        led = wired[("led", gpio)] = Led(self.kernel.engine, name or f"led{gpio}", line=pin)
        return led

    def input_device(self, name: str) -> Any:
        """A registered input device by name; its ``.events`` are what evdev would return."""
        for dev in self.kernel.subsys.get("input_devs", []):
            if dev.name == name:
                return dev
        names = [d.name for d in self.kernel.subsys.get("input_devs", [])]
        raise KeyError(f"no input device {name!r}; registered: {names}")

    @property
    def gic(self) -> Any:
        """The GIC hardware model of this board: irqlab.hw.gic.GIC400, or irqlab.hw.gic_v3.GICv3 (the generic
        board above 8 CPUs)."""
        gic = self.kernel.subsys.get("gic")
        if gic is None:
            raise ValueError(f"board {self.kernel.board.name!r} has no GIC")
        return gic.hw

    def map_spi(self, spi: int, trigger: str = "level") -> int:
        """The Linux irq of GIC SPI ``spi`` (as a DT <GIC_SPI spi type> maps it); trigger "level" or "edge"."""
        if trigger not in ("level", "edge"):
            raise ValueError(f"trigger must be 'level' or 'edge' (GIC SPIs are level-high or rising-edge), not {trigger!r}")
        type_ = IRQ_TYPE_LEVEL_HIGH if trigger == "level" else IRQ_TYPE_EDGE_RISING
        return int(self._in_kernel(gic_map, self.kernel, GIC_SPI, spi, type_))
