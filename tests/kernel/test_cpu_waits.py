"""CPU waits on several CPUs: interleaved busy work runs in time order, and a run stops at the right event."""

import pytest

import irqlab
from irqlab.kernel import cpu_work


def _boot_two_workers(log: list[tuple[int, str]]) -> irqlab.Machine:
    m = irqlab.boot("generic", cpus=2, seed=1)

    def worker(name: str, step: int) -> None:
        for i in range(1, 7):
            cpu_work(step)
            log.append((m.now, f"{name}{i}"))

    m.spawn(worker, "a", 3_000, name="a", cpu=0)
    m.spawn(worker, "b", 5_000, name="b", cpu=1)
    return m


def test_busy_work_on_two_cpus_interleaves_in_time_order():
    """Two CPUs computing in 3 us and 5 us steps finish their steps in the order of the instants they end at."""
    log: list[tuple[int, str]] = []
    m = _boot_two_workers(log)
    m.run("1ms")
    assert log == [
        (12_600, "a1"), (13_100, "b1"), (15_600, "a2"), (18_100, "b2"), (18_600, "a3"), (21_600, "a4"),
        (23_100, "b3"), (24_600, "a5"), (27_600, "a6"), (28_100, "b4"), (33_100, "b5"), (38_100, "b6"),
    ]  # fmt: skip


def test_run_until_stops_after_the_event_that_made_the_predicate_true():
    """run_until() stops right after the step that satisfies it, with the other CPU's next step still to come."""
    log: list[tuple[int, str]] = []
    m = _boot_two_workers(log)
    assert m.run_until(lambda: len(log) >= 4, "1ms")
    assert (m.now, log[-1]) == (18_100, (18_100, "b2")) and len(log) == 4
    assert m.run_until(lambda: len(log) >= 7, "1ms")
    assert (m.now, log[-1]) == (23_100, (23_100, "b3")) and len(log) == 7
    m.run("1ms")
    assert len(log) == 12


def test_a_run_until_predicate_that_raises_fails_the_call_not_a_cpu():
    """A predicate that raises stops run_until() with its own exception; no CPU context takes it for an oops."""
    log: list[tuple[int, str]] = []
    m = _boot_two_workers(log)

    def predicate() -> bool:
        if len(log) >= 3:
            raise LookupError("no such device")
        return False

    with pytest.raises(LookupError, match="no such device"):
        m.run_until(predicate, "1ms")
    assert [name for _, name in log] == ["a1", "b1", "a2"]
    assert "Oops" not in m.dmesg() and "BUG" not in m.dmesg()
