"""coreutils' timeout, and the measuring tools' own answers to the signals that end them."""

import re

import irqlab

SECTIONS = r"(CPU\d data recorded at offset=0x[0-9a-f]+\n    \d+ bytes in size\n){4}"


def test_timeout_with_sigint_ends_trace_cmd_record_as_ctrl_c_does():
    """timeout -s INT 0.5: trace-cmd finishes the file; timeout exits 124; SIGTERM kills trace-cmd unfinished."""
    m = irqlab.boot("rpi5", seed=1)
    r = m.sh("timeout -s INT 0.5 trace-cmd record -e irq -o a.dat; echo $?")
    assert re.fullmatch(r"Hit Ctrl\^C to stop recording\n" + SECTIONS + r"124\n", r.output), r.output
    assert m.sh("trace-cmd report a.dat | tail -1").output.endswith("ret=handled\n")
    # do_sig() handles SIGINT only: SIGTERM leaves tracing on and the events enabled, and no data written.
    r = m.sh("timeout 0.3 trace-cmd record -e irq:irq_handler_entry -o b.dat; cat /sys/kernel/tracing/tracing_on "
             "/sys/kernel/tracing/set_event")  # fmt: skip
    assert r.output == "Hit Ctrl^C to stop recording\n1\nirq:irq_handler_entry\n"


def test_signals_reach_background_tools_that_handle_them():
    """kill %1 (SIGTERM): cyclictest prints its summary and is Done; rtla (SIGINT only) is Terminated."""
    m = irqlab.boot("rpi5", seed=1)
    r = m.sh("cyclictest -p99 -q & sleep 0.3; kill %1")
    assert re.fullmatch(r"\[1\] \d+\nT: 0 \( +\d+\) P:99 I:1000 C:    301 .*\n\[1\]\+  Done {20}cyclictest -p99 -q\n",
                        r.output), r.output  # fmt: skip
    r = m.sh("rtla timerlat top -q -c 0 -d 5 & sleep 1.2; kill %1")
    assert re.fullmatch(r"\[1\] \d+\n\[1\]\+  Terminated {14}rtla timerlat top -q -c 0 -d 5\n", r.output), r.output
    # timeout passes a signal on to its command and exits with the command's status.
    r = m.sh("timeout 10 cyclictest -p99 -q & sleep 0.3; kill %1")
    assert re.fullmatch(r"\[1\] \d+\nT: 0 .* C:    301 .*\n\[1\]\+  Done {20}timeout 10 cyclictest -p99 -q\n", r.output)
    r = m.sh("timeout 2 sleep 0.1; echo $?; timeout 0.5 cyclictest -p99 -i 2000 -q; echo $?")
    assert re.fullmatch(r"0\nT: 0 \( +\d+\) P:99 I:2000 C:    250 .*\n124\n", r.output), r.output


def test_timeouts_own_errors():
    """coreutils' messages and statuses: 125 for its usage, 127 for a missing command."""
    m = irqlab.boot("rpi5", seed=1)
    r = m.sh("timeout x sleep 1")
    assert (r.output, r.status) == ("timeout: invalid time interval 'x'\nTry 'timeout --help' for more information.\n", 125)
    r = m.sh("timeout 1 nosuch")
    assert (r.output, r.status) == ("timeout: failed to run command 'nosuch': No such file or directory\n", 127)
