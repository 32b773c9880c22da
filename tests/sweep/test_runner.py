"""Sweeps on a Dask LocalCluster and in one process: same rows, resumable, interruptible, surviving dead workers."""

import os
import pathlib
import re
import signal

import pandas as pd
import pytest

from irqlab.sweep import load_scenario, make_plan, run_point, run_sweep
from irqlab.sweep.results import rows_frame

EXAMPLE = str(pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed001_debounce_sweep.py")

def _sequential_loop(path, seeds, params):
    """The reference: every run of the plan, one after the other, in this process."""
    sc = load_scenario(path)
    plan = make_plan(sc, seeds, params)
    return rows_frame((run_point(sc, p, s) for _, p, s in plan.runs()), plan.names, sc.tag)


def _same_rows(a, b):
    pd.testing.assert_frame_equal(a.drop(columns="wall_s").reset_index(drop=True),
                                  b.drop(columns="wall_s").reset_index(drop=True))


def test_rerun_with_the_same_output_skips_finished_runs(tmp_path):
    """A second sweep into the same file runs only the new seeds, and its rows equal a fresh sweep's."""
    out = str(tmp_path / "r.csv")
    params = {"debounce_ms": [2, 20], "profile": ["worn"], "press_ms": [200]}
    first = run_sweep(EXAMPLE, range(1, 4), params, workers=0, out=out)
    assert first.executed == 6
    second = run_sweep(EXAMPLE, range(1, 6), params, workers=0, out=out)
    assert (second.executed, len(second.frame)) == (4, 10)
    fresh = run_sweep(EXAMPLE, range(1, 6), params, workers=0)
    _same_rows(second.frame[fresh.frame.columns], fresh.frame)
    assert run_sweep(EXAMPLE, range(1, 6), params, workers=0, out=out).executed == 0


def test_ctrl_c_keeps_the_finished_rows_and_a_rerun_completes_them(tmp_path):
    """Ctrl-C during a sequential sweep stops it before the next run; the file keeps what finished."""
    out = str(tmp_path / "r.parquet")
    params = {"debounce_ms": [2, 20], "profile": ["worn"], "press_ms": [200]}

    def interrupt_after_three(progress):
        if progress.done == 3:
            os.kill(os.getpid(), signal.SIGINT)

    res = run_sweep(EXAMPLE, range(1, 5), params, workers=0, out=out, on_progress=interrupt_after_three)
    assert (res.cancelled, res.executed, len(pd.read_parquet(out))) == (True, 3, 3)
    rest = run_sweep(EXAMPLE, range(1, 5), params, workers=0, out=out)
    assert (rest.executed, len(rest.frame)) == (5, 8)
    _same_rows(rest.frame, run_sweep(EXAMPLE, range(1, 5), params, workers=0).frame)


def test_a_killed_workers_run_is_retried_elsewhere(write_scenario, tmp_path, dask_client):
    """A run whose worker process dies the first time it runs is rescheduled by Dask and recorded ok."""
    marker = tmp_path / "died-once"
    path = write_scenario("crash.py", f"""
        import os
        import irqlab
        def main(seed, crash=0):
            if crash and not os.path.exists({str(marker)!r}):
                open({str(marker)!r}, "w").close()
                os._exit(1)  # the worker process dies mid-run
            m = irqlab.boot("generic", cpus=1, seed=seed)
            m.run(until="10ms")
            return m
    """)
    res = run_sweep(path, [1, 2], {"crash": [0, 1]}, client=dask_client)
    assert marker.exists()
    assert list(res.frame["status"]) == ["ok"] * 4
    _same_rows(res.frame, _sequential_loop(path, [1, 2], {"crash": [0, 1]}))


@pytest.mark.parametrize("on_dask", [False, True])
def test_a_run_past_its_wall_limit_does_not_stop_the_sweep(write_scenario, on_dask, request):
    """In this process or on a worker, a hanging run is a timeout and the other runs go on."""
    path = write_scenario("hang.py", """
        import irqlab
        def main(seed, hang=0):
            m = irqlab.boot("generic", cpus=1, seed=seed)
            while hang:
                pass
            return m
    """)
    where = {"client": request.getfixturevalue("dask_client")} if on_dask else {"workers": 0}
    res = run_sweep(path, [1], {"hang": [1, 0]}, wall_limit=0.5, **where)
    assert list(res.frame["status"]) == ["timeout", "ok"]


def test_attaching_to_a_running_scheduler(write_scenario, dask_client):
    """scheduler="tcp://..." sends the runs to an existing cluster, leaves it running, and gives the same rows."""
    path = write_scenario("ticks.py", """
        import irqlab
        def main(seed, hz=250):
            m = irqlab.boot("generic", cpus=2, seed=seed, hz=hz)
            m.run(until="30ms")
            return m
    """)
    addr = dask_client.scheduler.address
    res = run_sweep(path, [1, 2, 3], {"hz": [100, 1000]}, scheduler=addr)
    assert re.fullmatch(rf"Dask scheduler {re.escape(addr)} \([12] workers?\)", res.where)  # one may be restarting
    _same_rows(res.frame, _sequential_loop(path, [1, 2, 3], {"hz": [100, 1000]}))
    assert dask_client.submit(sum, [1, 2]).result() == 3  # the cluster is still up


#: A scenario whose seed 7 kills the worker process it runs in.
KILLER = """
    import os
    import irqlab
    def main(seed):
        if seed == 7:
            os._exit(1)
        return irqlab.boot("generic", cpus=1, seed=seed)
"""


def _sweep_with_a_killer(path, dask_client, **scheduler_attrs):
    """34 runs of ``path`` on 2 workers (batches of 2), one death making a task bad (not four), with the
    scheduler's ``scheduler_attrs`` set for the sweep; asserts that only seed 7 failed, with KilledWorker."""
    scheduler = dask_client.cluster.scheduler
    attrs = {"allowed_failures": 0, **scheduler_attrs}
    saved = {name: getattr(scheduler, name) for name in attrs}
    for name, value in attrs.items():
        setattr(scheduler, name, value)
    try:
        res = run_sweep(path, range(1, 35), None, client=dask_client)
    finally:
        for name, value in saved.items():
            setattr(scheduler, name, value)
    bad = res.failed()
    assert list(bad["seed"]) == [7] and bad["error"].iloc[0].startswith("KilledWorker: ")
    assert (res.frame[res.frame["seed"] != 7]["status"] == "ok").all() and len(res.frame) == 34


def test_a_run_that_always_kills_its_worker_fails_alone(write_scenario, dask_client):
    """A run that kills every worker it runs on ends as failed with KilledWorker; the other runs of its batch
    are run again one by one and end ok."""
    _sweep_with_a_killer(write_scenario("killer.py", KILLER), dask_client)


def test_a_run_that_shared_a_dying_worker_is_not_blamed(write_scenario, dask_client):
    """With every task handed to the workers at once (no queueing), lone runs share a worker with the run that
    kills it: only that run ends as failed, the ones that merely shared its worker are run again alone and end ok."""
    _sweep_with_a_killer(write_scenario("killer_shared.py", KILLER), dask_client, WORKER_SATURATION=float("inf"))


def test_histograms_merge_over_a_points_seeds():
    """res.histogram() merges the hdrh histograms of one point's ok runs: its count is the sum of theirs."""
    from irqlab.sweep.results import decode

    res = run_sweep(EXAMPLE, range(1, 4), {"debounce_ms": [2, 20], "profile": ["worn"], "press_ms": [300]}, workers=0)
    rows = res.frame[res.frame["debounce_ms"] == 20]
    merged = res.histogram("latency_us", debounce_ms=20)
    assert merged.get_total_count() == sum(decode(e).get_total_count() for e in rows["hist:latency_us"]) > 0
    assert merged.get_max_value() == max(decode(e).get_max_value() for e in rows["hist:latency_us"])
    with pytest.raises(ValueError, match="no histogram metric 'lost' in these results"):
        res.histogram("lost")


def test_an_output_file_of_another_version_of_the_scenario_is_refused(write_scenario, tmp_path):
    """Resuming into a file written by a different text of the scenario would mix versions: it is refused."""
    out = str(tmp_path / "r.csv")
    source = """
        import irqlab
        def main(seed):
            return irqlab.boot("generic", cpus=1, seed=seed)  # VERSION
    """
    path = write_scenario("versioned.py", source)
    first = run_sweep(path, [1, 2], workers=0, out=out)
    assert list(first.frame["scenario"]) == [first.scenario.tag] * 2
    write_scenario("versioned.py", source.replace("VERSION", "changed"))
    with pytest.raises(ValueError, match=rf"r.csv holds runs of {first.scenario.tag}, not of this versioned@[0-9a-f]{{12}} "
                       r"\(the scenario file changed, or is another one\): choose another --out"):
        run_sweep(path, [1, 2, 3], workers=0, out=out)
