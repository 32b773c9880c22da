"""coreutils' timeout: run a command and send it SIGTERM (or -s SIGNAL) when the duration runs out.

timeout.c arms a POSIX timer (an hrtimer) and waits for its child; at expiry it signals the child, waits
for it to exit, and exits with 124 (the child's own status with --preserve-status). A signal that reaches
timeout (Ctrl-C, kill %1) is passed on to the child, and timeout exits with the child's status.
"""

from __future__ import annotations

from irqlab.kernel.sched.wait import wait_event_interruptible
from irqlab.kernel.time.hrtimer import (
    CLOCK_MONOTONIC,
    HRTIMER_MODE_ABS,
    HRTIMER_NORESTART,
    hrtimer,
    hrtimer_cancel,
    hrtimer_init,
    hrtimer_start,
)
from irqlab.userspace.shell.commands.coreutils import _duration_ns
from irqlab.userspace.shell.process import STATUS_SIGINT, STATUS_SIGTERM, Job, Proc

#: The signals timeout -s accepts here, as exit statuses (128 + number) of a process they kill.
STATUS_SIGKILL = 137
SIGNALS = {"TERM": STATUS_SIGTERM, "INT": STATUS_SIGINT, "KILL": STATUS_SIGKILL, "HUP": 129}
EXIT_TIMEDOUT = 124
TRY = "Try 'timeout --help' for more information.\n"


def timeout(p: Proc) -> int:
    """timeout [-s SIGNAL] [--preserve-status] DURATION COMMAND [ARG]...: 124 when the time ran out. May sleep."""
    args = p.argv[1:]
    sig = STATUS_SIGTERM
    preserve = False
    while args and args[0].startswith("-") and len(args[0]) > 1:
        a = args.pop(0)
        if a == "--preserve-status":
            preserve = True
        elif a in ("-s", "--signal") and args:
            name = args.pop(0).upper().removeprefix("SIG")
            if name not in SIGNALS:
                p.err(f"timeout: {name}: invalid signal\n{TRY}")
                return 125
            sig = SIGNALS[name]
        elif a == "--foreground":
            pass
        else:
            p.err(f"timeout: invalid option -- '{a.lstrip('-')[:1]}'\n{TRY}")
            return 125
    if len(args) < 2:
        p.err(f"timeout: missing operand\n{TRY}")
        return 125
    ns = _duration_ns(args[0])
    if ns is None:
        p.err(f"timeout: invalid time interval '{args[0]}'\n{TRY}")
        return 125
    name = args[1].rsplit("/", 1)[-1]
    cmd = p.shell.commands.get(name)
    if cmd is None:
        p.err(f"timeout: failed to run command '{args[1]}': No such file or directory\n")
        return 127
    # The child gets a process group of its own (setpgid() in timeout.c): signalled apart from the job.
    group = Job(p.shell, " ".join(args[1:]))
    group.wait = p.job.wait
    child = p.child(args[1:])
    child.job = group
    timed_out = [False]
    timer = hrtimer()
    hrtimer_init(timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS)

    def expire(t: hrtimer) -> int:
        timed_out[0] = True
        group.kill(sig)
        return HRTIMER_NORESTART

    timer.function = expire
    hrtimer_start(timer, p.now() + ns, HRTIMER_MODE_ABS)

    def cleanup(status: int) -> None:
        # cleanup(): SIGINT, SIGTERM, SIGHUP... reaching timeout are sent on to the child, whose exit it
        # then reports; SIGKILL cannot be caught (the child, in its own group, is killed with it here).
        if status == STATUS_SIGKILL:
            p.sigaction(None)
        group.kill(status)

    p.sigaction(cleanup)
    p.shell.start(child, cmd, name)
    try:
        wait_event_interruptible(group.wait, lambda: child.status is not None)
    finally:
        hrtimer_cancel(timer)
    p.check_killed()
    status = child.status or 0
    if timed_out[0] and not preserve:
        return EXIT_TIMEDOUT
    return status

COMMANDS = {"timeout": timeout}
