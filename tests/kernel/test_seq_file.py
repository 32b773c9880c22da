"""seq_file and single_open (fs/seq_file.c): a C-style fops table with .llseek = seq_lseek."""

import irqlab
from irqlab.kernel import (
    debugfs_create_dir,
    debugfs_create_file,
    file_operations,
    seq_lseek,
    seq_printf,
    seq_read,
    single_open,
    single_release,
)


def test_fops_with_llseek_reads_through_single_open():
    """A debugfs file whose fops name open/read/llseek/release as C drivers do reads its show() text."""
    m = irqlab.boot("generic", cpus=1, seed=0)

    def show(s, data):
        seq_printf(s, "value: %d\n", data["v"])
        return 0

    fops = file_operations(open=lambda ino, f: single_open(f, show, ino.i_private), read=seq_read, llseek=seq_lseek,
                           release=single_release)
    m.spawn(lambda: debugfs_create_file("value", 0o444, debugfs_create_dir("t", None), {"v": 7}, fops))
    m.run(until="1ms")
    assert m.read("/sys/kernel/debug/t/value") == "value: 7\n"
    assert fops.llseek is seq_lseek and seq_lseek(None, 5, 0) == 5
