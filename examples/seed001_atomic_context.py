"""Sleeping calls in a tasklet (atomic) and in a work item (process context), and in_interrupt()/in_softirq().

Ported from "Critical Concepts and Gotchas, 1. Atomic Context vs Process Context": the seed's ``bad_tasklet_fn``
(msleep, mutex_lock, kmalloc(GFP_KERNEL)) runs as a tasklet, its ``good_work_fn`` as a work item, and both print
what in_interrupt()/in_softirq() say ("How to Check Context"). What 6.12 does where the seed says "kernel panic",
"deadlock" and "may sleep": msleep() in softirq context prints "BUG: scheduling while atomic" (6.12's msleep has no
might_sleep()), mutex_lock() prints "BUG: sleeping function called from invalid context" and takes the free mutex
without sleeping, and kmalloc(GFP_KERNEL)'s own report is swallowed because __might_sleep() reports at most once a
second. Nothing deadlocks and nothing panics; the kernel is tainted W. When the work item later takes the same mutex
with softirqs enabled, lockdep reports the "inconsistent {IN-SOFTIRQ-W} -> {SOFTIRQ-ON-W} usage" the tasklet set up.
The seed's ``kmalloc(GFP_KERNEL)`` lacks its size argument (C would not compile it); the port allocates 64 bytes.
"""

from __future__ import annotations

from types import SimpleNamespace

import irqlab
from irqlab.kernel import (
    DECLARE_TASKLET,
    DECLARE_WORK,
    DEFINE_MUTEX,
    GFP_KERNEL,
    flush_work,
    in_interrupt,
    in_softirq,
    kfree,
    kmalloc,
    msleep,
    mutex_lock,
    mutex_unlock,
    pr_err,
    pr_info,
    schedule_work,
    tasklet_kill,
    tasklet_schedule,
    tasklet_struct,
    work_struct,
)

SEED_SECTION = "001: Critical Concepts and Gotchas (1. Atomic Context vs Process Context)"
MODULE_NAME = "contexts"

mutex = DEFINE_MUTEX("mutex")


def check_context(who: str) -> None:
    # How to Check Context
    pr_info("%s: in_interrupt()=%d in_softirq()=%d\n", who, 1 if in_interrupt() else 0, 1 if in_softirq() else 0)
    if in_interrupt():
        pr_err("Running in atomic context!\n")
    if in_softirq():
        pr_err("Running in softirq/tasklet!\n")


# CANNOT DO THIS
def bad_tasklet_fn(t: tasklet_struct) -> None:
    check_context("bad_tasklet_fn")
    msleep(1000)  # Kernel panic (6.12: "BUG: scheduling while atomic")
    mutex_lock(mutex)  # Deadlock (6.12: "BUG: sleeping function called from invalid context")
    p = kmalloc(64, GFP_KERNEL)  # May sleep
    kfree(p)
    mutex_unlock(mutex)


# SAFE TO DO THIS
def good_work_fn(work: work_struct) -> None:
    check_context("good_work_fn")
    msleep(1000)  # OK
    mutex_lock(mutex)  # OK
    p = kmalloc(64, GFP_KERNEL)  # OK
    kfree(p)
    mutex_unlock(mutex)
    pr_info("good_work_fn: done\n")


bad_tasklet = DECLARE_TASKLET("bad_tasklet", bad_tasklet_fn)
good_work = DECLARE_WORK("good_work", good_work_fn)


def contexts_init() -> int:
    tasklet_schedule(bad_tasklet)
    return 0


def contexts_exit() -> None:
    tasklet_kill(bad_tasklet)
    flush_work(good_work)


module_init = contexts_init
module_exit = contexts_exit


def run_good_work() -> None:
    """A second step, once the tasklet is done: queue the work item (as a write to the driver would)."""
    schedule_work(good_work)


def main(seed: int = 1) -> irqlab.Machine:
    """insmod (the tasklet runs at the next tick), queue the work item at 2 s, rmmod at 4 s."""
    m = irqlab.boot("rpi5", seed=seed, trace=["tasklet_entry", "workqueue_execute_start"])
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    m.run(until="2s")
    m.spawn(run_good_work, name="writer")
    m.run(until="4s")
    m.rmmod(MODULE_NAME)
    return m


if __name__ == "__main__":
    print(main().dmesg(), end="")
