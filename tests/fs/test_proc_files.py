"""/proc/uptime, loadavg, cmdline, cpuinfo, softirqs and the per-task stat, status and sched files."""

import irqlab
from irqlab.kernel import cpu_work
from irqlab.kernel.sched.loadavg import EXP_1, FIXED_1, LOAD_FRAC, LOAD_INT, calc_load, calc_load_n


def hog():
    while True:
        cpu_work(3_000_000)


def two_hogs(seconds):
    m = irqlab.boot("rpi5", seed=1, cmdline="console=ttyAMA0,115200 root=/dev/mmcblk0p2 rootwait quiet")
    u = m.spawn(hog, name="hog", user=True, cpu=1)
    m.spawn(hog, name="hog2", cpu=2)
    m.run(seconds)
    return m, u


def test_uptime_loadavg_and_cmdline():
    """Two busy CPUs for 60 s: uptime counts the other two idle; calc_load() folded 2 tasks 11 times."""
    m, u = two_hogs("60s")
    assert m.read("/proc/uptime") == "60.00 119.99\n"
    assert m.read("/proc/loadavg") == "1.20 0.34 0.12 2/15 15\n"
    assert m.read("/proc/cmdline") == "console=ttyAMA0,115200 root=/dev/mmcblk0p2 rootwait quiet\n"


def test_calc_load_is_the_kernels_fixed_point():
    """calc_load() rounds up while the load grows; calc_load_n() equals n single steps within rounding."""
    a = 0
    for _ in range(11):
        a = calc_load(a, EXP_1, 2 * FIXED_1)
    assert a == 2464
    shown = a + FIXED_1 // 200  # get_avenrun()'s rounding offset
    assert f"{LOAD_INT(shown)}.{LOAD_FRAC(shown):02d}" == "1.20"
    assert abs(calc_load_n(0, EXP_1, 2 * FIXED_1, 11) - a) <= 2


def test_loadavg_catches_up_windows_missed_while_tickless():
    """One busy task for 20 s, then a minute tickless: the 12 missed 5 s windows fold in at once (calc_global_nohz())."""
    m = irqlab.boot("rpi5", seed=1)
    m.spawn(cpu_work, 20_000_000_000, name="burst", cpu=1)
    m.run("80s")
    assert m.read("/proc/loadavg") == "0.08 0.04 0.01 0/13 14\n"


def test_cpuinfo_rpi5_is_four_cortex_a76_and_the_pi_lines():
    """arm64 c_show(): one block per online CPU from MIDR_EL1 0x414fd0b1, then Revision, Serial and Model."""
    m = irqlab.boot("rpi5", seed=1)
    m.remove_cpu(3)
    block = (
        "BogoMIPS\t: 108.00\n"
        "Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp\n"
        "CPU implementer\t: 0x41\n"
        "CPU architecture: 8\n"
        "CPU variant\t: 0x4\n"
        "CPU part\t: 0xd0b\n"
        "CPU revision\t: 1\n\n"
    )
    assert m.read("/proc/cpuinfo") == (
        "".join(f"processor\t: {i}\n" + block for i in range(3))
        + "Revision\t: d04170\nSerial\t\t: 5b1c3e8f2a7d9046\nModel\t\t: Raspberry Pi 5 Model B Rev 1.0\n"
    )


def test_cpuinfo_pc_is_x86():
    """x86 show_cpuinfo(): family/model/stepping from CPUID 0x806c1, BogoMIPS from the TSC and HZ."""
    m = irqlab.boot("pc", seed=1)
    text = m.read("/proc/cpuinfo")
    blocks = text.split("\n\n")
    assert blocks[-1] == "" and len(blocks) == 3
    lines = blocks[1].splitlines()
    assert lines[:9] == [
        "processor\t: 1",
        "vendor_id\t: GenuineIntel",
        "cpu family\t: 6",
        "model\t\t: 140",
        "model name\t: 11th Gen Intel(R) Core(TM) i7-1165G7 @ 2.80GHz",
        "stepping\t: 1",
        "microcode\t: 0xffffffff",
        "cpu MHz\t\t: 2803.198",
        "cache size\t: 12288 KB",
    ]
    assert lines[-5:] == [
        "bogomips\t: 5606.39",
        "clflush size\t: 64",
        "cache_alignment\t: 64",
        "address sizes\t: 39 bits physical, 48 bits virtual",
        "power management:",
    ]


def test_softirqs_keeps_the_columns_of_offline_cpus():
    """fs/proc/softirqs.c walks the possible CPUs: CPU3's column stays after it goes down."""
    m = irqlab.boot("rpi5", seed=1)
    m.remove_cpu(3)
    assert m.read("/proc/softirqs").splitlines()[0] == " " * 20 + "".join(f"CPU{c:<8d}" for c in range(4))
    assert m.read("/proc/stat").splitlines()[:5] == [
        "cpu  0 0 0 0 0 0 0 0 0 0",
        "cpu0 0 0 0 0 0 0 0 0 0 0",
        "cpu1 0 0 0 0 0 0 0 0 0 0",
        "cpu2 0 0 0 0 0 0 0 0 0 0",
        "intr 0" + " 0" * 64,
    ]


def test_pid_stat_status_and_sched_of_a_user_task():
    """A user hog alone on CPU1 for 60 s: all its time is user time; status and sched in 6.12's layout."""
    m, u = two_hogs("60s")
    assert m.read(f"/proc/{u.pid}/stat") == (
        "14 (hog) R 0 0 0 0 -1 0 0 0 0 0 5999 0 0 0 20 0 1 0 0 0 0 18446744073709551615 "
        "0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
    )
    status = m.read(f"/proc/{u.pid}/status")
    assert status.splitlines()[:4] == ["Name:\thog", "Umask:\t0022", "State:\tR (running)", "Tgid:\t14"]
    assert "Kthread:\t0\n" in status and "Cpus_allowed:\t2\nCpus_allowed_list:\t1\n" in status
    assert status.endswith("Mems_allowed:\t0001\nMems_allowed_list:\t0\n"
                           "voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n")  # fmt: skip
    sched = m.read(f"/proc/{u.pid}/sched").splitlines()
    assert sched[:5] == [
        "hog (14, #threads: 1)",
        "-" * 67,
        "se.exec_start                                :         59996.002637",
        "se.vruntime                                  :         59995.988658",
        "se.sum_exec_runtime                          :         59995.988658",
    ]
    assert sched[-3:] == [
        "policy                                       :                    0",
        "prio                                         :                  120",
        "clock-delta                                  :                    0",
    ]


def test_pid_files_of_kernel_threads():
    """An idle kworker reports I (idle); kthreads ignore every signal; pc adds x86's thread-feature lines."""
    m = irqlab.boot("pc", seed=1)
    m.run("10ms")
    w = m.task("kworker/0:0")
    stat = m.read(f"/proc/{w.pid}/stat").split()
    assert len(stat) == 52 and stat[1:3] == ["(kworker/0:0)", "I"] and stat[32] == "2147483647"  # sigignore
    status = m.read(f"/proc/{w.pid}/status")
    assert "State:\tI (idle)\n" in status and "SigIgn:\tffffffffffffffff\n" in status
    assert "Mems_allowed:\t" + "00000000," * 31 + "00000001\n" in status
    assert status.endswith("x86_Thread_features:\t\nx86_Thread_features_locked:\t\n")


def test_a_task_that_exited_has_no_proc_directory():
    """Once a task exits and is reaped, its /proc/PID files are gone, and /proc/loadavg stops counting it."""
    m = irqlab.boot("rpi5", seed=1)
    t = m.spawn(cpu_work, 1_000_000, name="brief")
    m.run("10ms")
    assert t.state == "dead"
    for name in ("stat", "status", "sched"):
        try:
            m.read(f"/proc/{t.pid}/{name}")
        except FileNotFoundError:
            continue
        raise AssertionError(f"/proc/{t.pid}/{name} still exists")
    assert m.read("/proc/loadavg").split()[3] == "0/13"
