"""irqbalance on the board: the daemon of :mod:`irqlab.userspace.irqbalance`, started the way the real one
starts. Without ``--foreground`` (or ``--debug``) it forks, the child calls setsid() and runs detached
with its output on /dev/null (daemon(0, 0)), and the command returns at once; ``kill PID`` ends it.
"""

from __future__ import annotations

import errno
from dataclasses import replace

from irqlab.userspace import syscalls as sc
from irqlab.userspace.irqbalance import Irqbalance, System
from irqlab.userspace.shell.process import Job, Killed, NullStream, Proc


def _system(p: Proc) -> System:
    vfs = p.shell.vfs

    def read(path: str) -> str | None:
        try:
            return vfs.read_text(path)
        except OSError:
            return None

    def write(path: str, text: str) -> int:
        try:
            vfs.open_write(path).write(text)
        except OSError as e:
            return -(e.errno or errno.EIO)
        return len(text)

    def listdir(path: str) -> list[str] | None:
        try:
            return vfs.listdir(path)
        except OSError:
            return None

    return System(read, write, listdir, vfs.isdir, lambda text: p.out(text), p.sleep, p.state.environ(),
                  sc.uname()["machine"] == "aarch64")  # fmt: skip


def _main_loop(ib: Irqbalance) -> int:
    """The daemon from building its tree on: 0 when a signal (SIGINT, SIGTERM) ends its main loop."""
    try:
        rc = ib.prepare()
        if rc is not None:
            return rc
        return ib.run()
    except Killed:
        # g_unix_signal_add() handlers: the signal quits the main loop and main() returns EXIT_SUCCESS.
        return 0


def irqbalance(p: Proc) -> int:
    """irqbalance [--oneshot] [--debug] [--foreground] [--banirq N] [--banmod M] [--interval S] ...
    (irqbalance 1.9.2); IRQBALANCE_BANNED_CPULIST, IRQBALANCE_ONESHOT and IRQBALANCE_DEBUG from the
    environment. May sleep."""
    ib = Irqbalance(_system(p))
    rc = ib.parse_options(p.argv[1:])
    if rc is not None:
        return rc
    ib.start()
    if ib.foreground_mode:
        return _main_loop(ib)
    job = Job(p.shell, " ".join(p.argv))
    null = NullStream()
    child = Proc(p.shell, job, list(p.argv), null, null, null, p.state.subshell(), replace(p.attrs))
    pidfile = ib.pidfile

    def daemon(c: Proc) -> int:
        pid = sc.setsid()
        ib.sys = replace(ib.sys, out=lambda text: None, sleep=c.sleep)
        if pidfile is not None and not c.shell.vfs.exists(pidfile):
            try:
                c.shell.vfs.open_write(pidfile).write(f"{pid}\n")
            except OSError:
                pass  # daemon(): a pid file that cannot be created is left out
        return _main_loop(ib)

    p.shell.detached[:] = [j for j in p.shell.detached if not j.done]
    p.shell.detached.append(job)
    p.shell.start(child, daemon, "irqbalance")
    return 0


COMMANDS = {"irqbalance": irqbalance}
