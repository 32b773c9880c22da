"""seq_file and single_open. Mirrors fs/seq_file.c.

A show function receives a ``seq_file`` and the private data and prints into it with
``seq_printf``/``seq_puts``; ``single_open(file, show, data)`` wires it to a file, as
the debugfs and procfs files of the seeds do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from irqlab.kernel.core import current_kernel
from irqlab.kernel.vsprintf import vsprintf


class seq_file:
    """struct seq_file: the buffer a show function prints into."""

    def __init__(self, private: Any = None) -> None:
        self.buf: list[str] = []
        self.private = private

    def text(self) -> str:
        return "".join(self.buf)


def seq_printf(m: seq_file, fmt: str, *args: Any) -> None:
    """Append kernel-formatted text to the seq_file. Any context the show function runs in."""
    k = current_kernel.k
    m.buf.append(k.format(fmt, args) if k is not None else vsprintf(fmt, args))


def seq_puts(m: seq_file, s: str) -> None:
    m.buf.append(s)


def seq_putc(m: seq_file, c: str) -> None:
    m.buf.append(c)


def seq_write(m: seq_file, data: bytes | str, length: int | None = None) -> int:
    s = data.decode() if isinstance(data, bytes) else data
    m.buf.append(s if length is None else s[:length])
    return 0


class inode:
    """struct inode, reduced to what file operations use: i_private."""

    def __init__(self, i_private: Any = None) -> None:
        self.i_private = i_private


class file:
    """struct file, reduced: private_data and the seq_file of single_open."""

    def __init__(self) -> None:
        self.private_data: Any = None


ShowFn = Callable[[seq_file, Any], int | None]


def single_open(f: file, show: ShowFn, data: Any) -> int:
    """Attach ``show`` to ``f``; reading the file runs ``show(seq, data)`` once. Returns 0."""
    sf = seq_file(data)
    sf.show = show  # type: ignore[attr-defined]
    f.private_data = sf
    return 0


def single_release(ino: inode, f: file) -> int:
    return 0


def seq_read(f: file) -> str:
    """Run the file's show function and return its text."""
    sf = f.private_data
    if not isinstance(sf, seq_file) or not hasattr(sf, "show"):
        raise TypeError("seq_read() on a file that was not opened with single_open()")
    sf.buf = []
    sf.show(sf, sf.private)  # type: ignore[attr-defined]
    return sf.text()


def seq_lseek(f: file, offset: int, whence: int) -> int:
    """Reposition a seq_file; returns the new offset. Any context."""
    # SIMPLIFICATION: irqlab reads debugfs/procfs files whole, so seeking has nothing to move.
    return offset


class file_operations:
    """struct file_operations: ``open(inode, file)``, ``read(file) -> str``, ``write(file, text) -> int``.

    ``llseek`` is kept for ports of C fops tables (``.llseek = seq_lseek``); whole-file reads never seek.
    """

    def __init__(self, open: Callable[[inode, file], int] | None = None,  # noqa: A002
                 read: Callable[[file], str] | None = seq_read,
                 write: Callable[[file, str], int] | None = None,
                 release: Callable[[inode, file], int] | None = single_release, owner: Any = None,
                 llseek: Callable[[file, int, int], int] | None = None) -> None:  # fmt: skip
        self.open = open
        self.read = read
        self.write = write
        self.release = release
        self.owner = owner
        self.llseek = llseek


def DEFINE_SHOW_ATTRIBUTE(show: ShowFn) -> file_operations:
    """The fops of a read-only file whose content ``show(seq, inode->i_private)`` prints."""
    return file_operations(open=lambda ino, f: single_open(f, show, ino.i_private))


__all__ = [
    "seq_file",
    "seq_printf",
    "seq_puts",
    "seq_putc",
    "seq_write",
    "inode",
    "file",
    "single_open",
    "single_release",
    "seq_read",
    "seq_lseek",
    "file_operations",
    "DEFINE_SHOW_ATTRIBUTE",
]
