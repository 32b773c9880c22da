"""A Python loop that never returns to the simulator is reported after a wall-clock limit instead of hanging."""

import pytest

import irqlab
from irqlab.kernel import local_irq_disable
from irqlab.sim import wallclock
from irqlab.sim.wallclock import WallClockLimitError


def test_a_pure_python_loop_in_a_kthread_is_named_with_its_simulated_context():
    """`while not state["ready"]: pass` never calls the kernel: the error names the function, file, line and CPU."""
    m = irqlab.boot("generic", cpus=2, seed=1)
    m.kernel.engine.wall_limit = 0.3
    state = {"ready": False}

    def stuck():
        local_irq_disable()
        while not state["ready"]:
            pass

    m.spawn(stuck, name="stuck", cpu=1)
    with pytest.raises(WallClockLimitError) as exc:
        m.run(until="1s")
    msg = str(exc.value)
    assert msg.startswith("no simulated progress for 0.3 s of wall time: stuck() at ")
    assert "test_wallclock.py:19 loops without returning to the simulator (CPU 1, process context on stuck/8, " \
           "IRQs off, preempt_count 0x0, simulated time 0.000008100 s)" in msg


def test_the_limit_is_configurable_and_can_be_turned_off(monkeypatch):
    """IRQLAB_WALL_LIMIT sets the default in seconds; 'off' or 0 disables it; anything else is an error."""
    monkeypatch.setenv("IRQLAB_WALL_LIMIT", "7.5")
    assert wallclock.default_wall_limit() == 7.5
    monkeypatch.setenv("IRQLAB_WALL_LIMIT", "off")
    assert wallclock.default_wall_limit() is None
    assert irqlab.boot("generic", cpus=1).kernel.engine.wall_limit is None
    monkeypatch.setenv("IRQLAB_WALL_LIMIT", "soon")
    with pytest.raises(ValueError, match="IRQLAB_WALL_LIMIT must be a number of seconds or 'off', not 'soon'"):
        wallclock.default_wall_limit()
