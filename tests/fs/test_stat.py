"""/proc/stat and the CPU time accounting behind it, read as top and psutil read them."""

import pytest

import irqlab
from irqlab.kernel import DECLARE_TASKLET, cpu_work, tasklet_schedule


def hog():
    while True:
        cpu_work(3_000_000)


def busy_rpi5():
    """A user hog and a nice-5 user hog sharing CPU1, a kernel thread spinning on CPU0, for one second."""
    m = irqlab.boot("rpi5", seed=1)
    u = m.spawn(hog, name="hog", user=True, cpu=1)
    n = m.spawn(hog, name="nicehog", user=True, cpu=1, prio=5)
    kt = m.spawn(hog, name="khog", cpu=0)
    m.run("1s")
    return m, u, n, kt


def test_rpi5_stat_samples_each_tick_into_user_nice_system_and_idle():
    """Tick sampling (bcm2712_defconfig): 249 ticks of 4 ms split 3:1 by CFS weight into user and nice,
    the kernel thread's ticks as system, NO_HZ idle time for the idle CPUs, irq always 0."""
    m, u, n, kt = busy_rpi5()
    text = m.read("/proc/stat")
    lines = text.splitlines()
    assert lines[:5] == [
        "cpu  74 24 99 199 0 0 0 0 0 0",
        "cpu0 0 0 99 0 0 0 0 0 0 0",
        "cpu1 74 24 0 0 0 0 0 0 0 0",
        "cpu2 0 0 0 99 0 0 0 0 0 0",
        "cpu3 0 0 0 99 0 0 0 0 0 0",
    ]
    intr = lines[5].split()
    assert intr[0] == "intr" and len(intr) == 2 + 64  # the sum, then one count per irq below nr_irqs
    # The arch timer (irq 11) ticked on the two busy CPUs; IPI0's descriptor (irq 1) once on each CPU.
    assert [(irq, n) for irq, n in enumerate(intr[2:]) if n != "0"] == [(1, "4"), (11, "500")]
    assert intr[1] == "504"
    assert lines[6:] == [
        "ctxt 141",
        "btime 1767603600",
        "processes 19",
        "procs_running 3",
        "procs_blocked 0",
        "softirq 0 0 0 0 0 0 0 0 0 0 0",
    ]


def test_pc_measures_hardirq_and_softirq_time_precisely():
    """Debian amd64's IRQ_TIME_ACCOUNTING: a 200 kpps NIC flood books its hardirq and NET_RX time on CPU0
    exactly (irq 5, softirq 4 ticks of 10 ms in 200 ms), and the intr line counts the NIC's IO-APIC pin as
    /proc/interrupts does."""
    m = irqlab.boot("pc", seed=1)
    m.kernel.subsys["pc_nic"].generate(200_000, until="200ms")
    m.run("200ms")
    lines = m.read("/proc/stat").splitlines()
    assert lines[:3] == [
        "cpu  0 0 0 30 0 5 4 0 0 0",
        "cpu0 0 0 0 10 0 5 4 0 0 0",
        "cpu1 0 0 0 19 0 0 0 0 0 0",
    ]
    intr = lines[3].split()
    nic_row = [r for r in m.read("/proc/interrupts").splitlines() if r.endswith("eth0")][0].split()
    assert intr[2 + 24] == str(int(nic_row[1]) + int(nic_row[2])) == "39999"
    assert lines[-1] == "softirq 39999 0 0 0 39999 0 0 0 0 0 0"


def test_rpi5_softirq_time_is_sampled_in_ksoftirqd():
    """A tasklet that reschedules itself moves to ksoftirqd/2; each tick there finds SOFTIRQ_OFFSET set and
    books softirq time, which /proc/PID/stat shows as ksoftirqd's system time."""
    m = irqlab.boot("rpi5", seed=1)
    box = {}

    def work(t):
        cpu_work(1_000_000)
        tasklet_schedule(t)

    def start():
        box["t"] = DECLARE_TASKLET("burner", work)
        tasklet_schedule(box["t"])

    m.spawn(start, name="starter", cpu=2)
    m.run("1s")
    assert m.read("/proc/stat").splitlines()[3] == "cpu2 0 0 0 0 0 0 99 0 0 0"
    ksoftirqd = m.task("ksoftirqd/2")
    fields = m.read(f"/proc/{ksoftirqd.pid}/stat").split()
    assert (fields[1], fields[2], fields[13], fields[14]) == ("(ksoftirqd/2)", "R", "0", "99")


def test_psutil_reads_the_simulated_proc(tmp_path, monkeypatch):
    """psutil pointed at the simulated files (PROCFS_PATH) reads CPU times, counters, boot time and a task."""
    psutil = pytest.importorskip("psutil")
    m, u, n, kt = busy_rpi5()
    for path in ("stat", f"{u.pid}/stat", f"{u.pid}/status", f"{u.pid}/statm"):
        dest = tmp_path / path
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(m.read(f"/proc/{path}"))
    monkeypatch.setattr(psutil, "PROCFS_PATH", str(tmp_path))
    t = psutil.cpu_times()
    assert (t.user, t.nice, t.system, t.idle, t.irq, t.softirq) == (0.74, 0.24, 0.99, 1.99, 0.0, 0.0)
    assert [c.user for c in psutil.cpu_times(percpu=True)] == [0.0, 0.74, 0.0, 0.0]
    s = psutil.cpu_stats()
    assert (s.ctx_switches, s.interrupts, s.soft_interrupts) == (141, 504, 0)
    assert psutil.boot_time() == 1767603600.0
    p = psutil.Process(u.pid)
    assert (p.name(), p.status(), p.cpu_num(), p.cpu_times().user) == ("hog", "running", 1, 0.74)
    assert p.num_ctx_switches() == (0, 62)
    assert p.memory_info().rss == 0  # no address space in the simulation


def top_cpu_usage(before, after):
    """What top prints per CPU from two /proc/stat reads: us, ni, sy, id, hi, si in percent of the interval."""
    out = {}
    for b, a in zip(before.splitlines(), after.splitlines()):
        if not b.startswith("cpu"):
            break
        name, *old = b.split()
        new = [int(x) for x in a.split()[1:]]
        delta = [n - int(o) for n, o in zip(new, old)]
        total = sum(delta[:8])
        us, ni, sy, idle, _wa, hi, si, _st = (round(100 * d / total, 1) for d in delta[:8])
        out[name] = (us, ni, sy, idle, hi, si)
    return out


def test_top_style_deltas_show_each_busy_cpu():
    """top's arithmetic on two reads a second apart: the user hogs keep CPU1 busy 3:1 user to nice, the kernel
    thread keeps CPU0 in system time, CPUs 2 and 3 are idle."""
    m, u, n, kt = busy_rpi5()
    before = m.read("/proc/stat")
    m.run("2s")
    usage = top_cpu_usage(before, m.read("/proc/stat"))
    assert usage == {
        "cpu": (19.0, 6.2, 24.9, 49.9, 0.0, 0.0),
        "cpu0": (0.0, 0.0, 100.0, 0.0, 0.0, 0.0),
        "cpu1": (75.2, 24.8, 0.0, 0.0, 0.0, 0.0),  # CFS weights 1024:335
        "cpu2": (0.0, 0.0, 0.0, 100.0, 0.0, 0.0),
        "cpu3": (0.0, 0.0, 0.0, 100.0, 0.0, 0.0),
    }


def test_a_cpu_taken_down_keeps_its_idle_time_and_leaves_the_per_cpu_lines():
    """CPU3 idle for a second, then offline for a second: its line goes, its idle second stays in the total."""
    m = irqlab.boot("rpi5", seed=1)
    m.run("1s")
    assert m.remove_cpu(3) == 0
    m.run("2s")
    lines = m.read("/proc/stat").splitlines()
    assert lines[:4] == [
        "cpu  0 0 0 699 0 0 0 0 0 0",
        "cpu0 0 0 0 199 0 0 0 0 0 0",
        "cpu1 0 0 0 199 0 0 0 0 0 0",
        "cpu2 0 0 0 199 0 0 0 0 0 0",
    ]
    assert lines[4].startswith("intr ")
    assert m.read("/proc/uptime") == "2.00 6.99\n"
    assert m.add_cpu(3) == 0
    m.run("3s")
    assert m.read("/proc/stat").splitlines()[4] == "cpu3 0 0 0 199 0 0 0 0 0 0"
