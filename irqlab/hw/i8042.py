"""The i8042 keyboard controller: data port 0x60, status port 0x64, keyboard IRQ on an edge line.

A key press or release puts its scan code (set 1, as the controller translates) in the output
buffer, sets OBF in the status register and pulses the IRQ line. Reading the data port empties
the buffer; further codes wait in a small queue and are delivered one at a time.
"""

from __future__ import annotations

from collections import deque

from irqlab.hw.line import Line
from irqlab.hw.regs import RegisterBlock, resolve_time
from irqlab.sim import PRIO_HW, Engine, to_ns
from irqlab.sim.units import TimeLike

__all__ = ["I8042", "I8042_DATA_REG", "I8042_STATUS_REG", "I8042_STR_OBF", "SCANCODES"]

I8042_DATA_REG = 0x60
I8042_STATUS_REG = 0x64
I8042_STR_OBF = 0x01
I8042_STR_AUXDATA = 0x20

#: Set-1 make codes of a few keys (break code = make | 0x80).
SCANCODES = {"esc": 0x01, "1": 0x02, "2": 0x03, "q": 0x10, "a": 0x1E, "enter": 0x1C, "space": 0x39}


class I8042(RegisterBlock):
    """The controller; ``name`` is the register block's, ``line`` the keyboard IRQ (edge)."""

    def __init__(self, engine: Engine, line: Line | None = None, name: str = "i8042") -> None:
        super().__init__(name, 0x68)
        self.engine = engine
        self.line = line if line is not None else Line("i8042-kbd")
        self.queue: deque[int] = deque()
        self.obf = False
        self.data = 0
        self._reg(I8042_DATA_REG, read=self._read_data)
        self._reg(I8042_STATUS_REG, read=lambda: I8042_STR_OBF if self.obf else 0)

    def _read_data(self) -> int:
        v = self.data
        self.obf = False
        if self.queue:
            self._load(self.queue.popleft())
        return v

    def _load(self, code: int) -> None:
        self.data = code
        self.obf = True
        self.line.pulse(self)

    def send(self, code: int) -> None:
        """The keyboard sends one scan code byte now."""
        if self.obf:
            self.queue.append(code & 0xFF)
        else:
            self._load(code & 0xFF)

    def key(self, name: str, at: TimeLike | None = None, hold: TimeLike = "80ms") -> None:
        """Press and release key ``name`` (see SCANCODES) at ``at``."""
        code = SCANCODES[name]
        t = resolve_time(self.engine, at)
        self.engine.at(t, PRIO_HW, self.send, code)
        self.engine.at(t + to_ns(hold), PRIO_HW, self.send, code | 0x80)
