"""procps-ng's ps, top and uptime on the board: the layouts of src/ps/output.c and src/top/top.c."""

import re

import pytest

import irqlab


@pytest.fixture
def m():
    return irqlab.boot("rpi5", seed=1)


def test_ps_lists_the_terminals_processes(m):
    """Plain ps: PID (7 columns, pid_max 4194304), TTY, TIME, CMD of this terminal's processes."""
    out = m.sh("ps").output.splitlines()
    assert out[0] == "    PID TTY          TIME CMD"
    assert [ln.split()[1:] for ln in out[1:]] == [["pts/0", "00:00:00", "bash"], ["pts/0", "00:00:00", "ps"]]


def test_ps_e_shows_kernel_threads_by_their_6_12_names(m):
    """ps -e lists every process; kworkers carry their workqueue, kernel threads have no terminal."""
    out = m.sh("ps -e").output.splitlines()
    assert out[1] == "      1 ?        00:00:00 ksoftirqd/0"
    names = [ln.split()[-1] for ln in out[1:]]
    assert names[:6] == ["ksoftirqd/0", "ksoftirqd/1", "ksoftirqd/2", "ksoftirqd/3", "kworker/0:0", "kworker/0:0H"]


def test_ps_aux_brackets_kernel_threads(m):
    """ps aux: the BSD user format; a kernel thread has no command line, so its name shows in brackets."""
    out = m.sh("ps aux").output.splitlines()
    assert out[0] == "USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND"
    assert out[1] == "root           1  0.0  0.0      0     0 ?        S    09:00   0:00 [ksoftirqd/0]"
    assert out[6] == "root           6  0.0  0.0      0     0 ?        I<   09:00   0:00 [kworker/0:0H]"
    assert out[-1].endswith(" R    09:00   0:00 ps aux")
    # Without u, BSD options take BSD's default columns; a alone keeps to processes with a terminal.
    assert m.sh("ps ax | head -2").output == ("    PID TTY      STAT   TIME COMMAND\n"
                                              "      1 ?        S      0:00 [ksoftirqd/0]\n")  # fmt: skip
    assert [ln.split()[1] for ln in m.sh("ps a").output.splitlines()[1:]] == ["pts/0", "pts/0"]


def test_ps_o_scheduling_columns(m):
    """ps -eo pid,cls,rtprio,ni,comm: an IRQ thread is FIFO 50, a normal task TS with its nice value."""
    m.sh("chrt -f 70 sleep 1 &")
    out = m.sh("ps -eo pid,cls,rtprio,ni,comm").output.splitlines()
    assert out[0] == "    PID CLS RTPRIO  NI COMMAND"
    assert "      6  TS      - -20 kworker/0:0H" in out
    assert any(re.fullmatch(r" +\d+  FF     70   - sleep", ln) for ln in out), out


def test_ps_threads(m):
    """-L adds the LWP column and -T the SPID column, one row per thread; -p selects, ELAPSED counts from the start."""
    assert m.sh("ps -eLo pid,lwp,comm | head -2").output == "    PID     LWP COMMAND\n      1       1 ksoftirqd/0\n"
    assert m.sh("ps -T | head -1").output == "    PID    SPID TTY          TIME CMD\n"
    assert m.sh("ps -p 1,2 -o pid=,comm=").output == "      1 ksoftirqd/0\n      2 ksoftirqd/1\n"

    m.sh("sleep 75")
    assert m.sh("ps -o pid,etime,etimes,cputime,comm -p 1").output == (
        "    PID     ELAPSED ELAPSED     TIME COMMAND\n      1       01:15      75 00:00:00 ksoftirqd/0\n")

def test_uptime_and_top_under_load(m):
    """uptime's line and top's five summary lines: %Cpu(s) from /proc/stat, a busy stress-ng worker first."""
    m.sh("stress-ng --cpu 1 --timeout 20s > /dev/null &")
    assert m.sh("sleep 15; uptime").output == " 09:00:15 up 0 min,  1 user,  load average: 0.15, 0.03, 0.01\n"
    out = m.sh("top -b -n1").output.splitlines()
    assert out[:7] == [
        "top - 09:00:15 up 0 min,  1 user,  load average: 0.15, 0.03, 0.01",
        "Tasks:  17 total,   2 running,  15 sleeping,   0 stopped,   0 zombie",
        "%Cpu(s): 25.0 us,  0.0 sy,  0.0 ni, 75.0 id,  0.0 wa,  0.0 hi,  0.0 si,  0.0 st ",
        "MiB Mem :   8192.0 total,   8192.0 free,      0.0 used,      0.0 buff/cache     ",
        "MiB Swap:      0.0 total,      0.0 free,      0.0 used.   8192.0 avail Mem ",
        "",
        "    PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND",
    ]
    assert re.fullmatch(
        r" +\d+ root      20   0       0      0      0 R  99\.\d   0\.0   0:1\d\.\d\d stress-ng-cpu", out[7]
    )
    assert m.sh("top -n1").output == "top: failed tty get\n"


def test_ps_shows_the_threads_of_a_process(m):
    """A process that clone()s a thread: one ps -e row with NLWP 2, two ps -L rows sharing its PID, and the
    thread under /proc/PID/task only."""
    from irqlab.userspace import syscalls as sc

    def worker() -> int:
        return sc.clock_nanosleep(sc.CLOCK_MONOTONIC, 0, 5_000_000_000)

    def main() -> int:
        sc.thread_join(sc.thread_create(worker, (), name="rt-thread"))
        return 0

    app = m.spawn(main, name="app", user=True)
    m.run(for_="1ms")
    out = m.sh(f"ps -eLo pid,lwp,nlwp,comm | grep -e app -e rt-thread; ls /proc/{app.pid}/task; ls /proc").output
    thread = app.pid + 1
    assert out.startswith(f"{app.pid:>7} {app.pid:>7}    2 app\n{app.pid:>7} {thread:>7}    2 rt-thread\n"
                          f"{app.pid}\n{thread}\n")  # fmt: skip
    assert f"\n{thread}\n" not in out.split(f"{thread}\n", 1)[1]
    assert m.sh(f"ps -p {app.pid} -o nlwp=,stat=").output == "   2 Sl\n"
