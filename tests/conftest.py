"""Suite-wide fixtures: a wall-clock limit per test, so that no scenario can hang the suite."""

import os

import pytest

from irqlab.sim import wallclock

#: Seconds one test may take ($IRQLAB_TEST_WALL_LIMIT; 0 or "off" disables it).
_raw = os.environ.get("IRQLAB_TEST_WALL_LIMIT", "300").strip().lower()
TEST_WALL_LIMIT = None if _raw in ("", "0", "off") else float(_raw)


@pytest.fixture(autouse=True)
def _test_wall_limit(request):
    """Abort a test that runs longer than TEST_WALL_LIMIT seconds with WallClockLimitError, raised where it is stuck."""
    if TEST_WALL_LIMIT is None:
        yield
        return

    def expired(frame):
        raise wallclock.WallClockLimitError(
            f"{request.node.nodeid} ran for more than {TEST_WALL_LIMIT:g} s of wall time "
            "(IRQLAB_TEST_WALL_LIMIT raises or disables this limit)"
        )

    token = wallclock.arm(TEST_WALL_LIMIT, expired)
    try:
        yield
    finally:
        wallclock.disarm(token)
