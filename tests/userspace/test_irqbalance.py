"""irqbalance's balancing decisions (irqlist.c, placement.c) on a four-core Pi 5 whose /proc files a test
writes: the CPU serving two busy ethernet queues sheds the lighter one to the least-loaded core."""

from irqlab.userspace.irqbalance import Irqbalance, System

CPUS = 4
QUEUES = {40 + q: f"eth0 q{q}" for q in range(6)}


def machine_files() -> dict[str, str]:
    """The sysfs topology of four Cortex-A76 cores (private L2, shared L3) and one NUMA node."""
    files = {"/sys/devices/system/cpu/online": "0-3\n", "/sys/devices/system/cpu/isolated": "\n",
             "/sys/devices/system/node/node0/cpumap": "f\n"}  # fmt: skip
    for c in range(CPUS):
        base = f"/sys/devices/system/cpu/cpu{c}"
        files[f"{base}/topology/core_siblings"] = "f\n"
        files[f"{base}/topology/physical_package_id"] = "0\n"
        for i, shared in enumerate((False, False, False, True)):
            files[f"{base}/cache/index{i}/shared_cpu_map"] = "f\n" if shared else f"{1 << c:x}\n"
        files[f"{base}/node0/cpumap"] = "f\n"
    for irq in QUEUES:
        files[f"/proc/irq/{irq}/smp_affinity"] = "f\n"
        files[f"/proc/irq/{irq}/node"] = "-1\n"
    return files


def set_counts(files: dict[str, str], counts: dict[int, list[int]], irq_ticks: list[int]) -> None:
    """/proc/interrupts with each queue's per-CPU counts; /proc/stat with each CPU's irq ticks."""
    head = "".join(f"       CPU{c}" for c in range(CPUS)) + "\n"
    rows = "".join(f" {irq}:" + "".join(f" {n:10d}" for n in counts[irq]) + f"     GICv2 {irq + 32} Level     {name}\n"
                   for irq, name in QUEUES.items())  # fmt: skip
    files["/proc/interrupts"] = (
        head + rows + "IPI0:          0          0          0          0       Rescheduling interrupts\n"
    )
    files["/proc/stat"] = (
        "cpu  0 0 0 0 0 0 0 0 0 0\n"
        + "".join(f"cpu{c} 0 0 0 1000 0 {irq_ticks[c]} 0 0 0 0\n" for c in range(CPUS))
        + "intr 0\n"
    )


def test_a_busy_cpu_sheds_its_lighter_queue():
    """Six gbit-ethernet queues spread over four cores (two doubled up); when CPU0's pair is busy, the next
    scan selects the lighter one and places it again: among the idle cache domains, whose own interrupt lists
    are all empty (the queues hang on their CPUs), the first wins, CPU1."""
    files = machine_files()
    out: list[str] = []
    writes: list[tuple[str, str]] = []

    def listdir(path: str) -> list[str] | None:
        prefix = path.rstrip("/") + "/"
        names = sorted({p[len(prefix) :].split("/")[0] for p in files if p.startswith(prefix)})
        return names or None

    def write(path: str, text: str) -> int:
        writes.append((path, text))
        files[path] = text + "\n"
        return len(text)

    sysif = System(files.get, write, listdir, lambda p: listdir(p) is not None, out.append, lambda ns: None, {},
                   aarch64=True)  # fmt: skip
    ib = Irqbalance(sysif)
    assert ib.parse_options(["--debug", "--oneshot"]) is None
    ib.start()
    counts = {irq: [0] * CPUS for irq in QUEUES}
    set_counts(files, counts, [0] * CPUS)
    assert ib.prepare() is None
    ib.scan()
    # Six queues, four cache domains, placed newest first: q5 and q1 on CPU0, q4 and q0 on CPU1.
    assert writes == [
        ("/proc/irq/40/smp_affinity", "00000002"),
        ("/proc/irq/41/smp_affinity", "00000001"),
        ("/proc/irq/42/smp_affinity", "00000008"),
        ("/proc/irq/43/smp_affinity", "00000004"),
        ("/proc/irq/44/smp_affinity", "00000002"),
        ("/proc/irq/45/smp_affinity", "00000001"),
    ]
    # Ten seconds of traffic: CPU0 spends 300 ticks in interrupts, q5 taking three times q1's share.
    counts[45][0], counts[41][0] = 30000, 10000
    set_counts(files, counts, [300, 0, 0, 0])
    ib.keep_going = True
    out.clear()
    writes.clear()
    ib.scan()
    log = "".join(out)
    assert "Selecting irq 41 for rebalancing\n" in log
    assert "Selecting irq 45" not in log
    # CPU0's 3 s of interrupt time, 100 us an interrupt: q5 carries 2.25 s, q1 0.75 s, now on CPU1.
    assert (
        "                CPU number 0  numa_node is 0 (load 3000000000)\n"
        "                  Interrupt 45 node_num is -1 (gbit-ethernet/2250000000:30000) \n"
    ) in log
    assert "                  Interrupt 41 node_num is -1 (gbit-ethernet/750000000:10000) \n" in log
    assert writes == [("/proc/irq/41/smp_affinity", "00000002")]
