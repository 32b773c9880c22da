"""The board's commands print what their real counterparts print: coreutils, grep, dmesg, watch, insmod."""

import pathlib

import pytest

import irqlab
from irqlab.userspace.shell.commands.kernel_tools import title_line

EXAMPLES = pathlib.Path(__file__).resolve().parents[3] / "examples"


@pytest.fixture
def m():
    return irqlab.boot("rpi5", seed=1)


def test_text_tools(m):
    """head, tail, wc, sort, uniq and grep options as coreutils 9 and grep 3.8 format them."""
    m.sh("for i in 3 1 2 1; do echo l$i; done > /tmp/f")
    assert m.sh("head -n 2 /tmp/f; tail -1 /tmp/f").output == "l3\nl1\nl1\n"
    assert m.sh("wc -l /tmp/f; wc -l < /tmp/f; cat /tmp/f | wc").output == "4 /tmp/f\n4\n      4       4      12\n"
    assert m.sh("sort /tmp/f | uniq -c").output == "      2 l1\n      1 l2\n      1 l3\n"
    assert m.sh("sort -r -u /tmp/f").output == "l3\nl2\nl1\n"
    assert m.sh("grep -n -v l1 /tmp/f; grep -c L1 -i /tmp/f").output == "1:l3\n3:l2\n2\n"
    assert m.sh("grep -q nothing /tmp/f; echo $?; grep x /nope; echo $?").output == (
        "1\ngrep: /nope: No such file or directory\n2\n")


def test_grep_basic_and_extended_regexps(m):
    """grep's default BRE takes | and + literally; -E makes them operators, as GNU grep does."""
    m.sh("echo 'a|b' > /tmp/g; echo ab >> /tmp/g")
    assert m.sh("grep 'a|b' /tmp/g").output == "a|b\n"
    assert m.sh("grep -E 'a|b' /tmp/g | wc -l").output == "2\n"


def test_ls_long_lists_sysfs_attributes(m):
    """ls -l of an IRQ's sysfs directory: mode, size 4096, names sorted (the seed's "Shows driver name")."""
    lines = m.sh("ls -l /sys/kernel/irq/14/").output.splitlines()
    assert lines[0] == "total 0"
    assert lines[1] == "-r--r--r-- 1 root root 4096 Jan  5 09:00 actions"
    assert [ln.split()[-1] for ln in lines[1:]] == ["actions", "chip_name", "hwirq", "name", "per_cpu_count",
                                                    "type", "wakeup"]  # fmt: skip
    assert m.sh("ls /nope").output == "ls: cannot access '/nope': No such file or directory\n"


def test_dmesg_levels_clear_and_decode(m):
    """dmesg -l filters by level, -x prefixes facility and level, -c clears after printing."""
    m.sh("echo 1 > /sys/class/gpio/export")
    assert m.sh("dmesg -l warn").output.endswith("] export_store: invalid GPIO 1\n")
    assert m.sh("dmesg -x -l warn").output.startswith("kern  :warn  : [")
    assert m.sh("dmesg -c | wc -l").output != "0\n"
    assert m.sh("dmesg").output == ""
    assert m.sh("dmesg -l loud").output == "dmesg: unknown level 'loud'\n"


def test_dmesg_follow_prints_new_records_as_they_arrive(m):
    """dmesg -w waits on the log and prints each new record when printk stores it."""
    m.sh("dmesg -C; (sleep 0.5; echo 7 2>/dev/null > /sys/class/gpio/export) &")
    out = m.sh("dmesg -w", for_="1s").output
    lines = out.splitlines()
    assert lines[0].endswith("] export_store: invalid GPIO 7") and lines[1] == "^C"
    assert lines[2] == "[1]+  Exit 1                  (sleep 0.5; echo 7 2>/dev/null > /sys/class/gpio/export)"


def test_watch_title_lays_out_like_procps():
    """The title line: interval and command left, host and time right, the command clipped with "..."."""
    stamp = "raspberrypi: Mon Jan  5 09:00:00 2026"
    assert title_line("Every 2.0s: ", "date", stamp) == "Every 2.0s: date" + " " * 27 + stamp
    long = "cat /proc/interrupts | grep gpiomod | sort"
    assert title_line("Every 1.0s: ", long, stamp) == "Every 1.0s: cat /proc/interrupts | grep... " + stamp


def test_watch_reruns_every_interval_until_interrupted(m):
    """watch -n 1 shows a screen per second of simulated time; Ctrl-C (for_) ends it with status 130."""
    r = m.sh("watch -n 1 'cat /proc/softirqs | grep -c :'", for_="2.5s")
    screens = r.output.split("Every 1.0s: ")
    assert len(screens) == 4 and screens[1].endswith("09:00:00 2026\n\n10\n") and r.status == 130


def test_insmod_lsmod_free_interrupts_and_rmmod():
    """insmod of a driver file given to the shell runs its module_init; its IRQs appear in /proc/interrupts."""
    m = irqlab.boot("rpi5", seed=1)
    m.shell.add_host_file("gpiomod.py", str(EXAMPLES / "seed001_gpio_buttons.py"))
    assert m.sh("insmod gpiomod.ko").status == 0
    rows = m.sh("cat /proc/interrupts | grep gpiomod").output.splitlines()
    assert [r.split()[-1] for r in rows] == ["gpiomod#button1", "gpiomod#button2"]
    assert m.sh("insmod other.ko").output == "insmod: ERROR: could not load module other.ko: No such file or directory\n"
    assert m.sh("rmmod nothing").output == "rmmod: ERROR: Module nothing is not currently loaded\n"


def test_uname_names_the_board_s_kernel():
    """uname -r / -m / -a report the booted board's release and machine."""
    assert irqlab.boot("rpi5").sh("uname -rm").output == "6.12.25+rpt-rpi-2712 aarch64\n"
    assert irqlab.boot("pc").sh("uname -m").output == "x86_64\n"


def test_watch_d_stands_out_changed_characters_on_a_terminal(m):
    """watch -d on a terminal: a character that changed since the previous screen is drawn in standout
    (xterm's smso/rmso), one that became a blank too; the first screen and unchanged ones are plain."""
    m.shell.tty = True
    m.sh("echo 1 > /tmp/x; (sleep 2.5; echo 12 > /tmp/x; sleep 2; echo 3 > /tmp/x) &")
    screens = m.sh("watch -d -t cat /tmp/x", for_="7s").output.split("^C")[0]
    assert screens == "1\n1\n1\x1b[7m2\x1b[27m\n\x1b[7m3 \x1b[27m\n"
    m.shell.tty = False
    assert m.sh("watch -d -t cat /tmp/x", for_="3s").output.startswith("3\n3\n^C\n")


def test_one_utsname_and_one_wall_clock(m):
    """uname, hostname, the prompt and date read the kernel's utsname and CLOCK_REALTIME: Raspberry Pi OS's
    hostname, a name set with hostname(1) everywhere at once, the clock 2 s later after sleep 2."""
    assert m.sh("uname -a").output == ("Linux raspberrypi 6.12.25+rpt-rpi-2712 #1 SMP PREEMPT Debian "
                                       "1:6.12.25-1+rpt1 (2025-04-30) aarch64 GNU/Linux\n")  # fmt: skip
    assert m.sh("date; sleep 2; date -R; date +%s.%N").output == (
        "Mon Jan  5 09:00:00 UTC 2026\nMon, 05 Jan 2026 09:00:02 +0000\n1767603602.000107274\n")
    assert m.sh("hostname lab-pi; hostname; uname -n; cat /proc/sys/kernel/hostname").output == "lab-pi\n" * 3
    assert m.shell.prompt() == "root@lab-pi:~# "


def test_the_pc_is_a_debian_machine():
    """On the PC board the hostname is Debian's and uname -v keeps the PREEMPT_DYNAMIC build's banner."""
    m = irqlab.boot("pc", seed=1)
    assert m.sh("hostname; uname -v").output == "debian\n#1 SMP PREEMPT_DYNAMIC Debian 6.12.25-1\n"
