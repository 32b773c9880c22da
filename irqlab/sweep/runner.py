"""Run a sweep: every (point, seed) of a plan, on Dask's distributed scheduler or in this process.

By default the runs go to a ``dask.distributed.LocalCluster`` of worker processes (one single-threaded
worker per CPU: a simulation is pure Python and holds the GIL), the same code path as a real cluster,
which ``scheduler="tcp://host:8786"`` (or a ``client``) attaches to instead. ``workers=0`` runs them
one after the other in this process, without Dask: the sequential loop the distributed results are
identical to.

Runs go to Dask in small batches (:func:`batch_size`), each task calling
:func:`irqlab.sweep.scenario.run_point` per run, which catches the run's own failures, so a task only errs
when its worker dies: Dask then reschedules it on another worker, up to
``distributed.scheduler.allowed-failures`` times; a batch that still fails is split into one task per
run, a lone run that still fails is run once more with nothing else in flight (it may only have shared a
worker with the run that killed it), and a run that kills its worker then is recorded as failed with
KilledWorker.
A run's result does not depend on the batch it ran in: each run executes its scenario afresh.
Rows already in ``out`` are not run again; Ctrl-C cancels what is left and keeps the finished rows.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pandas as pd

from irqlab.sweep import results as _results
from irqlab.sweep.plan import Plan, make_plan
from irqlab.sweep.scenario import STATUS_FAILED, RunResult, Scenario, load_scenario, run_batch, run_point

#: Wall seconds one run may take by default before it is stopped and recorded as a timeout.
DEFAULT_WALL_LIMIT = 300.0
#: Seconds between checkpoints of the output file while a sweep runs.
CHECKPOINT_EVERY = 10.0


@dataclass
class Progress:
    """What a progress display is told: ``total`` runs planned, ``skipped`` already in the output file,
    ``done`` finished now, ``failed`` among them, and the Dask dashboard link when one is up."""

    total: int
    skipped: int = 0
    done: int = 0
    failed: int = 0
    dashboard: str | None = None
    where: str = ""


@dataclass
class SweepResult:
    """The outcome of :func:`run_sweep`: every row (``frame``, previous rows of the output file included),
    the plan, whether Ctrl-C cut it short, and how many runs this call executed."""

    frame: pd.DataFrame
    plan: Plan
    scenario: Scenario
    cancelled: bool = False
    executed: int = 0
    wall_s: float = 0.0
    where: str = ""

    def summary(self, metrics: Sequence[str] | None = None) -> list[_results.PointSummary]:
        """Per-point statistics (see :func:`irqlab.sweep.results.summarize`)."""
        return _results.summarize(self.frame, metrics)

    def failed(self) -> pd.DataFrame:
        """The rows of runs that failed or timed out."""
        return self.frame[self.frame["status"] != "ok"]

    def histogram(self, metric: str, **point: Any) -> Any:
        """The hdrh HdrHistogram of histogram metric ``metric`` merged over the ok runs at ``point``
        (parameter=value keywords; none merges every run). None when no run recorded it."""
        col = _results.HIST_PREFIX + metric
        if col not in self.frame:
            raise ValueError(f"no histogram metric {metric!r} in these results")
        rows = self.frame[self.frame["status"] == "ok"]
        for k, v in point.items():
            if k not in rows:
                raise ValueError(f"no parameter {k!r} in these results; parameters: {_results.param_columns(self.frame)}")
            rows = rows[rows[k] == v]
        return _results.merge(e for e in rows[col] if isinstance(e, str) and e)


@contextmanager
def _interrupt_between_runs() -> Iterator[threading.Event]:
    """In the main thread, make the first Ctrl-C set the returned event instead of raising: the simulated
    kernel would take a KeyboardInterrupt inside a handler for a driver fault. The loop stops before the
    next run; a second Ctrl-C raises as usual."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def handler(signum: int, frame: Any) -> None:
        stop.set()
        signal.signal(signal.SIGINT, signal.default_int_handler)

    old = signal.signal(signal.SIGINT, handler)
    try:
        yield stop
    finally:
        signal.signal(signal.SIGINT, old)


def _client(workers: int | None, scheduler: str | None) -> tuple[Any, Any, str]:
    """(client, cluster or None, description) for the requested Dask deployment."""
    from dask.distributed import Client

    if scheduler:
        client = Client(scheduler)
        n = len(client.scheduler_info()["workers"])
        return client, None, f"Dask scheduler {scheduler} ({n} worker{'s' if n != 1 else ''})"
    n = workers or (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
    cluster = local_cluster(n)
    client = Client(cluster)
    client.register_plugin(_ignore_sigint_plugin(), name="irqlab-ignore-sigint")
    return client, cluster, f"Dask LocalCluster ({n} worker process{'es' if n != 1 else ''})"


def local_cluster(n: int) -> Any:
    """The LocalCluster a sweep starts: ``n`` single-threaded worker processes without Dask's profiler, quiet
    worker logs, a dashboard on a free port, and a scheduler that gives each worker one task at a time
    (worker-saturation 1.0), so a worker that dies takes down only the task it was running."""
    import dask
    from dask.distributed import LocalCluster

    # Worker logs stay quiet: a run's own failure is in its row, and closing the cluster while workers are
    # mid-run (Ctrl-C) makes them log heartbeat errors that say nothing to the user.
    # Dask's statistical profiler is off: sampling a run's deep greenlet stacks every 10 ms cost up to half
    # the speed of a run (benchmarks/sweep.py), and its flame graphs say nothing about the simulated kernel.
    config = {"distributed.scheduler.worker-saturation": 1.0, "distributed.worker.profile.enabled": False}
    with dask.config.set(config):
        return LocalCluster(n_workers=n, threads_per_worker=1, processes=True, silence_logs=logging.CRITICAL,
                            dashboard_address=":0")  # fmt: skip


def _ignore_sigint_plugin() -> Any:
    """A worker plugin that makes this machine's worker processes ignore SIGINT: Ctrl-C in a terminal goes to
    the whole process group, and only irqlab sweep (which then closes the cluster) should act on it."""
    from distributed.diagnostics.plugin import WorkerPlugin

    class IgnoreSigint(WorkerPlugin):
        def setup(self, worker: Any) -> None:
            if threading.current_thread() is threading.main_thread():
                signal.signal(signal.SIGINT, signal.SIG_IGN)

    return IgnoreSigint()


def _dashboard(client: Any) -> str | None:
    """The dashboard link when the scheduler serves one (it needs bokeh), else None."""
    try:
        services = client.scheduler_info().get("services", {})
    except Exception:  # noqa: BLE001 - no dashboard is not an error
        return None
    return str(client.dashboard_link) if "dashboard" in services else None


def run_sweep(
    scenario: str | Scenario,
    seeds: Iterable[int] = range(1, 11),
    params: Mapping[str, Sequence[Any]] | None = None,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    client: Any = None,
    wall_limit: float | None = DEFAULT_WALL_LIMIT,
    out: str | None = None,
    on_progress: Callable[[Progress], None] | None = None,
) -> SweepResult:
    """Run ``scenario`` (a path or a loaded :class:`Scenario`) over ``seeds`` x the product of ``params``.

    ``workers=0`` runs in this process without Dask; otherwise the runs go to ``client``, or a Dask
    scheduler at ``scheduler``, or a LocalCluster of ``workers`` processes (default: one per CPU).
    ``wall_limit`` bounds each run in wall seconds (None: unbounded). ``out`` (.parquet or .csv) is read
    first, its finished runs skipped, and written back with every row. ``on_progress`` is called after
    each run. Ctrl-C stops the sweep and returns what finished with ``cancelled=True``. Returns the rows
    in plan order (rows of ``out`` outside this plan first).
    """
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    plan = make_plan(sc, seeds, params)
    if out is not None and not out.endswith((".parquet", ".csv")):
        raise ValueError(f"--out {out!r}: name a .parquet or .csv file")
    previous = _results.load(out) if out is not None and os.path.exists(out) else None
    if previous is not None and "scenario" in previous:
        others = sorted({str(t) for t in previous["scenario"]} - {sc.tag})
        if others:
            raise ValueError(f"{out} holds runs of {', '.join(others)}, not of this {sc.tag} (the scenario file "
                             "changed, or is another one): choose another --out, or delete it to start over")
    done_keys = set(_results.frame_keys(previous)) if previous is not None else set()
    todo = [(i, p, s) for i, p, s in plan.runs() if _results.run_key(p, s) not in done_keys]
    prog = Progress(total=len(plan), skipped=len(plan) - len(todo))
    finished: dict[int, RunResult] = {}
    t0 = time.perf_counter()
    last_save = [t0]

    def record(i: int, r: RunResult) -> None:
        finished[i] = r
        prog.done += 1
        prog.failed += r.status != "ok"
        if on_progress is not None:
            on_progress(prog)
        if out is not None and time.perf_counter() - last_save[0] > CHECKPOINT_EVERY:
            _results.save(_combine(previous, plan, finished, sc), out)
            last_save[0] = time.perf_counter()

    cancelled = False
    where = "this process (sequential)"
    try:
        if workers == 0 and client is None and scheduler is None:
            prog.where = where
            if on_progress is not None:
                on_progress(prog)
            with _interrupt_between_runs() as stop:
                for i, p, s in todo:
                    if stop.is_set():
                        raise KeyboardInterrupt
                    record(i, run_point(sc, p, s, wall_limit))
        else:
            where = _run_dask(sc, todo, wall_limit, workers, scheduler, client, prog, record, on_progress)
    except KeyboardInterrupt:
        cancelled = True
    frame = _combine(previous, plan, finished, sc)
    if out is not None:
        _results.save(frame, out)
    return SweepResult(frame, plan, sc, cancelled, len(finished), time.perf_counter() - t0, prog.where or where)


def _run_dask(sc: Scenario, todo: list[tuple[int, dict[str, Any], int]], wall_limit: float | None,
              workers: int | None, scheduler: str | None, client: Any, prog: Progress,
              record: Callable[[int, RunResult], None],
              on_progress: Callable[[Progress], None] | None) -> str:  # fmt: skip
    from dask.distributed import as_completed, wait

    own_client = own_cluster = None
    if client is None:
        own_client, own_cluster, where = _client(workers, scheduler)
        client = own_client
    else:
        where = f"Dask client {client.scheduler.address}"
    prog.where = where
    prog.dashboard = _dashboard(client)
    if on_progress is not None:
        on_progress(prog)
    futures: dict[Any, list[tuple[int, dict[str, Any], int]]] = {}
    suspects: list[tuple[int, dict[str, Any], int]] = []
    try:
        if todo:
            size = batch_size(len(todo), _nworkers(client))
            tag = f"{sc.digest}-{uuid.uuid4().hex[:8]}"  # unique per sweep: keys never meet another sweep's

            def submit(batch: list[tuple[int, dict[str, Any], int]], group: str = "runs") -> Any:
                # One task group for the sweep (tuple keys): Dask then queues its tasks at the scheduler and
                # hands them out as workers free up. A key is never reused: a failed task's key may still
                # name its failure at the scheduler.
                key = (f"irqlab-{group}-{tag}", batch[0][0], len(batch))
                # The scenario (a few kB of source) travels with each task rather than scattered once: scattered
                # data dies with the workers holding it, and its dependants with it.
                f = client.submit(run_batch, sc, batch, wall_limit, key=key, pure=False)
                futures[f] = batch
                return f

            ac = as_completed([submit(todo[b : b + size]) for b in range(0, len(todo), size)],
                              with_results=True, raise_errors=False)  # fmt: skip
            for f, out in ac:
                batch = futures.pop(f)
                if f.status == "finished":
                    for i, r in out:
                        record(i, r)
                elif len(batch) > 1:
                    # The task failed: its worker died each time it ran it (KilledWorker). Run its runs one
                    # per task, so that only the run that kills its worker is recorded as failed.
                    for run in batch:
                        ac.add(submit([run]))
                else:
                    suspects.extend(batch)
            # A lone run that failed may only have shared its worker with the run that killed it: the
            # scheduler hands a worker more than one task at a time (``worker-saturation``), and every task
            # on a dying worker counts the death. Each is run again with nothing else in flight, where a
            # death is its own.
            for run in suspects:
                f = submit([run], "alone")
                wait(f)
                futures.pop(f)
                i, p, s = run
                if f.status == "finished":
                    [(_, r)] = f.result()
                    record(i, r)
                else:
                    exc = f.exception()
                    record(i, RunResult(dict(p), s, STATUS_FAILED, f"{type(exc).__name__}: {exc}"))
    finally:
        if futures:
            client.cancel(list(futures), force=True)
        if own_client is not None:
            own_client.close()
        if own_cluster is not None:
            own_cluster.close()
    return where


def batch_size(runs: int, workers: int) -> int:
    """Runs per Dask task: about eight tasks per worker (so the load evens out and progress moves), at most
    32 runs each (a killed worker loses little), at least one. One task per run would cost a scheduler
    round trip per run, which is more than a short run itself."""
    return max(1, min(32, runs // max(1, 8 * workers)))


def _nworkers(client: Any) -> int:
    try:
        return max(1, len(client.scheduler_info()["workers"]))
    except Exception:  # noqa: BLE001 - a guess is enough to size batches
        return 1


def _combine(previous: pd.DataFrame | None, plan: Plan, finished: dict[int, RunResult], sc: Scenario) -> pd.DataFrame:
    """Previous rows (those of this plan in plan order, the others first) and the finished ones."""
    new = _results.rows_frame((finished[i] for i in sorted(finished)), plan.names, sc.tag)
    if previous is None or previous.empty:
        return new
    order = {_results.run_key(p, s): i for i, p, s in plan.runs()}
    prev_keys = _results.frame_keys(previous)
    new_keys = [_results.run_key(r.params, r.seed) for _, r in sorted(finished.items())]
    both = pd.concat([previous, new], ignore_index=True) if not new.empty else previous.copy()
    rank = [order.get(k, -1) for k in prev_keys + new_keys]
    both["__rank"] = rank
    both = both.sort_values("__rank", kind="stable").drop(columns="__rank").reset_index(drop=True)
    return both[_ordered(both, plan.names)]


def _ordered(frame: pd.DataFrame, names: Sequence[str]) -> list[str]:
    cols = list(frame.columns)
    head = [c for c in names if c in cols] + [c for c in _results.param_columns(frame) if c not in names]
    rest = [c for c in cols if c not in head]
    return head + rest
