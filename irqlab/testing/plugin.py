"""The pytest side of :mod:`irqlab.testing`: board fixtures, the ``irqlab`` marker and failure reports.

Each test runs inside a run session (:func:`irqlab.machine.run_session`) that records the machines it
boots, enforces the marker's ``until``/``wall`` limits and, when the test fails, attaches each
machine's dmesg and /proc/interrupts to its report. Without a marker the session changes nothing.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import irqlab
from irqlab.machine import Machine, run_session
from irqlab.sim import to_ns

#: Marker arguments that shape the board fixtures (irqlab.boot() keywords).
BOOT_KEYS = ("cpus", "hz", "preempt", "seed", "cmdline", "bugs", "trace")
#: Marker arguments that limit a test.
LIMIT_KEYS = ("until", "wall")
#: A failing test's report shows the dmesg and /proc/interrupts of its last this many machines.
MAX_REPORTED_MACHINES = 2
#: How many events pass between two wall-clock checks of the ``wall`` limit.
WALL_CHECK_EVERY = 1024

_SESSION = pytest.StashKey["_TestSession"]()
_MARKER_ERROR = pytest.StashKey[pytest.UsageError]()


class _TestSession:
    """Records a test's machines and enforces its limits (simulated ``until``, real ``wall``)."""

    def __init__(self, until: int | None, wall: float | None) -> None:
        self.until = until
        self.wall = wall
        self.t0 = time.monotonic()
        #: Weak references: a test may check that a machine it dropped is freed; a failing test's machines
        #: live on in its traceback's frames.
        self.machines: list[weakref.ref[Machine]] = []
        self.passed: str | None = None
        self.n = 0

    def boot_args(self, board: str, kw: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        return board, kw

    def booted(self, m: Machine) -> None:
        self.machines.append(weakref.ref(m))

    def insmod_args(self, m: Machine, module: Any, params: dict[str, Any]) -> dict[str, Any]:
        return params

    def watch(self, m: Machine, end: int | None) -> Callable[[], bool] | None:
        if self.until is None and self.wall is None:
            return None
        engine = m.kernel.engine
        until, wall = self.until, self.wall

        def over() -> bool:
            if until is not None and engine.now > until:
                self.passed = (f"simulated time passed the test's limit until={_fmt_ns(until)} "
                               f"(the machine reached {_fmt_ns(engine.now)})")  # fmt: skip
                return True
            self.n += 1
            if wall is not None and not self.n % WALL_CHECK_EVERY:
                spent = time.monotonic() - self.t0
                if spent > wall:
                    self.passed = (f"the test ran {spent:.1f} s of real time, past its limit wall={wall:g}s "
                                   f"(simulated time {_fmt_ns(engine.now)})")  # fmt: skip
                    return True
            return False

        return over

    def ran(self, m: Machine) -> None:
        # An idle machine jumps to the end of a run without an event to check on: check once more here.
        if self.passed is None and self.until is not None and m.now > self.until:
            self.passed = (f"simulated time passed the test's limit until={_fmt_ns(self.until)} "
                           f"(the machine reached {_fmt_ns(m.now)})")  # fmt: skip
        if self.passed is None and self.wall is not None and time.monotonic() - self.t0 > self.wall:
            self.passed = (f"the test ran {time.monotonic() - self.t0:.1f} s of real time, past its limit "
                           f"wall={self.wall:g}s (simulated time {_fmt_ns(m.now)})")  # fmt: skip
        if self.passed is not None:
            pytest.fail(f"irqlab: {self.passed}", pytrace=False)


def _fmt_ns(ns: int) -> str:
    return f"{ns / 1e9:.6f} s"


def _limits(item: pytest.Item) -> tuple[int | None, float | None]:
    marker = item.get_closest_marker("irqlab")
    if marker is None:
        return None, None
    if marker.args:
        raise pytest.UsageError(f"{item.nodeid}: @pytest.mark.irqlab takes keyword arguments only "
                                f"({', '.join(LIMIT_KEYS + BOOT_KEYS)})")  # fmt: skip
    unknown = sorted(set(marker.kwargs) - set(LIMIT_KEYS) - set(BOOT_KEYS))
    if unknown:
        raise pytest.UsageError(f"{item.nodeid}: unknown @pytest.mark.irqlab argument(s) {unknown}; "
                                f"use {', '.join(LIMIT_KEYS + BOOT_KEYS)}")  # fmt: skip
    until = marker.kwargs.get("until")
    wall = marker.kwargs.get("wall")
    wall_s = to_ns(wall) / 1e9 if isinstance(wall, str) else (float(wall) if wall is not None else None)
    return (to_ns(until) if until is not None else None), wall_s


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``irqlab`` marker."""
    config.addinivalue_line(
        "markers",
        "irqlab(until=None, wall=None, cpus=, hz=, preempt=, seed=, cmdline=, bugs=): limits of an irqlab test "
        "(simulated time, real seconds) and the shape of its rpi5/pc/generic fixtures",
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """Run the test (setup, call, teardown) inside its run session."""
    try:
        until, wall = _limits(item)
    except pytest.UsageError as e:
        until, wall = None, None
        item.stash[_MARKER_ERROR] = e  # raised in setup: the test errors, the session goes on
    session = _TestSession(until, wall)
    item.stash[_SESSION] = session
    with run_session(session):
        yield


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A malformed irqlab marker makes its test an error, naming the accepted arguments."""
    err = item.stash.get(_MARKER_ERROR, None)
    if err is not None:
        raise err


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Attach the dmesg and /proc/interrupts of each machine the failing test booted to its report."""
    outcome = yield
    rep = outcome.get_result()  # type: ignore[attr-defined]
    session = item.stash.get(_SESSION, None)
    if not rep.failed or session is None or call.when == "teardown":
        return
    alive = [(i, m) for i, ref in enumerate(session.machines) if (m := ref()) is not None and not m.closed]
    if not alive:
        return
    shown = alive[-MAX_REPORTED_MACHINES:]
    if len(alive) > MAX_REPORTED_MACHINES:
        # A hypothesis test boots one machine per example; the failing example runs last.
        rep.sections.append(("irqlab", f"{len(alive)} machines are alive; the last "
                                       f"{MAX_REPORTED_MACHINES} are shown\n"))  # fmt: skip
    for i, m in shown:
        label = f"{m.kernel.board.name}, seed {m.seed}, at {m.now / 1e9:.6f} s"
        if len(session.machines) > 1:
            label = f"machine {i + 1}: {label}"
        rep.sections.append((f"irqlab dmesg ({label})", "".join(line + "\n" for line, _ in m.dmesg_records())))
        try:
            interrupts = m.read("/proc/interrupts")
        except Exception as e:  # a machine broken by the failure itself still gets its dmesg shown
            interrupts = f"(cannot read /proc/interrupts: {type(e).__name__}: {e})\n"
        rep.sections.append((f"irqlab /proc/interrupts ({label})", interrupts))


def _boot(board: str, request: pytest.FixtureRequest) -> Machine:
    kw: dict[str, Any] = {"seed": 0}
    marker = request.node.get_closest_marker("irqlab")
    if marker is not None:
        kw.update({k: v for k, v in marker.kwargs.items() if k in BOOT_KEYS})
    param = getattr(request, "param", None)
    if param is not None:
        if not isinstance(param, dict) or set(param) - set(BOOT_KEYS):
            raise pytest.UsageError(f"the {board} fixture is parametrised with dicts of {', '.join(BOOT_KEYS)}, "
                                    f"not {param!r}")  # fmt: skip
        kw.update(param)
    return irqlab.boot(board, **kw)


@pytest.fixture
def rpi5(request: pytest.FixtureRequest) -> Machine:
    """A booted Raspberry Pi 5 (seed 0), shaped by @pytest.mark.irqlab(...) or indirect parametrisation."""
    return _boot("rpi5", request)


@pytest.fixture
def pc(request: pytest.FixtureRequest) -> Machine:
    """A booted x86 PC (IO-APIC, i8042, PCI NIC; seed 0), shaped as the rpi5 fixture is."""
    return _boot("pc", request)


@pytest.fixture
def generic(request: pytest.FixtureRequest) -> Machine:
    """A booted generic machine (GIC-400 and an irq_sim domain; seed 0), shaped as the rpi5 fixture is."""
    return _boot("generic", request)


@pytest.fixture
def boot_machine() -> Iterator[Callable[..., Machine]]:
    """A factory booting machines: ``m = boot_machine("generic", cpus=2, seed=1)`` (defaults: generic, seed 0)."""

    def _boot_any(board: str = "generic", **kw: Any) -> Machine:
        return irqlab.boot(board, **kw)

    yield _boot_any


@pytest.fixture
def machine() -> Machine:
    """A 4-CPU generic machine, seed 0."""
    return irqlab.boot("generic", cpus=4, seed=0)
