"""irqbalance 1.9.2 (Debian bookworm's), built for aarch64 or x86_64 as Debian builds it (no thermal events,
libnuma, the UI socket). Mirrors irqbalance.c, cputree.c, numa.c, classify.c, procinterrupts.c, irqlist.c,
placement.c and activate.c of irqbalance v1.9.2.

The daemon reads what the real one reads (/proc/interrupts, /proc/stat, /proc/irq/N/, /sys/devices/system/
cpu and node) and writes /proc/irq/N/smp_affinity, through the :class:`System` it is given (the shell's
files, its clock). Every ``sleep_interval`` seconds (10) it charges each CPU's irq+softirq time to the
interrupts that CPU served, moves interrupts off CPUs loaded above the others, and places every interrupt
that needs a home at the level its class asks for: class "other" at the package (every CPU of it), an
ethernet class at a core. ``--debug`` prints its object tree and decisions in the real tool's words.
"""

from irqlab.userspace.irqbalance.daemon import Irqbalance
from irqlab.userspace.irqbalance.types import NR_CPUS, System, cpumask_scnprintf

__all__ = ["Irqbalance", "System", "cpumask_scnprintf", "NR_CPUS"]
