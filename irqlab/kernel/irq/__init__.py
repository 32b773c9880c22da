"""The generic IRQ layer (kernel/irq/): descriptors, chips, flow handlers, the driver API, domains.

Genericirq's three layers stay apart: the driver API (manage*.py) never touches a chip, the flow
handlers (chip.py) call only chip callbacks, and chips never see an irqaction.
"""

from irqlab.kernel.irq.chip import *  # noqa: F403
from irqlab.kernel.irq.chip import __all__ as _chip_all
from irqlab.kernel.irq.chip_flow import *  # noqa: F403
from irqlab.kernel.irq.chip_flow import __all__ as _chip_flow_all
from irqlab.kernel.irq.cpuhotplug import *  # noqa: F403
from irqlab.kernel.irq.cpuhotplug import __all__ as _cpuhotplug_all
from irqlab.kernel.irq.devres import *  # noqa: F403
from irqlab.kernel.irq.devres import __all__ as _devres_all
from irqlab.kernel.irq.dummychip import *  # noqa: F403
from irqlab.kernel.irq.dummychip import __all__ as _dummychip_all
from irqlab.kernel.irq.handle import *  # noqa: F403
from irqlab.kernel.irq.handle import __all__ as _handle_all
from irqlab.kernel.irq.irq_sim import *  # noqa: F403
from irqlab.kernel.irq.irq_sim import __all__ as _irq_sim_all
from irqlab.kernel.irq.irqdesc import *  # noqa: F403
from irqlab.kernel.irq.irqdesc import __all__ as _irqdesc_all
from irqlab.kernel.irq.irqdesc_alloc import *  # noqa: F403
from irqlab.kernel.irq.irqdesc_alloc import __all__ as _irqdesc_alloc_all
from irqlab.kernel.irq.irqdomain import *  # noqa: F403
from irqlab.kernel.irq.irqdomain import __all__ as _irqdomain_all
from irqlab.kernel.irq.manage import *  # noqa: F403
from irqlab.kernel.irq.manage import __all__ as _manage_all
from irqlab.kernel.irq.manage_affinity import *  # noqa: F403
from irqlab.kernel.irq.manage_affinity import __all__ as _manage_affinity_all
from irqlab.kernel.irq.manage_percpu import *  # noqa: F403
from irqlab.kernel.irq.manage_percpu import __all__ as _manage_percpu_all
from irqlab.kernel.irq.manage_thread import *  # noqa: F403
from irqlab.kernel.irq.manage_thread import __all__ as _manage_thread_all
from irqlab.kernel.irq.pm import *  # noqa: F403
from irqlab.kernel.irq.pm import __all__ as _pm_all
from irqlab.kernel.irq.resend import *  # noqa: F403
from irqlab.kernel.irq.resend import __all__ as _resend_all
from irqlab.kernel.irq.types import *  # noqa: F403
from irqlab.kernel.irq.types import __all__ as _types_all

__all__ = (
    _types_all + _handle_all + _dummychip_all + _chip_all + _chip_flow_all + _irqdesc_all + _irqdesc_alloc_all + _manage_all + _manage_affinity_all + _manage_thread_all + _manage_percpu_all
    + _resend_all + _irqdomain_all + _pm_all + _cpuhotplug_all + _irq_sim_all + _devres_all
)  # fmt: skip
