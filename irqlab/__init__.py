"""irqlab: a deterministic laboratory for Linux interrupt handling and deferred work.

Boot a simulated board, load kernel-style Python drivers, inject hardware events and
read what a real kernel would show::

    import irqlab
    m = irqlab.boot("generic", cpus=4, seed=1)
    m.insmod(my_driver)
    m.run(until="100ms")
    print(m.dmesg())
"""

from irqlab.kernel.panic import KernelBugError
from irqlab.machine import Machine, boot
from irqlab.sim import InternalError, StalledError

__version__ = "0.1.0"

__all__ = ["boot", "Machine", "KernelBugError", "StalledError", "InternalError", "__version__"]
