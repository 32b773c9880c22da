"""irqbalance 1.9.2 on the board: its --debug output in the real tool's words, its placement by class and
banned CPUs written to /proc/irq/N/smp_affinity, and a daemon that forks away from the shell."""

import pathlib

import irqlab

SEED = pathlib.Path(__file__).resolve().parents[3] / "examples" / "seed001_gpio_buttons.py"
NO_NODE_MASK = ",".join(["ffffffff"] * 128)


def test_debug_on_the_pi_5_shows_its_tree_and_database():
    """sudo irqbalance --debug: banned CPUs, one package of four one-CPU cache domains (private L2), each
    interrupt classified (a one-word aarch64 name is lost, so all are class 0), then a scan every 10 s."""
    m = irqlab.boot("rpi5", seed=1)
    m.shell.add_host_file("gpiomod.py", str(SEED))
    m.sh("irqlab-hw button GPIO17; irqlab-hw button GPIO18; irqlab-hw led GPIO4; insmod gpiomod.ko")
    out = m.sh("sudo irqbalance --debug", for_="12s").output
    tree = "".join(
        f"        Cache domain {c}:  numa_node is 0 cpu mask is {1 << c:08x}  (load 0) \n"
        f"                CPU number {c}  numa_node is 0 (load 0)\n"
        for c in range(4)
    )
    head = ("Prevent irq assignment to these isolated CPUs: 00000000\n"
            "Prevent irq assignment to these adaptive-ticks CPUs: 00000000\n"
            "Banned CPUs: 00000000\n"
            "Package 0:  numa_node 0 cpu mask is 0000000f (load 0)\n" + tree +
            "IRQ (9) guessed as class 0\nIRQ (11) guessed as class 0\nIRQ kvm guest vtimer(12) guessed as class 0\n"
            "IRQ (17) guessed as class 0\nIRQ (18) guessed as class 0\n"
            "Adding IRQ 9 to database\nAdding IRQ 11 to database\nAdding IRQ 12 to database\n"
            "Adding IRQ 17 to database\nAdding IRQ 18 to database\n"
            f"NUMA NODE NUMBER: -1\nLOCAL CPU MASK: {NO_NODE_MASK}\n\n"
            "NUMA NODE NUMBER: 0\nLOCAL CPU MASK: 0000000f\n\n"
            "Daemon couldn't be bound to the file-based socket.\n")  # fmt: skip
    scan = ("\n\n\n-----------------------------------------------------------------------------\n"
            "Package 0:  numa_node 0 cpu mask is 0000000f (load 0)\n" + tree)  # fmt: skip
    assert out.startswith(head + scan)
    irqs = out[len(head + scan) :].splitlines()
    assert [ln.split()[1] for ln in irqs[:-1]] == ["18", "17", "12", "11", "9"]
    assert irqs[0] == "  Interrupt 18 node_num is -1 (other/0:0) "
    assert irqs[-1] == "^C"
    # The class-0 interrupts live at package level: every CPU, already their mask, so nothing was written.
    assert m.sh("cat /proc/irq/17/smp_affinity").output == "f\n"


def test_banned_cpus_narrow_every_mask():
    """IRQBALANCE_BANNED_CPULIST=0 on the PC: the package is CPU1 alone; --oneshot writes that mask once."""
    m = irqlab.boot("pc", seed=1)
    out = m.sh("IRQBALANCE_BANNED_CPULIST=0 irqbalance --oneshot --debug | grep -v MASK", for_="20s").output
    assert out.startswith("Banned CPUs: 00000001\nPackage 0:  numa_node 0 cpu mask is 00000002 (load 0)\n")
    assert out.endswith("  Interrupt 25 node_num is -1 (other/0:0) \n  Interrupt 24 node_num is -1 (other/0:0) \n")
    assert m.sh("cat /proc/irq/24/smp_affinity_list /proc/irq/25/smp_affinity").output == "1\n2\n"
    assert m.sh("irqbalance --oneshot; cat /proc/irq/24/smp_affinity", for_="20s").output == "2\n"


def test_the_daemon_detaches_and_kill_ends_it():
    """Plain irqbalance forks: the prompt returns, the daemon has no terminal, `kill PID` stops it."""
    m = irqlab.boot("pc", seed=1)
    out = m.sh("irqbalance --banirq 25 --pid /tmp/ib.pid; ps -e -o pid,tty,comm | grep irqbalance").output
    pid = m.sh("cat /tmp/ib.pid").output.strip()
    assert out == f"IRQ 25 was BANNED.\n{pid:>7} ?        irqbalance\n"
    assert m.sh(f"kill {pid}; ps -e | grep -c irqbalance").output == "0\n"


def test_bad_options_print_the_usage():
    """Unknown options get getopt_long's message and the usage (there is no --banned-cpulist: the banned
    CPUs come from IRQBALANCE_BANNED_CPULIST); -V prints the version."""
    m = irqlab.boot("rpi5", seed=1)
    r = m.sh("irqbalance --banned-cpulist 3")
    assert r.output.startswith("irqbalance: unrecognized option '--banned-cpulist'\nirqbalance [--oneshot | -o]")
    assert r.status == 1
    assert m.sh("irqbalance -V").output == "irqbalance version 1.9.2\n"
    assert m.sh("irqbalance --interval 0").status == 1


def test_ethernet_interrupts_get_a_core_each():
    """Interrupts named "eth0 rx"/"eth0 tx" on GIC lines are gbit-ethernet class: placed at core level, one per
    least-loaded cache domain, their masks written to smp_affinity; class 0 stays at the package."""
    from types import SimpleNamespace

    from irqlab.hw.mmio import MmioDevice
    from irqlab.kernel import IRQ_HANDLED, free_irq, request_irq

    m = irqlab.boot("rpi5", seed=1)
    irqs = []
    for spi in (40, 41):
        MmioDevice(m.kernel.engine, f"nic{spi}", line=m.spi_line(spi))
        irqs.append(m.board.map_spi(spi, "level"))

    def init() -> int:
        for irq, name in zip(irqs, ("eth0 rx", "eth0 tx")):
            request_irq(irq, lambda irq, data: IRQ_HANDLED, 0, name, None)
        return 0

    def exit_() -> None:
        for irq in irqs:
            free_irq(irq, None)

    m.insmod(SimpleNamespace(module_init=init, module_exit=exit_, MODULE_NAME="nic", __name__="nic"))
    out = m.sh("irqbalance --oneshot --debug", for_="15s").output
    assert f"IRQ eth0 rx({irqs[0]}) guessed as class 5\nIRQ eth0 tx({irqs[1]}) guessed as class 5\n" in out
    assert out.endswith(
        "        Cache domain 0:  numa_node is 0 cpu mask is 00000001  (load 0) \n"
        "                CPU number 0  numa_node is 0 (load 0)\n"
        f"                  Interrupt {irqs[1]} node_num is -1 (gbit-ethernet/0:0) \n"
        "        Cache domain 1:  numa_node is 0 cpu mask is 00000002  (load 0) \n"
        "                CPU number 1  numa_node is 0 (load 0)\n"
        f"                  Interrupt {irqs[0]} node_num is -1 (gbit-ethernet/0:0) \n"
        "        Cache domain 2:  numa_node is 0 cpu mask is 00000004  (load 0) \n"
        "                CPU number 2  numa_node is 0 (load 0)\n"
        "        Cache domain 3:  numa_node is 0 cpu mask is 00000008  (load 0) \n"
        "                CPU number 3  numa_node is 0 (load 0)\n"
        "  Interrupt 12 node_num is -1 (other/0:0) \n"
        "  Interrupt 11 node_num is -1 (other/0:5) \n"
        "  Interrupt 9 node_num is -1 (other/0:0) \n")  # fmt: skip
    assert m.sh(f"cat /proc/irq/{irqs[0]}/smp_affinity /proc/irq/{irqs[1]}/smp_affinity /proc/irq/11/smp_affinity"
                ).output == "2\n1\nf\n"  # fmt: skip


def test_the_older_banned_cpus_mask_and_a_banned_module():
    """IRQBALANCE_BANNED_CPUS (a hex mask) still works with 1.9.2's warning; --banmod bans the interrupts whose
    name contains it, which keep their mask."""
    m = irqlab.boot("pc", seed=1)
    out = m.sh("IRQBALANCE_BANNED_CPUS=2 irqbalance --oneshot --debug --banmod i804", for_="15s").output
    assert out.startswith("IRQBALANCE_BANNED_CPUS is discarded, Use IRQBALANCE_BANNED_CPULIST instead\n"
                          "Banned CPUs: 00000002\n")  # fmt: skip
    assert "Adding IRQ 24 to database\nIRQ 25 was BANNED.\n" in out
    assert m.sh("cat /proc/irq/24/smp_affinity_list /proc/irq/25/smp_affinity_list").output == "0\n0-1\n"
