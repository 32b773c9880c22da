"""tracefs: enabling events and reading the trace through /sys/kernel/tracing as a shell user would."""

import irqlab
from irqlab.kernel import cpu_work

T = "/sys/kernel/tracing"


def test_enable_a_system_through_its_enable_file():
    """echo 1 > events/irq/enable records irq:* only; set_event lists them; events/enable reads X (mixed)."""
    m = irqlab.boot("rpi5", seed=0)
    assert m.read(f"{T}/events/irq/enable") == "0\n"
    assert m.write(f"{T}/events/irq/enable", "1\n") == 2
    assert m.read(f"{T}/events/irq/enable") == "1\n"
    assert m.read(f"{T}/events/irq/irq_handler_entry/enable") == "1\n"
    assert m.read(f"{T}/set_event").split() == [
        "irq:irq_handler_entry", "irq:irq_handler_exit", "irq:softirq_entry", "irq:softirq_exit",
        "irq:softirq_raise", "irq:tasklet_entry", "irq:tasklet_exit"]  # fmt: skip
    assert m.read(f"{T}/events/enable") == "X\n"
    m.run(until="10ms")
    assert {e.system for e in m.trace.events()} == {"irq"}
    assert m.write(f"{T}/events/irq/enable", "2") == -22


def test_set_event_replaces_the_set_and_accepts_negation():
    """echo 'sched:* !sched:sched_wakeup_new' > set_event; a bad name is EINVAL and changes nothing."""
    m = irqlab.boot("rpi5", seed=0, trace="irq")
    m.write(f"{T}/set_event", "sched:* !sched:sched_wakeup_new")
    assert m.read(f"{T}/set_event").split() == ["sched:sched_switch", "sched:sched_waking", "sched:sched_wakeup",
                                                "sched:sched_migrate_task"]  # fmt: skip
    assert m.write(f"{T}/set_event", "nosuch:event") == -22
    assert "sched:sched_switch" in m.read(f"{T}/set_event")


def test_available_events_and_format_file():
    """available_events lists system:event; a format file has the common fields, the event's layout and print fmt."""
    m = irqlab.boot("rpi5", seed=0)
    avail = m.read(f"{T}/available_events").split()
    assert avail[:3] == ["irq:irq_handler_entry", "irq:irq_handler_exit", "irq:softirq_entry"]
    assert {"ipi:ipi_raise", "printk:console", "napi:napi_poll", "timer:hrtimer_start", "irqlab:irq_thread_entry"} <= set(avail)
    assert m.read(f"{T}/events/irq/irq_handler_entry/format") == (
        "name: irq_handler_entry\n"
        "ID: 300\n"
        "format:\n"
        "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
        "\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
        "\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
        "\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
        "\n"
        "\tfield:int irq;\toffset:8;\tsize:4;\tsigned:1;\n"
        "\tfield:__data_loc char[] name;\toffset:12;\tsize:4;\tsigned:0;\n"
        "\n"
        'print fmt: "irq=%d name=%s", REC->irq, __get_str(name)\n')
    assert m.read(f"{T}/events/irq/irq_handler_entry/id") == "300\n"
    assert "ipi:ipi_raise" not in irqlab.boot("pc", seed=0).read(f"{T}/available_events").split()


def test_tracing_on_and_trace_marker():
    """tracing_on=0 stops recording; a trace_marker write is a tracing_mark_write line; writing trace clears it."""
    m = irqlab.boot("generic", cpus=1, seed=0, trace="irq")
    m.write(f"{T}/tracing_on", "0")
    m.run(until="20ms")
    assert m.read(f"{T}/tracing_on") == "0\n" and m.trace.events() == []
    m.write(f"{T}/tracing_on", "1")
    m.write(f"{T}/trace_marker", "hello from user space\n")
    # Written from outside every task: the line carries the context of what CPU 0 was running (idle).
    assert m.read(f"{T}/trace").splitlines()[-1] == (
        "          <idle>-0       [000] ...1.     0.020000: tracing_mark_write: hello from user space")
    m.write(f"{T}/trace", "")
    assert m.trace.events() == [] and m.read(f"{T}/trace").splitlines()[2].startswith(
        "# entries-in-buffer/entries-written: 0/0   #P:1")


def test_buffer_size_kb_is_per_cpu_and_expanded_on_first_use():
    """buffer_size_kb reads "7 (expanded: 1408)" until tracing is used; a write resizes every CPU's ring."""
    m = irqlab.boot("rpi5", seed=0)
    assert m.read(f"{T}/buffer_size_kb") == "7 (expanded: 1408)\n"
    assert m.read(f"{T}/buffer_total_size_kb") == "28 (expanded: 5632)\n"
    m.write(f"{T}/buffer_size_kb", "4")
    assert m.read(f"{T}/buffer_size_kb") == "4\n" and m.read(f"{T}/per_cpu/cpu2/buffer_size_kb") == "4\n"
    m.write(f"{T}/events/irq/enable", "1")
    m.write(f"{T}/events/timer/enable", "1")
    m.spawn(lambda: cpu_work(500_000_000), name="hog", cpu=1)
    m.run(until="600ms")
    stats = m.read(f"{T}/per_cpu/cpu1/stats").splitlines()
    assert stats[1] != "overrun: 0" and stats[0].startswith("entries: ")
    n, total = m.trace.entries()
    assert m.read(f"{T}/trace").splitlines()[2] == f"# entries-in-buffer/entries-written: {n}/{total}   #P:4"


def test_boot_trace_string_and_enable_accept_systems_and_events():
    """boot(trace="irq,sched,workqueue") and m.trace.enable("timer:hrtimer_start") name systems and events."""
    m = irqlab.boot("rpi5", seed=0, trace="irq,sched,workqueue")
    on = m.read(f"{T}/set_event").split()
    assert {s.split(":")[0] for s in on} == {"irq", "sched", "workqueue"}
    m.trace.enable("timer:hrtimer_start")
    assert "timer:hrtimer_start" in m.read(f"{T}/set_event").split()
    assert m.read(f"{T}/events/timer/enable") == "X\n"


def test_a_shell_session_drives_tracefs_as_on_a_board(capsys):
    """`cd /sys/kernel/tracing; echo 1 > events/irq/enable; echo hello > trace_marker; cat trace` in irqlab's shell."""
    from irqlab.cli import main

    assert main(["shell", "-c", "cd /sys/kernel/tracing; echo 1 > events/irq/enable; echo hello > trace_marker; "
                 "sleep 0.01; grep -c irq_handler_entry trace; grep tracing_mark_write trace"]) == 0  # fmt: skip
    out = capsys.readouterr().out.splitlines()
    assert int(out[1]) > 0
    assert out[2] == "            bash-14      [000] .....     0.000018: tracing_mark_write: hello"


def test_per_cpu_trace_and_saved_cmdlines():
    """per_cpu/cpu1/trace holds CPU 1's lines only, counted in its header; saved_cmdlines maps pids to comms."""
    m = irqlab.boot("rpi5", seed=0, trace="irq,sched")
    m.spawn(lambda: cpu_work(30_000_000), name="hog", cpu=1)
    m.run(until="50ms")
    lines = m.read(f"{T}/per_cpu/cpu1/trace").splitlines()
    body = [line for line in lines if not line.startswith("#")]
    assert body and all(line[25:30] == "[001]" for line in body)
    assert lines[2] == f"# entries-in-buffer/entries-written: {len(body)}/{len(body)}   #P:4"
    assert [e.text() for e in m.trace.events() if e.cpu == 1] == body
    cmdlines = m.read(f"{T}/saved_cmdlines").splitlines()
    hog = next(e.pid for e in m.trace.events() if e.comm == "hog")
    assert f"{hog} hog" in cmdlines and not any(c.startswith("0 ") for c in cmdlines)


def test_trace_pipe_consumes_and_reports_lost_events():
    """Reading trace_pipe returns the lines without a header and empties the rings; overwritten events are reported."""
    m = irqlab.boot("rpi5", seed=0, trace="irq", trace_ring=4)
    m.spawn(lambda: cpu_work(1_000_000_000), name="hog", cpu=2)
    m.run(until="1s")
    kept = [e.text() for e in m.trace.events()]
    lost = m.trace.cpus[2].overrun
    lines = m.read(f"{T}/trace_pipe").splitlines()
    assert lost and f"CPU:2 [LOST {lost} EVENTS]" in lines
    assert [line for line in lines if not line.startswith("CPU:")] == kept
    assert m.read(f"{T}/trace_pipe") == "" and m.trace.events() == []
    assert m.read(f"{T}/trace").splitlines()[2] == f"# entries-in-buffer/entries-written: 0/{m.trace.lost}   #P:4"


def test_event_filters_as_trace_cmd_f_writes_them():
    """echo 'irq==11 || name ~ "IP*"' > events/irq/irq_handler_entry/filter keeps only matching events."""
    m = irqlab.boot("rpi5", seed=0, trace="irq:irq_handler_entry,irq:irq_handler_exit,sched:sched_switch")
    f = f"{T}/events/irq/irq_handler_entry/filter"
    assert m.read(f) == "none\n"
    assert m.write(f, 'irq == 11 || name ~ "IP*"') == 25
    assert m.read(f) == 'irq == 11 || name ~ "IP*"\n'
    m.write(f"{T}/events/irq/irq_handler_exit/filter", "ret == 0")
    m.write(f"{T}/events/sched/sched_switch/filter", "(prev_state & 0x80 || prev_state == 1) && next_pid != 0")
    m.spawn(lambda: cpu_work(20_000_000), name="hog", cpu=0)
    m.run(until="100ms")
    entries = m.trace.events("irq_handler_entry")
    assert entries and all(e["irq"] == 11 or e["name"].startswith("IP") for e in entries)
    assert m.trace.events("irq_handler_exit") == []
    switches = m.trace.events("sched_switch")
    assert sorted({e["prev_state"] for e in switches}) == ["I", "S"] and all(e["next_pid"] for e in switches)
    assert m.write(f, "nosuch == 1") == -22 and m.write(f, "irq ~ 3") == -22 and m.write(f, "name < 3") == -22
    assert m.read(f) == 'irq == 11 || name ~ "IP*"\n'
    m.write(f, "0")
    assert m.read(f) == "none\n"
