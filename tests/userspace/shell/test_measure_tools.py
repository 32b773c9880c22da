"""cyclictest, rtla timerlat and bcc's hardirqs/softirqs typed in the board's shell: the same programs as
`irqlab cyclictest`/`irqlab rtla`/`irqlab hardirqs`, printing as they go, beside background jobs."""

import json
import pathlib
import re

import pytest

import irqlab
from irqlab.cli_cyclictest import cyclictest

ROOT = pathlib.Path(__file__).resolve().parents[3]
PROMPT = "root@raspberrypi:~# "

# print_stat()'s line: "T:%2d (%5d) P:%2d I:%ld C:%7lu Min:%7ld Act:%5ld Avg:%5ld Max:%8ld".
STAT = r"T:[ \d]\d \([ \d]{{4}}\d\) P:99 I:{i} C:{c} Min:[ \d]{{7}} Act:[ \d]{{5}} Avg:[ \d]{{5}} Max:[ \d]{{8}}\n"


def _no_tids(text):
    return re.sub(r"\( *\d+\)", "(TID)", text)


@pytest.mark.parametrize("board", ["pc", "generic"])
def test_the_shells_cyclictest_measures_what_irqlab_cyclictest_measures(board):
    """Same board and seed, an idle machine with no cost jitter: the same numbers, histogram and JSON threads."""
    argv = "-S -p99 -i1000 -D 1 -q -h 20 --json=c.json"
    ref = cyclictest(argv, board=board, seed=2)
    m = irqlab.boot(board, seed=2)
    r = m.sh(f"cyclictest {argv}")
    assert r.status == 0 and r.output == ref.output and r.output.startswith("# Histogram\n")
    mine, theirs = json.loads(m.sh("cat c.json").output), json.loads(ref.files["c.json"])
    assert mine["thread"] == theirs["thread"] and mine["num_threads"] == theirs["num_threads"]
    ref = cyclictest("-p99 -i250 -l 2000 -q", board=board, seed=2)
    assert _no_tids(irqlab.boot(board, seed=2).sh("cyclictest -p99 -i250 -l 2000 -q").output) == _no_tids(ref.output)


def test_cyclictest_quiet_summary_histfile_and_json_are_files_on_the_board():
    """-q prints one stat line per thread at the end; --histfile and --json land in the shell's files, for cat."""
    m = irqlab.boot("rpi5", seed=1)
    r = m.sh("cyclictest -S -p99 -i500 -D 1 -q -h 30 --histfile=hist.txt --json=/tmp/c.json")
    assert (r.output, r.status) == ("", 0)
    hist = m.sh("cat hist.txt").output
    assert re.fullmatch(r"# Histogram\n(\d{6} \d{6}(\t\d{6}){3}\n)+# Min Latencies:( \d{5}){4}\n# Avg Latencies:( \d{5}){4}\n"
                        r"# Max Latencies:( \d{5}){4}\n# Histogram Overflows:( \d{5}){4}\n"
                        r"# Histogram Overflow at cycle number:\n(# Thread \d: .*\n){4}\n", hist)  # fmt: skip
    doc = json.loads(m.sh("cat /tmp/c.json").output)
    assert doc["cmdline:"] == "cyclictest -S -p99 -i500 -D 1 -q -h 30 --histfile=hist.txt --json=/tmp/c.json"
    # With a histogram the distance is 0: every thread wakes each 500 us.
    assert [doc["thread"][str(i)]["cycles"] for i in range(4)] == [2000] * 4
    r = m.sh("cyclictest -p99 -i250 -l 400 -q")
    assert re.fullmatch(STAT.format(i=250, c="    400"), r.output), r.output


def test_cyclictest_runs_until_ctrl_c_then_prints_its_summary():
    """Without -D or -l it measures until SIGINT, which it handles: the threads stop and -q prints the totals."""
    m = irqlab.boot("rpi5", seed=1)
    r = m.sh("cyclictest -p99 -i1000 -q", for_="500ms")
    assert re.fullmatch(r"\^C\n" + STAT.format(i=1000, c="    500"), r.output), r.output
    assert m.sh("jobs; echo done").output == "done\n"


def test_cyclictest_refreshes_its_status_every_10ms_and_bad_options_are_named():
    """Without -q: the policy/loadavg header and a stat line per refresh, the cursor moved up between them."""
    m = irqlab.boot("rpi5", seed=1)
    out = m.sh("cyclictest -p99 -i1000 -l 20").output
    frames = out.split("\x1b[3A")
    assert len(frames) == 3 and all(f.startswith("policy: fifo: loadavg: ") for f in frames)
    assert re.fullmatch(r"policy: fifo: loadavg: [\d. /]+          \n\n" + STAT.format(i=1000, c="     20"), frames[-1])
    r = m.sh("cyclictest --spike=100 -l 10")
    assert (r.output, r.status) == ("cyclictest: --spike is not modelled by irqlab's cyclictest\n", 1)


def test_rtla_timerlat_hist_and_top_print_rtlas_layouts():
    """hist: the index/IRQ/Thr columns and the summary rows; top -q: one final table with the tool's escapes."""
    m = irqlab.boot("rpi5", seed=1)
    out = m.sh("rtla timerlat hist -d 1 -c 0 -E 10").output
    lines = out.splitlines()
    assert lines[:4] == ["# RTLA timerlat histogram", "# Time unit is microseconds (us)", "# Duration:   0 00:00:01",
                         "Index   IRQ-000   Thr-000"]  # fmt: skip
    assert [ln.split()[0] for ln in lines[-5:]] == ["over:", "count:", "min:", "avg:", "max:"]
    assert lines[-4].split()[1:] == ["1000", "1000"]
    # Without -d it traces until Ctrl-C (here --for), then prints the histogram of what it saw.
    r = m.sh("rtla timerlat hist -c 0 -E 10", for_="1.5s")
    assert r.output.startswith("^C\n# RTLA timerlat histogram\n") and "\ncount:     1499      1499 \n" in r.output
    top = m.sh("rtla timerlat top -d 1 -q -c 0-1").output
    assert top.count("IRQ Timer Latency (us)") == 1
    assert re.search(r"\n  0 #1000      \|( +\d+){4} \|( +\d+){4}\n  1 #1000      \|( +\d+){4} \|( +\d+){4}\n$", top)


def test_bcc_hardirqs_and_softirqs_under_their_debian_names():
    """/usr/share/bcc/tools/hardirqs and softirqs-bpfcc: the banner, then one table per interval."""
    m = irqlab.boot("rpi5", seed=1)
    out = m.sh("/usr/share/bcc/tools/hardirqs -C 1 2").output
    assert re.fullmatch(r"Tracing hard irq events\.\.\. Hit Ctrl-C to end\.\n"
                        r"(\nHARDIRQ                    TOTAL_count\n(\S+ +\d+\n)+){2}", out), out  # fmt: skip
    assert "arch_timer" in out
    out = m.sh("hardirqs-bpfcc -NT 1 1; hardirqs-bpfcc -Cd 1").output
    assert re.fullmatch(r"Tracing hard irq event time\.\.\. Hit Ctrl-C to end\.\n\n\d\d:\d\d:\d\d\n"
                        r"HARDIRQ                    TOTAL_nsecs\n(\S+ +\d+\n)+"
                        r"The --count option can't be used with time-based options\n", out), out  # fmt: skip
    r = m.sh("softirqs-bpfcc", for_="300ms")
    assert re.fullmatch(r"Tracing soft irq event time\.\.\. Hit Ctrl-C to end\.\n\^C\n\nSOFTIRQ          TOTAL_usecs\n"
                        r"(\S+ +\d+\n)*", r.output), r.output  # fmt: skip


def test_the_measured_stress_test_of_docs_shell_md_is_what_the_shell_prints(capsys):
    """docs/shell.md's transcript, run again: /proc/interrupts counts and cyclictest's worst cases rise under
    stress-ng and the hammered button, and the trace holds the button's interrupts on CPU0."""
    from irqlab.cli_shell import transcript

    doc = (ROOT / "docs" / "shell.md").read_text()
    head = "$ irqlab shell examples/seed001_gpio_buttons.py --seed 1 < measure.sh\n"
    want = doc[doc.index(head) + len(head):].split("```", 1)[0]
    script = [ln.removeprefix(PROMPT) for ln in want.splitlines() if ln.startswith(PROMPT)]
    m = irqlab.boot("rpi5", seed=1)
    m.shell.add_host_file("seed001_gpio_buttons.py", str(ROOT / "examples" / "seed001_gpio_buttons.py"))
    transcript(m, script, None)
    out = capsys.readouterr().out
    assert out == want, "docs/shell.md's measured transcript is stale: regenerate it with the command it shows"
    counts = [int(x) for x in re.findall(r"\n 17: +(\d+)", out)]
    assert counts[0] == 0 and counts[1] > 500
    rt = [int(x) for x in re.findall(r"P:99 .* Max: +(\d+)", out)]
    normal = [int(x) for x in re.findall(r"P: 0 .* Max: +(\d+)", out)]
    assert len(rt) == len(normal) == 8
    assert rt[4] > rt[0] and max(normal[4:]) > 5 * max(normal[:4])


def test_ctrl_c_in_a_terminal_ends_cyclictest_and_trace_cmd_with_their_reports():
    """In a pseudo-terminal, Ctrl-C is SIGINT: cyclictest prints its summary, trace-cmd writes trace.dat."""
    import os
    import sys

    pexpect = pytest.importorskip("pexpect", reason="pexpect drives the prompt through a pseudo-terminal")
    env = dict(os.environ, TERM="dumb")
    child = pexpect.spawn(sys.executable, ["-m", "irqlab", "shell"], env=env, encoding="utf-8", timeout=60)
    try:
        child.expect_exact("root@raspberrypi:~# ")
        child.sendline("cyclictest -p99 -i1000")
        child.expect(r"T: 0 \( *\d+\) P:99 I:1000 C: *[1-9]\d* Min:")  # measuring: its status refreshes
        child.sendintr()
        child.expect_exact("^C\r\n")
        child.expect_exact("root@raspberrypi:~# ")
        child.sendline("echo $?; dmesg | grep -c Oops")
        child.expect_exact("130\r\n0\r\n")
        child.expect_exact("root@raspberrypi:~# ")
        child.sendline("trace-cmd record -e irq")
        child.expect_exact("Hit Ctrl^C to stop recording\r\n")
        child.sendintr()
        child.expect(r"(CPU\d data recorded at offset=0x[0-9a-f]+\r\n    \d+ bytes in size\r\n){4}")
        child.expect_exact("root@raspberrypi:~# ")
        child.sendline("trace-cmd report | head -1")
        child.expect_exact("cpus=4\r\n")
        child.expect_exact("root@raspberrypi:~# ")
        child.sendeof()
        child.expect(pexpect.EOF)
    finally:
        child.close()


def test_ctrl_c_ends_a_script_as_it_ends_a_bash_script():
    """`irqlab shell < script`: SIGINT interrupts the running cyclictest and ends the script with status 130."""
    import os
    import signal
    import subprocess
    import sys

    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "irqlab", "shell"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True, env=env)  # fmt: skip
    try:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write("echo start\ncyclictest -p99 -i1000\necho never\n")
        proc.stdin.close()
        while "T: 0 (" not in proc.stdout.readline():
            pass
        proc.send_signal(signal.SIGINT)
        rest = proc.stdout.read()
        assert proc.wait(timeout=60) == 130
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "^C\n" in rest and "never" not in rest
