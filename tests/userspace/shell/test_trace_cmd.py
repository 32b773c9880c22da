"""trace-cmd in the board's shell: record, report, start/stop/show, extract, stat, list, reset, through tracefs."""

import shutil
import subprocess

import pytest

import irqlab

TRACE_CMD = shutil.which("trace-cmd")
needs_trace_cmd = pytest.mark.skipif(TRACE_CMD is None, reason="trace-cmd is not installed (apt-get install trace-cmd)")

SECTIONS = "".join(f"CPU{c} data recorded at offset=0x{5 + c:x}000\n    4096 bytes in size\n" for c in range(4))


def test_record_runs_the_command_under_tracing_then_reports_each_cpus_data():
    """trace-cmd record -e irq sleep 0.02: no Ctrl-C prompt, one data section per CPU on stderr, events off after."""
    m = irqlab.boot("rpi5", seed=1)
    r = m.sh("trace-cmd record -e irq -o irq.dat sleep 0.02")
    assert (r.output, r.status) == (SECTIONS, 0)
    assert m.sh("trace-cmd report irq.dat | head -3").output == (
        "cpus=4\n"
        "          <idle>-0     [001]     0.000022: irq_handler_entry:    irq=1 name=IPI\n"
        "          <idle>-0     [001]     0.000022: irq_handler_exit:     irq=1 ret=handled\n")
    # tracecmd_disable_all_tracing(): tracing off, no event left enabled, buffers cleared.
    assert m.sh("cat /sys/kernel/tracing/tracing_on /sys/kernel/tracing/set_event; trace-cmd show | wc -l").output == (
        "0\n12\n")


def test_record_until_ctrl_c_prompts_then_writes_the_file():
    """Without a command it records until interrupted (here --for), as the seed's snippet does."""
    m = irqlab.boot("rpi5", seed=1)
    r = m.sh("trace-cmd record -e irq_handler_entry -e irq_handler_exit", for_="50ms")
    assert r.output == "Hit Ctrl^C to stop recording\n^C\n" + SECTIONS
    assert m.sh("ls trace.dat").output == "trace.dat\n"


@needs_trace_cmd
@pytest.mark.parametrize("opts", ["", "-N", "-t"])
def test_the_shells_report_is_debians_trace_cmd_report_of_the_same_file(tmp_path, opts):
    """A file recorded in the shell under stress-ng, copied out: the host's trace-cmd prints the same bytes."""
    m = irqlab.boot("rpi5", seed=3)
    m.sh("stress-ng --cpu 2 --timeout 1s &")
    assert m.sh("trace-cmd record -q -e irq -e sched -e timer -o /tmp/t.dat sleep 0.05").status == 0
    path = tmp_path / "t.dat"
    path.write_bytes(m.shell.vfs.read_bytes("/tmp/t.dat"))
    real = subprocess.run([TRACE_CMD, "report", *opts.split(), str(path)], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    mine = m.sh(f"trace-cmd report {opts} /tmp/t.dat").output
    assert mine == real and "stress-ng-cpu" in mine and "hrtimer_start" in mine


def test_start_stop_show_and_stat_go_through_the_tracefs_files():
    """start arms events, a filter and the buffer size as echo into tracefs would; stat and show read them back."""
    m = irqlab.boot("rpi5", seed=1)
    T = "/sys/kernel/tracing"
    r = m.sh(f'trace-cmd start -e sched:sched_switch -e irq:irq_handler_entry -f "irq == 11" -b 64; '
             f"cat {T}/tracing_on {T}/set_event {T}/events/irq/irq_handler_entry/filter {T}/buffer_size_kb")  # fmt: skip
    assert r.output == "1\nirq:irq_handler_entry\nsched:sched_switch\nirq == 11\n64\n"
    assert m.sh("trace-cmd stat").output == (
        "\nEvents:\n Individual events:\n    irq\n        irq_handler_entry\n    sched\n        sched_switch\n"
        '\nFilters:\n  irq:irq_handler_entry "irq == 11"\n'
        "\nBuffer size in kilobytes (per cpu):\n   64\n\nBuffer total size in kilobytes:\n   256\n"
        "\nTracing is enabled\n\n")
    m.sh("sleep 0.01; trace-cmd stop")
    shown = m.sh("trace-cmd show").output
    assert shown == m.read(f"{T}/trace") and "sched_switch: prev_comm=sleep" in shown
    assert m.sh(f"cat {T}/tracing_on; trace-cmd extract -o ex.dat 2>/dev/null; trace-cmd report ex.dat | tail -1").output == (
        "0\n            bash-19    [003]     0.010105: sched_switch:         bash:19 [120] S ==> trace-cmd:21 [120]\n")
    # reset: events off, buffers cleared, tracing_on back to 1; the buffer size stays.
    assert m.sh("trace-cmd reset; trace-cmd stat | head -3; cat /sys/kernel/tracing/tracing_on").output == (
        "\nEvents:\n All disabled\n1\n")


def test_list_shows_the_events_as_system_event():
    """list -e [REGEX] as process_events() matches, -F their formats, -C the clocks."""
    m = irqlab.boot("rpi5", seed=1)
    assert m.sh("trace-cmd list -e irq_handler").output == "irq:irq_handler_entry\nirq:irq_handler_exit\n"
    assert m.sh("trace-cmd list -e | wc -l").output == m.sh("wc -l < /sys/kernel/tracing/available_events").output
    # SYS:EV as two case-blind regexes; "SYS:" the systems only (irq and irqlab here).
    assert m.sh("trace-cmd list -e SCHED:wake").output == "sched:sched_wakeup\nsched:sched_wakeup_new\n"
    assert m.sh("trace-cmd list -e irq: | wc -l").output == "12\n"
    # -F: "system: SYS" and the format file up to its print fmt.
    fmt = m.read("/sys/kernel/tracing/events/irq/irq_handler_exit/format")
    assert m.sh("trace-cmd list -e irq_handler_exit -F").output == "system: irq\n" + fmt[:fmt.index("print fmt")]
    assert m.sh("trace-cmd list -C").output == "[local] global counter uptime perf mono mono_raw boot tai\n"


def test_trace_cmds_own_errors():
    """die()'s messages: an unknown event, a tracer the kernel lacks, nothing to record, files it cannot use."""
    m = irqlab.boot("rpi5", seed=1)
    cases = {
        "trace-cmd record -e foo true": ("trace-cmd: No such file or directory\n  No events enabled with foo\n", 2),
        "trace-cmd record -p function -e irq true": ("  Plugin 'function' does not exist\n", 255),
        "trace-cmd record true": ("  no event or plugin was specified... aborting\n", 255),
        "trace-cmd report nothere.dat": ("trace-cmd: No such file or directory\n  opening 'nothere.dat'\n\n", 2),
        "echo hi > x; trace-cmd report x": ("  error reading header for x\n", 255),
        "trace-cmd record -e irq -o /nodir/x.dat true": ("trace-cmd: No such file or directory\n  Error creating output file\n", 2),
    }  # fmt: skip
    for line, want in cases.items():
        r = m.sh(line)
        assert (r.output, r.status) == want, line
    assert m.sh("cat /sys/kernel/tracing/set_event").output == ""


def test_record_on_a_cpu_mask_and_a_command_that_cannot_run():
    """-M 1 keeps CPU0's events only (the other CPUs' sections are empty); a missing COMMAND is run_cmd()'s error."""
    m = irqlab.boot("rpi5", seed=1)
    r = m.sh("trace-cmd record -M 1 -e irq -o m.dat sleep 0.05")
    assert r.output == ("CPU0 data recorded at offset=0x5000\n    4096 bytes in size\n"
                        + "".join(f"CPU{c} data recorded at offset=0x6000\n    0 bytes in size\n" for c in (1, 2, 3)))
    assert m.sh("trace-cmd report m.dat | grep -c '\\[000\\]'").output != "0\n"
    assert m.sh("trace-cmd report m.dat | grep -c '\\[00[123]\\]'").output == "0\n"
    r = m.sh("trace-cmd record -q -e irq nosuch")
    assert (r.output, r.status) == ("\n********************\n Unable to exec nosuch\n********************\n"
                                    "trace-cmd: No such file or directory\n  Failed to exec nosuch\n", 2)  # fmt: skip
    # -C writes trace_clock (tracing_clock_write()); the file names the clock; reset brings back local.
    r = m.sh("trace-cmd record -C global -q -e irq -o g.dat true; cat /sys/kernel/tracing/trace_clock; "
             "trace-cmd stat | grep Clock; trace-cmd reset; cat /sys/kernel/tracing/trace_clock")  # fmt: skip
    assert r.output == ("local [global] counter uptime perf mono mono_raw boot tai\nClock: global\n"
                        "[local] global counter uptime perf mono mono_raw boot tai\n")  # fmt: skip
    r = m.sh("trace-cmd record -C counter -e irq true")
    assert r.output == "  clock 'counter' is not modelled: use one of local, global, perf, mono, mono_raw, boot\n"


@needs_trace_cmd
def test_a_boot_clock_file_reports_raw_timestamps_as_trace_cmd_does(tmp_path):
    """extract_trace_clock(): "boot" is not a µs clock to trace-cmd, which prints the raw stamps ("%12d:")."""
    m = irqlab.boot("rpi5", seed=1)
    m.sh("trace-cmd record -C boot -q -e irq -o b.dat sleep 0.01")
    path = tmp_path / "b.dat"
    path.write_bytes(m.shell.vfs.read_bytes("/root/b.dat"))
    real = subprocess.run([TRACE_CMD, "report", str(path)], capture_output=True, text=True, check=True).stdout
    mine = m.sh("trace-cmd report b.dat").output
    assert mine == real and mine.splitlines()[1] == "          <idle>-0     [001]       21709: irq_handler_entry:    irq=1 name=IPI"


@needs_trace_cmd
def test_report_filters_are_trace_cmds(tmp_path):
    """report -F EVENTS[:FILTER] (regex event names, system/event, field comparisons) prints what trace-cmd prints."""
    import shlex

    m = irqlab.boot("rpi5", seed=1)
    m.sh("stress-ng --cpu 2 --timeout 2s &")
    m.sh("trace-cmd record -q -e irq -e sched -e timer -o a.dat sleep 0.05")
    path = tmp_path / "a.dat"
    path.write_bytes(m.shell.vfs.read_bytes("/root/a.dat"))
    for spec in ("irq_handler_entry: irq == 11", "sched/sched_switch: prev_pid == 0", "sched_wakeup.*",
                 'hrtimer_start: function == "tick_sched_timer"', "irq_handler_entry,softirq_raise"):  # fmt: skip
        real = subprocess.run([TRACE_CMD, "report", "-F", spec, str(path)], capture_output=True, text=True,
                              check=True).stdout  # fmt: skip
        assert m.sh(f"trace-cmd report -F {shlex.quote(spec)} a.dat").output == real, spec
    r = m.sh("trace-cmd report -F 'irq_handler_entry: foo == 1' a.dat")
    assert r.output.startswith("  Error filtering: irq/irq_handler_entry: irq_handler_entry has no field 'foo'")


def test_record_v_negates_the_events_after_it():
    """-e sched -v -e sched_switch: the sched system without sched_switch."""
    m = irqlab.boot("rpi5", seed=1)
    r = m.sh("trace-cmd start -e sched -v -e sched_switch -e sched_migrate_task; cat /sys/kernel/tracing/set_event")
    assert r.output == "sched:sched_waking\nsched:sched_wakeup\nsched:sched_wakeup_new\n"


def test_trace_cmd_without_a_command_prints_its_usage():
    """No command, -h, --version or an unknown one: the usage on stdout, exit 255; unmodelled ones say so."""
    m = irqlab.boot("rpi5", seed=1)
    r = m.sh("trace-cmd --version")
    assert r.status == 255 and r.output.startswith("\ntrace-cmd version 3.1.6 (not-a-git-repo)\n\nusage:\n")
    assert "     record - record a trace into a trace.dat file\n" in r.output
    r = m.sh("trace-cmd hist")
    assert r.status == 1 and r.output.startswith("trace-cmd hist: not modelled on this board (it runs: record, ")
    assert m.sh("trace-cmd stop; trace-cmd restart; cat /sys/kernel/tracing/tracing_on").output == "1\n"
