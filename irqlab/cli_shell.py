"""``irqlab shell``: a root shell on a booted board, interactive or running a script as a transcript."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from irqlab.machine import Machine, boot

if TYPE_CHECKING:
    from irqlab.userspace.shell.interp import Shell


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    sp = sub.add_parser("shell", help="a shell on the simulated board (interactive, -c, or a script on stdin)",
                        description="A root shell on a booted board. Commands run as simulated user tasks: "
                        "simulated time passes while they run. Without -c and with a script on standard input, "
                        "prints a transcript (prompt, command, output) that is the same for a given seed.")  # fmt: skip
    sp.add_argument("drivers", nargs="*", metavar="DRIVER.py",
                    help="driver files to put in the home directory, for insmod (insmod NAME.ko finds NAME.py)")  # fmt: skip
    sp.add_argument("-c", dest="command", help="run this command line, print the transcript, and exit")
    sp.add_argument("--board", default="rpi5", help="the board to boot (default rpi5)")
    sp.add_argument("--seed", type=int, default=1, help="the RNG seed (same seed, same transcript)")
    sp.add_argument("--cpus", type=int, help="number of CPUs (default: the board's)")
    sp.add_argument("--hz", type=int, help="CONFIG_HZ (default: the board's)")
    sp.add_argument("--preempt", choices=("none", "voluntary", "full", "rt"), help="preemption model")
    sp.add_argument("--for", dest="for_", metavar="DURATION",
                    help="interrupt (as Ctrl-C) a command still running after this much simulated time, e.g. 5s")  # fmt: skip


def _boot(args: argparse.Namespace) -> Machine:
    return boot(args.board, seed=args.seed, cpus=args.cpus, hz=args.hz, preempt=args.preempt)


def _files(args: argparse.Namespace) -> dict[str, str]:
    files = {}
    for path in args.drivers:
        if not os.path.isfile(path):
            raise FileNotFoundError(f"no driver file {path!r}")
        files[os.path.basename(path)] = os.path.abspath(path)
    return files


def commands(lines: Iterable[str]) -> Iterator[str]:
    """Group script lines into complete commands (a ``while`` ... ``done`` spans several lines)."""
    # Deferred for start-up cost: bashlex builds its parser tables on import.
    from irqlab.userspace.shell.parse import is_complete

    buf: list[str] = []
    for line in lines:
        buf.append(line.rstrip("\n"))
        text = "\n".join(buf)
        if not text.strip() and len(buf) == 1:
            buf = []
            continue
        if is_complete(text):
            yield text
            buf = []
    if buf and "\n".join(buf).strip():
        yield "\n".join(buf)


def _to_stdout(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


@contextlib.contextmanager
def _ctrl_c_interrupts(sh: Shell) -> Iterator[list[bool]]:
    """While the machine runs, Ctrl-C asks the shell to interrupt the running line between two events (a
    KeyboardInterrupt raised in the middle of a simulated task's code would kill that task's fiber). Yields a
    list that gets an entry for each Ctrl-C. Only the main thread receives signals: elsewhere, nothing changes."""
    hits: list[bool] = []
    if threading.current_thread() is not threading.main_thread():
        yield hits
        return

    def on_sigint(signum: int, frame: object) -> None:
        sh.interrupt_requested = True
        hits.append(True)

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        yield hits
    finally:
        signal.signal(signal.SIGINT, previous)


def transcript(m: Machine, script: Iterable[str], for_: str | None) -> int:
    """Run ``script``'s commands, writing the prompt, each command and its output to stdout. Ctrl-C ends the
    running command and the script (status 130), as it ends a bash script."""
    sh = m.shell
    sh.sink = _to_stdout
    sh.tty = sys.stdout.isatty()
    status = 0
    with _ctrl_c_interrupts(sh) as hits:
        for cmd in commands(script):
            lines = cmd.split("\n")
            sys.stdout.write(sh.prompt() + lines[0] + "\n" + "".join(f"> {ln}\n" for ln in lines[1:]))
            if cmd.strip().startswith("#"):
                continue
            status = sh.run(cmd, for_=for_).status
            if hits:
                return 130
            if cmd.strip() == "exit" or cmd.strip().startswith("exit "):
                break
    return status


def interactive(m: Machine, for_: str | None) -> int:
    """A prompt with line editing, history and completion (GNU readline where Python has it)."""
    sh = m.shell
    sh.sink = _to_stdout
    sh.tty = sys.stdout.isatty()
    try:
        import readline

        names = sorted(set(sh.commands) | {"cd", "echo", "exit", "jobs", "kill", "pwd", "sudo", "wait", "watch"})

        def complete(text: str, state: int) -> str | None:
            line = readline.get_line_buffer()
            first = not line[: readline.get_begidx()].strip()
            if first:
                options = [n + " " for n in names if n.startswith(text)]
            else:
                base, _, stem = text.rpartition("/")
                try:
                    entries = sh.vfs.listdir(base or (sh.state.cwd if not text.startswith("/") else "/"))
                except OSError:
                    entries = []
                prefix = base + "/" if base or text.startswith("/") else ""
                options = [prefix + e + ("/" if sh.vfs.isdir(prefix + e) else " ") for e in entries if e.startswith(stem)]
            return options[state] if state < len(options) else None

        readline.set_completer(complete)
        readline.set_completer_delims(" \t\n;|&<>")
        readline.parse_and_bind("tab: complete")
    except ImportError:
        pass
    # Deferred for start-up cost: bashlex builds its parser tables on import.
    from irqlab.userspace.shell.parse import is_complete

    status = 0
    while True:
        try:
            text = input(sh.prompt())
            while not is_complete(text):
                text += "\n" + input("> ")
        except EOFError:
            sys.stdout.write("logout\n")
            return status
        except KeyboardInterrupt:
            sys.stdout.write("^C\n")
            continue
        if text.strip() in ("exit", "logout") or text.strip().startswith("exit "):
            parts = text.split()
            return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else status
        try:
            with _ctrl_c_interrupts(sh):
                status = sh.run(text, for_=for_).status
        except KeyboardInterrupt:
            # Ctrl-C outside the machine's run (between events it is _ctrl_c_interrupts'): unwind the job.
            sys.stdout.write("^C\n")
            sh.interrupt()


def run(args: argparse.Namespace) -> int:
    try:
        files = _files(args)
    except FileNotFoundError as e:
        print(f"irqlab shell: {e}", file=sys.stderr)
        return 2
    m = _boot(args)
    for name, path in files.items():
        m.shell.add_host_file(name, path)
    if args.command is not None:
        return transcript(m, args.command.split("\n"), args.for_)
    if sys.stdin.isatty():
        return interactive(m, args.for_)
    return transcript(m, sys.stdin, args.for_)
