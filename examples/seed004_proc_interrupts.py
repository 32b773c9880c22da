"""/proc/interrupts on a PC: eth0 on IO-APIC pin 24 (fasteoi, level) and i8042 on pin 25 (edge), counted per CPU.

Seed 004's "Viewing IRQ Information: /proc/interrupts". The pc board wires eth0 (a PCI NIC on a
level, active-low INTx line, NAPI driver) to IO-APIC GSI 24 and the i8042 keyboard controller to
GSI 25, as the seed's excerpt shows them. Traffic arrives on eth0 and keys are typed; halfway
through, an irqbalance-like step moves both lines from CPU0 to CPU1 (writing
/proc/irq/N/smp_affinity), so both per-CPU columns fill, as in the excerpt's "1234 5678".

Reading the columns (the seed's list, corrected): the number is the Linux irq; one count per
online CPU; the irqchip (IO-APIC); then "24-fasteoi": the IO-APIC pin (hwirq) and the name of the
flow handler, handle_fasteoi_irq for a level pin or handle_edge_irq ("edge") for an edge pin,
which is how the trigger type shows on x86 (there is no Level/Edge column as on arm64); last,
the names passed to request_irq(). Below the device lines x86 prints its arch rows (NMI, LOC,
...). A keyboard on a real PC is on irq 1; the pc board uses 25 to match the seed.
"""

from __future__ import annotations

import irqlab
from irqlab.machine import Machine

SEED_SECTION = "004: Viewing IRQ Information: /proc/interrupts"


def main(seed: int = 1) -> Machine:
    """20000 packets/s on eth0 and a key every 40 ms from 2 to 98 ms; both lines move to CPU1 at 50 ms."""
    m = irqlab.boot("pc", seed=seed)
    nic = m.kernel.subsys["pc_nic"]
    kbd = m.kernel.subsys["pc_i8042"]
    nic.generate(20_000, start="2ms", until="98ms")
    for i, key in enumerate(("q", "a", "1")):
        kbd.key(key, at=f"{10 + 40 * i}ms", hold="20ms")
    m.run(until="50ms")
    shown["/proc/interrupts at 50 ms"] = m.read("/proc/interrupts")
    # irqbalance: `echo 2 > /proc/irq/24/smp_affinity`, same for 25
    for irq in (24, 25):
        m.write(f"/proc/irq/{irq}/smp_affinity", "2\n")
    m.run(until="100ms")
    shown["/proc/interrupts at 100 ms"] = m.read("/proc/interrupts")
    return m


shown: dict[str, str] = {}


def report(m: Machine) -> str:
    """/proc/interrupts before and after the affinity change."""
    return "".join(f"--- $ cat /proc/interrupts ({what[len('/proc/interrupts '):]}) ---\n{text}"
                   for what, text in shown.items())  # fmt: skip


if __name__ == "__main__":
    print(main().dmesg() + report(None), end="")  # type: ignore[arg-type]
