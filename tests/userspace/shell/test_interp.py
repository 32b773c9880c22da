"""The shell language on a booted board: lists, pipelines, redirections, loops, expansions, jobs."""

import pytest

import irqlab


@pytest.fixture
def m():
    return irqlab.boot("rpi5", seed=1)


def test_lists_run_left_to_right_with_and_or_short_circuit(m):
    """`;`, `&&` and `||` run and skip as in sh; the status is the last command's."""
    r = m.sh("echo a; false && echo no || echo b; true && echo c")
    assert r.output == "a\nb\nc\n" and r.status == 0
    assert m.sh("false").status == 1 and m.sh("echo $?").output == "1\n"


def test_quoting_parameters_arithmetic_and_command_substitution(m):
    """Single quotes keep `$`, double quotes expand without splitting, $((...)) and $(...) expand."""
    out = m.sh("x=5; y='a  b'; echo $((x * 2 + 1)) \"$x\" '$x' $y \"$y\" $(echo sub | tr -d x 2>/dev/null; echo ok)").output
    assert out == "11 5 $x a b a  b ok\n"
    assert m.sh("echo ${unset:-dflt} ${#y} \\$x").output == "dflt 4 $x\n"


def test_pipeline_streams_between_commands(m):
    """Each stage of a pipeline runs in its own task; data flows through the pipe."""
    out = m.sh("for i in 3 1 2; do echo line$i; done | sort | head -n 2 | wc -l").output
    assert out == "2\n"
    assert m.sh("printf-does-not-exist | cat").output == "-bash: printf-does-not-exist: command not found\n"


def test_while_if_and_test(m):
    """while/until/if with [ ] comparisons, as the tutorials' loops use them."""
    out = m.sh("i=0; while [ $i -lt 3 ]; do i=$((i+1)); if [ $i -eq 2 ]; then echo two; else echo $i; fi; done").output
    assert out == "1\ntwo\n3\n"
    assert m.sh("until true; do echo never; done; echo after").output == "after\n"


def test_redirections_to_files_and_dev_null(m):
    """> truncates, >> appends, < reads, 2>&1 merges, 2>/dev/null discards."""
    m.sh("echo one > /tmp/f; echo two >> /tmp/f")
    assert m.sh("cat < /tmp/f").output == "one\ntwo\n"
    assert m.sh("cat /nope 2>/dev/null; echo $?").output == "1\n"
    assert m.sh("cat /nope 2>&1 | grep -c 'No such'").output == "1\n"


def test_kernel_file_write_errors_are_bash_s(m):
    """A refused write to a /proc file reports write(2)'s errno; a missing file is refused at open."""
    assert m.sh("echo zz > /proc/irq/default_smp_affinity").output == "-bash: echo: write error: Invalid argument\n"
    out = m.sh("echo 1 > /proc/sys/kernel/irq_time_tracking").output
    assert out == "-bash: /proc/sys/kernel/irq_time_tracking: No such file or directory\n"
    assert m.sh("echo 0-1 | sudo tee /proc/irq/default_smp_affinity").output == "0-1\ntee: /proc/irq/default_smp_affinity: Invalid argument\n"


def test_sleep_takes_simulated_time_on_an_hrtimer(m):
    """sleep 0.01 is 10 ms of simulated time (plus the 50 µs timer slack at most)."""
    t0 = m.now
    m.sh("sleep 0.01")
    assert 10_000_000 <= m.now - t0 <= 10_200_000


def test_background_jobs_run_concurrently_and_report_as_bash_does(m):
    """`&` starts a job; jobs, kill %1 and the Done/Terminated notices read as bash prints them."""
    r = m.sh("while true; do echo tick; sleep 0.01; done &")
    assert r.output.startswith("[1] ")
    assert m.sh("sleep 0.025").output == "tick\ntick\ntick\n"
    assert m.sh("jobs").output == "[1]+  Running                 while true; do echo tick; sleep 0.01; done &\n"
    assert m.sh("kill %1").output == "[1]+  Terminated              while true; do echo tick; sleep 0.01; done\n"
    m.sh("sleep 0.02 &")
    assert m.sh("wait").output == "[1]+  Done                    sleep 0.02\n"
    assert m.sh("kill %3").output == "-bash: kill: %3: no such job\n"


def test_for_interrupts_a_command_that_never_ends(m):
    """A foreground command still running after for_= is interrupted as Ctrl-C would: status 130."""
    r = m.sh("while true; do sleep 1; done", for_="2.5s")
    assert r.output == "^C\n" and r.status == 130


def test_subshells_and_background_jobs_keep_their_own_environment(m):
    """( ... ), pipeline stages and & jobs get a copy of variables, $? and the directory: nothing leaks back."""
    assert m.sh("x=1; (x=2; cd /proc); echo $x; pwd").output == "1\n/root\n"
    m.sh("cd /tmp")
    assert m.sh("pwd").output == "/tmp\n" and m.shell.prompt() == "root@raspberrypi:/tmp# "
    m.sh("i=0; while true; do i=$((i+1)); false; sleep 0.01; done &")
    assert m.sh("sleep 0.05; true; echo $? $i").output == "0 0\n"
    assert m.sh("FOO=bar sh_not_here 2>/dev/null; echo ${FOO:-unset}").output == "unset\n"


def test_syntax_errors_are_reported_like_bash(m):
    """Bad syntax is refused before anything runs, with bash's wording."""
    assert m.sh("done &").output == "-bash: syntax error near unexpected token `done'\n"
    assert m.sh("echo 'open").status == 2


def test_globs_expand_against_kernel_directories(m):
    """Pathname expansion lists /proc and /sys directories; a pattern matching nothing stays as it is."""
    out = m.sh("cat /sys/kernel/irq/*/chip_name | sort | uniq -c").output
    assert "GICv2" in out or "GIC-400" in out
    assert m.sh("echo /proc/nothing*").output == "/proc/nothing*\n"


def test_same_seed_same_transcript():
    """Two boots with one seed give byte-identical output and timing for the same lines."""

    def session():
        m = irqlab.boot("rpi5", seed=3)
        outs = [m.sh(c).output for c in ("sleep 0.3 &", "dmesg | tail -3", "sleep 0.5", "cat /proc/softirqs")]
        return outs, m.now

    assert session() == session()


def test_a_pipe_ends_when_its_last_writer_exits():
    """Every process given a pipe holds it: a subshell's second command and stress-ng's last line still reach
    the reader, which sees end of file only when all of them have exited."""
    m = irqlab.boot("rpi5", seed=1)
    assert m.sh("(echo a; sleep 0.1; cat /proc/sys/kernel/ostype) | cat").output == "a\nLinux\n"
    assert m.sh("stress-ng --cpu 1 --timeout 1s | tail -1").output.endswith("successful run completed in 1.00s\n")
    # cat copies its input as it arrives: watch's screens pass through before watch is interrupted.
    assert m.sh("watch -n 1 -t cat /proc/sys/kernel/ostype | cat", for_="2.5s").output == "Linux\n" * 3 + "^C\n"
