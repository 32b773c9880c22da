"""The kernel command line: unknown parameters reported as start_kernel() does, console log level params."""

import pathlib

import irqlab
from irqlab.kernel.cmdline import ACCEPTED_PARAMS, SUPPORTED_PARAMS


def test_unknown_parameters_are_listed_once_for_user_space():
    """Words without '=' become init arguments, words with '=' its environment (a repeated name keeps the last
    value, TERM= replaces the default); known and dotted (module) parameters and everything after -- are not listed."""
    cmdline = ("console=ttyAMA0,115200 root=/dev/mmcblk0p2 rootwait quiet splash BOOT_IMAGE=/vmlinuz foo=1 foo=2 "
               "TERM=vt100 8250.nr_uarts=1 threadirqs -- single x=y")  # fmt: skip
    m = irqlab.boot("rpi5", cmdline=cmdline)
    assert m.dmesg_lines()[3:5] == [
        f"Kernel command line: {cmdline}",
        'Unknown kernel command line parameters "splash BOOT_IMAGE=/vmlinuz foo=2", will be passed to user space.',
    ]
    assert m.read("/proc/cmdline") == cmdline + "\n"


def test_a_line_of_known_parameters_reports_nothing_and_quiet_lowers_the_console_level():
    """quiet sets console_loglevel 4 and loglevel= overrides it later on the line; /proc/sys/kernel/printk shows it."""
    m = irqlab.boot("pc", cmdline="quiet irqaffinity=0 softlockup_panic=0 nmi_watchdog=1 loglevel=3")
    assert not [line for line in m.dmesg_lines() if line.startswith("Unknown kernel command line")]
    assert m.read("/proc/sys/kernel/printk").split("\t")[0] == "3"
    assert irqlab.boot("pc", cmdline="quiet").read("/proc/sys/kernel/printk").split("\t")[0] == "4"


def test_docs_list_every_supported_parameter():
    """docs/cmdline.md names each parameter irqlab acts on and each one it accepts without effect."""
    text = (pathlib.Path(__file__).parents[2] / "docs" / "cmdline.md").read_text()
    assert [p for p in SUPPORTED_PARAMS if f"`{p}" not in text] == []
    assert [p for p in sorted(ACCEPTED_PARAMS) if f"`{p}`" not in text] == []
