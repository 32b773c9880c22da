"""A UART with RX/TX FIFOs and latched interrupt status on a level line.

The register layout follows the handler structure of seed 003 (``IRQ_STATUS`` with an
``IRQ_PENDING`` summary bit, ``IRQ_CLEAR``, ``RX_FIFO_COUNT``, ``RX_DATA``); the behaviour
follows common UARTs such as the ARM PL011: interrupt causes are latched in a raw status
register, gated by an enable mask, and cleared by writing 1s (``UARTICR``-style).

Interrupt causes (bits of ``UART_IRQ_STATUS``):

- ``UART_RX_READY``: latched each time a byte enters the RX FIFO;
- ``UART_TX_EMPTY``: latched when the transmitter has sent its last queued byte;
- ``UART_ERROR``: latched on RX overrun (a byte arrives while the FIFO is full; it is lost
  and ``UART_OVERRUNS`` counts it).

The output line is asserted while ``status & enable`` is non-zero and stays asserted until
the driver clears the status by a register write (``UART_IRQ_CLEAR``, or writing the bits
back to ``UART_IRQ_STATUS``). Draining the FIFO alone does not clear it.

Bytes arrive from the scenario (:meth:`Uart.receive`, :meth:`Uart.stream`) no faster than
the wire allows: one character (start + 8 data + stop = 10 bits) per ``10/baud`` s.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

from irqlab.hw.line import Line
from irqlab.hw.regs import IrqOutput, RegisterBlock, resolve_time
from irqlab.sim import NSEC_PER_SEC, PRIO_HW, Engine, to_ns
from irqlab.sim.units import TimeLike

__all__ = [
    "Uart",
    "UART_RX_DATA",
    "UART_TX_DATA",
    "UART_IRQ_STATUS",
    "UART_IRQ_CLEAR",
    "UART_IRQ_ENABLE",
    "UART_RX_FIFO_COUNT",
    "UART_TX_FIFO_COUNT",
    "UART_FLAGS",
    "UART_OVERRUNS",
    "UART_IRQ_MASKED",
    "UART_REG_SIZE",
    "UART_RX_READY",
    "UART_TX_EMPTY",
    "UART_ERROR",
    "UART_IRQ_PENDING",
    "UART_FLAG_RXFE",
    "UART_FLAG_RXFF",
    "UART_FLAG_TXFE",
    "UART_FLAG_TXFF",
    "UART_FLAG_BUSY",
]

# Register offsets (bytes).
UART_RX_DATA = 0x00  #: R: pop one byte from the RX FIFO (0 when empty).
UART_TX_DATA = 0x04  #: W: push one byte into the TX FIFO (dropped when full).
UART_IRQ_STATUS = 0x08  #: R: raw latched causes | UART_IRQ_PENDING; W: write-1-to-clear.
UART_IRQ_CLEAR = 0x0C  #: W: write-1-to-clear causes; reads 0.
UART_IRQ_ENABLE = 0x10  #: RW: which causes drive the line (0 at reset).
UART_RX_FIFO_COUNT = 0x14  #: R: bytes waiting in the RX FIFO.
UART_TX_FIFO_COUNT = 0x18  #: R: bytes waiting in the TX FIFO (not counting the one on the wire).
UART_FLAGS = 0x1C  #: R: FIFO flags (UART_FLAG_*), like PL011 UARTFR.
UART_OVERRUNS = 0x20  #: R: bytes lost to RX overrun since reset (wraps at 2**32).
UART_IRQ_MASKED = 0x24  #: R: status & enable (like PL011 UARTMIS).
UART_REG_SIZE = 0x40  #: Size of the register window.

# Interrupt cause bits (UART_IRQ_STATUS / CLEAR / ENABLE / MASKED).
UART_RX_READY = 1 << 0
UART_TX_EMPTY = 1 << 1
UART_ERROR = 1 << 2  # RX overrun
UART_IRQ_PENDING = 1 << 31  # read-only summary in UART_IRQ_STATUS: status & enable != 0
_CAUSES = UART_RX_READY | UART_TX_EMPTY | UART_ERROR

# UART_FLAGS bits.
UART_FLAG_RXFE = 1 << 0  # RX FIFO empty
UART_FLAG_RXFF = 1 << 1  # RX FIFO full
UART_FLAG_TXFE = 1 << 2  # TX FIFO empty
UART_FLAG_TXFF = 1 << 3  # TX FIFO full
UART_FLAG_BUSY = 1 << 4  # transmitter sending


class Uart(RegisterBlock):
    """A UART: RX/TX FIFOs of ``fifo_depth`` bytes, latched interrupt causes, a level line.

    ``line`` may be shared with other devices (wired-OR); by default a private active-high
    line named ``name`` is created. ``tx_sink(byte)`` is called when a byte has left the
    transmitter (e.g. another UART's :meth:`receive_byte` for a loopback cable).
    """

    def __init__(
        self,
        engine: Engine,
        name: str = "uart0",
        line: Line | None = None,
        fifo_depth: int = 16,
        baud: int = 115_200,
        tx_sink: Callable[[int], None] | None = None,
    ) -> None:
        super().__init__(name, UART_REG_SIZE)
        if fifo_depth < 1:
            raise ValueError(f"fifo_depth must be >= 1, not {fifo_depth}")
        if baud <= 0:
            raise ValueError(f"baud must be positive, not {baud}")
        self.engine = engine
        self.fifo_depth = fifo_depth
        self.baud = baud
        #: Time on the wire of one 10-bit character, in ns.
        self.char_ns = -(-10 * NSEC_PER_SEC // baud)
        self.irq = IrqOutput(self, line if line is not None else Line(name))
        self.tx_sink = tx_sink
        self.status = 0
        self.enable = 0
        self.rx_fifo: deque[int] = deque()
        self.tx_fifo: deque[int] = deque()
        self.overruns = 0
        #: Bytes received into the FIFO since reset (lost bytes are in ``overruns``).
        self.rx_bytes = 0
        #: (ns, byte) for every byte that left the transmitter.
        self.tx_log: list[tuple[int, int]] = []
        self.tx_dropped = 0
        self._tx_busy = False
        self._stream: dict[str, Any] | None = None
        self._reg(UART_RX_DATA, read=self._read_rx)
        self._reg(UART_TX_DATA, write=self._write_tx)
        self._reg(UART_IRQ_STATUS, read=self._read_status, write=self._clear)
        self._reg(UART_IRQ_CLEAR, read=lambda: 0, write=self._clear)
        self._reg(UART_IRQ_ENABLE, read=lambda: self.enable, write=self._write_enable)
        self._reg(UART_RX_FIFO_COUNT, read=lambda: len(self.rx_fifo))
        self._reg(UART_TX_FIFO_COUNT, read=lambda: len(self.tx_fifo))
        self._reg(UART_FLAGS, read=self._read_flags)
        self._reg(UART_OVERRUNS, read=lambda: self.overruns)
        self._reg(UART_IRQ_MASKED, read=lambda: self.status & self.enable)

    @property
    def line(self) -> Line:
        """The interrupt line this UART drives."""
        return self.irq.line

    # -- registers ---------------------------------------------------------------
    def _update(self) -> None:
        self.irq.update(bool(self.status & self.enable))

    def _raise(self, bits: int) -> None:
        self.status |= bits
        self._update()

    def _clear(self, value: int) -> None:
        self.status &= ~(value & _CAUSES)
        self._update()

    def _write_enable(self, value: int) -> None:
        self.enable = value & _CAUSES
        self._update()

    def _read_status(self) -> int:
        return self.status | (UART_IRQ_PENDING if self.status & self.enable else 0)

    def _read_rx(self) -> int:
        return self.rx_fifo.popleft() if self.rx_fifo else 0

    def _read_flags(self) -> int:
        f = 0
        if not self.rx_fifo:
            f |= UART_FLAG_RXFE
        if len(self.rx_fifo) >= self.fifo_depth:
            f |= UART_FLAG_RXFF
        if not self.tx_fifo:
            f |= UART_FLAG_TXFE
        if len(self.tx_fifo) >= self.fifo_depth:
            f |= UART_FLAG_TXFF
        if self._tx_busy:
            f |= UART_FLAG_BUSY
        return f

    # -- receive side (the scenario) ---------------------------------------------------
    def receive_byte(self, byte: int) -> None:
        """A byte completes in the receiver now: into the FIFO, or lost with an overrun. Any context."""
        if len(self.rx_fifo) >= self.fifo_depth:
            self.overruns = (self.overruns + 1) & 0xFFFF_FFFF
            self._raise(UART_ERROR)
            return
        # SIMPLIFICATION: RX_READY latches on every byte (an RX trigger level of 1, so no RX
        # timeout interrupt is needed); overrun is the only receive error (no framing/parity/break).
        self.rx_fifo.append(byte & 0xFF)
        self.rx_bytes += 1
        self._raise(UART_RX_READY)

    def receive(self, data: bytes | str, at: TimeLike | None = None, rate: float | None = None) -> int:
        """Schedule ``data`` to arrive: the first byte at ``at`` (None = now), the rest every
        character time, or at ``rate`` bytes/s (at most baud/10). Returns the last byte's time."""
        if isinstance(data, str):
            data = data.encode()
        gap = self._gap(rate)
        t = resolve_time(self.engine, at)
        for i, b in enumerate(data):
            self.engine.at(t + i * gap, PRIO_HW, self.receive_byte, b)
        return t + max(len(data) - 1, 0) * gap

    def stream(
        self,
        rate: float | None = None,
        start: TimeLike | None = None,
        until: TimeLike | None = None,
        count: int | None = None,
        pattern: bytes = bytes(range(256)),
    ) -> None:
        """Feed bytes continuously (cycling through ``pattern``) at ``rate`` bytes/s (None = wire
        speed) from ``start`` until ``until`` or ``count`` bytes; :meth:`stop_stream` stops it."""
        if until is None and count is None:
            raise ValueError("stream needs until= or count= (or both), or it would never stop")
        if not pattern:
            raise ValueError("stream pattern must not be empty")
        cfg = {
            "gap": self._gap(rate),
            "until": None if until is None else to_ns(until),
            "left": count,
            "pattern": bytes(pattern),
            "i": 0,
        }
        self._stream = cfg
        self.engine.at(resolve_time(self.engine, start, "start"), PRIO_HW, self._stream_byte, cfg)

    def stop_stream(self) -> None:
        """Stop :meth:`stream`."""
        self._stream = None

    def _stream_byte(self, cfg: dict[str, Any]) -> None:
        if cfg is not self._stream:
            return
        if (cfg["until"] is not None and self.engine.now > cfg["until"]) or cfg["left"] == 0:
            self._stream = None
            return
        if cfg["left"] is not None:
            cfg["left"] -= 1
        pat = cfg["pattern"]
        self.receive_byte(pat[cfg["i"] % len(pat)])
        cfg["i"] += 1
        if cfg["left"] == 0:
            self._stream = None
            return
        self.engine.at(self.engine.now + cfg["gap"], PRIO_HW, self._stream_byte, cfg)

    def _gap(self, rate: float | None) -> int:
        if rate is None:
            return self.char_ns
        if rate <= 0:
            raise ValueError(f"rate must be positive bytes/s, not {rate}")
        gap = int(NSEC_PER_SEC / rate)
        if gap < self.char_ns:
            raise ValueError(
                f"rate {rate} bytes/s is faster than the wire ({NSEC_PER_SEC // self.char_ns} bytes/s at "
                f"{self.baud} baud): lower the rate or raise baud="
            )
        return gap

    # -- transmit side ---------------------------------------------------------------
    def _write_tx(self, value: int) -> None:
        if len(self.tx_fifo) >= self.fifo_depth:
            self.tx_dropped += 1
            return
        self.tx_fifo.append(value & 0xFF)
        if not self._tx_busy:
            self._tx_start()

    def _tx_start(self) -> None:
        self._tx_busy = True
        byte = self.tx_fifo.popleft()
        self.engine.at(self.engine.now + self.char_ns, PRIO_HW, self._tx_done, byte)

    def _tx_done(self, byte: int) -> None:
        self.tx_log.append((self.engine.now, byte))
        if self.tx_sink is not None:
            self.tx_sink(byte)
        if self.tx_fifo:
            self._tx_start()
            return
        self._tx_busy = False
        self._raise(UART_TX_EMPTY)

    def __repr__(self) -> str:
        return (
            f"<Uart {self.name} rx={len(self.rx_fifo)}/{self.fifo_depth} status={self.status:#x} "
            f"enable={self.enable:#x} line={self.line!r}>"
        )
