"""Seed 000 "Workqueue Creation Flags": which worker runs the work for each flag, as 6.12 does it."""

import importlib.util
import pathlib

import irqlab.kernel

MS = 1_000_000
EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"


def load(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_each_flag_picks_its_pool():
    """Queued from CPU 2: a flag-less queue and WQ_MEM_RECLAIM run on CPU 2's normal pool (kworker/2:N, nice 0);
    WQ_HIGHPRI on its high-priority pool (kworker/2:NH, nice -20 - not a deeper queue as the seed says);
    create_singlethread_workqueue() and WQ_UNBOUND on unbound workers (kworker/u16:N); WQ_FREEZABLE only when the
    workqueues thaw at 100 ms. Only the WQ_MEM_RECLAIM queues (my_reclaim and the single-thread one) get a rescuer
    thread; WQ_PERCPU does not exist on 6.12 (include/linux/workqueue.h)."""
    ex = load("seed000_wq_flags")
    m = ex.main(1)
    ran = {}
    for r in m.kernel.log.records:
        if ": ran in " in r.text:
            name, rest = r.text.rstrip("\n").split(": ran in ")
            comm, nice = rest.split(", nice ")
            ran[name] = (r.ts // MS, comm, int(nice))
    assert ran["my_percpu"][1].startswith("kworker/2:") and ran["my_percpu"][2] == 0
    assert ran["my_reclaim"][1].startswith("kworker/2:") and not ran["my_reclaim"][1].endswith("H")
    assert ran["my_highpri"][1].startswith("kworker/2:") and ran["my_highpri"][1].endswith("H")
    assert ran["my_highpri"][2] == -20
    assert ran["my_single"][1].startswith("kworker/u16:") and ran["my_unbound"][1].startswith("kworker/u16:")
    assert {v[0] for k, v in ran.items() if k != "my_freezable"} == {10} and ran["my_freezable"][0] == 100
    rescuers = sorted(t.comm for t in m.tasks if t.comm.startswith("kworker/R-"))
    assert rescuers == ["kworker/R-my_re", "kworker/R-my_si"]
    assert not hasattr(irqlab.kernel, "WQ_PERCPU")
    assert all(d.wq.destroyed for d in ex.demos)
