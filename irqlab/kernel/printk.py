"""printk and the kernel log buffer. Mirrors kernel/printk/printk.c and include/linux/printk.h.

``printk(KERN_INFO + "fmt\\n", args...)`` stores a record stamped with simulated
time; ``dmesg`` renders ``[    0.004000] msg`` lines. A file-level ``pr_fmt``
(a string prefix or a function of the format, like the C macro) is honoured by
the ``pr_*`` helpers of the module that defines it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from irqlab.kernel.core import current_kernel, kernel
from irqlab.kernel.stacktrace import caller_frame

KERN_SOH = "\x01"
KERN_EMERG = KERN_SOH + "0"
KERN_ALERT = KERN_SOH + "1"
KERN_CRIT = KERN_SOH + "2"
KERN_ERR = KERN_SOH + "3"
KERN_WARNING = KERN_SOH + "4"
KERN_NOTICE = KERN_SOH + "5"
KERN_INFO = KERN_SOH + "6"
KERN_DEBUG = KERN_SOH + "7"
KERN_DEFAULT = ""
KERN_CONT = KERN_SOH + "c"

LOGLEVEL_NAMES = ("emerg", "alert", "crit", "err", "warn", "notice", "info", "debug")
MESSAGE_LOGLEVEL_DEFAULT = 4
CONSOLE_LOGLEVEL_DEFAULT = 7
CONSOLE_LOGLEVEL_MIN = 1
LOG_BUF_LEN = 1 << 17  # CONFIG_LOG_BUF_SHIFT=17

DEFAULT_RATELIMIT_BURST = 10


@dataclass(slots=True)
class LogRecord:
    """One printk record."""

    ts: int
    level: int
    text: str
    cpu: int

    def line(self) -> str:
        secs, ns = divmod(self.ts, 1_000_000_000)
        stamp = f"[{secs:5d}.{ns // 1000:06d}] "
        return "\n".join(stamp + part for part in self.text.split("\n"))


class LogBuffer:
    """The bounded kernel ring buffer (oldest records are dropped when full)."""

    def __init__(self, size: int = LOG_BUF_LEN) -> None:
        self.size = size
        self.records: deque[LogRecord] = deque()
        self.chars = 0
        self.dropped = 0
        self.console_loglevel = CONSOLE_LOGLEVEL_DEFAULT
        self.default_message_loglevel = MESSAGE_LOGLEVEL_DEFAULT
        #: Sequence number of the next record (printk_ringbuffer's seq: never reused, survives clears).
        self.next_seq = 0
        #: Readers of /dev/kmsg waiting for new records (kernel/printk/printk.c log_wait): called after each store.
        self.log_wait: list[Callable[[], None]] = []

    def store(self, rec: LogRecord) -> None:
        self.records.append(rec)
        self.next_seq += 1
        self.chars += len(rec.text) + 16
        while self.chars > self.size and len(self.records) > 1:
            old = self.records.popleft()
            self.chars -= len(old.text) + 16
            self.dropped += 1
        for wake in tuple(self.log_wait):
            wake()

    def cont(self, text: str) -> bool:
        if not self.records:
            return False
        rec = self.records[-1]
        rec.text += text
        self.chars += len(text)
        return True

    def text(self, level: int | None = None) -> str:
        """All records as dmesg prints them; ``level`` keeps records at that level or more urgent."""
        recs = self.records if level is None else [r for r in self.records if r.level <= level]
        return "".join(r.line() + "\n" for r in recs)

    def clear(self) -> None:
        self.records.clear()
        self.chars = 0


def _split_level(fmt: str) -> tuple[int | None, bool, str]:
    level: int | None = None
    cont = False
    while len(fmt) >= 2 and fmt[0] == KERN_SOH:
        c = fmt[1]
        if "0" <= c <= "7":
            level = int(c)
        elif c == "c":
            cont = True
        fmt = fmt[2:]
    return level, cont, fmt


def vprintk(k: Any, fmt: str, args: tuple[Any, ...]) -> int:
    """Format and store a record; returns the number of characters stored."""
    level, cont, body = _split_level(fmt)
    text = k.format(body, args) if args or "%" in body else body
    buf: LogBuffer = k.log
    if text.endswith("\n"):
        text = text[:-1]
    cpu = k.cpu.id if k.cpu is not None else 0
    tp = k.tp.console
    if tp.on:
        # printk_sprint() traces every fragment, KERN_CONT ones too, under printk_enter_irqsave(): IRQs off.
        tp.emit_at(cpu, 0, True, msg=text)
    if cont and buf.cont(text):
        return len(text)
    if level is None:
        level = buf.default_message_loglevel
    buf.store(LogRecord(k.engine.now, level, text, cpu))
    if k.console is not None and level < buf.console_loglevel:
        k.console(LogRecord(k.engine.now, level, text, cpu))
    return len(text)


def printk(fmt: str, *args: Any) -> int:
    """Print a kernel message; a KERN_* prefix sets its level."""
    return vprintk(kernel(), fmt, args)


def _caller_prefix(fmt: str, depth: int = 2) -> str:
    g = caller_frame(depth).f_globals
    pf = g.get("pr_fmt")
    if pf is None:
        return fmt
    if callable(pf):
        return str(pf(fmt))
    return str(pf) + fmt


def _pr(level: str, fmt: str, args: tuple[Any, ...]) -> int:
    return vprintk(kernel(), level + _caller_prefix(fmt, 3), args)


def pr_emerg(fmt: str, *args: Any) -> int:
    return _pr(KERN_EMERG, fmt, args)


def pr_alert(fmt: str, *args: Any) -> int:
    return _pr(KERN_ALERT, fmt, args)


def pr_crit(fmt: str, *args: Any) -> int:
    return _pr(KERN_CRIT, fmt, args)


def pr_err(fmt: str, *args: Any) -> int:
    return _pr(KERN_ERR, fmt, args)


def pr_warn(fmt: str, *args: Any) -> int:
    return _pr(KERN_WARNING, fmt, args)


pr_warning = pr_warn


def pr_notice(fmt: str, *args: Any) -> int:
    return _pr(KERN_NOTICE, fmt, args)


def pr_info(fmt: str, *args: Any) -> int:
    return _pr(KERN_INFO, fmt, args)


def pr_cont(fmt: str, *args: Any) -> int:
    return vprintk(kernel(), KERN_CONT + fmt, args)


def pr_debug(fmt: str, *args: Any) -> int:
    """Stored only when dynamic debug is on (boot with ``dyndbg``), as without DEBUG defined."""
    k = kernel()
    if not k.dyndbg:
        return 0
    return vprintk(k, KERN_DEBUG + _caller_prefix(fmt), args)


class RateLimitState:
    """struct ratelimit_state: ``burst`` messages per ``interval`` jiffies."""

    __slots__ = ("interval", "burst", "begin", "printed", "missed")

    def __init__(self, interval: int, burst: int = DEFAULT_RATELIMIT_BURST) -> None:
        self.interval = interval
        self.burst = burst
        self.begin = 0
        self.printed = 0
        self.missed = 0


def __ratelimit(k: Any, rs: RateLimitState, func: str) -> bool:
    """___ratelimit(): True when the message may be printed."""
    j = k.jiffies
    if not rs.begin:
        rs.begin = j
    if j - rs.begin > rs.interval:  # time_is_before_jiffies(rs->begin + rs->interval)
        if rs.missed:
            vprintk(k, KERN_WARNING + "%s: %d callbacks suppressed\n", (func, rs.missed))
            rs.missed = 0
        rs.begin = j
        rs.printed = 0
    if rs.burst and rs.burst > rs.printed:
        rs.printed += 1
        return True
    rs.missed += 1
    return False


def _ratelimited(level: str, fmt: str, args: tuple[Any, ...]) -> int:
    k = kernel()
    frame = caller_frame(2)
    key = (frame.f_code, frame.f_lineno)
    rs = k.ratelimits.get(key)
    if rs is None:
        rs = k.ratelimits[key] = RateLimitState(5 * k.hz)
    if not __ratelimit(k, rs, frame.f_code.co_name):
        return 0
    return vprintk(k, level + _caller_prefix(fmt, 3), args)


def pr_info_ratelimited(fmt: str, *args: Any) -> int:
    return _ratelimited(KERN_INFO, fmt, args)


def pr_warn_ratelimited(fmt: str, *args: Any) -> int:
    return _ratelimited(KERN_WARNING, fmt, args)


def pr_err_ratelimited(fmt: str, *args: Any) -> int:
    return _ratelimited(KERN_ERR, fmt, args)


def pr_notice_ratelimited(fmt: str, *args: Any) -> int:
    return _ratelimited(KERN_NOTICE, fmt, args)


def printk_ratelimited(fmt: str, *args: Any) -> int:
    return _ratelimited("", fmt, args)


def printk_ratelimit() -> bool:
    """The global printk ratelimit (5 s, burst 10); True when a message may be printed."""
    k = kernel()
    rs = k.ratelimits.get("printk")
    if rs is None:
        rs = k.ratelimits["printk"] = RateLimitState(5 * k.hz)
    return __ratelimit(k, rs, "printk_ratelimit")


def _once(level: str, fmt: str, args: tuple[Any, ...]) -> int:
    k = kernel()
    frame = caller_frame(2)
    key = ("once", frame.f_code, frame.f_lineno)
    if key in k.ratelimits:
        return 0
    k.ratelimits[key] = None
    return vprintk(k, level + _caller_prefix(fmt, 3), args)


def pr_info_once(fmt: str, *args: Any) -> int:
    return _once(KERN_INFO, fmt, args)


def pr_warn_once(fmt: str, *args: Any) -> int:
    return _once(KERN_WARNING, fmt, args)


def pr_err_once(fmt: str, *args: Any) -> int:
    return _once(KERN_ERR, fmt, args)


# -- dev_printk (drivers/base/core.c) ------------------------------------------------------


def dev_name(dev: Any) -> str:
    return str(getattr(dev, "name", None) or getattr(dev, "init_name", None) or "")


def dev_driver_string(dev: Any) -> str:
    drv = getattr(dev, "driver", None)
    if drv is not None:
        return str(getattr(drv, "name", drv))
    bus = getattr(dev, "bus", None)
    if bus is not None:
        return str(getattr(bus, "name", bus))
    return ""


def _dev(level: str, dev: Any, fmt: str, args: tuple[Any, ...]) -> int:
    if dev is None:
        prefix = "(NULL device *): "
    else:
        prefix = f"{dev_driver_string(dev)} {dev_name(dev)}: "
    return vprintk(kernel(), level + prefix + _caller_prefix(fmt, 3), args)


def dev_emerg(dev: Any, fmt: str, *args: Any) -> int:
    return _dev(KERN_EMERG, dev, fmt, args)


def dev_crit(dev: Any, fmt: str, *args: Any) -> int:
    return _dev(KERN_CRIT, dev, fmt, args)


def dev_err(dev: Any, fmt: str, *args: Any) -> int:
    return _dev(KERN_ERR, dev, fmt, args)


def dev_warn(dev: Any, fmt: str, *args: Any) -> int:
    return _dev(KERN_WARNING, dev, fmt, args)


def dev_notice(dev: Any, fmt: str, *args: Any) -> int:
    return _dev(KERN_NOTICE, dev, fmt, args)


def dev_info(dev: Any, fmt: str, *args: Any) -> int:
    return _dev(KERN_INFO, dev, fmt, args)


def dev_dbg(dev: Any, fmt: str, *args: Any) -> int:
    if not kernel().dyndbg:
        return 0
    return _dev(KERN_DEBUG, dev, fmt, args)


def console_loglevel() -> int:
    k = current_kernel.k
    return k.log.console_loglevel if k else CONSOLE_LOGLEVEL_DEFAULT
