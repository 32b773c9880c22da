"""A wall-clock limit for one run, enforced from a watchdog thread.

The run executes in the calling thread (a Dask worker's task thread or the main thread); when the
limit passes, the watchdog raises :class:`WallLimitExceeded` in that thread with
``PyThreadState_SetAsyncExc``, and keeps raising it every 50 ms until the run has unwound: the
simulated kernel turns an exception in driver context into an oops and carries on (as it must), so
one shot may land in a handler and be absorbed. A run the watchdog fired on is a timeout even if it
then returned, since its machine was disturbed. The wall clock here only bounds the run from
outside; nothing simulated reads it.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class WallLimitExceeded(BaseException):
    """Raised in a run's thread when its wall limit passes. A BaseException, so that no scenario's
    ``except Exception`` keeps the run going."""


# Two prototypes of one C function: raise an exception type, or clear (a NULL pointer, not None).
_raise_in = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.c_ulong, ctypes.py_object)(
    ("PyThreadState_SetAsyncExc", ctypes.pythonapi)
)
_clear_in = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p)(
    ("PyThreadState_SetAsyncExc", ctypes.pythonapi)
)


@contextmanager
def wall_limit(seconds: float | None) -> Iterator[None]:
    """Run the body with a limit of ``seconds`` of wall time (None: no limit).

    Raises WallLimitExceeded out of the body once the limit has passed; the thread is left with no
    pending exception whichever way the body ends.
    """
    if seconds is None:
        yield
        return
    if seconds <= 0:
        raise ValueError(f"a wall limit must be a positive number of seconds, not {seconds}")
    tid = threading.get_ident()
    lock = threading.Lock()
    done = threading.Event()
    fired = [False]

    def watchdog() -> None:
        if done.wait(seconds):
            return
        while True:
            with lock:
                if done.is_set():
                    return
                fired[0] = True
                _raise_in(tid, WallLimitExceeded)
            if done.wait(0.05):
                return

    t = threading.Thread(target=watchdog, name="irqlab-wall-limit", daemon=True)
    t.start()
    try:
        yield
    finally:
        # A shot fired just before the lock is taken may be delivered here: retry until disarmed.
        while True:
            try:
                with lock:
                    done.set()
                    _clear_in(tid, None)  # clears an exception set but not yet delivered
                break
            except WallLimitExceeded:
                continue
        t.join()
    if fired[0]:
        raise WallLimitExceeded()
