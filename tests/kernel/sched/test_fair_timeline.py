"""The fair timeline's order: yielding tasks, sleepers woken ahead of them, queued tasks reniced and moved."""

import random

import irqlab
from irqlab.kernel import cpu_work, msleep, pr_info
from irqlab.kernel.sched.current import set_cpus_allowed_ptr, set_user_nice, yield_
from irqlab.kernel.time.hrtimer import usleep_range

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


def test_interleaved_yielders_reniced_and_moved_between_cpus_keep_their_turns():
    """Ten yielders with different work per turn on two CPUs (their vruntimes interleave), while two sleepers
    renice queued ones and move them between CPUs: each CPU runs its waiting tasks in vruntime order."""
    m = irqlab.boot("generic", cpus=2, seed=1)

    def yielder(i):
        while True:
            cpu_work(30_000 + (i * 37_000) % 110_000)
            pr_info("y%d\n", i)
            yield_()

    def sleeper(name, period_us, victims, step):
        n = 0
        while True:
            usleep_range(period_us, period_us)
            t = victims[(n * step) % len(victims)]
            if n % 2:
                set_cpus_allowed_ptr(t, 1 << (n // 2 % 2) | (3 if n % 5 == 0 else 0))
            else:
                set_user_nice(t, (n % 7) - 3)
            pr_info("%s%s\n", name, t.comm)
            n += 1
            cpu_work(10_000)

    tasks = [m.spawn(yielder, i, name=f"y{i}") for i in range(10)]
    m.spawn(sleeper, "S", 300, tasks, 3, name="S")
    m.spawn(sleeper, "T", 700, tasks, 7, name="T")
    m.run(for_="6ms")
    said = [line.split("] ")[-1] for line in m.dmesg().splitlines()]
    assert " ".join(s for s in said if s[:1] in "yST") == (
        "y0 y0 y1 y0 y0 y0 y2 y0 y3 y0 y0 y0 y4 y0 y0 y0 y5 y0 y6 y0 y0 y0 y7 y0 y0 y0 y8 y0 y9 y0 y0 y3 y0 "
        "y6 y0 y9 y0 y0 y1 y0 y0 y4 y0 y0 y0 y7 Sy0 y0 y0 y0 y0 y2 y0 y0 y0 y5 y0 y0 y0 y0 y8 Sy3 y0 y3 y0 "
        "Ty0 y0 y9 y0 y6 y0 y0 y1 y0 y0 y0 y4 y0 Sy6 y0 y0 y7 y0 y0 y0 y2 y0 y0 y0 y0 y5 y0 y0 Sy9 y0 y9 y8 "
        "y0 y3 y9 y6 Ty7 y0 y9 y0 y4 y9 y0 y7 Sy2 y9 y0 y1 y9 y0 y9 y2 y0 y0 y9 y5 y0 y9 Sy5 y0 y9 y8 y0 y6 "
        "y9 y3 y0 y9 y4 y0 Ty4 y9 y0 Sy8 y9 y0 y1 y7 y9 y0 y9 y5 y0 y9 y0 y9 y8 y0 Sy1 y9 y0 y2 y6 y1 y3 y9 "
        "y0 y4 y1 y7 y9 Sy4 y0 Ty1 y1 y5 y9 y0 y2 y1 y9 y0 y9 Sy7 y8 y6 y1 y3 y0 y9 y4 y1 y7 y0 y9 Sy0 y1 y0 "
        "y9 Ty8 y5 y2 y1 y0 y9 y8 y6 y1 Sy3 y0 y3 y9 y4 y1 y7 y0 y3 y9 y5 y1 Sy6 y0 y3 y2 y9 y1 y8 Ty5 y0 y6 "
        "y3 y9 y4 Sy9 y1 y0 y7 y3 y1 y5 y0 y3 y2 y1 y0 Sy2 y3 y8 y1 y6 y0 y9 y3 y4 y1 y0 Ty2 y3 y7 Sy5 y1 y0 "
        "y3 y5 y1 y0 y2 y3 y1 Sy8 y8"
    )


def test_timeline_picks_the_smallest_vruntime_first_queued_through_random_enqueues_and_dequeues():
    """Two timelines under random enqueues (behind, among, before the queued tasks), leftmost picks and dequeues
    from the middle: each leftmost is the smallest (vruntime, enqueue order), and iteration is enqueue order."""
    from irqlab.kernel.sched.core import Task
    from irqlab.kernel.sched.fair import cfs_rq

    m = irqlab.boot("generic", cpus=1, seed=1)
    rng = random.Random(7)
    for size in (3, 12, 150):
        tasks = [Task(m.kernel, 10_000 + i, f"t{i}", None, ()) for i in range(size)]
        rqs = [cfs_rq(), cfs_rq()]
        model: list[dict] = [{}, {}]  # task -> (vruntime, enqueue count), per timeline
        where = {t: -1 for t in tasks}
        count = 0
        for _ in range(3_000):
            r = rng.random()
            k = rng.randrange(2)
            keys = [v for v, _ in model[k].values()]
            free = [t for t in tasks if where[t] < 0]
            if free and r < 0.45:
                t = rng.choice(free)
                lo, hi = min(keys, default=0), max(keys, default=0)
                t.vruntime = rng.choice((hi + rng.randrange(3), hi - rng.randrange(5), lo - rng.randrange(5),
                                         rng.randrange(lo - 5, hi + 6)))  # fmt: skip
                count += 1
                model[k][t] = (t.vruntime, count)
                rqs[k].enqueue(t)
                where[t] = k
            elif model[k]:
                first = r < 0.8
                t = min(model[k], key=model[k].__getitem__) if first else rng.choice(list(model[k]))
                rqs[k].dequeue(t)
                del model[k][t]
                where[t] = -1
                t.vruntime += rng.randrange(-3, 4)
            for q, want in zip(rqs, model):
                assert q.pick_first_entity() is (min(want, key=want.__getitem__) if want else None)
                assert list(q) == sorted(want, key=lambda t, want=want: want[t][1]) and len(q) == len(want)
