"""stress-ng, taskset, chrt, nice, apt and the bench's buttons, as the seed's testing section uses them."""

import pathlib

import irqlab

EXAMPLES = pathlib.Path(__file__).resolve().parents[3] / "examples"


def test_stress_ng_prints_0_15_s_lines_and_loads_every_cpu():
    """stress-ng --cpu 4 --io 4 --timeout 2s: its info and metrics lines, and 4 CPUs kept busy."""
    m = irqlab.boot("rpi5", seed=1)
    r = m.sh("stress-ng --io 4 --cpu 4 --timeout 2s --metrics-brief")
    lines = r.output.splitlines()
    pid = lines[0].split("[")[1].split("]")[0]
    assert lines[0] == f"stress-ng: info:  [{pid}] setting to a 2 second run per stressor"
    assert lines[1] == f"stress-ng: info:  [{pid}] dispatching hogs: 4 io, 4 cpu"
    assert lines[2] == (f"stress-ng: metrc: [{pid}] stressor       bogo ops real time  usr time  sys time"
                        "   bogo ops/s     bogo ops/s")  # fmt: skip
    cpu = lines[5].split()
    assert cpu[3] == "cpu" and cpu[5] == "2.00" and 7.0 < float(cpu[6]) <= 8.0  # ~4 CPU-seconds per second
    assert lines[-1] == f"stress-ng: info:  [{pid}] successful run completed in 2.00s"
    assert m.sh("stress-ng --cpu 1 --timeout 61").output.splitlines()[0].endswith(
        "setting to a 61 second (1 min, 1.00 secs) run per stressor")


def test_taskset_and_chrt_set_what_the_command_runs_with():
    """taskset -c and chrt -f exec the command with the affinity and policy asked for; -p reads them back."""
    m = irqlab.boot("rpi5", seed=1)
    m.sh("taskset -c 1 sleep 1 &")
    m.sh("chrt -f 50 sleep 1 &")
    m.sh("sleep 0.001")
    a, b = (j.procs[0].task.pid for j in m.shell.jobs.values())
    assert m.sh(f"taskset -p {a}").output == f"pid {a}'s current affinity mask: 2\n"
    assert m.sh(f"taskset -cp 0,2 {a}").output == (f"pid {a}'s current affinity list: 1\n"
                                                  f"pid {a}'s new affinity list: 0,2\n")  # fmt: skip
    assert m.sh(f"chrt -p {b}").output == (f"pid {b}'s current scheduling policy: SCHED_FIFO\n"
                                          f"pid {b}'s current scheduling priority: 50\n")  # fmt: skip
    assert m.task(b).comm == "sleep"
    assert m.sh("nice -n 5 nice").output == "5\n"
    assert m.sh("chrt -f 100 true").output == "chrt: unsupported priority value for the policy: 100: see --max for valid range\n"


def test_apt_reports_the_board_s_packages():
    """apt install of a package the board runs: "already the newest version"; of another: not found."""
    m = irqlab.boot("rpi5", seed=1)
    assert "stress-ng is already the newest version (0.15.06-2).\n" in m.sh("sudo apt install stress-ng").output
    r = m.sh("sudo apt install kernelshark")
    assert r.output.endswith("E: Unable to locate package kernelshark\n") and r.status == 100


def test_hammering_the_button_raises_the_driver_s_interrupt_count():
    """irqlab-hw presses the bench button; the seed's gpiomod sees every bounce as an interrupt."""
    m = irqlab.boot("rpi5", seed=2)
    m.shell.add_host_file("gpiomod.py", str(EXAMPLES / "seed001_gpio_buttons.py"))
    assert m.sh("irqlab-hw led GPIO4; insmod gpiomod.ko").output == "GPIO4 LED off, 0 changes\n"
    m.sh("irqlab-hw button GPIO17 hammer 20ms 20; sleep 1")
    row = m.sh("grep button1 /proc/interrupts").output.split()
    assert row[-1] == "gpiomod#button1" and int(row[1]) >= 40  # 20 presses and releases, bouncing
    assert m.sh("irqlab-hw led GPIO4").output == "GPIO4 LED on, 1 changes\n"
