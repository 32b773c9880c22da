"""The fair timeline's order: yielding tasks, sleepers woken ahead of them, a queued task reniced."""

import irqlab
from irqlab.kernel import cpu_work, msleep, pr_info
from irqlab.kernel.sched.current import set_user_nice, yield_

NAMES = ("a", "b", "c", "d", "S", "T")


def test_yielders_sleepers_and_a_renice_run_in_vruntime_order():
    """Four tasks computing 300 us then yielding, two sleeping 2 ms at a time (S renices the queued d to 5 once):
    the woken sleepers run before the yielders, the yielders' turns follow their vruntimes, and d runs less."""
    m = irqlab.boot("generic", cpus=1, seed=1)

    def yielder(name):
        while True:
            cpu_work(300_000)
            pr_info("%s\n", name)
            yield_()

    def sleeper(name, renice):
        while True:
            msleep(2)
            pr_info("%s\n", name)
            if renice:
                set_user_nice(renice.pop(), 5)
            cpu_work(100_000)

    tasks = [m.spawn(yielder, n, name=n) for n in NAMES[:4]]
    m.spawn(sleeper, "S", [tasks[3]], name="S")
    m.spawn(sleeper, "T", [], name="T")
    m.run(for_="30ms")
    said = [line.split("] ")[-1] for line in m.dmesg().splitlines()]
    assert " ".join(s for s in said if s in NAMES) == (
        "a b c d a b c d a b c d a b c d a c d b a c d b a c d b a c d b a c d b a c d T S "
        "b a c d b a c b d a c b a c b d a c b d a c b a c b d a c b d a c b a c b d a S T "
        "b c a b c d a b c d a b c a b c d a b c"
    )
