"""A file operation's calling context, as fs/read_write.c's vfs_read()/vfs_write() run in the reader's process.

debugfs, the GPIO sysfs files and /sys/kernel/debug/gpio run their show and store functions through
:func:`run_in_cat`: in the task that reads the file (a program on the board), or, for a read from a script, in
a short-lived ``cat`` task on a CPU.
"""

from __future__ import annotations

from typing import Any

from irqlab.kernel.preempt import in_task
from irqlab.kernel.sched.core import TaskState


def run_in_cat(k: Any, fn: Any) -> Any:
    """Run ``fn`` in process context, in a 'cat' task, and return its result. From a task (a program
    on the board reading the file), read(2) runs in that task itself."""
    if k.engine.running:
        if k.cpu is not None and in_task():
            return fn()
        raise RuntimeError("debugfs files are read from a script (between m.run() calls), not from a scenario action")
    t = k.create_task(fn, (), "cat", user=True)
    k.sched.wake_up_new_task(t)
    k.engine.run(stop=lambda: t.state is TaskState.DEAD)
    if t.exception is not None:
        raise OSError(5, f"reading the file oopsed: {t.exception!r}")
    return t.result


__all__ = ["run_in_cat"]
