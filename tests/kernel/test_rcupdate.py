"""The RCU read side (include/linux/rcupdate.h): nesting per task, usable in hardirq context, never sleeps."""

import irqlab
from irqlab.kernel import (
    IRQ_HANDLED,
    msleep,
    rcu_dereference,
    rcu_preempt_depth,
    rcu_read_lock,
    rcu_read_lock_held,
    rcu_read_unlock,
    request_irq,
)


def test_read_side_nests_in_the_task_and_is_fine_in_a_handler():
    """rcu_read_lock() nests per task (PREEMPT_RCU), and a handler's balanced reader leaves the interrupted task's depth unchanged; no report is printed."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    seen = {}
    line = m.spi_line(5)
    virq = m.board.map_spi(5, "edge")

    def handler(irq, dev):
        rcu_read_lock()
        seen["irq"] = (rcu_read_lock_held(), rcu_preempt_depth(), rcu_dereference(dev))
        rcu_read_unlock()
        return IRQ_HANDLED

    def task():
        request_irq(virq, handler, 0, "rcu", "data")
        rcu_read_lock()
        rcu_read_lock()
        seen["nested"] = rcu_preempt_depth()
        msleep(20)  # the interrupt arrives meanwhile
        rcu_read_unlock()
        rcu_read_unlock()
        seen["after"] = (rcu_read_lock_held(), rcu_preempt_depth())

    m.spawn(task)
    m.at("5ms", line.pulse)
    m.run(until="50ms")
    assert seen == {"nested": 2, "irq": (True, 1, "data"), "after": (False, 0)}
    assert "BUG" not in m.dmesg() and "WARNING" not in m.dmesg()


def test_unbalanced_unlock_warns_once():
    """rcu_read_unlock() without a lock gives one WARNING and leaves the depth at 0."""
    m = irqlab.boot("generic", cpus=1, seed=0)

    def task():
        rcu_read_unlock()
        rcu_read_unlock()

    m.spawn(task)
    m.run()
    assert m.dmesg().count("WARNING: CPU: 0 PID: ") == 1 and "kernel/rcu/tree_plugin.h:429" in m.dmesg()
