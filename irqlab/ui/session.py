"""A board session: a booted Pi 5 with seed 001's wiring, the inputs applied to it, and their record.

Every input (a button pressed or released, a driver loaded or unloaded, a load started or
stopped) goes through one method of :class:`BoardSession`, which applies it at the current
simulated time and appends it to :attr:`BoardSession.inputs`. :meth:`BoardSession.scenario`
writes the inputs as a plain scenario file whose ``main(seed)`` replays them: it runs the
machine to each input's time and applies the same method there, which is exactly what the
paced session did (a paced slice ends at a simulated instant after every event at or before
it, see irqlab.sim.realtime), so ``irqlab run`` gives the same dmesg and trace.
"""

from __future__ import annotations

import os
import runpy
import shlex
import types
from dataclasses import dataclass
from typing import Any

import irqlab
from irqlab.hw.nic import Nic
from irqlab.hw.uart import Uart
from irqlab.kernel.sched.core import TaskState
from irqlab.machine import Machine
from irqlab.scenarios import two_buttons
from irqlab.ui import loads

__all__ = ["BoardSession", "Input", "BUTTON_GPIOS", "LED_GPIOS", "OPS"]

#: Inputs whose trailing arguments may be left out: op -> fewest arguments.
MIN_ARGS: dict[str, int] = {"insmod": 1}

#: Seed 001's wiring on the 40-pin header: buttons to ground on GPIO17/18, an LED on GPIO4.
BUTTON_GPIOS: tuple[int, ...] = two_buttons.BUTTON_GPIOS
LED_GPIOS: tuple[int, ...] = (two_buttons.LED_GPIO,)

# SIMPLIFICATION: RP1 delivers its uart0 and Ethernet interrupts to the GIC over PCIe MSI-X through
# its own domain; here they are plain level GIC SPIs next to the GPIO banks' stand-ins (boards/rpi5.py).
#: GIC SPI standing for RP1's uart0 (header GPIO14 TXD / GPIO15 RXD).
UART_SPI = 123
#: GIC SPI standing for the Ethernet controller's interrupt.
NIC_SPI = 124
#: Fastest packet rate the traffic knob offers (64-byte frames; the gigabit wire carries 1.49 M/s).
MAX_PPS = 1_000_000
#: Longest text one console input may send.
MAX_UART_TEXT = 256

#: The inputs a client may send, with the type of each argument. Nothing else is accepted.
OPS: dict[str, tuple[type, ...]] = {
    "press": (int,),
    "release": (int,),
    "insmod": (str, str),
    "rmmod": (str,),
    "cpu_hog": (int, bool),
    "rt_hog": (int, bool),
    "storm": (int,),
    "uart_send": (str,),
    "nic_rate": (int,),
}


@dataclass(frozen=True)
class Input:
    """One applied input: simulated time, operation (a key of OPS) and its arguments."""

    t: int
    op: str
    args: tuple[Any, ...]

    def call(self) -> str:
        return f"s.{self.op}({', '.join(repr(a) for a in self.args)})"


def load_driver(path: str) -> Any:
    """A fresh module object from a driver file (as insmod reads the .ko afresh each time)."""
    ns = runpy.run_path(path, run_name="__irqlab_module__")
    if not callable(ns.get("module_init")):
        raise ValueError(f"{path} has no module_init(): it is not a driver module")
    mod = types.SimpleNamespace(**ns)
    mod.__name__ = ns.get("MODULE_NAME") or os.path.splitext(os.path.basename(path))[0]
    mod.__file__ = os.path.abspath(path)
    return mod


def parse_params(text: str) -> dict[str, str]:
    """insmod's ``name=value`` arguments (shell-quoted values allowed) as a dict of texts."""
    out: dict[str, str] = {}
    try:
        words = shlex.split(text)
    except ValueError as e:
        raise ValueError(f"module parameters: {e}") from None
    for w in words:
        key, eq, value = w.partition("=")
        if not eq or not key.isidentifier():
            raise ValueError(f"module parameters are name=value, not {w!r}")
        out[key] = value
    return out


def driver_name(path: str) -> str:
    """The module name a driver file loads as (its MODULE_NAME, else the file's stem)."""
    return str(load_driver(path).__name__)


class BoardSession:
    """A Pi 5 wired as in seed 001, with the drivers it may load: ``{module name: file path}``.

    Inputs are applied at the machine's current simulated time (scenario side, outside every
    CPU) and recorded. Only the named drivers can be loaded.
    """

    def __init__(self, drivers: dict[str, str], *, board: str = "rpi5", seed: int = 1) -> None:
        if board != "rpi5":
            raise ValueError(f"the board page draws the Raspberry Pi 5's 40-pin header: use board 'rpi5', "
                             f"not {board!r}")  # fmt: skip
        self.drivers = dict(drivers)
        self.board = board
        self.seed = seed
        self.m: Machine = irqlab.boot(board, seed=seed, trace=True)
        self.buttons = {g: self.m.button(g, "typical") for g in BUTTON_GPIOS}
        self.leds = {g: self.m.led(g) for g in LED_GPIOS}
        eng = self.m.kernel.engine
        self.uart = Uart(eng, "uart0", line=self.m.spi_line(UART_SPI), baud=115_200, fifo_depth=32)
        self.nic = Nic(eng, "eth0", line=self.m.spi_line(NIC_SPI), ring_size=256)
        self.nic_pps = 0
        self._flow: Any = None
        self._irqs: dict[str, int] = {}
        #: The last insmod/rmmod task of each driver: (tool, task or the errno it returned at once).
        self._tools: dict[str, tuple[str, Any]] = {}
        self.loads = loads.Loads(self.m)
        self.inputs: list[Input] = []

    # -- replay ---------------------------------------------------------------------------
    def run(self, until: int) -> None:
        """Run the machine (unpaced) to simulated time ``until``."""
        self.m.run(until=until)

    # -- inputs ---------------------------------------------------------------------------
    def apply(self, op: str, args: list[Any] | tuple[Any, ...]) -> None:
        """Apply a named input with checked arguments; ValueError names what is wrong."""
        sig = OPS.get(op)
        if sig is None:
            raise ValueError(f"unknown input {op!r}: one of {', '.join(OPS)}")
        if not MIN_ARGS.get(op, len(sig)) <= len(args) <= len(sig) or not all(type(a) is t for a, t in zip(args, sig)):
            raise ValueError(f"{op} takes ({', '.join(t.__name__ for t in sig)}), not {list(args)!r}")
        getattr(self, op)(*args)

    def _record(self, op: str, *args: Any) -> None:
        self.inputs.append(Input(self.m.now, op, args))

    def _button(self, gpio: int) -> Any:
        b = self.buttons.get(gpio)
        if b is None:
            raise ValueError(f"no button on GPIO{gpio}: buttons are on GPIO{', GPIO'.join(map(str, BUTTON_GPIOS))}")
        return b

    def press(self, gpio: int) -> None:
        """Press (and hold) the button on ``gpio``."""
        b = self._button(gpio)
        self._record("press", gpio)
        b.press()

    def release(self, gpio: int) -> None:
        """Release the button on ``gpio``."""
        b = self._button(gpio)
        self._record("release", gpio)
        b.release()

    def insmod(self, name: str, params: str = "") -> None:
        """Load driver ``name`` (one of the files the session was given) in an insmod task, with
        ``params`` as insmod's command line takes them ("debounce_ms=20 label=b2")."""
        path = self.drivers.get(name)
        if path is None:
            raise ValueError(f"no driver {name!r}: the drivers given are {', '.join(self.drivers) or 'none'}")
        if self.m.kernel.modules.find(name) is not None:
            raise ValueError(f"insmod: {name} is already loaded (rmmod it first)")
        kw = parse_params(params)
        mod = load_driver(path)
        self._record("insmod", name, *([params] if params else []))
        hw = getattr(mod, "board", None)
        if isinstance(hw, dict):
            # The examples' board-file convention: the driver finds its devices in a module-level
            # ``board`` dict, as a platform driver would in its device-tree node.
            hw.update(self.board_devices())
        self.m.at(self.m.now, self._start, "insmod", name, lambda mod: self.m.insmod(mod, **kw), mod)

    def rmmod(self, name: str) -> None:
        """Unload module ``name`` in an rmmod task (the kernel logs what it refuses)."""
        if name not in self.drivers:
            raise ValueError(f"no driver {name!r}: the drivers given are {', '.join(self.drivers) or 'none'}")
        if self.m.kernel.modules.find(name) is None:
            raise ValueError(f"rmmod: {name} is not loaded")
        self._record("rmmod", name)
        self.m.at(self.m.now, self._start, "rmmod", name, self.m.rmmod, name)

    def _start(self, tool: str, name: str, fn: Any, arg: Any) -> None:
        self._tools[name] = (tool, fn(arg))

    def tool_result(self, name: str) -> str:
        """What insmod/rmmod would print for driver ``name``'s last load or unload ('' while running or when fine)."""
        tool, t = self._tools.get(name, ("", None))
        if t is None:
            return ""
        if isinstance(t, int):
            ret = t
        elif t.state is not TaskState.DEAD:
            return ""
        elif t.exception is not None:
            return f"{tool}: {name}: the module oopsed (see dmesg)"
        else:
            ret = int(t.result or 0)
        if ret == 0:
            return ""
        # kmod's tools/insmod.c and tools/rmmod.c: "could not insert module %s: %s" with the file name,
        # "could not remove module %s: %s" with the module name, and strerror() of the errno.
        what = f"insert module {os.path.basename(self.drivers[name])}" if tool == "insmod" else f"remove module {name}"
        return f"{tool}: ERROR: could not {what}: {os.strerror(-ret)}"

    def cpu_hog(self, cpu: int, on: bool) -> None:
        """Start (or stop) a SCHED_NORMAL stress-ng pinned to ``cpu`` (from the board's shell: between runs only)."""
        self.loads.check_cpu(cpu)
        self._record("cpu_hog", cpu, on)
        self.loads.cpu_hog(cpu, on)

    def rt_hog(self, cpu: int, on: bool) -> None:
        """Start (or stop) a SCHED_FIFO 80 stress-ng pinned to ``cpu`` (from the board's shell: between runs only)."""
        self.loads.check_cpu(cpu)
        self._record("rt_hog", cpu, on)
        self.loads.rt_hog(cpu, on)

    def storm(self, gpio: int) -> None:
        """An edge storm on the button line ``gpio``: 2000 edges 25 µs apart (a chattering contact)."""
        b = self._button(gpio)
        self._record("storm", gpio)
        self.loads.storm(b.line)

    def uart_send(self, text: str) -> None:
        """Type ``text`` into the console: its bytes arrive at uart0's receiver at 115200 baud."""
        if not 0 < len(text) <= MAX_UART_TEXT or not text.isascii():
            raise ValueError(f"the console sends 1-{MAX_UART_TEXT} ASCII characters, not {len(text)}")
        self._record("uart_send", text)
        self.uart.receive(text.encode("ascii"))

    def nic_rate(self, pps: int) -> None:
        """Set the packets per second arriving at eth0 (0 stops the traffic)."""
        if not 0 <= pps <= MAX_PPS:
            raise ValueError(f"the traffic knob goes from 0 to {MAX_PPS} packets/s, not {pps}")
        self._record("nic_rate", pps)
        if self._flow is not None:
            self._flow.stop()
            self._flow = None
        self.nic_pps = pps
        if pps:
            self._flow = self.nic.generate(pps, until=1 << 62)

    def board_devices(self) -> dict[str, Any]:
        """The wired devices a driver's ``board`` dict receives: uart/irq, nic/nic_irq (Linux irq numbers)."""
        if not self._irqs:
            self._irqs = {"irq": self.m.board.map_spi(UART_SPI, "level"), "nic_irq": self.m.board.map_spi(NIC_SPI, "level")}
        return {"uart": self.uart, "irq": self._irqs["irq"], "nic": self.nic, "nic_irq": self._irqs["nic_irq"]}

    # -- state ------------------------------------------------------------------------------
    def led_states(self) -> dict[int, bool]:
        return {g: led.on for g, led in self.leds.items()}

    def button_states(self) -> dict[int, bool]:
        return {g: b.pressed for g, b in self.buttons.items()}

    def loaded(self) -> list[str]:
        return [n for n in self.drivers if self.m.kernel.modules.find(n) is not None]

    # -- the record ---------------------------------------------------------------------------
    def scenario(self, end: int | None = None) -> str:
        """The inputs so far as a scenario file that ``irqlab run`` replays up to ``end`` (default: now)."""
        end = self.m.now if end is None else end
        drivers = "".join(f"    {n!r}: {p!r},\n" for n, p in self.drivers.items())
        steps = "".join(f"    s.run(until={i.t:_})\n    {i.call()}\n" for i in self.inputs)
        return f'''"""A session on the irqlab board ({self.board}, seed {self.seed}), recorded by ``irqlab board``.

Replay it with ``irqlab run {'--seed ' + str(self.seed) + ' ' if self.seed != 1 else ''}THIS_FILE``: each input is applied
at the simulated time (ns) it had in the session, so the dmesg and the trace are the same.
"""

from irqlab.ui.session import BoardSession

SEED = {self.seed}
#: The driver files the session could load, by module name.
DRIVERS = {{
{drivers}}}


def main(seed: int = SEED):
    s = BoardSession(DRIVERS, board={self.board!r}, seed=seed)
{steps}    s.run(until={end:_})
    return s.m
'''
