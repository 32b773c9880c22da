"""The detectors' /proc/sys/kernel files: defaults as 6.12 has them, range-checked writes that take effect."""

import pytest

import irqlab
from irqlab.kernel import DEFINE_SPINLOCK, mdelay, spin_lock


def test_the_generic_board_has_the_lockup_detector_sysctls_with_their_defaults():
    """watchdog, watchdog_thresh, soft/nmi_watchdog, the panics and the cpumask read as on a 6.12 debug build."""
    m = irqlab.boot("generic", cpus=4, seed=0)
    k = "/proc/sys/kernel/"
    values = {name: m.read(k + name) for name in ("watchdog", "watchdog_thresh", "soft_watchdog", "nmi_watchdog",
                                                  "softlockup_panic", "hardlockup_panic", "watchdog_cpumask",
                                                  "softlockup_all_cpu_backtrace", "hung_task_timeout_secs",
                                                  "hung_task_warnings", "hung_task_check_count", "hung_task_panic",
                                                  "hung_task_check_interval_secs")}  # fmt: skip
    assert values == {"watchdog": "1\n", "watchdog_thresh": "10\n", "soft_watchdog": "1\n", "nmi_watchdog": "1\n",
                      "softlockup_panic": "0\n", "hardlockup_panic": "0\n", "watchdog_cpumask": "0-3\n",
                      "softlockup_all_cpu_backtrace": "0\n", "hung_task_timeout_secs": "120\n",
                      "hung_task_warnings": "10\n", "hung_task_check_count": "4194304\n", "hung_task_panic": "0\n",
                      "hung_task_check_interval_secs": "0\n"}  # fmt: skip


def test_the_pi_5_build_has_no_lockup_detector_files_but_has_the_hung_task_ones():
    """bcm2712_defconfig builds DETECT_HUNG_TASK but not SOFTLOCKUP_DETECTOR: no /proc/sys/kernel/watchdog."""
    m = irqlab.boot("rpi5", seed=0)
    with pytest.raises(FileNotFoundError):
        m.read("/proc/sys/kernel/watchdog_thresh")
    assert m.read("/proc/sys/kernel/hung_task_timeout_secs") == "120\n"
    assert m.read("/sys/module/rcupdate/parameters/rcu_cpu_stall_timeout") == "21\n"


def test_out_of_range_writes_fail_with_einval_and_change_nothing():
    """watchdog_thresh accepts 0..60 and softlockup_panic 0..1; a bad write returns -EINVAL."""
    m = irqlab.boot("generic", cpus=2, seed=0)
    k = "/proc/sys/kernel/"
    assert m.write(k + "watchdog_thresh", "61") == -22
    assert m.write(k + "watchdog_thresh", "ten") == -22
    assert m.write(k + "softlockup_panic", "2") == -22
    assert m.write(k + "watchdog_cpumask", "0-7") == -22
    assert m.read(k + "watchdog_thresh") == "10\n"


def test_a_lower_watchdog_thresh_reports_sooner_and_watchdog_0_turns_the_detectors_off():
    """watchdog_thresh=5 reports a spinning CPU after ~11 s; watchdog=0 silences it and reads back 0 everywhere."""
    m = irqlab.boot("generic", cpus=2, seed=1)
    assert m.write("/proc/sys/kernel/watchdog_thresh", "5") == 1
    lock = DEFINE_SPINLOCK("l")

    def hog():
        spin_lock(lock)
        while True:
            mdelay(1)

    m.spawn(hog, name="hog", cpu=1)
    m.run(until="15s")
    assert [ln for ln in m.dmesg().splitlines() if "soft lockup" in ln] == [
        "[   12.000000] watchdog: BUG: soft lockup - CPU#1 stuck for 11s! [hog:8]"
    ]
    assert m.write("/proc/sys/kernel/watchdog", "0") == 1
    m.run(until="60s")
    assert sum("soft lockup" in ln for ln in m.dmesg_lines()) == 1
    assert (m.read("/proc/sys/kernel/soft_watchdog"), m.read("/proc/sys/kernel/nmi_watchdog")) == ("0\n", "0\n")
