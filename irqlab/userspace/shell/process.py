"""Processes of the simulated shell: pipes, open files, jobs, and the calls a command makes.

A command runs as a simulated user task. Everything it does that takes time goes through
:class:`Proc`: ``sleep`` is an hrtimer sleep (``hrtimer_nanosleep()`` with the task's 50 µs timer
slack, kernel/time/hrtimer.c), reading a pipe blocks on the pipe's wait queue (fs/pipe.c
pipe_read()), burning CPU is ``cpu_work``. Killing a job (``kill %1``, Ctrl-C, the end of
``--for``) marks it and wakes its sleeping tasks, which then unwind with :class:`Killed`, as a
signal would make a blocked system call return.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from irqlab.errno import EPIPE
from irqlab.kernel.core import kernel
from irqlab.kernel.sched.core import POLICY_NAMES, SCHED_FIFO, SCHED_RR, TASK_INTERRUPTIBLE, Task, TaskState
from irqlab.kernel.sched.wait import DECLARE_WAIT_QUEUE_HEAD, wait_event_interruptible, wake_up_interruptible_all
from irqlab.userspace import syscalls as sc

if TYPE_CHECKING:
    from irqlab.userspace.shell.interp import Shell

#: SIGINT / SIGTERM / SIGPIPE exit statuses (128 + signal number), as bash reports them.
STATUS_SIGINT = 130
STATUS_SIGTERM = 143
STATUS_SIGPIPE = 141


class Killed(BaseException):
    """Raised inside a command's task when its job is killed (a BaseException: commands don't catch it)."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class BrokenPipe(Exception):
    """The reading end of the pipe this command writes to is closed (SIGPIPE)."""


class Stream:
    """An open file description: something a command reads from or writes to."""

    def write(self, text: str) -> None:
        raise OSError(9, "Bad file descriptor")

    def read(self) -> str | None:
        """The next chunk of input, or None at end of file. May sleep."""
        raise OSError(9, "Bad file descriptor")

    def isatty(self) -> bool:
        """isatty(3): whether this is a terminal."""
        return False

    def dup_write(self) -> None:
        """fork() gives a new process this open file to write to (one more reference to the writing end)."""

    def dup_read(self) -> None:
        """fork() gives a new process this open file to read from."""

    def close_write(self) -> None:
        """The writer's end is closed (at process exit)."""

    def close_read(self) -> None:
        """The reader's end is closed (at process exit)."""


class NullStream(Stream):
    """/dev/null: reads end at once, writes vanish."""

    def write(self, text: str) -> None:
        return None

    def read(self) -> str | None:
        return None


class TextIn(Stream):
    """Input already known in full: a regular file, a here-string, a kernel file read at open."""

    def __init__(self, text: str) -> None:
        self.text: str | None = text

    def read(self) -> str | None:
        text, self.text = self.text, None
        return text or None


class Capture(Stream):
    """Output collected in memory (``$(...)`` command substitution)."""

    def __init__(self) -> None:
        self.chunks: list[str] = []

    def write(self, text: str) -> None:
        self.chunks.append(text)

    def value(self) -> str:
        return "".join(self.chunks)


class TerminalOut(Stream):
    """The terminal: output reaches the shell's sink as it is written, stamped with simulated time."""

    def __init__(self, sink: Callable[[str], None], tty: Callable[[], bool] = lambda: False) -> None:
        self.sink = sink
        self.tty = tty

    def write(self, text: str) -> None:
        self.sink(text)

    def isatty(self) -> bool:
        """Whether the session's output is a real terminal (irqlab shell's stdout is a tty)."""
        return self.tty()


class Pipe(Stream):
    """A pipe between two commands of a pipeline. Mirrors fs/pipe.c pipe_read()/pipe_write().

    # SIMPLIFICATION: the buffer is unbounded (the kernel's holds 16 pages and blocks the writer
    # when full); the commands here write little, so a writer never waits for its reader.
    """

    def __init__(self) -> None:
        self.chunks: list[str] = []
        #: Processes holding each end (pipe_inode_info's writers and readers): fork() adds one, exit() drops it.
        self.writers = 0
        self.readers = 0
        self.reader_open = True
        self.wait = DECLARE_WAIT_QUEUE_HEAD("pipe_wait")

    def write(self, text: str) -> None:
        if not self.reader_open:
            raise BrokenPipe(-EPIPE)
        if text:
            self.chunks.append(text)
            wake_up_interruptible_all(self.wait)

    def read(self) -> str | None:
        proc = current_proc()
        if wait_event_interruptible(self.wait, lambda: bool(self.chunks) or self.writers == 0 or proc.job.killed):
            proc.check_killed()
        proc.check_killed()
        if self.chunks:
            text = "".join(self.chunks)
            self.chunks.clear()
            return text
        return None

    def dup_write(self) -> None:
        self.writers += 1

    def dup_read(self) -> None:
        self.readers += 1

    def close_write(self) -> None:
        """pipe_release() of a writer: the last one ends the reader's input."""
        self.writers -= 1
        if self.writers == 0:
            wake_up_interruptible_all(self.wait)

    def close_read(self) -> None:
        """pipe_release() of a reader: with none left, a write gets EPIPE."""
        self.readers -= 1
        if self.readers <= 0:
            self.reader_open = False


@dataclass
class ShellEnv:
    """A shell execution environment (POSIX XCU 2.12): variables, which are exported, ``$?`` and the
    working directory. A subshell, a pipeline stage and a background job each get a copy."""

    vars: dict[str, str]
    exported: set[str]
    status: int = 0
    cwd: str = "/root"

    def subshell(self) -> ShellEnv:
        return ShellEnv(dict(self.vars), set(self.exported), self.status, self.cwd)

    def environ(self) -> dict[str, str]:
        """What a command started from here finds in its environment."""
        return {k: v for k, v in self.vars.items() if k in self.exported}


@dataclass
class SchedAttrs:
    """What a command's task starts with: policy, RT priority, nice value and allowed CPUs. fork()
    copies them to the child, so ``taskset``, ``chrt`` and ``nice`` set them for what they run."""

    policy: str = "normal"
    prio: int = 0
    nice: int = 0
    cpus: int | None = None


def set_sched_attrs(t: Task, attrs: SchedAttrs, *, running: bool) -> None:
    """The scheduling attributes of ``t``: at fork (``running=False``: sched_fork() gives the child not yet
    woken its parent's, and it starts on an allowed CPU), or by the task itself (``running=True``:
    sched_setscheduler(), setpriority() and sched_setaffinity() on itself, as taskset/chrt/nice do before exec)."""
    pol = POLICY_NAMES[attrs.policy]
    rt = pol in (SCHED_FIFO, SCHED_RR)
    if running:
        sc.sched_setscheduler(0, pol, attrs.prio if rt else 0)
        if not rt:
            sc.setpriority(0, attrs.nice)
        if attrs.cpus is not None:
            sc.sched_setaffinity(0, attrs.cpus)
        return
    k = kernel()
    if rt:
        k.sched.setscheduler(t, pol, attrs.prio)
    else:
        k.sched.setscheduler(t, pol, 0, attrs.nice)
    if attrs.cpus is not None:
        t.cpus_allowed = attrs.cpus
        if not attrs.cpus >> t.cpu & 1:
            t.cpu = (attrs.cpus & -attrs.cpus).bit_length() - 1


def execve(t: Task, argv: list[str]) -> None:
    """What execve() leaves on the task: its name (the file's basename, 15 characters: __set_task_comm())
    and the argument strings /proc/PID/cmdline reads."""
    t.comm = argv[0].rsplit("/", 1)[-1][:15]
    t.data["cmdline"] = "".join(a + "\0" for a in argv)


class Job:
    """A pipeline or a background list: the tasks started for it and how they ended."""

    def __init__(self, shell: Shell, text: str, number: int = 0) -> None:
        self.shell = shell
        self.text = text
        #: The job number of ``jobs`` (0 for a foreground pipeline).
        self.number = number
        self.procs: list[Proc] = []
        self.killed = 0
        self.wait = DECLARE_WAIT_QUEUE_HEAD("job_wait")

    @property
    def done(self) -> bool:
        return all(p.status is not None for p in self.procs)

    @property
    def status(self) -> int:
        """The exit status of the job: its leader's (the shell running it)."""
        first = self.procs[0].status if self.procs else 0
        return 0 if first is None else first

    def kill(self, status: int) -> None:
        """Mark the job killed and wake its sleeping tasks so they unwind. Callable from any context."""
        if self.done or self.killed:
            return
        self.killed = status
        k = kernel()
        for p in self.procs:
            if p.on_signal is not None and p.status is None:
                p.on_signal(status)
        for p in self.procs:
            t = p.task
            if t is not None and t.state is not TaskState.DEAD:
                k.sched.try_to_wake_up(t, TASK_INTERRUPTIBLE)


class Proc:
    """One running command: its arguments, its open files, and the calls it may make."""

    def __init__(self, shell: Shell, job: Job, argv: list[str], stdin: Stream, stdout: Stream, stderr: Stream,
                 state: ShellEnv, attrs: SchedAttrs | None = None) -> None:  # fmt: skip
        self.shell = shell
        self.job = job
        self.argv = argv
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        #: The shell environment this runs in (for a command: the copy its fork took).
        self.state = state
        self.attrs = attrs if attrs is not None else SchedAttrs()
        self.task: Task | None = None
        self.status: int | None = None
        #: A signal handler the program installed (sigaction()): called when its job is killed, and the
        #: program then goes on to exit by itself instead of unwinding; its sleeps return early (EINTR).
        self.on_signal: Callable[[int], None] | None = None

    def child(self, argv: list[str], stdin: Stream | None = None, stdout: Stream | None = None,
              stderr: Stream | None = None) -> Proc:  # fmt: skip
        """A Proc for a process this one forks: same job, a copy of its environment and scheduling attributes."""
        return Proc(self.shell, self.job, argv, stdin or self.stdin, stdout or self.stdout, stderr or self.stderr,
                    self.state.subshell(), replace(self.attrs))  # fmt: skip

    # -- output ---------------------------------------------------------------------------
    def out(self, text: str) -> None:
        self.stdout.write(text)

    def err(self, text: str) -> None:
        self.stderr.write(text)

    # -- input ----------------------------------------------------------------------------
    def read_all(self) -> str:
        """The whole of standard input. May sleep."""
        parts = []
        while (chunk := self.stdin.read()) is not None:
            parts.append(chunk)
        return "".join(parts)

    def lines(self) -> list[str]:
        """Standard input split into lines (without their newlines). May sleep."""
        return self.read_all().splitlines()

    # -- time -----------------------------------------------------------------------------
    def now(self) -> int:
        """clock_gettime(CLOCK_MONOTONIC) in ns."""
        return sc.clock_gettime(sc.CLOCK_MONOTONIC)

    def sleep(self, ns: int) -> None:
        """clock_nanosleep(CLOCK_MONOTONIC) for ``ns``, restarted to its absolute deadline when something other
        than a kill of the job woke it (the restart_block of a signal that is not delivered). May sleep."""
        deadline = sc.clock_gettime(sc.CLOCK_MONOTONIC) + max(0, ns)
        while True:
            self.check_killed()
            if self.job.killed:
                return  # a handler the program installed took the signal: the sleep ends early (EINTR)
            if sc.clock_nanosleep(sc.CLOCK_MONOTONIC, sc.TIMER_ABSTIME, deadline) == 0:
                break
        self.check_killed()

    def burn(self, ns: int) -> None:
        """Compute for ``ns`` of CPU time (preemptible; a kill takes effect between 1 ms slices, where a signal
        would be delivered)."""
        left = ns
        while left > 0:
            self.check_killed()
            step = min(left, 1_000_000)
            sc.user_work(step)
            left -= step
        self.check_killed()

    def sigaction(self, handler: Callable[[int], None] | None) -> None:
        """Install (None: remove) the program's handler for the signals that end its job. A command exec'd in
        the task of the shell that forked it (a lone background command) is that process too."""
        self.on_signal = handler
        owner = getattr(self.task, "shell_proc", None)
        if owner is not None and owner is not self:
            owner.on_signal = handler

    def check_killed(self) -> None:
        if self.job.killed and self.on_signal is None:
            raise Killed(self.job.killed)


def current_proc() -> Proc:
    """The Proc of the command running on the current task."""
    k = kernel()
    t = k.cpu.curr if k.cpu is not None else None
    proc = getattr(t, "shell_proc", None)
    if proc is None:
        raise RuntimeError("shell I/O used outside a shell command's task")
    return proc  # type: ignore[no-any-return]


@dataclass
class Io:
    """The three standard streams of the code being run."""

    stdin: Stream
    stdout: Stream
    stderr: Stream


def format_job(job: Job, *, current: bool) -> str:
    """A ``jobs`` line as bash's pretty_print_job() prints it."""
    if not job.done:
        state = "Running"
    elif job.killed == 143 and job.status == 143:
        state = "Terminated"  # (a program that handles SIGTERM exits by itself: Done or Exit N)
    elif job.status:
        state = f"Exit {job.status}"
    else:
        state = "Done"
    text = job.text if not job.done else job.text.removesuffix(" &")
    return f"[{job.number}]{'+' if current else '-'}  {state:<24}{text}"
