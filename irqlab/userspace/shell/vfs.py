"""The file namespace the shell sees: the kernel's /proc, /sys and debugfs files, /dev/null, and a
small in-memory tmpfs for everything else (the home directory, /tmp, files a script writes).

Kernel files go through the same handlers as ``m.read``/``m.write``: a write to a /proc or /sys file
is one write(2) of the whole text, returning the handler's -errno, as ``echo 2 > smp_affinity``
does on the board.
"""

from __future__ import annotations

import errno as _errno
import os
import posixpath
from collections.abc import Callable
from typing import TYPE_CHECKING

from irqlab.kernel.core import kernel
from irqlab.userspace.shell.process import NullStream, Stream, TextIn

if TYPE_CHECKING:
    from irqlab.fs.procfs import ProcFS

#: Trees served by the kernel's file handlers.
KERNEL_TREES = ("/proc", "/sys")
#: Directories that exist on the board's root file system (so ``cd /tmp`` and ``ls /`` work).
ROOT_DIRS = ("/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/proc", "/root", "/sys", "/tmp", "/usr", "/var")


def oserror(code: int, path: str) -> OSError:
    """An OSError as the C library would report it (``strerror`` text)."""
    return OSError(code, os.strerror(code), path)


class KernelFileOut(Stream):
    """An open /proc or /sys file: every write is one write(2) into the kernel's handler."""

    def __init__(self, fs: ProcFS, path: str) -> None:
        self.fs = fs
        self.path = path

    def write(self, text: str) -> None:
        ret = self.fs.write(self.path, text)
        if ret < 0:
            raise oserror(-ret, self.path)


class TmpFileOut(Stream):
    """An open regular file (truncated or appended at open)."""

    def __init__(self, vfs: Vfs, path: str) -> None:
        self.vfs = vfs
        self.path = path

    def write(self, text: str) -> None:
        self.vfs.files[self.path] = self.vfs.files.get(self.path, "") + text


class Vfs:
    """Path resolution and open() for the shell."""

    def __init__(self, fs: ProcFS, cwd: Callable[[], str]) -> None:
        self.fs = fs
        #: The working directory relative paths start from (the asking process's).
        self.cwd_of = cwd
        #: Regular files outside the kernel's trees, by absolute path.
        self.files: dict[str, str] = {}
        self.dirs: set[str] = set(ROOT_DIRS)

    def abspath(self, path: str) -> str:
        if path.startswith("~"):
            path = "/root" + path[1:]
        cwd = self.cwd_of()
        p = posixpath.normpath(posixpath.join(cwd, path)) if path else cwd
        if p == "/proc/self" or p.startswith("/proc/self/"):
            # procfs's "self" link names the reading process.
            k = kernel()
            if k.cpu is not None:
                p = f"/proc/{k.cpu.curr.pid}" + p[len("/proc/self"):]
        return p

    @staticmethod
    def is_kernel(path: str) -> bool:
        return any(path == t or path.startswith(t + "/") for t in KERNEL_TREES)

    # -- queries --------------------------------------------------------------------------
    def isdir(self, path: str) -> bool:
        p = self.abspath(path)
        if p in self.dirs:
            return True
        if self.is_kernel(p):
            return bool(self.fs.listdir(p))
        prefix = p.rstrip("/") + "/"
        return any(f.startswith(prefix) for f in self.files)

    def isfile(self, path: str) -> bool:
        p = self.abspath(path)
        if self.is_kernel(p):
            return self.fs.exists(p) and not self.fs.listdir(p)
        return p in self.files or p == "/dev/null"

    def mode(self, path: str) -> str:
        """ls -l's mode string of a file: a kernel file's from its handlers (0444, 0644 or 0200)."""
        p = self.abspath(path)
        if not self.is_kernel(p):
            return "-rw-r--r--"
        ent = self.fs._lookup(p)
        read, write = ent if ent is not None else (None, None)
        return "-" + ("r" if read else "-") + ("w" if write else "-") + "-" + ("r--r--" if read else "------")

    def exists(self, path: str) -> bool:
        return self.isdir(path) or self.isfile(path)

    def listdir(self, path: str) -> list[str]:
        """Entry names of a directory, sorted; raises OSError when it is not one."""
        p = self.abspath(path)
        if self.isfile(p):
            raise oserror(_errno.ENOTDIR, path)
        if not self.isdir(p):
            raise oserror(_errno.ENOENT, path)
        prefix = p.rstrip("/") + "/"
        names: set[str] = set()
        if self.is_kernel(p):
            names.update(self.fs.listdir(p))
        names.update(f[len(prefix):].split("/")[0] for f in self.files if f.startswith(prefix))
        names.update(d[len(prefix):].split("/")[0] for d in self.dirs if d.startswith(prefix) and d != p)
        return sorted(names)

    # -- open -----------------------------------------------------------------------------
    def read_text(self, path: str) -> str:
        """The whole content of a file; raises OSError (ENOENT, EISDIR, EACCES) as read(2) would."""
        p = self.abspath(path)
        if p == "/dev/null":
            return ""
        if self.isdir(p):
            raise oserror(_errno.EISDIR, path)
        if self.is_kernel(p):
            try:
                return self.fs.read(p)
            except FileNotFoundError:
                raise oserror(_errno.ENOENT, path) from None
            except PermissionError:
                raise oserror(_errno.EACCES, path) from None
        try:
            return self.files[p]
        except KeyError:
            raise oserror(_errno.ENOENT, path) from None

    def read_bytes(self, path: str) -> bytes:
        """A file's content as bytes: binary files a program wrote here (trace-cmd's trace.dat) keep one
        character per byte (latin-1). Raises OSError as :meth:`read_text`."""
        return self.read_text(path).encode("latin-1")

    def open_read(self, path: str) -> Stream:
        p = self.abspath(path)
        if p == "/dev/null":
            return NullStream()
        return TextIn(self.read_text(p))

    def open_write(self, path: str, append: bool = False) -> Stream:
        """Open for writing (``>`` truncates, ``>>`` appends); raises OSError as open(2) would."""
        p = self.abspath(path)
        if p == "/dev/null":
            return NullStream()
        if self.isdir(p):
            raise oserror(_errno.EISDIR, path)
        if self.is_kernel(p):
            if not self.fs.exists(p):
                # Neither procfs nor sysfs lets a file be created.
                raise oserror(_errno.ENOENT, path)
            return KernelFileOut(self.fs, p)
        parent = posixpath.dirname(p)
        if not self.isdir(parent):
            raise oserror(_errno.ENOENT, path)
        if not append or p not in self.files:
            self.files[p] = ""
        return TmpFileOut(self, p)

    def remove(self, path: str) -> None:
        p = self.abspath(path)
        if self.is_kernel(p):
            raise oserror(_errno.EPERM, path)
        if p not in self.files:
            raise oserror(_errno.ENOENT, path)
        del self.files[p]
