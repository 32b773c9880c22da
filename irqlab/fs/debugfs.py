"""debugfs, mounted at /sys/kernel/debug. Mirrors fs/debugfs/inode.c and file.c.

Files are created with the kernel's calls and read with ``m.read("/sys/kernel/debug/...")``;
a read opens the file and runs its show function on a CPU, in a short-lived ``cat``
task, as reading it from a shell would.
"""

from __future__ import annotations

from typing import Any

from irqlab.errno import EEXIST, EINVAL
from irqlab.fs.read_write import run_in_cat
from irqlab.kernel.core import kernel
from irqlab.kernel.seq_file import file, file_operations, inode

DEBUGFS_ROOT = "/sys/kernel/debug"


class dentry:
    """A debugfs directory or file."""

    def __init__(self, path: str, is_dir: bool) -> None:
        self.path = path
        self.is_dir = is_dir
        self.children: list[dentry] = []

    def __repr__(self) -> str:
        return f"<dentry {self.path}>"


def _path(name: str, parent: dentry | None) -> str:
    base = parent.path if parent is not None else DEBUGFS_ROOT
    return f"{base}/{name}"


def _fs() -> Any:
    k = kernel()
    fs = k.subsys.get("fs")
    if fs is None:
        raise RuntimeError("debugfs is not mounted yet: create debugfs files after boot (from module_init)")
    return fs


def debugfs_create_dir(name: str, parent: dentry | None) -> dentry | int:
    """Create a directory; returns its dentry (or -EEXIST if the name is taken)."""
    path = _path(name, parent)
    dirs: dict[str, dentry] = kernel().subsys.setdefault("debugfs_dirs", {})
    if path in dirs:
        return -EEXIST
    d = dentry(path, True)
    dirs[path] = d
    if parent is not None:
        parent.children.append(d)
    return d


def debugfs_create_file(name: str, mode: int, parent: dentry | None, data: Any, fops: file_operations) -> dentry:
    """Create a file whose reads and writes go through ``fops`` with ``inode->i_private = data``."""
    k = kernel()
    path = _path(name, parent)
    d = dentry(path, False)
    if parent is not None:
        parent.children.append(d)

    def read() -> str:
        return run_in_cat(k, lambda: _do_read(fops, data))

    def write(text: str) -> int:
        if fops.write is None:
            return -EINVAL
        return run_in_cat(k, lambda: _do_write(fops, data, text))

    _fs().register(path, read if fops.read is not None else None, write if fops.write is not None else None)
    return d


def _do_read(fops: file_operations, data: Any) -> str:
    ino, f = inode(data), file()
    if fops.open is not None:
        ret = fops.open(ino, f)
        if ret:
            raise OSError(-ret, f"open failed with {ret}")
    try:
        return fops.read(f) if fops.read is not None else ""
    finally:
        if fops.release is not None:
            fops.release(ino, f)


def _do_write(fops: file_operations, data: Any, text: str) -> int:
    ino, f = inode(data), file()
    if fops.open is not None:
        fops.open(ino, f)
    return fops.write(f, text) if fops.write is not None else -EINVAL


def debugfs_create_u32(name: str, mode: int, parent: dentry | None, obj: Any, attr: str) -> dentry:
    """A file showing (and, if mode allows, setting) the integer ``obj.attr`` in decimal."""

    def show_read(f: file) -> str:
        return f"{int(getattr(obj, attr)) & 0xFFFFFFFF}\n"

    def do_write(f: file, text: str) -> int:
        try:
            setattr(obj, attr, int(text.strip(), 0))
        except ValueError:
            return -EINVAL
        return len(text)

    return debugfs_create_file(name, mode, parent, obj,
                               file_operations(open=None, read=show_read, write=do_write if mode & 0o222 else None,
                                               release=None))  # fmt: skip


debugfs_create_u64 = debugfs_create_u32
debugfs_create_ulong = debugfs_create_u32


def debugfs_create_bool(name: str, mode: int, parent: dentry | None, obj: Any, attr: str) -> dentry:
    return debugfs_create_file(name, mode, parent, obj,
                               file_operations(open=None, read=lambda f: "Y\n" if getattr(obj, attr) else "N\n",
                                               release=None, write=None))  # fmt: skip


def debugfs_remove(d: dentry | None) -> None:
    """Remove a file or a directory and everything below it."""
    if d is None or isinstance(d, int):
        return
    k = kernel()
    fs = k.subsys.get("fs")
    if fs is not None:
        fs.unregister_tree(d.path)
    k.subsys.setdefault("debugfs_dirs", {}).pop(d.path, None)
    for c in d.children:
        debugfs_remove(c)


debugfs_remove_recursive = debugfs_remove


__all__ = [
    "dentry",
    "debugfs_create_dir",
    "debugfs_create_file",
    "debugfs_create_u32",
    "debugfs_create_u64",
    "debugfs_create_ulong",
    "debugfs_create_bool",
    "debugfs_remove",
    "debugfs_remove_recursive",
]
