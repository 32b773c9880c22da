"""The pytest plugin irqlab.testing, run by pytester: fixtures, the irqlab marker and failure reports."""

import pytest

pytest_plugins = ["pytester"]

DRIVER = '''
from irqlab.kernel import *
count = 0
def handler(irq, dev):
    global count
    count += 1
    WARN_ON(count == 3)
    return IRQ_HANDLED
def module_init():
    return request_irq(IRQ, handler, 0, "kit", None)
def module_exit():
    free_irq(IRQ, None)
IRQ = 0
'''


@pytest.fixture
def kit(pytester):
    """A pytester directory with a small driver file next to the tests."""
    pytester.makepyfile(kitdrv=DRIVER)
    return pytester


def test_board_fixtures_boot_each_board_and_take_marker_and_indirect_shapes(kit):
    """rpi5/pc/generic boot their board (seed 0); the irqlab marker and indirect parameters set cpus/hz/preempt/seed."""
    kit.makepyfile(test_kit_boards='''
        import pytest

        def test_rpi5(rpi5):
            assert rpi5.kernel.board.name == "rpi5" and len(rpi5.kernel.cpus) == 4 and rpi5.seed == 0

        def test_pc(pc):
            assert pc.kernel.board.name == "pc" and len(pc.kernel.cpus) == 2

        @pytest.mark.irqlab(cpus=2, hz=1000, preempt="rt", seed=7)
        def test_generic_from_marker(generic):
            k = generic.kernel
            assert (len(k.cpus), k.hz, k.preempt_model, generic.seed) == (2, 1000, "rt", 7)

        @pytest.mark.parametrize("rpi5", [{"cpus": 1}, {"preempt": "none", "seed": 3}], indirect=True)
        def test_rpi5_indirect(rpi5):
            assert len(rpi5.kernel.cpus) == 1 or (rpi5.kernel.preempt_model, rpi5.seed) == ("none", 3)

        def test_factory(boot_machine, machine):
            assert boot_machine("pc").kernel.board.name == "pc" and len(machine.kernel.cpus) == 4
    ''')
    kit.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=6)


def test_load_driver_gives_each_test_fresh_globals(kit):
    """Two tests incrementing the driver's counter each start from 0; sys.modules[__name__] is the copy."""
    kit.makepyfile(test_kit_fresh='''
        import sys
        from irqlab.testing import load_driver

        def fire_twice(generic):
            drv = load_driver("kitdrv.py")
            drv.IRQ = generic.irq_sim(1)
            assert generic.insmod(drv) == 0
            for _ in range(2):
                generic.fire_irq(drv.IRQ)  # an irq_sim line: pending once until taken, as a latch
                generic.run(for_="1ms")
            assert sys.modules["kitdrv"] is drv
            return drv.count

        def test_first(generic):
            assert fire_twice(generic) == 2

        def test_second(generic):
            assert fire_twice(generic) == 2
    ''')
    kit.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_assertions_list_reports_and_counts(kit):
    """assert_no_reports lists each WARN with where it was raised; assert_irq_count compares /proc/interrupts' count."""
    kit.makepyfile(test_kit_asserts='''
        import pytest
        from irqlab.testing import assert_irq_count, assert_no_reports, load_driver

        def test_reports_and_counts(generic):
            drv = load_driver("kitdrv.py")
            drv.IRQ = generic.irq_sim(2)
            assert generic.insmod(drv) == 0
            for _ in range(3):
                generic.fire_irq(drv.IRQ, cpu=1)
            generic.run(for_="1ms")
            assert_irq_count(generic, drv.IRQ, 3)
            assert_irq_count(generic, drv.IRQ, 3, cpu=1)
            with pytest.raises(AssertionError, match=r"irq 14 was taken 3 time\\(s\\), expected 2; per CPU \\[0, 3, 0, 0\\]"):
                assert_irq_count(generic, drv.IRQ, 2)
            assert_no_reports(generic, kinds=("oops", "bug"))
            with pytest.raises(AssertionError) as e:
                assert_no_reports(generic)
            lines = str(e.value).splitlines()
            assert lines[0].startswith("1 kernel report(s) on <Machine generic")
            assert lines[1].startswith("  warn: WARNING: CPU: 1 PID: 0 at ") and lines[1].endswith(
                "(irqlab: raised at kitdrv.py:6 in handler)")
    ''')
    kit.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_a_failing_test_shows_dmesg_and_proc_interrupts(kit):
    """The failure report carries the machine's dmesg (with irqlab's raised-at line) and /proc/interrupts."""
    kit.makepyfile(test_kit_fails='''
        from irqlab.testing import assert_no_reports, load_driver

        def test_warns(generic):
            drv = load_driver("kitdrv.py")
            drv.IRQ = generic.irq_sim(0)
            generic.insmod(drv)
            for _ in range(3):
                generic.fire_irq(drv.IRQ)
                generic.run(for_="1ms")
            assert_no_reports(generic)
    ''')
    result = kit.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*- irqlab dmesg (generic, seed 0, at 0.003*",
        "*kitdrv: loading out-of-tree module taints kernel.",
        "*---[[] end trace 0000000000000000 []]---",
        "irqlab: raised at kitdrv.py:6 in handler",
        "*- irqlab /proc/interrupts (generic, seed 0, at 0.003*",
        " 14:          3          0          0          0   irq_sim   0 Edge      kit",
    ])


def test_marker_limits_fail_cleanly(kit):
    """Past until= the test fails with irqlab's message and no traceback; wall= limits real time the same way."""
    kit.makepyfile(test_kit_limits='''
        import pytest

        @pytest.mark.irqlab(until="50ms")
        def test_too_long(generic):
            generic.run(until="1s")

        @pytest.mark.irqlab(until="2s")
        def test_within(generic):
            generic.run(until="1s")

        @pytest.mark.irqlab(wall=0)
        def test_wall(generic):
            generic.run(until="60s")

        @pytest.mark.irqlab(speed=3)
        def test_bad_marker(generic):
            pass
    ''')
    result = kit.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=2, errors=1)
    out = result.stdout.str()
    assert "irqlab: simulated time passed the test's limit until=0.050000 s (the machine reached 1.000000 s)" in out
    assert "irqlab: the test ran " in out and "past its limit wall=0s" in out
    assert "unknown @pytest.mark.irqlab argument(s) ['speed']" in out
    assert "test_kit_limits.py::test_within PASSED" in kit.runpytest("-p", "no:cacheprovider", "-v", "-k", "within").stdout.str()


def test_bugs_raise_failure_shows_the_tests_and_drivers_frames_only(kit):
    """bugs="raise" from the marker: the failing test's traceback has the driver's and the test's frames, no irqlab frames."""
    kit.makepyfile(test_kit_raise='''
        import pytest
        from irqlab.testing import load_driver

        @pytest.mark.irqlab(bugs="raise")
        def test_warns(generic):
            drv = load_driver("kitdrv.py")
            drv.IRQ = generic.irq_sim(0)
            generic.insmod(drv)
            for _ in range(3):
                generic.fire_irq(drv.IRQ)
                generic.run(for_="1ms")
    ''')
    result = kit.runpytest("-p", "no:cacheprovider", "--tb=long")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "irqlab.kernel.panic.KernelBugError: WARNING" in out and "generic.run(for_=\"1ms\")" in out
    assert "irqlab/machine.py" not in out and "irqlab/sim/engine.py" not in out
