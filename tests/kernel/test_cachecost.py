"""The cache and memory cost model (kernel/cachecost.py): what memory-hungry user tasks cost the next wakeup."""

from irqlab.cli_cyclictest import cyclictest
from irqlab.scenarios.loads import parse_load

RUN = "-t1 -a1 -p99 -i1000 -l 200 -q"


def test_cpu_hogs_make_the_rpi5_wakeup_refetch_its_lines():
    """stress-ng --cpu 4 on a Pi 5: the timer interrupt and the switch to cyclictest pay for the evicted lines."""
    idle = cyclictest(RUN, board="rpi5", preempt="rt").output
    hogs = cyclictest(RUN, board="rpi5", preempt="rt", loads=[parse_load("hog:4")]).output
    assert idle == "T: 0 (   15) P:99 I:1000 C:    200 Min:      4 Act:    6 Avg:    5 Max:      10\n"
    assert hogs == "T: 0 (   19) P:99 I:1000 C:    200 Min:      6 Act:   10 Avg:   10 Max:      19\n"


def test_memory_hogs_cost_more_than_cpu_hogs():
    """stress-ng --vm 4 evicts every level and contends DRAM: a higher average than the CPU hogs' on the same CPU."""
    vm = cyclictest(RUN, board="rpi5", preempt="rt", loads=[parse_load("vm:4")])
    hog = cyclictest(RUN, board="rpi5", preempt="rt", loads=[parse_load("hog:4")])
    mean = [sum(p.stats[0].samples_ns) / len(p.stats[0].samples_ns) for p in (vm, hog)]
    assert mean[0] > 2 * mean[1]


def test_the_pc_board_has_its_own_caches():
    """The PC's larger L2 and L3 hold a CPU hog's set: the wakeup barely moves; memory hogs still cost."""
    hog = cyclictest(RUN, board="pc", preempt="rt", loads=[parse_load("hog:4")]).output
    vm = cyclictest(RUN, board="pc", preempt="rt", loads=[parse_load("vm:4")]).output
    assert hog.split("C:")[1] == "    200 Min:      2 Act:    2 Avg:    2 Max:       4\n"
    assert int(vm.split("Avg:")[1].split()[0]) > 10


def test_the_generic_board_has_no_cache_model():
    """The teaching board's costs are fixed: CPU hogs leave an RT thread's wakeup exactly as it was."""
    idle = cyclictest(RUN, board="generic", preempt="rt").output
    hogs = cyclictest(RUN, board="generic", preempt="rt", loads=[parse_load("hog:4")]).output
    assert idle.split("C:")[1] == hogs.split("C:")[1] == "    200 Min:      2 Act:    2 Avg:    2 Max:       2\n"

