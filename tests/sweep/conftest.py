"""Sweep tests need the sweep extra (in the test extra); scenario files are written to tmp_path."""

import pathlib
import textwrap

import pytest

pytest.importorskip("dask.distributed", reason="the sweep extra is not installed: pip install '.[sweep]'")

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def write_scenario(tmp_path):
    """Write a scenario file from dedented source text; returns its path as a string."""

    def write(name, source):
        path = tmp_path / name
        path.write_text(textwrap.dedent(source))
        return str(path)

    return write


@pytest.fixture(scope="module")
def dask_client():
    """A LocalCluster of 2 single-threaded worker processes shared by a module's tests (as irqlab sweep makes)."""
    from dask.distributed import Client

    from irqlab.sweep.runner import local_cluster

    with local_cluster(2) as cluster, Client(cluster) as client:
        yield client
