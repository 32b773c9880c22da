"""The shell: a POSIX sh subset on a simulated board. Mirrors what bash does for the lines the
tutorials type: lists (``;`` ``&&`` ``||`` ``&``), pipelines, redirections, ``while``/``until``/``for``/
``if``, subshells and groups, variables, ``$(...)``, quoting, job control (``jobs``, ``wait``, ``kill %N``).

The grammar is bashlex's; commands run as simulated user tasks, so simulated time passes while
they run and background jobs run concurrently with the foreground. Every line runs in a ``bash``
task of its own job; builtins run in that task, other commands in child tasks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from irqlab.kernel.core import current_kernel
from irqlab.kernel.sched.core import TaskState
from irqlab.kernel.sched.wait import wait_event_interruptible, wake_up_interruptible_all
from irqlab.sim.units import TimeLike
from irqlab.userspace.shell.builtins import BUILTINS
from irqlab.userspace.shell.commands import COMMANDS
from irqlab.userspace.shell.expand import Expander, ExpansionError
from irqlab.userspace.shell.parse import ShellSyntaxError, is_complete, parse
from irqlab.userspace.shell.process import (
    STATUS_SIGINT,
    BrokenPipe,
    Capture,
    Io,
    Job,
    Killed,
    NullStream,
    Pipe,
    Proc,
    SchedAttrs,
    ShellEnv,
    TerminalOut,
    TextIn,
    execve,
    format_job,
    set_sched_attrs,
)
from irqlab.userspace.shell.vfs import Vfs

if TYPE_CHECKING:
    from irqlab.machine import Machine

#: A command: runs with its Proc (argv, stdio, env) and returns its exit status.
Command = Callable[[Proc], int]

#: tty_nr of /dev/pts/0 (major 136), the terminal the session's processes have (fs/proc/array.c new_encode_dev()).
TTY_NR = 136 << 8
#: What a login shell calls itself in its error messages (argv[0] of a login bash).
SHELL_NAME = "-bash"


@dataclass
class ShellResult:
    """What one ``m.sh()`` call printed and its exit status."""

    output: str
    status: int

    def __str__(self) -> str:
        return self.output


class Shell:
    """An interactive shell on a booted machine. Not re-entrant: one line at a time."""

    def __init__(self, m: Machine, *, sink: Callable[[str], None] | None = None,
                 files: dict[str, str] | None = None) -> None:  # fmt: skip
        self.m = m
        self.vfs = Vfs(m.fs, self._cwd)
        self.commands: dict[str, Command] = dict(COMMANDS)
        variables = {
            "HOME": "/root", "USER": "root", "LOGNAME": "root", "HOSTNAME": self.hostname(), "SHELL": "/bin/bash",
            "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "PWD": "/root", "TERM": "xterm",
        }  # fmt: skip
        #: The interactive shell's own environment: what each typed line runs in.
        self.state = ShellEnv(variables, set(variables))
        self.jobs: dict[int, Job] = {}
        #: Processes that left the shell's job control (daemons that forked and called setsid()).
        self.detached: list[Job] = []
        self.pid = ""
        #: Driver files from the host, by the name they have in the home directory (for insmod).
        self.host_files: dict[str, str] = {}
        for name, path in (files or {}).items():
            self.add_host_file(name, path)
        self._chunks: list[str] = []
        #: Called with the terminal's output as it is written (a live terminal), besides the capture.
        self.sink = sink
        self._fg: Job | None = None
        #: Whether the terminal the session writes to is a real one (``irqlab shell`` on a tty): tools that
        #: drive a terminal (watch -d's highlighting) only do so then.
        self.tty = False
        self._notices: list[str] = []
        #: Set by a terminal's SIGINT handler (Ctrl-C): the running line is interrupted at the next event, the
        #: way the end of ``for_`` interrupts it, so that Python's KeyboardInterrupt never lands in a task.
        self.interrupt_requested = False

    def add_host_file(self, name: str, path: str) -> None:
        """Put the host's driver file ``path`` in the home directory as ``name`` (``insmod name``)."""
        self.host_files[name] = path
        self.vfs.files[self.vfs.abspath(name)] = f"(driver module {path})\n"

    # -- the terminal ---------------------------------------------------------------------
    def write_terminal(self, text: str) -> None:
        self._chunks.append(text)
        if self.sink is not None:
            self.sink(text)

    def hostname(self) -> str:
        """gethostname() as bash reads it for $HOSTNAME and the prompt's \\h: the kernel's nodename."""
        try:
            return self.m.fs.read("/proc/sys/kernel/hostname").strip()
        except FileNotFoundError:
            return "localhost"

    def _isatty(self) -> bool:
        return self.tty

    @property
    def status(self) -> int:
        """``$?`` of the interactive shell."""
        return self.state.status

    def _cwd(self) -> str:
        """The working directory of the process asking (procfs's fs->pwd), else the interactive shell's."""
        k = self.m.kernel
        proc = getattr(k.cpu.curr, "shell_proc", None) if k.cpu is not None else None
        return proc.state.cwd if proc is not None else self.state.cwd

    def prompt(self) -> str:
        cwd = self.state.cwd
        home = self.state.vars.get("HOME", "/root")
        shown = "~" + cwd[len(home):] if cwd == home or cwd.startswith(home + "/") else cwd
        return f"root@{self.hostname().split('.')[0]}:{shown}# "

    # -- running lines --------------------------------------------------------------------
    def run(self, text: str, *, for_: TimeLike | None = None) -> ShellResult:
        """Run ``text`` (one or more lines) to completion, or for ``for_`` of simulated time, then
        interrupt it as Ctrl-C would. Returns what it printed and its exit status."""
        start = len(self._chunks)
        try:
            parts = parse(text)
        except ShellSyntaxError as e:
            self.write_terminal(f"{SHELL_NAME}: {e}\n")
            self.state.status = 2
            return ShellResult("".join(self._chunks[start:]), 2)
        if parts:
            job = Job(self, text.strip())
            self._fg = job
            leader = Proc(self, job, ["bash"], NullStream(), TerminalOut(self.write_terminal, self._isatty),
                          TerminalOut(self.write_terminal, self._isatty), self.state)  # fmt: skip
            self.start(leader, lambda p: self._run_parts(p, parts, text), "bash")
            if not self.pid:
                self.pid = str(leader.task.pid)  # type: ignore[union-attr]
            self.interrupt_requested = False
            self.m.run_until(lambda: job.done or self.interrupt_requested, for_)
            self.interrupt_requested = False
            if not job.done:
                self.write_terminal("^C\n")
                self.interrupt()
            self._fg = None
            self.state.status = job.procs[0].status or 0
        self._report_jobs()
        return ShellResult("".join(self._chunks[start:]), self.status)

    def interrupt(self) -> None:
        """Ctrl-C: kill the foreground job and run the machine until it has unwound. Call it between
        events (from a scenario action, or after a KeyboardInterrupt stopped ``run``)."""
        job = self._fg
        if job is not None:
            self.m._in_kernel(job.kill, STATUS_SIGINT)
            self.m.run_until(lambda: job.done)
            self._fg = None

    def _report_jobs(self) -> None:
        """bash's notices of finished background jobs, printed before the next prompt."""
        for n in sorted(self.jobs):
            job = self.jobs[n]
            if job.done:
                self.write_terminal(format_job(job, current=n == max(self.jobs)) + "\n")
                del self.jobs[n]

    # -- processes ------------------------------------------------------------------------
    def start(self, proc: Proc, body: Callable[[Proc], int], comm: str) -> None:
        """fork()+exec(): a user task named ``comm`` running ``body(proc)``."""
        k = self.m.kernel
        proc.job.procs.append(proc)

        def main() -> int:
            status = 1
            try:
                status = body(proc)
            except Killed as e:
                status = e.status
            except BrokenPipe:
                status = 141
            except Exception as e:  # noqa: BLE001 - a fault in irqlab's own program must not end the session
                proc.stderr.write(f"{proc.argv[0]}: irqlab internal error: {type(e).__name__}: {e} "
                                  "(a bug in irqlab: please report it)\n")  # fmt: skip
                status = 70  # EX_SOFTWARE
            # exit(): close the files, wake the parent. (A machine being closed unwinds its tasks with
            # GreenletExit, which skips this: there is no CPU left to run it on.)
            proc.status = status
            proc.stdout.close_write()
            if proc.stderr is not proc.stdout:
                proc.stderr.close_write()
            proc.stdin.close_read()
            # forget_original_parent(): children left behind go to the reaper; with no init task, to none.
            me = proc.task.pid if proc.task is not None else -1
            for t in k.tasks.values():
                if t.data.get("ppid") == me:
                    t.data["ppid"] = 0
            wake_up_interruptible_all(proc.job.wait)
            return status

        # fork(): the child holds its own reference to each open file, which its exit() drops.
        proc.stdin.dup_read()
        proc.stdout.dup_write()
        if proc.stderr is not proc.stdout:
            proc.stderr.dup_write()
        prev = current_kernel.k
        current_kernel.k = k
        try:
            t = k.create_task(main, (), comm[:15], user=True)
            t.shell_proc = proc  # type: ignore[attr-defined]
            # execve() stores the argument strings (/proc/PID/cmdline); the session's terminal is /dev/pts/0.
            t.data["cmdline"] = "".join(a + "\0" for a in proc.argv)
            t.data["tty_nr"] = TTY_NR
            # copy_process(): the forking task is the parent (none for a line the session starts).
            parent = k.cpu.curr if k.cpu is not None else None
            if parent is not None and getattr(parent, "shell_proc", None) is not None:
                t.data["ppid"] = parent.pid
            proc.task = t
            set_sched_attrs(t, proc.attrs, running=False)
            k.sched.wake_up_new_task(t)
        finally:
            current_kernel.k = prev

    def wait_for(self, waiter: Proc, procs: list[Proc]) -> None:
        """The waiting parent: sleep until every one of ``procs`` has exited. May sleep."""
        wait_event_interruptible(waiter.job.wait, lambda: all(p.status is not None for p in procs))
        if waiter.job.killed:
            # The children got the same signal; reap them before unwinding.
            wait_event_interruptible(waiter.job.wait, lambda: all(p.status is not None for p in procs))
            waiter.check_killed()

    # -- the interpreter (runs in the job's bash task) --------------------------------------
    def _run_parts(self, proc: Proc, parts: list[Any], src: str) -> int:
        status = 0
        for node in parts:
            status = self._exec(proc, node, src, Io(proc.stdin, proc.stdout, proc.stderr))
        return status

    def _exec(self, proc: Proc, node: Any, src: str, io: Io) -> int:
        proc.check_killed()
        kind = node.kind
        if kind == "list":
            return self._list(proc, node.parts, src, io)
        if kind == "pipeline":
            return self._pipeline(proc, node, src, io)
        if kind == "command":
            return self._simple(proc, node, src, io, exec_=False)
        if kind == "compound":
            return self._compound(proc, node, src, io)
        if kind in ("while", "until", "if", "for"):
            return getattr(self, f"_{kind}")(proc, node, src, io)
        if kind == "operator":
            return proc.state.status
        raise ShellSyntaxError(f"syntax error: `{src[node.pos[0]:node.pos[1]]}' is not supported")

    def _list(self, proc: Proc, parts: list[Any], src: str, io: Io) -> int:
        status = proc.state.status
        chain: list[Any] = []
        for node in parts + [None]:
            if node is not None and not (node.kind == "operator" and node.op in (";", "\n", "&")):
                chain.append(node)
                continue
            if chain:
                if node is not None and node.op == "&":
                    status = self._background(proc, chain, src)
                else:
                    status = self._and_or(proc, chain, src, io)
            chain = []
        return status

    def _and_or(self, proc: Proc, chain: list[Any], src: str, io: Io) -> int:
        status = self._exec(proc, chain[0], src, io)
        proc.state.status = status
        i = 1
        while i + 1 < len(chain):
            op, nxt = chain[i].op, chain[i + 1]
            if (op == "&&" and status == 0) or (op == "||" and status != 0):
                status = self._exec(proc, nxt, src, io)
                proc.state.status = status
            i += 2
        return status

    def _background(self, proc: Proc, chain: list[Any], src: str) -> int:
        text = src[chain[0].pos[0]:chain[-1].pos[1]].strip()
        number = max(self.jobs, default=0) + 1
        job = Job(self, text + " &", number)
        self.jobs[number] = job
        sub = Proc(self, job, ["bash"], NullStream(), proc.stdout, proc.stderr, proc.state.subshell(), proc.attrs)
        if len(chain) == 1 and chain[0].kind == "command":
            # A lone command is the forked child itself: $! is its pid, as in bash.
            self.start(sub, partial(self._stage, chain[0], src), self._command_name(chain[0], src))
        else:
            self.start(sub, lambda p: self._and_or(p, chain, src, Io(NullStream(), p.stdout, p.stderr)), "bash")
        proc.state.vars["!"] = str(sub.task.pid)  # type: ignore[union-attr]
        self.write_terminal(f"[{number}] {sub.task.pid}\n")  # type: ignore[union-attr]
        return 0

    def _pipeline(self, proc: Proc, node: Any, src: str, io: Io) -> int:
        stages = [p for p in node.parts if p.kind not in ("pipe", "reservedword")]
        negate = any(p.kind == "reservedword" and p.word == "!" for p in node.parts)
        if len(stages) == 1:
            status = self._exec(proc, stages[0], src, io)
        else:
            pipes = [Pipe() for _ in stages[:-1]]
            children: list[Proc] = []
            for i, stage in enumerate(stages):
                stdin = pipes[i - 1] if i else io.stdin
                stdout = pipes[i] if i < len(pipes) else io.stdout
                child = Proc(self, proc.job, ["bash"], stdin, stdout, io.stderr, proc.state.subshell(), proc.attrs)
                children.append(child)
                comm = self._command_name(stage, src) if stage.kind == "command" else "bash"
                self.start(child, partial(self._stage, stage, src), comm)
            self.wait_for(proc, children)
            status = children[-1].status or 0
        if negate:
            status = int(status == 0)
        proc.state.status = status
        return status

    def _stage(self, node: Any, src: str, p: Proc) -> int:
        """One command of a pipeline, in its own task (bash forks for every stage)."""
        io = Io(p.stdin, p.stdout, p.stderr)
        if node.kind == "command":
            return self._simple(p, node, src, io, exec_=True)
        return self._exec(p, node, src, io)

    def _compound(self, proc: Proc, node: Any, src: str, io_in: Io) -> int:
        io = self._redirect(proc, getattr(node, "redirects", []), src, io_in)
        if io is None:
            return 1
        inner = [p for p in node.list if p.kind != "reservedword"]
        if node.list and node.list[0].kind == "reservedword" and node.list[0].word == "(":
            # A subshell: its assignments, cd and $? stay inside.
            sub = Proc(self, proc.job, proc.argv, proc.stdin, proc.stdout, proc.stderr, proc.state.subshell(),
                       proc.attrs)  # fmt: skip
            sub.task = proc.task
            return self._run_nodes(sub, inner, src, io)
        return self._run_nodes(proc, inner, src, io)

    def _run_nodes(self, proc: Proc, nodes: list[Any], src: str, io: Io) -> int:
        status = 0
        for n in nodes:
            status = self._exec(proc, n, src, io)
        return status

    def _body(self, node: Any) -> list[tuple[str, Any]]:
        """(reserved word, the list that follows it) pairs of a compound command."""
        out: list[tuple[str, Any]] = []
        word = ""
        for p in node.parts:
            if p.kind == "reservedword":
                word = p.word
            else:
                out.append((word, p))
        return out

    def _while(self, proc: Proc, node: Any, src: str, io: Io, until: bool = False) -> int:
        body = self._body(node)
        cond = [n for w, n in body if w in ("while", "until")]
        loop = [n for w, n in body if w == "do"]
        status = 0
        while True:
            proc.check_killed()
            c = self._run_nodes(proc, cond, src, io)
            if (c == 0) == until:
                return status
            status = self._run_nodes(proc, loop, src, io)
            # A loop whose body never sleeps would hold the CPU forever in zero simulated time.
            proc.burn(1_000)

    def _until(self, proc: Proc, node: Any, src: str, io: Io) -> int:
        return self._while(proc, node, src, io, until=True)

    def _if(self, proc: Proc, node: Any, src: str, io: Io) -> int:
        body = self._body(node)
        i = 0
        while i < len(body):
            word, n = body[i]
            if word in ("if", "elif"):
                taken = self._exec(proc, n, src, io) == 0
                i += 1
                if taken:
                    return self._exec(proc, body[i][1], src, io)
                i += 1
            elif word == "else":
                return self._exec(proc, n, src, io)
            else:
                i += 1
        return 0

    def _for(self, proc: Proc, node: Any, src: str, io: Io) -> int:
        words = [p for p in node.parts if p.kind == "word"]
        name = words[0].word
        items: list[str] = []
        for w in words[1:]:
            items.extend(self._expander(proc).fields(src[w.pos[0]:w.pos[1]]))
        loop = [p for w, p in self._body(node) if w == "do"]
        status = 0
        for item in items:
            proc.check_killed()
            proc.state.vars[name] = item
            status = self._run_nodes(proc, loop, src, io)
        return status

    # -- simple commands ------------------------------------------------------------------
    def _command_name(self, node: Any, src: str) -> str:
        for p in node.parts:
            if p.kind == "word":
                return src[p.pos[0]:p.pos[1]].strip("'\"").rsplit("/", 1)[-1] or "bash"
        return "bash"

    def _expander(self, proc: Proc) -> Expander:
        def subst(text: str) -> str:
            cap = Capture()
            try:
                parts = parse(text)
            except ShellSyntaxError as e:
                raise ExpansionError(str(e)) from None
            for n in parts:
                self._exec(proc, n, text, Io(NullStream(), cap, proc.stderr))
            return cap.value()

        def lookup(name: str) -> str | None:
            if name == "?":
                return str(proc.state.status)
            if name == "$":
                return self.pid
            if name == "#":
                return "0"
            if name == "0":
                return SHELL_NAME
            return proc.state.vars.get(name)

        return Expander(lookup, subst, self.vfs.listdir, self.vfs.exists, proc.state.vars.get("HOME", "/root"))

    def _simple(self, proc: Proc, node: Any, src: str, io: Io, *, exec_: bool) -> int:
        ex = self._expander(proc)
        assigns: list[tuple[str, str]] = []
        argv: list[str] = []
        redirects: list[Any] = []
        try:
            for p in node.parts:
                raw = src[p.pos[0]:p.pos[1]]
                if p.kind == "assignment" and not argv:
                    name, _, value = raw.partition("=")
                    assigns.append((name, ex.string(value)))
                elif p.kind == "redirect":
                    redirects.append(p)
                elif p.kind in ("word", "assignment"):
                    argv.extend(ex.fields(raw))
        except ExpansionError as e:
            io.stderr.write(f"{SHELL_NAME}: {e}\n")
            return 1
        rio = self._redirect(proc, redirects, src, io)
        if rio is None:
            return 1
        if not argv:
            for name, value in assigns:
                proc.state.vars[name] = value
            return 0
        state = proc.state
        if assigns:
            # VAR=value cmd: the command (only) sees the variables, exported.
            state = state.subshell()
            state.vars.update(assigns)
            state.exported.update(name for name, _ in assigns)
        return self.call(proc, argv, rio, state, exec_=exec_)

    def call(self, proc: Proc, argv: list[str], io: Io, state: ShellEnv | None = None, *, exec_: bool = False,
             attrs: SchedAttrs | None = None) -> int:  # fmt: skip
        """Run one command: a builtin in this task, another command in a child task (started with
        ``attrs``, by default the caller's scheduling attributes)."""
        name = argv[0]
        builtin = BUILTINS.get(name)
        if builtin is not None:
            run = Proc(self, proc.job, argv, io.stdin, io.stdout, io.stderr, state or proc.state, attrs or proc.attrs)
            run.task = proc.task
            try:
                return builtin(self, run)
            except OSError as e:
                io.stderr.write(f"{SHELL_NAME}: {name}: write error: {e.strerror}\n")
                return 1
        cmd = self.commands.get(name.rsplit("/", 1)[-1])
        if cmd is None:
            io.stderr.write(f"{SHELL_NAME}: {name}: command not found\n")
            return 127
        if exec_ and attrs is None:
            run = Proc(self, proc.job, argv, io.stdin, io.stdout, io.stderr, state or proc.state, proc.attrs)
            run.task = proc.task
            if run.task is not None:
                execve(run.task, argv)
            return cmd(run)
        child = Proc(self, proc.job, argv, io.stdin, io.stdout, io.stderr, (state or proc.state).subshell(),
                     attrs or proc.attrs)  # fmt: skip
        self.start(child, cmd, name.rsplit("/", 1)[-1])
        self.wait_for(proc, [child])
        return child.status or 0

    def _redirect(self, proc: Proc, redirects: list[Any], src: str, io: Io) -> Io | None:
        """Apply redirections left to right; None (after bash's message) when one fails."""
        if not redirects:
            return io
        out = Io(io.stdin, io.stdout, io.stderr)
        ex = self._expander(proc)
        for r in redirects:
            fd = r.input if isinstance(r.input, int) else (0 if r.type == "<" else 1)
            if r.type in (">&", "<&") and isinstance(r.output, int):
                src_stream = {0: out.stdin, 1: out.stdout, 2: out.stderr}[r.output]
                setattr(out, ("stdin", "stdout", "stderr")[fd], src_stream)
                continue
            target = ex.string(src[r.output.pos[0]:r.output.pos[1]])
            try:
                if r.type == "<":
                    out.stdin = self.vfs.open_read(target)
                elif r.type in (">", ">|", ">>", "&>"):
                    stream = self.vfs.open_write(target, append=r.type == ">>")
                    if r.type == "&>":
                        out.stdout = out.stderr = stream
                    else:
                        setattr(out, ("stdin", "stdout", "stderr")[fd], stream)
                else:
                    raise OSError(22, f"redirection {r.type} is not supported")
            except OSError as e:
                io.stderr.write(f"{SHELL_NAME}: {target}: {e.strerror}\n")
                return None
        return out


def task_alive(proc: Proc) -> bool:
    return proc.task is not None and proc.task.state is not TaskState.DEAD


__all__ = ["Shell", "ShellResult", "ShellSyntaxError", "parse", "is_complete", "Command", "TextIn"]
