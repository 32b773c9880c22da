"""bash's builtins: the commands that run inside the shell's own task (bash's builtins/*.def)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from irqlab.kernel.core import kernel
from irqlab.kernel.sched.cputime import cputime_adjust
from irqlab.kernel.sched.wait import wait_event_interruptible
from irqlab.userspace.shell.process import STATUS_SIGTERM, Io, Job, Proc, format_job

if TYPE_CHECKING:
    from irqlab.userspace.shell.interp import Shell

Builtin = Callable[["Shell", Proc], int]


def b_true(sh: Shell, p: Proc) -> int:
    return 0


def b_false(sh: Shell, p: Proc) -> int:
    return 1


def b_echo(sh: Shell, p: Proc) -> int:
    """bash's echo: -n (no newline), -e (backslash escapes), -E."""
    args = p.argv[1:]
    newline, escapes = True, False
    while args and len(args[0]) > 1 and args[0][0] == "-" and set(args[0][1:]) <= set("neE"):
        for c in args[0][1:]:
            newline = newline and c != "n"
            escapes = c == "e" if c in "eE" else escapes
        args = args[1:]
    text = " ".join(args)
    if escapes:
        text = text.encode("latin-1", "backslashreplace").decode("unicode_escape")
    p.out(text + ("\n" if newline else ""))
    return 0


def b_cd(sh: Shell, p: Proc) -> int:
    target = p.argv[1] if len(p.argv) > 1 else p.state.vars.get("HOME", "/root")
    if not sh.vfs.isdir(target):
        what = "Not a directory" if sh.vfs.exists(target) else "No such file or directory"
        p.err(f"-bash: cd: {target}: {what}\n")
        return 1
    p.state.cwd = sh.vfs.abspath(target)
    p.state.vars["PWD"] = p.state.cwd
    return 0


def b_pwd(sh: Shell, p: Proc) -> int:
    p.out(p.state.cwd + "\n")
    return 0


def b_export(sh: Shell, p: Proc) -> int:
    for arg in p.argv[1:]:
        name, eq, value = arg.partition("=")
        if eq:
            p.state.vars[name] = value
        p.state.exported.add(name)
    return 0


def b_unset(sh: Shell, p: Proc) -> int:
    for name in p.argv[1:]:
        p.state.vars.pop(name, None)
        p.state.exported.discard(name)
    return 0


def b_exit(sh: Shell, p: Proc) -> int:
    return int(p.argv[1]) if len(p.argv) > 1 and p.argv[1].lstrip("-").isdigit() else p.state.status


def b_jobs(sh: Shell, p: Proc) -> int:
    last = max(sh.jobs, default=0)
    for n in sorted(sh.jobs):
        p.out(format_job(sh.jobs[n], current=n == last) + "\n")
    return 0


def _job_arg(sh: Shell, p: Proc, arg: str) -> int | None:
    spec = arg[1:] if arg.startswith("%") else arg
    if spec in ("", "+", "%"):
        n = max(sh.jobs, default=0)
    elif spec == "-":
        ns = sorted(sh.jobs)
        n = ns[-2] if len(ns) > 1 else (ns[-1] if ns else 0)
    elif spec.isdigit():
        n = int(spec)
    else:
        n = 0
    if n not in sh.jobs:
        p.err(f"-bash: {p.argv[0]}: {arg}: no such job\n")
        return None
    return n


def b_wait(sh: Shell, p: Proc) -> int:
    """wait [%N]: sleep until the named background job (or all of them) has finished. May sleep."""
    targets = []
    for arg in p.argv[1:] or [f"%{n}" for n in sorted(sh.jobs)]:
        n = _job_arg(sh, p, arg)
        if n is None:
            return 127
        targets.append(sh.jobs[n])
    for job in targets:
        # The job's tasks wake its own queue as they exit; a kill of this job wakes this task directly.
        wait_event_interruptible(job.wait, partial(_finished, job, p))
        p.check_killed()
    return targets[-1].status if targets else 0


def _finished(job: Job, waiter: Proc) -> bool:
    return job.done or bool(waiter.job.killed)


def b_kill(sh: Shell, p: Proc) -> int:
    """kill [-SIG] %N|PID: terminate a job (SIGTERM, or SIGINT/SIGKILL by name or number)."""
    args = p.argv[1:]
    status = STATUS_SIGTERM
    if args and args[0].startswith("-") and len(args[0]) > 1:
        sig = args.pop(0)[1:].upper().removeprefix("SIG")
        status = {"INT": 130, "2": 130, "KILL": 137, "9": 137, "TERM": 143, "15": 143}.get(sig, 0)
        if not status:
            p.err(f"-bash: kill: {sig}: invalid signal specification\n")
            return 1
    if not args:
        p.err("kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n")
        return 2
    rc = 0
    killed = []
    for arg in args:
        if arg.startswith("%"):
            n = _job_arg(sh, p, arg)
            job = sh.jobs[n] if n is not None else None
        else:
            job = next((j for j in [*sh.jobs.values(), *sh.detached] for q in j.procs
                        if q.task is not None and str(q.task.pid) == arg and q.status is None), None)  # fmt: skip
            if job is None:
                p.err(f"-bash: kill: ({arg}) - No such process\n")
        if job is None:
            rc = 1
            continue
        job.kill(status)
        killed.append(job)
    # The signal ends the job's tasks at once: they unwind as soon as they run, before bash's next prompt.
    for job in killed:
        wait_event_interruptible(job.wait, partial(_finished, job, p))
        p.check_killed()
    return rc


def b_test(sh: Shell, p: Proc) -> int:
    """test / [: the POSIX unary and binary primaries, ! and -a/-o."""
    args = p.argv[1:]
    if p.argv[0] == "[":
        if not args or args[-1] != "]":
            p.err("-bash: [: missing `]'\n")
            return 2
        args = args[:-1]
    try:
        return 0 if _test(sh, args) else 1
    except ValueError as e:
        p.err(f"-bash: {p.argv[0]}: {e}\n")
        return 2


def _test(sh: Shell, a: list[str]) -> bool:
    if not a:
        return False
    if "-o" in a:
        i = a.index("-o")
        return _test(sh, a[:i]) or _test(sh, a[i + 1:])
    if "-a" in a[1:]:
        i = a.index("-a", 1)
        return _test(sh, a[:i]) and _test(sh, a[i + 1:])
    if a[0] == "!":
        return not _test(sh, a[1:])
    if len(a) == 1:
        return a[0] != ""
    if len(a) == 2:
        op, x = a
        files = {"-e": sh.vfs.exists, "-f": sh.vfs.isfile, "-d": sh.vfs.isdir, "-r": sh.vfs.exists,
                 "-w": sh.vfs.exists, "-s": lambda f: sh.vfs.isfile(f) and bool(sh.vfs.read_text(f))}  # fmt: skip
        if op in files:
            return bool(files[op](x))
        if op == "-z":
            return x == ""
        if op == "-n":
            return x != ""
        raise ValueError(f"{op}: unary operator expected")
    if len(a) == 3:
        x, op, y = a
        if op in ("=", "=="):
            return x == y
        if op == "!=":
            return x != y
        ints = {"-eq": int.__eq__, "-ne": int.__ne__, "-lt": int.__lt__, "-le": int.__le__, "-gt": int.__gt__,
                "-ge": int.__ge__}  # fmt: skip
        if op in ints:
            for v in (x, y):
                if not v.strip().lstrip("-").isdigit():
                    raise ValueError(f"{v}: integer expression expected")
            return bool(ints[op](int(x), int(y)))
        raise ValueError(f"{op}: binary operator expected")
    raise ValueError("too many arguments")


def b_sudo(sh: Shell, p: Proc) -> int:
    """sudo CMD...: the shell already runs as root, so this runs CMD as it is."""

    args = p.argv[1:]
    while args and args[0].startswith("-"):
        args = args[1:]
    if not args:
        p.err("usage: sudo -h | -K | -k | -V\n")
        return 1
    if args[0] not in BUILTINS and args[0].rsplit("/", 1)[-1] not in sh.commands:
        p.err(f"sudo: {args[0]}: command not found\n")
        return 1
    return sh.call(p, args, Io(p.stdin, p.stdout, p.stderr))


def b_time(sh: Shell, p: Proc) -> int:
    """The ``time`` keyword: run the command, then print real/user/sys as bash's default TIMEFORMAT: the
    job's processes and their threads (getrusage() of the shell and of its children)."""

    t0 = p.now()
    user0, sys0 = _cputimes(p)
    status = sh.call(p, p.argv[1:], Io(p.stdin, p.stdout, p.stderr)) if len(p.argv) > 1 else 0
    real = p.now() - t0
    user1, sys1 = _cputimes(p)
    p.err(f"\nreal\t{_tf(real)}\nuser\t{_tf(user1 - user0)}\nsys\t{_tf(sys1 - sys0)}\n")
    return status


def _cputimes(p: Proc) -> tuple[int, int]:
    """(user, system) time of the job's tasks and the threads they created, as cputime_adjust() reports them
    (kernel/sched/cputime.c: tick-sampled user/system split scaled to the precise runtime)."""
    pids = {q.task.pid for q in p.job.procs if q.task is not None}
    user = system = 0
    for t in kernel().tasks.values():
        if t.pid in pids or t.data.get("tgid") in pids:
            u, s = cputime_adjust(t)
            user += u
            system += s
    return user, system


def _tf(ns: int) -> str:
    """bash's %3lR: ``0m0.010s``."""
    ms = (ns + 500_000) // 1_000_000
    m, ms = divmod(ms, 60_000)
    return f"{m}m{ms // 1000}.{ms % 1000:03d}s"


BUILTINS: dict[str, Builtin] = {
    "true": b_true, ":": b_true, "false": b_false, "echo": b_echo, "cd": b_cd, "pwd": b_pwd, "export": b_export,
    "unset": b_unset, "exit": b_exit, "jobs": b_jobs, "wait": b_wait, "kill": b_kill, "test": b_test, "[": b_test,
    "sudo": b_sudo, "time": b_time,
}  # fmt: skip
