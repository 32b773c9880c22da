"""Hypothesis strategies for hardware faults: bouncing contacts, interrupt arrivals, missed and extra
edges, stuck lines and allocation failures.

Each strategy draws plain data (times in integer ns, a :class:`~irqlab.hw.button.BounceProfile`, a
failure rate); :func:`irqlab.testing.inject_edges`, :func:`irqlab.testing.hold_line`,
``m.button(gpio, profile)`` and ``m.fail_atomic_allocations(rate)`` apply it to a machine. Shrinking
goes towards fewer, later, better-behaved events, so a failing example ends up minimal::

    @given(times=arrivals(horizon="50ms"))
    def test_every_edge_is_counted(times):
        m = irqlab.boot("generic", cpus=2, seed=0)
        ...
        inject_edges(m, irq, times)
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

from irqlab.hw.button import BOUNCE_PROFILES, BounceProfile
from irqlab.sim import to_ns
from irqlab.sim.units import TimeLike

#: Bounce settle times: an ideal switch up to the 6.2 ms Ganssle measured as the worst of 18 switches.
SETTLE_MAX_NS = 6_200_000
#: At most this many extra open/close pairs per press (the "worn" profile's ceiling).
BOUNCES_MAX = 25


@dataclass(frozen=True)
class FaultyEdges:
    """Edges sent by a device and what the interrupt line delivered: some ``missed`` (lost, e.g. merged
    into a neighbour by a slow input), some ``extra`` (glitches, double edges) added."""

    sent: tuple[int, ...]
    missed: tuple[int, ...]
    extra: tuple[int, ...]

    @property
    def delivered(self) -> tuple[int, ...]:
        """The edges the line really shows, in time order: sent minus missed, plus extra."""
        gone = list(self.missed)
        kept = []
        for t in self.sent:
            if t in gone:
                gone.remove(t)
            else:
                kept.append(t)
        return tuple(sorted(kept + list(self.extra)))


@dataclass(frozen=True)
class StuckLine:
    """A line held asserted from ``start`` for ``duration`` ns (None: never released)."""

    start: int
    duration: int | None


def bounce_profiles(named: bool = True) -> st.SearchStrategy[BounceProfile]:
    """Contact-bounce profiles: the named ones ("none", "typical", "worn") and drawn ones with a settle
    window within 1 us..6.2 ms and 0-25 bounces (``named=False``: drawn ones only)."""

    @st.composite
    def drawn(draw: st.DrawFn) -> BounceProfile:
        hi = draw(st.integers(0, BOUNCES_MAX))
        lo = draw(st.integers(0, hi))
        if hi == 0:
            return BounceProfile("drawn")
        smax = draw(st.integers(1_000, SETTLE_MAX_NS))
        smin = draw(st.integers(1_000, smax))
        return BounceProfile("drawn", settle_min=smin, settle_max=smax, bounces=(lo, hi))

    if not named:
        return drawn()
    return st.one_of(st.sampled_from([BOUNCE_PROFILES[n] for n in sorted(BOUNCE_PROFILES)]), drawn())


def arrivals(horizon: TimeLike = "100ms", max_events: int = 50, start: TimeLike = "1ms",
             min_gap: TimeLike = 1) -> st.SearchStrategy[tuple[int, ...]]:  # fmt: skip
    """Interrupt arrival times (absolute ns, sorted, at least ``min_gap`` apart) within
    [``start``, ``start + horizon``): a periodic source with jitter, a Poisson-like source (independent
    gaps), or bursts of back-to-back edges separated by quiet periods."""
    h, s, gap = to_ns(horizon), to_ns(start), max(1, to_ns(min_gap))
    if h <= 0 or max_events < 1:
        raise ValueError("arrivals() needs a positive horizon and max_events >= 1")

    @st.composite
    def periodic(draw: st.DrawFn) -> tuple[int, ...]:
        n = draw(st.integers(1, max_events))
        period = max(gap, h // n)
        jitter = draw(st.integers(0, max(0, period // 2 - 1)))
        offs = draw(st.lists(st.integers(-jitter, jitter), min_size=n, max_size=n))
        return _settle([s + i * period + o for i, o in enumerate(offs)], s, h, gap)

    @st.composite
    def independent(draw: st.DrawFn) -> tuple[int, ...]:
        gaps = draw(st.lists(st.integers(gap, max(gap, h // 2)), min_size=1, max_size=max_events))
        times, t = [], s
        for g in gaps:
            t += g
            times.append(t)
        return _settle(times, s, h, gap)

    @st.composite
    def bursts(draw: st.DrawFn) -> tuple[int, ...]:
        nb = draw(st.integers(1, max(1, max_events // 2)))
        size = draw(st.integers(1, max(1, max_events // nb)))
        inner = draw(st.integers(gap, max(gap, 10_000)))
        quiet = max(gap, h // nb)
        return _settle([s + b * quiet + i * inner for b in range(nb) for i in range(size)], s, h, gap)

    return st.one_of(periodic(), independent(), bursts())


def _settle(times: list[int], start: int, horizon: int, gap: int) -> tuple[int, ...]:
    out: list[int] = []
    for t in sorted(times):
        t = max(t, start, out[-1] + gap if out else start)
        if t < start + horizon:
            out.append(t)
    return tuple(out) or (start,)


def faulty_edges(sent: st.SearchStrategy[tuple[int, ...]] | None = None,
                 max_glitch: TimeLike = "2us") -> st.SearchStrategy[FaultyEdges]:  # fmt: skip
    """Missed and extra edges: a train of ``sent`` edges (default :func:`arrivals`), a subset missed
    and glitch edges added up to ``max_glitch`` after some of them."""
    g = max(1, to_ns(max_glitch))
    base = sent if sent is not None else arrivals()

    @st.composite
    def build(draw: st.DrawFn) -> FaultyEdges:
        times = draw(base)
        flags = draw(st.lists(st.sampled_from(("ok", "missed", "extra")), min_size=len(times), max_size=len(times)))
        missed = tuple(t for t, f in zip(times, flags) if f == "missed")
        extra = tuple(t + draw(st.integers(1, g)) for t, f in zip(times, flags) if f == "extra")
        return FaultyEdges(tuple(times), missed, extra)

    return build()


def stuck_lines(horizon: TimeLike = "100ms", start: TimeLike = "1ms",
                forever: bool = True) -> st.SearchStrategy[StuckLine]:  # fmt: skip
    """A line stuck asserted: from a time within the horizon, for a while or (``forever``) for ever."""
    h, s = to_ns(horizon), to_ns(start)
    durations = st.integers(1, h)
    return st.builds(StuckLine, st.integers(s, s + h - 1), st.one_of(st.none(), durations) if forever else durations)


def allocation_failures() -> st.SearchStrategy[float]:
    """GFP_ATOMIC failure rates for ``m.fail_atomic_allocations(rate)``: never, always, and in between."""
    return st.one_of(st.sampled_from((0.0, 1.0, 0.5, 0.01)), st.floats(0.0, 1.0, allow_nan=False))


__all__ = ["FaultyEdges", "StuckLine", "bounce_profiles", "arrivals", "faulty_edges", "stuck_lines",
           "allocation_failures"]  # fmt: skip
