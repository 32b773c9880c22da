"""Each board's /proc files after two seconds with one user hog on CPU1, pinned whole (golden texts)."""

import pathlib

import pytest

import irqlab
from irqlab.kernel import cpu_work

GOLDEN = pathlib.Path(__file__).parent / "golden"
FILES = ("/proc/stat", "/proc/uptime", "/proc/loadavg", "/proc/cmdline", "/proc/cpuinfo", "/proc/softirqs",
         "/proc/net/softnet_stat", "/proc/interrupts", "/proc/1/stat", "/proc/1/status", "/proc/1/sched",
         "/proc/HOG/stat", "/proc/HOG/status")  # fmt: skip


def hog():
    while True:
        cpu_work(3_000_000)


def snapshot(board):
    m = irqlab.boot(board, seed=1, cmdline="console=ttyAMA0,115200 root=/dev/mmcblk0p2 rootwait quiet")
    u = m.spawn(hog, name="hog", user=True, cpu=1)
    m.run("2s")
    return "".join(f"==> {f} <==\n" + m.read(f.replace("HOG", str(u.pid))) for f in FILES)


@pytest.mark.parametrize("board", ["rpi5", "pc", "generic"])
def test_proc_files_match_the_golden_text(board):
    """Every file, byte for byte, as reviewed against the 6.12 format strings."""
    assert snapshot(board) == (GOLDEN / f"{board}.txt").read_text()
