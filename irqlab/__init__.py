"""irqlab: a deterministic laboratory for Linux interrupt handling and deferred work.

Boot a simulated board, load kernel-style Python drivers, inject hardware events and
read what a real kernel would show::

    import irqlab
    m = irqlab.boot("generic", cpus=4, seed=1)
    m.insmod(my_driver)
    m.run(until="100ms")
    print(m.dmesg())
"""

import os as _os

from irqlab import _build

if _os.environ.get("IRQLAB_PURE", "").strip() not in ("", "0"):
    _build.force_pure()

from irqlab.kernel.panic import KernelBugError  # noqa: E402
from irqlab.machine import Machine, boot  # noqa: E402
from irqlab.sim import InternalError, StalledError  # noqa: E402

#: True when the core runs as C compiled by mypyc, False on the pure-Python package (or under IRQLAB_PURE=1).
compiled: bool = _build.is_compiled()

__version__ = "0.1.0"

__all__ = ["boot", "Machine", "KernelBugError", "StalledError", "InternalError", "__version__", "compiled"]
