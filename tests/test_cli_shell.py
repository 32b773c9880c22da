"""irqlab shell: a transcript for scripts and -c, the same at every run; a prompt in a real terminal."""

import os
import subprocess
import sys

import pytest

SCRIPT = """\
# comments are echoed, not run
echo 17 > /sys/class/gpio/export
while true; do
    echo tick; sleep 0.01
done &
sleep 0.025
kill %1
"""

TRANSCRIPT = """\
root@raspberrypi:~# # comments are echoed, not run
root@raspberrypi:~# echo 17 > /sys/class/gpio/export
-bash: echo: write error: Invalid argument
root@raspberrypi:~# while true; do
>     echo tick; sleep 0.01
> done &
[1] {pid}
root@raspberrypi:~# sleep 0.025
tick
tick
tick
root@raspberrypi:~# kill %1
[1]+  Terminated              while true; do
    echo tick; sleep 0.01
done
"""


def _shell(*args, stdin=""):
    return subprocess.run([sys.executable, "-m", "irqlab", "shell", *args], input=stdin, capture_output=True,
                          text=True, timeout=120)  # fmt: skip


def test_script_on_stdin_prints_a_deterministic_transcript():
    """A script on standard input gives the prompt, each command and its output, byte-identical per seed."""
    a = _shell("--seed", "4", stdin=SCRIPT)
    b = _shell("--seed", "4", stdin=SCRIPT)
    assert a.returncode == 0 and a.stdout == b.stdout
    pid = a.stdout.split("[1] ")[1].split("\n")[0]
    assert a.stdout == TRANSCRIPT.format(pid=pid)


def test_dash_c_and_for_interrupt_and_exit_status():
    """-c runs one line; --for interrupts it as Ctrl-C (exit 130); a missing driver file is an error."""
    r = _shell("-c", "watch -n 1 cat /proc/loadavg-none", "--for", "1.5s")
    assert r.returncode == 130 and r.stdout.count("Every 1.0s: cat /proc/loadavg-none") == 2
    assert "cat: /proc/loadavg-none: No such file or directory" in r.stdout
    r = _shell("nope.py", "-c", "true")
    assert r.returncode == 2 and r.stderr == "irqlab shell: no driver file 'nope.py'\n"


def test_interactive_prompt_history_and_completion_in_a_terminal():
    """In a pseudo-terminal: the root prompt, tab completion of commands and paths, history, Ctrl-D."""
    pexpect = pytest.importorskip("pexpect", reason="pexpect drives the prompt through a pseudo-terminal")
    env = dict(os.environ, TERM="dumb")
    child = pexpect.spawn(sys.executable, ["-m", "irqlab", "shell"], env=env, encoding="utf-8", timeout=60)
    try:
        child.expect_exact("root@raspberrypi:~# ")
        child.send("ech\t")
        child.expect_exact("echo ")
        child.sendline("hello")
        child.expect_exact("hello\r\n")
        child.expect_exact("root@raspberrypi:~# ")
        child.send("cat /proc/softi\t")
        child.expect_exact("softirqs ")
        child.sendline("| head -1")
        child.expect("CPU0 +CPU1 +CPU2 +CPU3")
        child.expect_exact("root@raspberrypi:~# ")
        child.send("\x1b[A")  # up arrow: the previous line again
        child.expect_exact("cat /proc/softirqs | head -1")
        child.sendline("")
        child.expect("CPU0")
        child.expect_exact("root@raspberrypi:~# ")
        child.sendeof()
        child.expect_exact("logout")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0


def test_watch_d_highlights_changes_in_a_terminal_and_not_in_a_file():
    """watch -d in a pseudo-terminal: the changed characters of /proc/uptime stand out (xterm's smso/rmso);
    its output redirected to a file is plain text."""
    pexpect = pytest.importorskip("pexpect", reason="pexpect drives the prompt through a pseudo-terminal")
    child = pexpect.spawn(sys.executable, ["-m", "irqlab", "shell", "--for", "2.5s"], env=dict(os.environ),
                          encoding="utf-8", timeout=60)  # fmt: skip
    try:
        child.expect_exact("root@raspberrypi:~# ")
        child.sendline("watch -d -n 1 cat /proc/uptime")
        child.expect_exact("^C")
        screens = child.before
        child.expect_exact("root@raspberrypi:~# ")
        assert "\x1b[7m" in screens and "\x1b[27m" in screens
        # The first screen has nothing to compare with: it is drawn plain.
        first = screens.split("Every 1.0s")[1]
        assert "\x1b[" not in first
        child.sendline("watch -d -n 1 cat /proc/uptime > /tmp/w")
        child.expect_exact("^C")
        child.expect_exact("root@raspberrypi:~# ")
        child.sendline("grep -c Every /tmp/w; grep -c '\\[' /tmp/w")
        child.expect_exact("3\r\n0\r\n")
        child.expect_exact("root@raspberrypi:~# ")
        child.sendeof()
        child.expect(pexpect.EOF)
    finally:
        child.close()
