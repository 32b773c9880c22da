"""Sweeps: one scenario over many seeds and parameters, on Dask's distributed scheduler or in one process.

The Python API behind ``irqlab sweep``, for tools that need many seeds of one scenario::

    from irqlab.sweep import run_sweep
    res = run_sweep("examples/seed001_debounce_sweep.py", seeds=range(1, 101),
                    params={"debounce_ms": [2, 5, 10]}, workers=2)
    res.frame                  # one row per run (pandas)
    res.summary(["lost"])      # p50/p99/max with confidence intervals per parameter point
    res.histogram("latency_us", debounce_ms=5)   # an hdrh histogram merged over seeds

The scenario protocol (declared parameters and metrics) is described in :mod:`irqlab.sweep.scenario`.
Needs the ``sweep`` extra (dask.distributed, pandas, pyarrow, matplotlib, hdrhistogram) for everything but
the protocol itself.
"""

from typing import TYPE_CHECKING

from irqlab.sweep.plan import Plan, make_plan, parse_param, parse_seeds
from irqlab.sweep.scenario import (
    BOARD_PARAMS,
    DEFAULT_METRICS,
    RunResult,
    Scenario,
    default_metrics,
    load_scenario,
    run_point,
)
from irqlab.sweep.watchdog import WallLimitExceeded

if TYPE_CHECKING:
    from irqlab.sweep.runner import SweepResult, run_sweep

__all__ = [
    "BOARD_PARAMS",
    "DEFAULT_METRICS",
    "Plan",
    "RunResult",
    "Scenario",
    "SweepResult",
    "WallLimitExceeded",
    "default_metrics",
    "load_scenario",
    "make_plan",
    "parse_param",
    "parse_seeds",
    "run_point",
    "run_sweep",
]

#: What ``pip install`` needs for sweeps, for error messages.
INSTALL_HINT = "pip install 'irqlab[sweep]' (dask.distributed, pandas, pyarrow, matplotlib, hdrhistogram)"


def __getattr__(name: str) -> object:
    # run_sweep and SweepResult need pandas and dask: imported on first use, so the protocol stays light.
    if name in ("run_sweep", "SweepResult"):
        from irqlab.sweep import runner

        return getattr(runner, name)
    raise AttributeError(f"module 'irqlab.sweep' has no attribute {name!r}")
