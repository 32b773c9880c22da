"""debugfs: seq_file show functions read through m.read() in process context."""

import irqlab
from irqlab.kernel import (
    DEFINE_SHOW_ATTRIBUTE,
    DEFINE_SPINLOCK,
    debugfs_create_dir,
    debugfs_create_file,
    debugfs_create_u32,
    debugfs_remove_recursive,
    seq_printf,
    spin_lock_irqsave,
    spin_unlock_irqrestore,
)


class Stats:
    def __init__(self):
        self.lock = DEFINE_SPINLOCK("stats")
        self.irqs = 7
        self.threshold = 3


def stats_show(s, data):
    flags = spin_lock_irqsave(data.lock)
    seq_printf(s, "irqs: %u\nthreshold: %d\n", data.irqs, data.threshold)
    spin_unlock_irqrestore(data.lock, flags)
    return 0


def test_debugfs_file_shows_driver_state_and_u32_is_writable():
    """A show function (taking a spinlock) renders the file; debugfs_create_u32 reads and writes an int."""
    m = irqlab.boot("generic", cpus=2, seed=0)
    st = Stats()
    box = {}

    def init():
        d = debugfs_create_dir("mydrv", None)
        debugfs_create_file("stats", 0o444, d, st, DEFINE_SHOW_ATTRIBUTE(stats_show))
        debugfs_create_u32("threshold", 0o644, d, st, "threshold")
        box["d"] = d

    m.spawn(init)
    m.run()
    assert m.read("/sys/kernel/debug/mydrv/stats") == "irqs: 7\nthreshold: 3\n"
    assert m.write("/sys/kernel/debug/mydrv/threshold", "12") == 2
    assert m.read("/sys/kernel/debug/mydrv/threshold") == "12\n"
    assert st.threshold == 12
    m.spawn(lambda: debugfs_remove_recursive(box["d"]))
    m.run()
    assert not m.fs.exists("/sys/kernel/debug/mydrv/stats")
