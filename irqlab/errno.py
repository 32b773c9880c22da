"""Error numbers with Linux's values (include/uapi/asm-generic/errno-base.h, errno.h)."""

from __future__ import annotations

EPERM = 1
ENOENT = 2
ESRCH = 3
EINTR = 4
EIO = 5
ENXIO = 6
E2BIG = 7
ENOEXEC = 8
EBADF = 9
ECHILD = 10
EAGAIN = 11
EWOULDBLOCK = EAGAIN
ENOMEM = 12
EACCES = 13
EFAULT = 14
ENOTBLK = 15
EBUSY = 16
EEXIST = 17
EXDEV = 18
ENODEV = 19
ENOTDIR = 20
EISDIR = 21
EINVAL = 22
ENFILE = 23
EMFILE = 24
ENOTTY = 25
ETXTBSY = 26
EFBIG = 27
ENOSPC = 28
ESPIPE = 29
EROFS = 30
EMLINK = 31
EPIPE = 32
EDOM = 33
ERANGE = 34
EDEADLK = 35
ENAMETOOLONG = 36
ENOLCK = 37
ENOSYS = 38
ENOTEMPTY = 39
ELOOP = 40
ENODATA = 61
ETIME = 62
EPROTO = 71
EOVERFLOW = 75
EOPNOTSUPP = 95
ENOTSUPP = 524
ETIMEDOUT = 110
EALREADY = 114
EINPROGRESS = 115
ENOTCONN = 107
ECANCELED = 125
ERESTARTSYS = 512
EPROBE_DEFER = 517

_NAMES = {v: k for k, v in sorted(globals().items(), reverse=True) if k.isupper() and isinstance(v, int)}
_NAMES[EAGAIN] = "EAGAIN"

_STRERROR = {
    EPERM: "Operation not permitted",
    ENOENT: "No such file or directory",
    EINTR: "Interrupted system call",
    EIO: "Input/output error",
    ENXIO: "No such device or address",
    EAGAIN: "Resource temporarily unavailable",
    ENOMEM: "Cannot allocate memory",
    EACCES: "Permission denied",
    EFAULT: "Bad address",
    EBUSY: "Device or resource busy",
    EEXIST: "File exists",
    ENODEV: "No such device",
    EINVAL: "Invalid argument",
    ENOSPC: "No space left on device",
    ENOSYS: "Function not implemented",
    ENOTCONN: "Transport endpoint is not connected",
    ETIMEDOUT: "Connection timed out",
    EOPNOTSUPP: "Operation not supported",
}


def errorname(err: int) -> str:
    """'-EINVAL' for -22, as the kernel's %pe prints it."""
    name = _NAMES.get(abs(err))
    if name is None:
        return str(err)
    return f"-{name}" if err < 0 else name


def strerror(err: int) -> str:
    """The C library's message for an errno (sign ignored)."""
    return _STRERROR.get(abs(err), f"Unknown error {abs(err)}")


def IS_ERR(value: object) -> bool:
    """True for a negative errno returned in place of an object (ERR_PTR)."""
    return isinstance(value, int) and not isinstance(value, bool) and -4095 <= value < 0


def IS_ERR_OR_NULL(value: object) -> bool:
    return value is None or IS_ERR(value)


def PTR_ERR(value: object) -> int:
    if not IS_ERR(value):
        raise ValueError(f"PTR_ERR() of a value that is not an error pointer: {value!r}")
    return value  # type: ignore[return-value]


def ERR_PTR(err: int) -> int:
    return err
