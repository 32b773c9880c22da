"""Discrete-event engine: integer-ns clock, one event order (a heap and a sorted list of resuming events), one seeded RNG, fibers.

The engine knows nothing of kernels. Events are ordered by the total key
``(time_ns, priority, seq)``; ``seq`` is a monotonic counter, so events at the
same time and priority run in the order they were scheduled (FIFO). They wait in
two queues under that one order: a sorted list of the events that resume a parked
fiber (a few, queued and taken at every wait that cannot skip the queue: kept latest
first, so that taking the next one is a pop from its end, and a new one, usually due
soon, finds its place a step or two from that end) and a heap of all others (hardware, timers, scenario actions: many, mostly far ahead); the next
event is the earlier of the two heads.

Fibers are greenlets. Exactly one guarded primitive moves control between them:
:meth:`Engine.switch`. A fiber *parks* by switching to the engine's main loop
(``engine.main``) and is *resumed* when an event switches back into it.
:meth:`Engine.switch_parked` is the same switch without the guards, for a target
known to be parked (the CPU contexts' waits, which park and resume at every wait
that another event cuts).

Each greenlet owns a *local stack*, a list the layers above keep in stack order (the kernel keeps its
call-trace entries there); :data:`RUNNING` holds the running one's, kept right by the engine on every
switch, so that reading it costs no greenlet lookup.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from heapq import heappop, heappush
from random import Random
from typing import Any, Final

from greenlet import GreenletExit, greenlet

from irqlab.sim import wallclock
from irqlab.sim.errors import InternalError, StalledError

_getcurrent: Final = greenlet.getcurrent
# Bound once: compiled, a module global that is not Final is looked up in the module's dict at each use.
_heappop: Final = heappop
_heappush: Final = heappush
#: greenlet's switch method, unbound: ``_switch(g, *args)`` is ``g.switch(*args)`` without looking the method up
#: at each call (compiled code would look it up on the greenlet's type and in its instance dict, then call it
#: through one more C frame, whose bytes every switch copies out and back).
_switch: Final = greenlet.switch

__all__ = [
    "Engine",
    "Fiber",
    "Resume",
    "InternalError",
    "StalledError",
    "PRIO_HW",
    "PRIO_IRQ",
    "PRIO_CPU",
    "PRIO_SCENARIO",
]

# Priorities for events at the same instant: lower runs first.
PRIO_SCENARIO: Final = 0  # scenario actions (m.at): the world acts first
PRIO_HW: Final = 1  # hardware models drive lines and registers
PRIO_IRQ: Final = 2  # interrupt delivery to a CPU
PRIO_CPU: Final = 3  # a CPU finishes a stretch of busy work


#: The attribute of a greenlet that holds its local stack.
_LOCAL_STACK: Final = "irqlab_local_stack"


def local_stack(glet: greenlet) -> list[Any]:
    """The local stack of ``glet`` (an empty one is given to a greenlet that has none yet)."""
    try:
        stack: list[Any] = getattr(glet, _LOCAL_STACK)
    except AttributeError:
        stack = []
        setattr(glet, _LOCAL_STACK, stack)
    return stack


def parked_stack(glet: greenlet) -> list[Any]:
    """The local stack of ``glet``, not running (empty for a greenlet that never had one); read it, do not keep it."""
    got: list[Any] = getattr(glet, _LOCAL_STACK, [])
    return got


def current_stack() -> list[Any]:
    """The running greenlet's local stack, looked up (``RUNNING.stack`` is the same list, read directly)."""
    return local_stack(_getcurrent())


class RunningStack:
    """Where the running greenlet's local stack is kept (:data:`RUNNING`): ``stack`` is that list, read with no
    greenlet lookup. Invariant: while a greenlet runs, ``stack`` is its own. The engine restores it wherever
    control comes back into a greenlet: :meth:`Engine.switch` after its switch returns or raises (the caller's
    list waits in its frame), a fiber's body when it first runs, and, when a fiber ends (it returns, or is thrown
    GreenletExit by :meth:`Engine.close`, by a reaper or by the collector), the greenlet control goes to: its
    parent (greenlet makes the thrower the parent). An engine's creation and each :meth:`Engine.run` set it
    afresh from the running greenlet.

    Context: one per process, like the running kernel (kernel/core.py): one simulation runs at a time, in
    whichever thread."""

    __slots__ = ("stack",)

    def __init__(self) -> None:
        self.stack: list[Any] = current_stack()


#: The running greenlet's local stack.
RUNNING: Final = RunningStack()


#: How many entries the queue of resuming events holds before its cancelled ones are dropped (at least).
_RESUMES_CAP: Final = 256


#: Engines whose close() was asked for where it could not run (see Engine.close).
_deferred_close: list[Engine] = []


def _close_deferred() -> None:
    current = greenlet.getcurrent()
    for eng in list(_deferred_close):
        if eng.main is current and not eng.running:
            _deferred_close.remove(eng)
            eng.close()


def _user_frame(frame: Any) -> str:
    """'fn() at file:line' for the innermost frame outside irqlab (else the innermost frame)."""
    import os.path

    pkg = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    f = frame
    while f is not None and os.path.abspath(f.f_code.co_filename).startswith(pkg):
        f = f.f_back
    f = f if f is not None else frame
    if f is None:
        return "unknown code"
    return f"{f.f_code.co_name}() at {f.f_code.co_filename}:{f.f_lineno}"


def fiber_start(starter: greenlet) -> None:
    """The first call of a fiber's base function (see :meth:`Engine.fiber`): park back to ``starter``, which started
    the fiber on its flat stack; returns when the fiber first runs, its local stack then the running one (see
    :class:`RunningStack`). GreenletExit (the engine closing before the fiber ever ran) is raised from here."""
    _switch(starter)  # started and parked: returns when first switched to
    RUNNING.stack = current_stack()


def fiber_end() -> None:
    """The last call of a fiber's base function, in its ``finally``: control is about to go to the fiber's parent,
    whose local stack becomes the running one (see :class:`RunningStack`)."""
    parent = _getcurrent().parent
    if parent is not None:
        RUNNING.stack = local_stack(parent)


def _fiber_body(starter: greenlet, run: Callable[..., None], *args: Any) -> None:
    """The base function of a fiber made by :meth:`Engine.fiber` without one of its own: runs ``run(*args)`` when
    first switched to; GreenletExit (the engine closing) ends it quietly."""
    try:
        fiber_start(starter)
        run(*args)
    except GreenletExit:
        return
    finally:
        fiber_end()


def _starter_loop() -> None:
    """The body of an engine's starter greenlet (see :meth:`Engine.fiber`): each request ``(glet, args, requester)``
    starts ``glet`` with ``(starter, *args)``, it parks back here at once (:func:`fiber_start`), then control
    returns to ``requester``."""
    me = _getcurrent()
    back = me.parent
    while True:
        glet, args, back = back.switch()
        glet.switch(me, *args)
        glet = args = None


class Fiber:
    """A greenlet-backed thread of control, parked and resumed by the engine."""

    __slots__ = ("name", "glet", "blocked_on", "stuck_if_idle", "__weakref__")

    def __init__(self, engine: Engine, name: str, run: Callable[..., None]) -> None:
        self.name = name
        self.glet = greenlet(run, parent=engine.main)
        #: What the fiber is blocked on (a human-readable description), or None.
        self.blocked_on: str | None = None
        #: Whether staying blocked when the run dries up is an error.
        self.stuck_if_idle = False


class Resume:
    """An event of the queue of resuming events (see :meth:`Engine.at_resume`): the time, priority and sequence
    number that order it, the function and its arguments. ``tag`` tells a fiber that runs the event itself
    (:meth:`Engine.pop_due`) what it does: 0 for nothing it knows, else a code of the caller's. One that is not
    queued (never queued, ran, or cancelled and dropped) may be queued again (:meth:`Engine.queue_resume`): a
    fiber that waits often keeps one, allocated once. Context: one engine's; not thread-safe."""

    __slots__ = ("when", "prio", "seq", "fn", "args", "tag", "queued", "live")

    def __init__(self, prio: int, fn: Callable[..., Any], args: tuple[Any, ...], tag: int = 0) -> None:
        self.when = 0
        self.prio = prio
        self.seq = 0
        self.fn = fn
        self.args = args
        self.tag = tag
        #: Whether it sits in the engine's queue (live, or cancelled and not yet dropped).
        self.queued = False
        #: Whether, queued, it is to run (False once cancelled).
        self.live = False


class Engine:
    """Clock, event queue, RNG and fiber switching."""

    def __init__(self, seed: int = 0) -> None:
        self.now = 0
        self.seed = seed
        #: The kernel's stream: scheduling and interrupt-entry jitter.
        self.rng = Random(seed)
        self._streams: dict[str, Random] = {}
        self._heap: list[list[Any]] = []
        #: The events that resume a parked fiber (see :meth:`at_resume`), sorted in the reverse of the order of
        #: ``_heap``: the next one is the last (a pop from the end moves nothing). Its cancelled entries are
        #: dropped when they reach its end, and all of them when it reaches ``_resumes_cap`` entries.
        self._resumes: list[Resume] = []
        self._resumes_cap = _RESUMES_CAP
        self._seq = 0
        self.main = greenlet.getcurrent()
        self.fibers: list[Fiber] = []
        self.running = False
        self.events_run = 0
        #: Fiber switches made through :meth:`switch` (a statistic for the benchmarks).
        self.switches = 0
        self._limit: int | None = None
        self._stop: Callable[[], bool] | None = None
        #: Whether pop_due() evaluated the stop predicate false and nothing ran since (see run()).
        self._stop_false = False
        #: Inputs posted from outside the simulation (another thread, a web page), not yet applied.
        self._posted: deque[tuple[Callable[..., Any], tuple[Any, ...]]] = deque()
        #: [count of live events that keep a run without ``until`` going] (background events do not); each
        #: such event carries this box, so that the static :meth:`cancel` can count it out.
        self._fg = [0]
        #: Seconds of wall time without simulated progress before :class:`wallclock.WallClockLimitError`
        #: (None: no limit). Default: $IRQLAB_WALL_LIMIT, else 120.
        self.wall_limit: float | None = wallclock.default_wall_limit()
        #: Describes the simulated context running now, for that error (set by the kernel).
        self.describe: Callable[[], str] | None = None
        self._progress: tuple[int, int] = (-1, -1)
        self.closed = False
        RUNNING.stack = current_stack()
        #: Starts new fibers on a flat stack (see :meth:`fiber`); started here, from ``main``.
        self._starter = greenlet(_starter_loop, parent=self.main)
        self._starter.switch()
        _close_deferred()

    # -- events ---------------------------------------------------------------
    def at(self, when: int, prio: int, fn: Callable[..., Any], *args: Any) -> list[Any]:
        """Schedule ``fn(*args)`` at absolute time ``when``; returns a cancellable handle."""
        if when < self.now:
            raise InternalError(f"event scheduled in the past ({when} < {self.now})")
        self._seq += 1
        fg = self._fg
        entry = [when, prio, self._seq, fn, args, fg]
        _heappush(self._heap, entry)
        fg[0] += 1
        return entry

    def at_resume(self, when: int, prio: int, fn: Callable[..., Any], *args: Any) -> Resume:
        """Like :meth:`at`, for an event that only resumes a parked fiber (a wait that runs out, a wakeup): it
        runs in the same order as it would from :meth:`at`, but waits in the short sorted list of such events, so
        that the frequent waits of many fibers do not sift through the many far-off events of the other heap.
        Returns its handle (a :class:`Resume`, which :meth:`cancel` takes too). Performance only."""
        ev = Resume(prio, fn, args)
        self.queue_resume(when, ev)
        return ev

    def queue_resume(self, when: int, ev: Resume) -> None:
        """Queue ``ev`` (not queued: a new one, or one that ran) to run at ``when`` with its priority, function and
        arguments, as :meth:`at_resume` does; one that was cancelled and still sits in the queue is taken out of it
        first. Raises InternalError for a live one (it would run twice)."""
        if when < self.now:
            raise InternalError(f"event scheduled in the past ({when} < {self.now})")
        queue = self._resumes
        if ev.queued:
            if ev.live:
                raise InternalError("a queued resuming event queued again")
            queue.remove(ev)
        self._seq += 1
        ev.when = when
        ev.seq = self._seq
        ev.queued = True
        ev.live = True
        prio = ev.prio
        i = len(queue)
        if i >= self._resumes_cap:
            self._compact_resumes()
            i = len(queue)
        # Latest first: placed before (nearer the end than) the entries that run after it, found from the end (a
        # new one is usually due soon): later in time, or at the same time with a larger priority value; among
        # equal (time, priority) the newest sequence number is taken last.
        while i:
            e = queue[i - 1]
            t = e.when
            if t > when or (t == when and e.prio > prio):
                break
            i -= 1
        queue.insert(i, ev)

    def _compact_resumes(self) -> None:
        """Drop the cancelled entries of the sorted list of resuming events."""
        queue = self._resumes
        for e in queue:
            if not e.live:
                e.queued = False
        queue[:] = [e for e in queue if e.live]
        self._resumes_cap = max(_RESUMES_CAP, 2 * len(queue))

    def _front_time(self) -> int:
        """The time of the next live event (the earlier of the two queues' heads), or -1 when no live event is
        left; cancelled entries at the heads are dropped on the way (run(), wait_until() and pop_due(), once per
        event, per wait and per park, compare the heads inline: a call costs the pure build)."""
        heap = self._heap
        while heap and heap[0][3] is None:
            _heappop(heap)
        resumes = self._resumes
        while resumes and not resumes[-1].live:
            resumes.pop().queued = False
        if resumes:
            t = resumes[-1].when
            if heap:
                hw: int = heap[0][0]
                if hw < t:
                    return hw
            return t
        if heap:
            ht: int = heap[0][0]
            return ht
        return -1

    def _live_resumes(self) -> bool:
        """Whether a live resuming event is queued (they keep a run without ``until`` going; they are not counted
        in ``_fg``)."""
        for e in self._resumes:
            if e.live:
                return True
        return False

    def at_background(self, when: int, prio: int, fn: Callable[..., Any], *args: Any) -> list[Any]:
        """Like :meth:`at`, for housekeeping that recurs forever (a watchdog's timer): it runs in time order
        like any event, but a :meth:`run` without ``until`` ends when only such events are left."""
        entry = self.at(when, prio, fn, *args)
        entry[5] = None
        self._fg[0] -= 1
        return entry

    @staticmethod
    def cancel(entry: list[Any] | Resume | None) -> None:
        """Cancel an event handle (idempotent; an event that ran is left as it is)."""
        if entry is None:
            return
        if isinstance(entry, Resume):
            entry.live = False
        elif entry[3] is not None:
            entry[3] = None
            fg = entry[5]
            if fg is not None:
                fg[0] -= 1

    def _stopping(self) -> bool:
        """Whether the run's stop predicate holds now, evaluated where the loop would evaluate it (a fiber's
        shortcut ends the current event). One that raises counts as holding: the fiber parks, and the loop's
        own evaluation raises it out of :meth:`run`, to the caller, rather than inside the simulated context
        the fiber runs."""
        stop = self._stop
        if stop is None:
            return False
        try:
            return bool(stop())
        except Exception:  # noqa: BLE001 - raised again by the loop, out of run()
            return True

    def pop_due(self) -> Resume | None:
        """For a fiber about to park inside :meth:`run`, which ends the event that resumed it: when the event
        the loop would run next is a resuming event (see :meth:`at_resume`) with a nonzero ``tag``, take it out
        of the queue, account it exactly as the loop does before running an event (clock, event count) and
        return it: the caller then does what its call would do (its tag says what). None (and nothing changes)
        when the next event is another, or when the loop would run none now (no run is going on, the stop
        predicate holds, or the next event lies past the run's limit). Evaluates the stop predicate as the loop
        does after each event (one that raises leaves it to the loop, which raises it out of :meth:`run`, not
        inside the fiber). Performance shortcut: a fiber that parks can resume the next due fiber itself, with
        one switch instead of two through the loop."""
        if not self.running:
            return None
        if self._stop is not None:
            if self._stopping():
                return None
            # Evaluated false: the loop need not evaluate it again if this fiber parks now (see run()).
            self._stop_false = True
        # The next live event, if it is a resuming event: the head of that queue, unless the heap's is earlier
        # (cancelled heads are dropped on the way). A live resuming event keeps the run going (the loop's test
        # of the foreground count passes).
        resumes = self._resumes
        if not resumes:
            return None
        ev = resumes[-1]
        if not ev.live:
            while resumes and not resumes[-1].live:
                resumes.pop().queued = False
            if not resumes:
                return None
            ev = resumes[-1]
        rw = ev.when
        heap = self._heap
        if heap:
            h = heap[0]
            hw: int = h[0]
            if hw <= rw:
                if h[3] is None:
                    while heap and heap[0][3] is None:
                        _heappop(heap)
                if heap:
                    h = heap[0]
                    hw = h[0]
                    if hw < rw:
                        return None  # an event of the heap runs first
                    if hw == rw:
                        hp: int = h[1]
                        if hp < ev.prio:
                            return None
                        if hp == ev.prio:
                            hs: int = h[2]
                            if hs < ev.seq:
                                return None
        if ev.tag == 0:
            return None
        limit = self._limit
        if limit is not None and rw > limit:
            return None
        resumes.pop()
        ev.queued = False
        ev.live = False
        self._stop_false = False
        self.now = rw
        self.events_run += 1
        return ev

    def idle_steps(self, step: int) -> int:
        """How many consecutive waits of ``step`` ns, starting now, :meth:`wait_until` would take on its
        fast path: each must end before the next live event and within the run's limit, with the stop
        predicate false (it reads state, which does not change meanwhile: a predicate on the clock belongs in
        ``until``). Performance shortcut for busy-wait loops whose state only another event can change: moving
        the clock by ``n * step`` at once is then exactly what ``n`` small waits would do. Returns 0 when
        nothing bounds the wait (it could never end)."""
        if not self.running or step <= 0 or self._stopping():
            return 0
        nxt = self._front_time()
        now = self.now
        n: int | None = None
        if nxt >= 0:
            n = (nxt - 1 - now) // step
        limit = self._limit
        if limit is not None:
            m = (limit - now) // step
            n = m if n is None or m < n else n
        return max(n, 0) if n is not None else 0

    def skip(self, ns: int, steps: int) -> None:
        """Move the clock by ``ns`` as ``steps`` fast-path waits would (see :meth:`idle_steps`)."""
        self.now += ns
        self.events_run += steps

    def wait_until(self, when: int, ev: Resume) -> bool:
        """For a fiber waiting until ``when`` inside a run: when no other event can run before it (and the run's
        limit and stop predicate allow), move the clock there directly, exactly what popping its own event would
        do, and return False; else queue ``ev`` (see :meth:`queue_resume`) to run at ``when`` and return True (the
        fiber then parks). Performance shortcut: the fast path saves a queue round trip and two switches."""
        if self.running:
            limit = self._limit
            if limit is None or when <= limit:
                # Whether a live event is due by ``when``: the heads decide, unless a head that is due was
                # cancelled (then _due_by() drops the cancelled heads and looks again). The times are typed:
                # compiled, an untyped comparison with ``when`` boxes it.
                due = False
                heap = self._heap
                if heap:
                    h = heap[0]
                    head: int = h[0]
                    if head <= when:
                        due = h[3] is not None or self._due_by(when)
                if not due:
                    resumes = self._resumes
                    if resumes:
                        r = resumes[-1]
                        if r.when <= when:
                            due = r.live or self._due_by(when)
                    if not due and (self._stop is None or not self._stopping()):
                        self.now = when
                        self.events_run += 1
                        return False
        self.queue_resume(when, ev)
        return True

    def _due_by(self, when: int) -> bool:
        """Whether a live event is due at or before ``when``, dropping the cancelled entries at the heads."""
        t = self._front_time()
        return 0 <= t <= when

    def next_time(self) -> int | None:
        """Time of the next live event, or None."""
        t = self._front_time()
        return t if t >= 0 else None

    def run(self, until: int | None = None, stop: Callable[[], bool] | None = None) -> None:
        """Run events up to and including time ``until`` (or until the queue is empty).

        ``stop``, a predicate without side effects, is checked after every event; the run ends
        early when it returns True. It must read state, not the clock (busy-waits run ahead between
        events while it stays false); a time limit is ``until``.
        """
        if greenlet.getcurrent() is not self.main:
            raise InternalError("Engine.run called from inside a fiber")
        if self.closed:
            raise ValueError("this simulation was closed and cannot run again: boot a new machine")
        heap = self._heap
        resumes = self._resumes
        pop = _heappop
        fgbox = self._fg
        RUNNING.stack = current_stack()
        self.running = True
        self._limit = until if until is not None else None
        self._stop = stop
        self._stop_false = False
        self._progress = (self.events_run, self.now)
        wall = wallclock.arm(self.wall_limit, self._wall_check) if self.wall_limit else None
        try:
            while True:
                # The earlier of the two heads (inline: a call per event costs the pure build); a cancelled one is
                # dropped, and the heads compared again. Equal times are ordered by priority, then sequence number.
                if resumes:
                    r = resumes[-1]
                    from_heap = False
                    if heap:
                        h = heap[0]
                        hw: int = h[0]
                        rw = r.when
                        if hw < rw:
                            from_heap = True
                        elif hw == rw:
                            hp: int = h[1]
                            if hp < r.prio:
                                from_heap = True
                            elif hp == r.prio:
                                hs: int = h[2]
                                from_heap = hs < r.seq
                    if not from_heap:
                        if not r.live:
                            resumes.pop()
                            r.queued = False
                            continue
                        if until is not None and r.when > until:
                            break
                        resumes.pop()
                        r.queued = False
                        r.live = False
                        rfn = r.fn
                        # A live resuming event keeps a run without ``until`` going (it is not counted in _fg).
                        self.now = r.when
                        self.events_run += 1
                        rfn(*r.args)
                        if stop is not None:
                            # A tagged event only resumes a parked fiber (nothing runs after its switch returns):
                            # when the fiber that switched back here had evaluated the predicate false on parking
                            # (pop_due()), with nothing run since, it is not evaluated twice.
                            if not (r.tag and self._stop_false) and stop():
                                return
                            self._stop_false = False
                        continue
                elif not heap:
                    break
                entry = heap[0]
                fn = entry[3]
                if fn is None:
                    pop(heap)
                    continue
                if until is not None:
                    if entry[0] > until:
                        break
                elif fgbox[0] <= 0 and not self._live_resumes():
                    break  # only background housekeeping is left: nothing to do
                pop(heap)
                self.now = entry[0]
                entry[3] = None
                if entry[5] is not None:
                    fgbox[0] -= 1
                self.events_run += 1
                fn(*entry[4])
                if stop is not None:
                    self._stop_false = False
                    if stop():
                        return
            if until is not None and until > self.now:
                self.now = until
        finally:
            wallclock.disarm(wall)
            self.running = False
            self._limit = None
            self._stop = None
            if _deferred_close:
                _close_deferred()
        if until is None and stop is None:
            blocked = [(f.name, f.blocked_on or "?") for f in self.fibers if f.stuck_if_idle and f.blocked_on]
            if blocked:
                raise StalledError(self.now, blocked)

    # -- external inputs (real-time pacing) ----------------------------------
    def post(self, fn: Callable[..., Any], *args: Any) -> None:
        """Hand ``fn(*args)`` to the engine from anywhere, any thread (deque.append is atomic).

        Nothing runs it by itself: a paced run (irqlab.sim.realtime) takes posted inputs between
        two slices and applies them at the simulated time the slice ended."""
        self._posted.append((fn, args))

    def take_posted(self) -> list[tuple[Callable[..., Any], tuple[Any, ...]]]:
        """The inputs posted so far, oldest first, removing them from the queue."""
        out = []
        while self._posted:
            out.append(self._posted.popleft())
        return out

    def _wall_check(self, frame: Any) -> float | None:
        """The wall-clock limit expired: fine if the simulation moved since the last check, else raise."""
        progress = (self.events_run, self.now)
        if progress != self._progress:
            self._progress = progress
            return self.wall_limit
        where = _user_frame(frame)
        context = self.describe() if self.describe is not None else f"at {self.now} ns"
        raise wallclock.WallClockLimitError(
            f"no simulated progress for {self.wall_limit:g} s of wall time: {where} loops without returning to the "
            f"simulator ({context}). A busy-wait must call cpu_relax(), udelay() or another kernel function that "
            "lets simulated time pass; raise Engine.wall_limit or set IRQLAB_WALL_LIMIT (seconds, or 'off') if the "
            "Python code is merely slow."
        )

    # -- fibers ---------------------------------------------------------------
    def fiber(self, name: str, run: Callable[..., None], *args: Any, base: bool = False) -> Fiber:
        """Create a fiber that will execute ``run(*args)`` when first switched to.

        Its greenlet is started at once by the starter greenlet, whose stack is as flat as the engine's main
        loop, and parks before ``run``: a greenlet inherits the recursion depth of the greenlet that first
        switches into it, so fibers first entered by fibers first entered by fibers (thousands of tasks woken
        in one burst) would otherwise nest until RecursionError.

        ``base``: ``run`` is the fiber's base function itself, called as ``run(starter, *args)``: it must call
        :func:`fiber_start` with ``starter`` first and :func:`fiber_end` last (in a ``finally``), and return
        quietly on GreenletExit. Every switch of a fiber copies its C stack out and back down to its base, so a
        base of its own saves the frames of the engine's (:func:`_fiber_body`) and of the call under it."""
        # The arguments come with the first switch rather than in a partial: a partial adds its C frame to the
        # stack that every switch of the fiber copies out and back.
        if base:
            f = Fiber(self, name, run)
        else:
            f = Fiber(self, name, _fiber_body)
            args = (run, *args)
        self._starter.switch((f.glet, args, _getcurrent()))
        self.fibers.append(f)
        return f

    def close(self) -> bool:
        """Unwind every fiber (GreenletExit runs its ``finally`` blocks) and drop every event, so that
        nothing is left that a suspended stack keeps alive: a parked greenlet's frames are invisible to
        the garbage collector, so without this a simulation referenced from its own fibers never dies.
        Idempotent; returns False (and does nothing) when called from inside a fiber or while running."""
        if self.closed:
            return True
        main = self.main
        if greenlet.getcurrent() is not main or self.running:
            # Asked from inside a fiber (the collector finalizing a dropped machine while another one
            # runs): done at the next safe point, when some engine is created or finishes a run.
            if self not in _deferred_close:
                _deferred_close.append(self)
            return False
        self.closed = True
        self._heap.clear()
        for ev in self._resumes:
            ev.queued = ev.live = False
        self._resumes.clear()
        self._fg[0] = 0
        fibers, self.fibers = self.fibers, []
        starter = self._starter
        if not starter.dead:
            starter.parent = main
            starter.throw(GreenletExit)
        for f in reversed(fibers):
            g = f.glet
            # A fiber whose unwinding parks again (a finally block that blocks) is thrown at once more;
            # a greenlet that never started holds no frames and simply goes away.
            for _ in range(3):
                if g.dead or not g:
                    break
                g.parent = main
                try:
                    g.throw(GreenletExit)
                except Exception:  # noqa: BLE001 - code that swallowed GreenletExit then failed with no CPU
                    # left to run on: the fiber is dead either way and the simulation is being discarded.
                    break
        return True

    def forget(self, fiber: Fiber) -> None:
        """Stop tracking a finished fiber."""
        try:
            self.fibers.remove(fiber)
        except ValueError:
            pass

    def switch(self, target: greenlet, value: Any = None) -> Any:
        """The one switching primitive: transfer control to ``target``.

        Parking is ``switch(engine.main)``; resuming is ``switch(fiber.glet, signal)``.
        Returns the value the next switch back into the caller carries (``()`` for a switch without one).
        """
        # A started greenlet that has not finished is true: its ``dead`` attribute (a generic lookup from compiled
        # code) is read only when it is not.
        if not target and target.dead:
            raise InternalError("switch to a finished fiber")
        if target is _getcurrent():
            raise InternalError("a fiber switched to itself")
        self.switches += 1
        running = RUNNING
        mine = running.stack
        try:
            if value is None:
                # greenlet then passes its shared empty tuple: a value costs a tuple that lives until this fiber
                # runs again, whose release (untracking it from the collector) touches memory long gone cold with
                # many fibers.
                return _switch(target)
            return _switch(target, value)
        finally:
            # Back in this greenlet, resumed or thrown into: its local stack is the running one again.
            running.stack = mine

    def switch_parked(self, target: greenlet, value: Any) -> Any:
        """:meth:`switch` to ``target`` known to be parked (neither finished nor the caller: a context parked in
        a wait, or the loop seen from a fiber), without its checks: the switch of every wait that another
        event cuts. Returns what :meth:`switch` returns."""
        self.switches += 1
        running = RUNNING
        mine = running.stack
        try:
            if value is None:
                return _switch(target)  # see switch()
            return _switch(target, value)
        finally:
            running.stack = mine

    def random(self) -> float:
        """A float in [0, 1) from the kernel's stream (:attr:`rng`)."""
        return self.rng.random()

    def stream(self, name: str) -> Random:
        """The random stream named ``name`` ("button:GPIO17", "nic:eth0"), seeded from the run's seed
        and the name alone, so a hardware model draws the same values whatever the kernel does: every
        bottom-half mechanism sees the very same presses and packets for a given seed. Asking again for
        a name returns the same stream."""
        rng = self._streams.get(name)
        if rng is None:
            # A str seed is hashed with SHA-512 (random.seed version 2): stable across processes and
            # independent of PYTHONHASHSEED.
            rng = self._streams[name] = Random(f"{self.seed}/{name}")
        return rng

    def pending(self) -> Iterable[list[Any] | Resume]:
        """Live events' handles (for diagnostics, and for :meth:`cancel`)."""
        live: list[list[Any] | Resume] = [e for e in self._heap if e[3] is not None]
        live += [e for e in self._resumes if e.live]
        return live
