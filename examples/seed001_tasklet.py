"""A tasklet that busy-waits 5 s in softirq context while module_init goes on (6.12 order; threadirqs: the seed's).

Ported line by line from "Tasklet Code Deep Dive". The seed expects the order init, starts,
init continues, ends; on a default 6.12 boot the tasklet runs at the next tick's irq_exit on
insmod's own stack, so its 5 s mdelay() holds module_init up and the order is init, starts,
ends, continues. Boot with "threadirqs" (``main(seed, cmdline="threadirqs")``) and ksoftirqd runs
it instead: another CPU pulls insmod over and the seed's order appears.
"""

from __future__ import annotations

from types import SimpleNamespace

import irqlab
from irqlab.kernel import DECLARE_TASKLET_OLD, mdelay, pr_info, tasklet_kill, tasklet_schedule

SEED_SECTION = "001: Tasklet Code Deep Dive"
MODULE_NAME = "example_tasklet"

# Compatibility macro for kernel 5.16+ where DECLARE_TASKLET changed: 6.12 still has
# DECLARE_TASKLET_OLD(name, func) (func(data) with data 0), so the #ifndef is not needed.


def tasklet_fn(data: int) -> None:
    pr_info("Example tasklet starts\n")
    mdelay(5000)  # Busy-wait for 5 seconds!
    pr_info("Example tasklet ends\n")


mytask = DECLARE_TASKLET_OLD("mytask", tasklet_fn)


def example_tasklet_init() -> int:
    pr_info("tasklet example init\n")
    tasklet_schedule(mytask)

    mdelay(200)  # Main thread continues after 200ms
    pr_info("Example tasklet init continues...\n")
    return 0


def example_tasklet_exit() -> None:
    pr_info("tasklet example exit\n")
    tasklet_kill(mytask)  # Wait for tasklet to complete


module_init = example_tasklet_init
module_exit = example_tasklet_exit


def main(seed: int = 1, cmdline: str = "") -> irqlab.Machine:
    """insmod, let the tasklet finish, rmmod; ``cmdline="threadirqs"`` gives the seed's order."""
    m = irqlab.boot("rpi5", seed=seed, cmdline=cmdline,
                    trace=["tasklet_entry", "tasklet_exit", "sched_migrate_task"])  # fmt: skip
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    m.run(until="6s")
    m.rmmod(MODULE_NAME)
    return m


if __name__ == "__main__":
    print(main().dmesg(), end="")
