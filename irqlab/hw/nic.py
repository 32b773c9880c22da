"""A network card's receive side: RX descriptor ring, interrupt mitigation, packet generator.

The hardware writes each arriving packet into the next RX descriptor (``ring[head]``), sets
its ``RXD_STAT_DD`` ("descriptor done") bit and advances ``head``. The driver takes packets
in order with :meth:`Nic.rx_pop`/:meth:`Nic.rx_poll`, which clear DD and hand the descriptor
back. When the next descriptor still belongs to the driver the ring is full: the packet is
dropped, ``NIC_RX_DROPS`` counts it (``rx_missed_errors``) and ``NIC_INT_RXO`` is latched.

Interrupt causes are latched in ``NIC_INT_STATUS`` (write 1 to clear) and gated by
``NIC_INT_ENABLE``, with write-1-to-set / write-1-to-clear aliases like e1000's IMS/IMC,
so a NAPI driver masks RX in its handler, polls up to its budget, and unmasks when done;
a cause latched while masked asserts the line as soon as it is unmasked.

Interrupt mitigation follows the semantics the kernel documents for ``struct ethtool_coalesce``
(include/uapi/linux/ethtool.h): interrupts are coalesced until
``(usecs > 0 && time_since_first_completion >= usecs) || (max_frames > 0 && completed_frames
>= max_frames)``. Here ``NIC_INT_RX`` is latched when ``NIC_COAL_FRAMES`` packets have arrived
since it was last latched, or ``NIC_COAL_USECS`` µs after the first of them, whichever comes
first. The reset state is frames 1, usecs 0 (no coalescing: every packet); both 0 never latches
``NIC_INT_RX`` ("would cause interrupts to never be generated", as that comment warns).

The line is level (asserted while ``status & enable``) or, with ``edge=True``, one pulse
each time ``status & enable`` becomes non-zero (like MSI).
"""

from __future__ import annotations

from typing import Any

from irqlab.hw.line import Line
from irqlab.hw.regs import U32, IrqOutput, RegisterBlock, resolve_time
from irqlab.sim import NSEC_PER_SEC, NSEC_PER_USEC, PRIO_HW, Engine, to_ns
from irqlab.sim.units import TimeLike

__all__ = [
    "Nic",
    "Packet",
    "RxDesc",
    "PacketFlow",
    "RXD_STAT_DD",
    "NIC_INT_STATUS",
    "NIC_INT_ENABLE",
    "NIC_INT_ENABLE_SET",
    "NIC_INT_ENABLE_CLR",
    "NIC_RX_PENDING",
    "NIC_RX_HEAD",
    "NIC_RX_TAIL",
    "NIC_RX_DROPS",
    "NIC_RX_PACKETS",
    "NIC_COAL_FRAMES",
    "NIC_COAL_USECS",
    "NIC_CTRL",
    "NIC_RING_SIZE",
    "NIC_REG_SIZE",
    "NIC_INT_RX",
    "NIC_INT_RXO",
    "NIC_CTRL_RX_EN",
    "ETH_WIRE_OVERHEAD",
]

# Register offsets (bytes).
NIC_INT_STATUS = 0x00  #: R: latched causes; W: write-1-to-clear.
NIC_INT_ENABLE = 0x04  #: RW: enabled causes (0 at reset).
NIC_INT_ENABLE_SET = 0x08  #: W: write-1-to-set enable bits (unmask); reads the enable mask.
NIC_INT_ENABLE_CLR = 0x0C  #: W: write-1-to-clear enable bits (mask); reads the enable mask.
NIC_RX_PENDING = 0x10  #: R: filled descriptors waiting for the driver.
NIC_RX_HEAD = 0x14  #: R: index of the descriptor the hardware fills next.
NIC_RX_TAIL = 0x18  #: R: index of the descriptor rx_pop() takes next.
NIC_RX_DROPS = 0x1C  #: R: packets dropped because the ring was full (wraps at 2**32).
NIC_RX_PACKETS = 0x20  #: R: packets written to the ring (wraps at 2**32).
NIC_COAL_FRAMES = 0x24  #: RW: rx-frames (1 at reset; 0 = no packet-count condition).
NIC_COAL_USECS = 0x28  #: RW: rx-usecs (0 = no timer condition).
NIC_CTRL = 0x2C  #: RW: NIC_CTRL_RX_EN (0 at reset: the receiver ignores the wire).
NIC_RING_SIZE = 0x30  #: R: number of RX descriptors.
NIC_REG_SIZE = 0x40  #: Size of the register window.

# Interrupt cause bits.
NIC_INT_RX = 1 << 0  # packets received (after mitigation)
NIC_INT_RXO = 1 << 1  # RX overrun: a packet was dropped, the ring was full
_CAUSES = NIC_INT_RX | NIC_INT_RXO

NIC_CTRL_RX_EN = 1 << 0

#: Descriptor status bit: the hardware has filled this descriptor.
RXD_STAT_DD = 1 << 0

#: Bytes on the wire besides the frame: preamble + SFD (8) and the inter-frame gap (12).
ETH_WIRE_OVERHEAD = 20


class Packet:
    """A received frame: sequence number, size in bytes (FCS included), arrival ns, payload."""

    __slots__ = ("seq", "size", "t", "data")

    def __init__(self, seq: int, size: int, t: int, data: object = None) -> None:
        self.seq = seq
        self.size = size
        self.t = t
        self.data = data

    def __repr__(self) -> str:
        return f"<Packet #{self.seq} {self.size}B t={self.t}>"


class RxDesc:
    """One RX descriptor (DMA memory): status (RXD_STAT_DD), length, the packet, write time."""

    __slots__ = ("status", "length", "packet", "timestamp")

    def __init__(self) -> None:
        self.status = 0
        self.length = 0
        self.packet: Packet | None = None
        self.timestamp = 0


class PacketFlow:
    """A running packet generator (see :meth:`Nic.generate`); :meth:`stop` ends it."""

    def __init__(self, nic: Nic, gap: int, burst: int, poisson: bool, until: int | None, count: int | None,
                 size: int) -> None:
        self.nic = nic
        self.gap = gap
        self.burst = burst
        self.poisson = poisson
        self.until = until
        self.left = count
        self.size = size
        self.wire = nic.wire_ns(size)
        self.rng = nic.engine.stream(f"nic:{nic.name}")
        #: Packets this flow has put on the wire.
        self.sent = 0
        self.running = True

    def stop(self) -> None:
        """Stop generating (packets already on the wire still arrive)."""
        self.running = False

    def _tick(self) -> None:
        if not self.running:
            return
        nic = self.nic
        engine = nic.engine
        now = engine.now
        if self.until is not None and now > self.until:
            self.running = False
            return
        n = self.burst
        left = self.left
        if left is not None and left < n:
            n = left
        nic.packet_arrives(self.size)
        wire = self.wire
        for i in range(1, n):
            engine.at(now + i * wire, PRIO_HW, nic.packet_arrives, self.size)
        self.sent += n
        if left is not None:
            self.left = left - n
            if self.left <= 0:
                self.running = False
                return
        gap = int(self.rng.expovariate(1.0 / self.gap)) if self.poisson else self.gap
        # The wire serialises frames: the next burst cannot start before this one has passed.
        engine.at(now + max(gap, n * wire), PRIO_HW, self._tick)


class Nic(RegisterBlock):
    """A NIC receive path: ``ring_size`` RX descriptors, mitigation, level or edge interrupt line.

    ``link_bps`` sets the wire time of a frame (``(size + 20) * 8 / link_bps``: 672 ns for a
    64-byte frame at 1 Gb/s).
    """

    def __init__(
        self,
        engine: Engine,
        name: str = "eth0",
        line: Line | None = None,
        ring_size: int = 256,
        edge: bool = False,
        link_bps: int = 1_000_000_000,
    ) -> None:
        super().__init__(name, NIC_REG_SIZE)
        if ring_size < 1:
            raise ValueError(f"ring_size must be >= 1, not {ring_size}")
        if link_bps <= 0:
            raise ValueError(f"link_bps must be positive, not {link_bps}")
        self.engine = engine
        self.link_bps = link_bps
        self.irq = IrqOutput(self, line if line is not None else Line(name), edge=edge)
        #: The RX descriptor ring (DMA memory shared with the driver).
        self.ring = [RxDesc() for _ in range(ring_size)]
        self.head = 0
        self.tail = 0
        self.filled = 0
        self.status = 0
        self.enable = 0
        self.ctrl = 0
        self.coal_frames = 1
        self.coal_usecs = 0
        self.drops = 0
        self.rx_packets = 0
        #: Packets that arrived while the receiver was disabled (not counted as drops).
        self.ignored = 0
        #: Times NIC_INT_RX was latched (after mitigation).
        self.rx_interrupts = 0
        self._seq = 0
        self._unsignalled = 0
        self._coal_timer: list[Any] | None = None
        self._reg(NIC_INT_STATUS, read=lambda: self.status, write=self._clear)
        self._reg(NIC_INT_ENABLE, read=lambda: self.enable, write=self._set_enable)
        self._reg(NIC_INT_ENABLE_SET, read=lambda: self.enable, write=lambda v: self._set_enable(self.enable | v))
        self._reg(NIC_INT_ENABLE_CLR, read=lambda: self.enable, write=lambda v: self._set_enable(self.enable & ~v))
        self._reg(NIC_RX_PENDING, read=lambda: self.filled)
        self._reg(NIC_RX_HEAD, read=lambda: self.head)
        self._reg(NIC_RX_TAIL, read=lambda: self.tail)
        self._reg(NIC_RX_DROPS, read=lambda: self.drops)
        self._reg(NIC_RX_PACKETS, read=lambda: self.rx_packets)
        self._reg(NIC_COAL_FRAMES, read=lambda: self.coal_frames, write=self._set_frames)
        self._reg(NIC_COAL_USECS, read=lambda: self.coal_usecs, write=self._set_usecs)
        self._reg(NIC_CTRL, read=lambda: self.ctrl, write=self._set_ctrl)
        self._reg(NIC_RING_SIZE, read=lambda: len(self.ring))

    @property
    def line(self) -> Line:
        """The interrupt line this NIC drives."""
        return self.irq.line

    @property
    def ring_size(self) -> int:
        """Number of RX descriptors."""
        return len(self.ring)

    # -- registers ---------------------------------------------------------------
    def _update(self) -> None:
        self.irq.update(bool(self.status & self.enable))

    def _clear(self, value: int) -> None:
        self.status &= ~(value & _CAUSES)
        self._update()

    def _set_enable(self, value: int) -> None:
        self.enable = value & _CAUSES
        self._update()

    def _set_ctrl(self, value: int) -> None:
        self.ctrl = value & NIC_CTRL_RX_EN

    def _set_frames(self, value: int) -> None:
        self.coal_frames = value
        if value and self._unsignalled >= value:
            self._signal_rx()

    def _set_usecs(self, value: int) -> None:
        self.coal_usecs = value

    # -- the wire -----------------------------------------------------------------
    def wire_ns(self, size: int) -> int:
        """Time a ``size``-byte frame occupies the wire, in ns (rounded up)."""
        return -(-(size + ETH_WIRE_OVERHEAD) * 8 * NSEC_PER_SEC // self.link_bps)

    def packet_arrives(self, size: int = 64, data: object = None) -> bool:
        """A frame has fully arrived now: DMA it into the ring, or drop it. Returns True if stored.
        Any context."""
        if not self.ctrl & NIC_CTRL_RX_EN:
            self.ignored += 1
            return False
        desc = self.ring[self.head]
        # SIMPLIFICATION: a descriptor belongs to the hardware while its DD bit is clear (no tail
        # register doorbell, no buffer refill); there is no TX path.
        if desc.status & RXD_STAT_DD:
            self.drops = (self.drops + 1) & U32
            self.status |= NIC_INT_RXO
            self._update()
            return False
        self._seq += 1
        now = self.engine.now
        desc.packet = Packet(self._seq, size, now, data)
        desc.length = size
        desc.timestamp = now
        desc.status = RXD_STAT_DD
        self.head = (self.head + 1) % len(self.ring)
        self.filled += 1
        self.rx_packets = (self.rx_packets + 1) & U32
        self._unsignalled += 1
        frames = self.coal_frames
        if frames and self._unsignalled >= frames:
            self._signal_rx()
        elif self.coal_usecs and self._coal_timer is None:
            self._coal_timer = self.engine.at(now + self.coal_usecs * NSEC_PER_USEC, PRIO_HW, self._coal_expired)
        return True

    def _coal_expired(self) -> None:
        self._coal_timer = None
        if self._unsignalled:
            self._signal_rx()

    def _signal_rx(self) -> None:
        self._unsignalled = 0
        if self._coal_timer is not None:
            self.engine.cancel(self._coal_timer)
            self._coal_timer = None
        self.rx_interrupts += 1
        self.status |= NIC_INT_RX
        self._update()

    def inject(self, count: int = 1, at: TimeLike | None = None, size: int = 64) -> int:
        """Schedule ``count`` back-to-back frames (wire speed), the first arriving at ``at``
        (None = now). Returns the last frame's arrival time."""
        t = resolve_time(self.engine, at)
        wire = self.wire_ns(size)
        for i in range(count):
            self.engine.at(t + i * wire, PRIO_HW, self.packet_arrives, size)
        return t + max(count - 1, 0) * wire

    def generate(
        self,
        rate: float,
        start: TimeLike | None = None,
        until: TimeLike | None = None,
        count: int | None = None,
        burst: int = 1,
        poisson: bool = False,
        size: int = 64,
    ) -> PacketFlow:
        """Start a packet generator: ``rate`` packets/s on average, in bursts of ``burst``
        back-to-back frames; bursts are evenly spaced, or a Poisson process with ``poisson``.
        Runs from ``start`` until ``until`` or ``count`` packets. Returns the flow (``.stop()``)."""
        if until is None and count is None:
            raise ValueError("generate needs until= or count= (or both), or it would never stop")
        if rate <= 0 or burst < 1:
            raise ValueError(f"generate needs rate > 0 packets/s and burst >= 1, not rate={rate} burst={burst}")
        gap = int(burst * NSEC_PER_SEC / rate)
        wire = self.wire_ns(size)
        if gap < burst * wire:
            raise ValueError(
                f"rate {rate} packets/s of {size}-byte frames exceeds the link ({NSEC_PER_SEC // wire} packets/s "
                f"at {self.link_bps} b/s): lower the rate or raise link_bps="
            )
        flow = PacketFlow(self, gap, burst, poisson, None if until is None else to_ns(until), count, size)
        self.engine.at(resolve_time(self.engine, start, "start"), PRIO_HW, flow._tick)
        return flow

    # -- the driver side (DMA memory) -------------------------------------------------
    def rx_pop(self) -> Packet | None:
        """Take the next filled descriptor's packet and give the descriptor back; None if the
        ring is empty. Any context."""
        desc = self.ring[self.tail]
        if not desc.status & RXD_STAT_DD:
            return None
        pkt = desc.packet
        desc.status = 0
        desc.packet = None
        self.tail = (self.tail + 1) % len(self.ring)
        self.filled -= 1
        return pkt

    def rx_poll(self, budget: int) -> list[Packet]:
        """Take up to ``budget`` packets in arrival order (what a NAPI poll does). Any context."""
        out: list[Packet] = []
        while len(out) < budget:
            pkt = self.rx_pop()
            if pkt is None:
                break
            out.append(pkt)
        return out

    def __repr__(self) -> str:
        return (
            f"<Nic {self.name} ring={self.filled}/{len(self.ring)} status={self.status:#x} "
            f"enable={self.enable:#x} drops={self.drops}>"
        )
