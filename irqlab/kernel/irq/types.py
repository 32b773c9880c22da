"""Mirrors include/linux/irq.h, include/linux/irqdesc.h, include/linux/interrupt.h, include/linux/irqreturn.h,
kernel/irq/internals.h and kernel/irq/settings.h: the data structures and state bits of the generic IRQ layer.

State bits are the kernel's values, as module-level ``int`` constants, which the hot path uses. Each
group is also an ``enum.IntFlag`` built from those constants (``IrqdState``, ``IrqsState``,
``IrqSettings``, ``IrqfFlags``, ``IrqchipFlags``) for readable introspection.
# Performance trick: the flow handlers test and set plain ints; IntFlag arithmetic is ~20x slower.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from irqlab.kernel.core import kernel
from irqlab.kernel.cpumask import cpumask
from irqlab.kernel.locking.spinlock import raw_spinlock

if TYPE_CHECKING:
    from irqlab.kernel.irq.irqdomain import irq_domain
    from irqlab.kernel.kernel import Kernel
    from irqlab.kernel.sched.core import Task
    from irqlab.kernel.sched.wait import wait_queue_head

# -- include/linux/irqreturn.h ----------------------------------------------------------------
IRQ_NONE: Final = 0
IRQ_HANDLED: Final = 1 << 0
IRQ_WAKE_THREAD: Final = 1 << 1


def IRQ_RETVAL(x: Any) -> int:
    """IRQ_HANDLED if ``x`` is true, else IRQ_NONE."""
    return IRQ_HANDLED if x else IRQ_NONE


def _flags(name: str, doc: str, prefix: str, lo: int = 0, hi: int = 1 << 31) -> Any:
    """An ``enum.IntFlag`` of the module-level ``prefix*`` constants defined so far with a value in [lo, hi)."""
    members = {n: v for n, v in globals().items() if n.startswith(prefix) and isinstance(v, int) and lo <= v < hi}
    # Called through an Any: mypyc compiles a direct enum.IntFlag(name, ...) call as a class definition.
    make: Any = enum.IntFlag
    flags = make(name, members)
    flags.__doc__ = doc
    return flags


# -- include/linux/interrupt.h ----------------------------------------------------------------
IRQF_TRIGGER_NONE: Final = 0x00000000
IRQF_TRIGGER_RISING: Final = 0x00000001
IRQF_TRIGGER_FALLING: Final = 0x00000002
IRQF_TRIGGER_HIGH: Final = 0x00000004
IRQF_TRIGGER_LOW: Final = 0x00000008
IRQF_TRIGGER_MASK: Final = IRQF_TRIGGER_HIGH | IRQF_TRIGGER_LOW | IRQF_TRIGGER_RISING | IRQF_TRIGGER_FALLING
IRQF_TRIGGER_PROBE: Final = 0x00000010
IRQF_SHARED: Final = 0x00000080
IRQF_PROBE_SHARED: Final = 0x00000100
__IRQF_TIMER: Final = 0x00000200
IRQF_PERCPU: Final = 0x00000400
IRQF_NOBALANCING: Final = 0x00000800
IRQF_IRQPOLL: Final = 0x00001000
IRQF_ONESHOT: Final = 0x00002000
IRQF_NO_SUSPEND: Final = 0x00004000
IRQF_FORCE_RESUME: Final = 0x00008000
IRQF_NO_THREAD: Final = 0x00010000
IRQF_EARLY_RESUME: Final = 0x00020000
IRQF_COND_SUSPEND: Final = 0x00040000
IRQF_NO_AUTOEN: Final = 0x00080000
IRQF_NO_DEBUG: Final = 0x00100000
IRQF_COND_ONESHOT: Final = 0x00200000
IRQF_TIMER: Final = __IRQF_TIMER | IRQF_NO_SUSPEND | IRQF_NO_THREAD
IRQF_TIMER_FLAG: Final = __IRQF_TIMER  # the bare __IRQF_TIMER bit (Python hides double-underscore names in classes)
IrqfFlags = _flags("IrqfFlags", "The IRQF_* request flags (include/linux/interrupt.h).", "IRQF_")

IRQ_NOTCONNECTED: Final = 1 << 31

# request_any_context_irq() return values
IRQC_IS_HARDIRQ: Final = 0
IRQC_IS_NESTED: Final = 1

# irqaction->thread_flags bits (kernel/irq/internals.h enum)
IRQTF_RUNTHREAD: Final = 0
IRQTF_WARNED: Final = 1
IRQTF_AFFINITY: Final = 2
IRQTF_FORCED_THREAD: Final = 3
IRQTF_READY: Final = 4

# -- include/linux/irq.h: trigger types and settings ------------------------------------------
IRQ_TYPE_NONE: Final = 0x00000000
IRQ_TYPE_EDGE_RISING: Final = 0x00000001
IRQ_TYPE_EDGE_FALLING: Final = 0x00000002
IRQ_TYPE_EDGE_BOTH: Final = IRQ_TYPE_EDGE_FALLING | IRQ_TYPE_EDGE_RISING
IRQ_TYPE_LEVEL_HIGH: Final = 0x00000004
IRQ_TYPE_LEVEL_LOW: Final = 0x00000008
IRQ_TYPE_LEVEL_MASK: Final = IRQ_TYPE_LEVEL_LOW | IRQ_TYPE_LEVEL_HIGH
IRQ_TYPE_SENSE_MASK: Final = 0x0000000F
IRQ_TYPE_DEFAULT: Final = IRQ_TYPE_SENSE_MASK
IRQ_TYPE_PROBE: Final = 0x00000010


IRQ_LEVEL: Final = 1 << 8
IRQ_PER_CPU: Final = 1 << 9
IRQ_NOPROBE: Final = 1 << 10
IRQ_NOREQUEST: Final = 1 << 11
IRQ_NOAUTOEN: Final = 1 << 12
IRQ_NO_BALANCING: Final = 1 << 13
IRQ_MOVE_PCNTXT: Final = 1 << 14
IRQ_NESTED_THREAD: Final = 1 << 15
IRQ_NOTHREAD: Final = 1 << 16
IRQ_PER_CPU_DEVID: Final = 1 << 17
IRQ_IS_POLLED: Final = 1 << 18
IRQ_DISABLE_UNLAZY: Final = 1 << 19
IRQ_HIDDEN: Final = 1 << 20
IRQ_NO_DEBUG: Final = 1 << 21
IrqSettings = _flags("IrqSettings", "The IRQ_* status settings of a descriptor (include/linux/irq.h, behind kernel/irq/settings.h).", "IRQ_", 1 << 8, 1 << 22)
IRQF_MODIFY_MASK = (IRQ_TYPE_SENSE_MASK | IRQ_NOPROBE | IRQ_NOREQUEST | IRQ_NOAUTOEN | IRQ_MOVE_PCNTXT
                    | IRQ_LEVEL | IRQ_NO_BALANCING | IRQ_PER_CPU | IRQ_NESTED_THREAD | IRQ_NOTHREAD
                    | IRQ_PER_CPU_DEVID | IRQ_IS_POLLED | IRQ_DISABLE_UNLAZY | IRQ_HIDDEN)  # fmt: skip
IRQ_NO_BALANCING_MASK: Final = IRQ_PER_CPU | IRQ_NO_BALANCING
#: arm64 defines no ARCH_IRQ_INIT_FLAGS, so a new descriptor is requestable.
IRQ_DEFAULT_INIT_FLAGS: Final = 0


IRQD_TRIGGER_MASK: Final = 0xF
IRQD_SETAFFINITY_PENDING: Final = 1 << 8
IRQD_ACTIVATED: Final = 1 << 9
IRQD_NO_BALANCING: Final = 1 << 10
IRQD_PER_CPU: Final = 1 << 11
IRQD_AFFINITY_SET: Final = 1 << 12
IRQD_LEVEL: Final = 1 << 13
IRQD_WAKEUP_STATE: Final = 1 << 14
IRQD_MOVE_PCNTXT: Final = 1 << 15
IRQD_IRQ_DISABLED: Final = 1 << 16
IRQD_IRQ_MASKED: Final = 1 << 17
IRQD_IRQ_INPROGRESS: Final = 1 << 18
IRQD_WAKEUP_ARMED: Final = 1 << 19
IRQD_FORWARDED_TO_VCPU: Final = 1 << 20
IRQD_AFFINITY_MANAGED: Final = 1 << 21
IRQD_IRQ_STARTED: Final = 1 << 22
IRQD_MANAGED_SHUTDOWN: Final = 1 << 23
IRQD_SINGLE_TARGET: Final = 1 << 24
IRQD_DEFAULT_TRIGGER_SET: Final = 1 << 25
IRQD_CAN_RESERVE: Final = 1 << 26
IRQD_HANDLE_ENFORCE_IRQCTX: Final = 1 << 27
IRQD_AFFINITY_ON_ACTIVATE: Final = 1 << 28
IRQD_IRQ_ENABLED_ON_SUSPEND: Final = 1 << 29
IRQD_RESEND_WHEN_IN_PROGRESS: Final = 1 << 30
IrqdState = _flags("IrqdState", "The IRQD_* bits of irq_common_data.state_use_accessors (include/linux/irq.h, 6.12).", "IRQD_")


IRQS_AUTODETECT: Final = 0x00000001
IRQS_SPURIOUS_DISABLED: Final = 0x00000002
IRQS_POLL_INPROGRESS: Final = 0x00000008
IRQS_ONESHOT: Final = 0x00000020
IRQS_REPLAY: Final = 0x00000040
IRQS_WAITING: Final = 0x00000080
IRQS_PENDING: Final = 0x00000200
IRQS_SUSPENDED: Final = 0x00000800
IRQS_TIMINGS: Final = 0x00001000
IRQS_NMI: Final = 0x00002000
IRQS_SYSFS: Final = 0x00004000
IrqsState = _flags("IrqsState", "The IRQS_* bits of the descriptor's core internal state (kernel/irq/internals.h).", "IRQS_")


IRQCHIP_SET_TYPE_MASKED: Final = 1 << 0
IRQCHIP_EOI_IF_HANDLED: Final = 1 << 1
IRQCHIP_MASK_ON_SUSPEND: Final = 1 << 2
IRQCHIP_ONOFFLINE_ENABLED: Final = 1 << 3
IRQCHIP_SKIP_SET_WAKE: Final = 1 << 4
IRQCHIP_ONESHOT_SAFE: Final = 1 << 5
IRQCHIP_EOI_THREADED: Final = 1 << 6
IRQCHIP_SUPPORTS_LEVEL_MSI: Final = 1 << 7
IRQCHIP_SUPPORTS_NMI: Final = 1 << 8
IRQCHIP_ENABLE_WAKEUP_ON_SUSPEND: Final = 1 << 9
IRQCHIP_AFFINITY_PRE_STARTUP: Final = 1 << 10
IRQCHIP_IMMUTABLE: Final = 1 << 11
IrqchipFlags = _flags("IrqchipFlags", "The IRQCHIP_* flags of struct irq_chip (include/linux/irq.h, 6.12).", "IRQCHIP_")

# enum irqchip_irq_state
IRQCHIP_STATE_PENDING: Final = 0
IRQCHIP_STATE_ACTIVE: Final = 1
IRQCHIP_STATE_MASKED: Final = 2
IRQCHIP_STATE_LINE_LEVEL: Final = 3

# irq_set_affinity() return values of a chip
IRQ_SET_MASK_OK: Final = 0
IRQ_SET_MASK_OK_NOCOPY: Final = 1
IRQ_SET_MASK_OK_DONE: Final = 2

NUMA_NO_NODE: Final = -1
#: arm64 NR_IRQS (arch/arm64/include/asm/irq.h); nr_irqs grows as descriptors are allocated.
NR_IRQS: Final = 64
IRQ_BITMAP_BITS: Final = NR_IRQS + 8196

IrqHandler = Callable[[int, Any], int]
FlowHandler = Callable[["irq_desc"], None]


class irq_chip:
    """struct irq_chip: a controller's name, flags and callbacks (None where the chip has none).

    Callbacks take the line's :class:`irq_data` (``irq_set_type(d, type)``, ``irq_set_affinity(d, mask,
    force)`` with ``mask`` a CPU bitmask, ...), exactly as the C structure does.
    """

    _CALLBACKS = (
        "irq_startup", "irq_shutdown", "irq_enable", "irq_disable", "irq_ack", "irq_mask", "irq_mask_ack",
        "irq_unmask", "irq_eoi", "irq_set_affinity", "irq_retrigger", "irq_set_type", "irq_set_wake",
        "irq_bus_lock", "irq_bus_sync_unlock", "irq_suspend", "irq_resume", "irq_pm_shutdown",
        "irq_print_chip", "irq_request_resources", "irq_release_resources", "irq_get_irqchip_state",
        "irq_set_irqchip_state", "irq_set_vcpu_affinity", "irq_cpu_online", "irq_cpu_offline",
    )  # fmt: skip

    def __init__(self, name: str | None = None, *, flags: int = 0, **callbacks: Any) -> None:
        self.name = name
        self.flags = flags
        for cb in self._CALLBACKS:
            setattr(self, cb, None)
        for key, fn in callbacks.items():
            if key not in self._CALLBACKS:
                raise TypeError(f"irq_chip has no callback {key!r}; known callbacks: {', '.join(self._CALLBACKS)}")
            setattr(self, key, fn)

    # Declared for type checkers; set in __init__.
    irq_startup: Any
    irq_shutdown: Any
    irq_enable: Any
    irq_disable: Any
    irq_ack: Any
    irq_mask: Any
    irq_mask_ack: Any
    irq_unmask: Any
    irq_eoi: Any
    irq_set_affinity: Any
    irq_retrigger: Any
    irq_set_type: Any
    irq_set_wake: Any
    irq_bus_lock: Any
    irq_bus_sync_unlock: Any
    irq_suspend: Any
    irq_resume: Any
    irq_pm_shutdown: Any
    irq_print_chip: Any
    irq_request_resources: Any
    irq_release_resources: Any
    irq_get_irqchip_state: Any
    irq_set_irqchip_state: Any
    irq_set_vcpu_affinity: Any
    irq_cpu_online: Any
    irq_cpu_offline: Any

    def __repr__(self) -> str:
        return f"<irq_chip {self.name}>"


class irq_common_data:
    """struct irq_common_data: state shared by every level of a hierarchy."""

    __slots__ = ("state_use_accessors", "node", "handler_data", "msi_desc", "affinity", "effective_affinity")

    def __init__(self) -> None:
        self.state_use_accessors = 0
        self.node = NUMA_NO_NODE
        self.handler_data: Any = None
        self.msi_desc: Any = None
        #: CPU bitmask (bit n = CPU n).
        self.affinity = 0
        self.effective_affinity = 0


class irq_data:
    """struct irq_data: one level of a line (chip, hwirq, domain) with a pointer to the common state."""

    __slots__ = ("mask", "irq", "hwirq", "common", "chip", "domain", "parent_data", "chip_data", "desc")

    def __init__(self, irq: int, common: irq_common_data, desc: irq_desc) -> None:
        self.mask = 0
        self.irq = irq
        self.hwirq = 0
        self.common = common
        self.chip: irq_chip = None  # type: ignore[assignment]  # set to no_irq_chip by desc_set_defaults
        self.domain: irq_domain | None = None
        self.parent_data: irq_data | None = None
        self.chip_data: Any = None
        self.desc = desc

    def __repr__(self) -> str:
        return f"<irq_data irq={self.irq} hwirq={self.hwirq} chip={self.chip.name if self.chip else None}>"


class irqaction:
    """struct irqaction: one handler on a line (chained through ``next`` in request order)."""

    __slots__ = ("handler", "dev_id", "percpu_dev_id", "next", "thread_fn", "thread", "secondary", "irq",
                 "flags", "thread_flags", "thread_mask", "name", "dir", "devm", "__weakref__")  # fmt: skip

    def __init__(self, handler: IrqHandler | None, thread_fn: IrqHandler | None, flags: int, name: str,
                 dev_id: Any) -> None:  # fmt: skip
        self.handler = handler
        self.dev_id = dev_id
        self.percpu_dev_id: Any = None
        self.next: irqaction | None = None
        self.thread_fn = thread_fn
        self.thread: Task | None = None
        self.secondary: irqaction | None = None
        self.irq = 0
        self.flags = flags
        self.thread_flags = 0
        self.thread_mask = 0
        self.name = name
        self.dir = False
        self.devm = False

    def __repr__(self) -> str:
        return f"<irqaction {self.name} irq={self.irq} flags={self.flags:#x}>"


class irq_desc:
    """struct irq_desc: one Linux interrupt number."""

    __slots__ = (
        "irq_common_data", "irq_data", "kstat_irqs", "handle_irq", "action", "status_use_accessors", "istate",
        "depth", "wake_depth", "tot_count", "irq_count", "last_unhandled", "irqs_unhandled", "threads_handled",
        "threads_handled_last", "lock", "percpu_enabled", "percpu_affinity", "affinity_hint", "affinity_notify",
        "pending_mask", "threads_oneshot", "threads_active", "wait_for_threads", "nr_actions", "no_suspend_depth",
        "cond_suspend_depth", "force_resume_depth", "dir", "request_mutex", "parent_irq", "owner", "name",
        "resend_node", "sysfs", "k", "__weakref__",
    )  # fmt: skip

    def __init__(self, k: Kernel, irq: int, ncpus: int) -> None:
        self.k = k
        self.irq_common_data = irq_common_data()
        self.irq_data = irq_data(irq, self.irq_common_data, self)
        self.kstat_irqs = [0] * ncpus
        self.handle_irq: FlowHandler = None  # type: ignore[assignment]
        self.action: irqaction | None = None
        self.status_use_accessors = 0
        self.istate = 0
        self.depth = 1
        self.wake_depth = 0
        self.tot_count = 0
        self.irq_count = 0
        self.last_unhandled = 0
        self.irqs_unhandled = 0
        self.threads_handled = 0
        self.threads_handled_last = 0
        self.lock = raw_spinlock(f"irq_desc_lock_class#{irq}")
        self.percpu_enabled = 0
        self.percpu_affinity = 0
        #: The driver's hint: a CPU bitmask as an int, or its struct cpumask, kept as the kernel keeps the pointer.
        self.affinity_hint: int | cpumask | None = None
        self.affinity_notify: Any = None
        self.pending_mask = 0
        self.threads_oneshot = 0
        self.threads_active = 0
        self.wait_for_threads: wait_queue_head = None  # type: ignore[assignment]
        self.nr_actions = 0
        self.no_suspend_depth = 0
        self.cond_suspend_depth = 0
        self.force_resume_depth = 0
        self.dir = False
        self.request_mutex: Any = None
        self.parent_irq = 0
        self.owner: Any = None
        self.name: str | None = None
        self.resend_node = False
        self.sysfs = False

    @property
    def irq(self) -> int:
        return self.irq_data.irq

    def __repr__(self) -> str:
        return (f"<irq_desc {self.irq_data.irq} chip={self.irq_data.chip.name if self.irq_data.chip else None} "
                f"depth={self.depth} state={IrqdState(self.irq_common_data.state_use_accessors)!r}>")  # fmt: skip


# -- kernel/irq/settings.h and include/linux/irq.h accessors ------------------------------------
def irqd_get_trigger_type(d: irq_data) -> int:
    return d.common.state_use_accessors & IRQD_TRIGGER_MASK


def irqd_set_trigger_type(d: irq_data, type: int) -> None:
    """Must only be called inside irq_chip.irq_set_type() functions or from the DT/ACPI setup code."""
    c = d.common
    c.state_use_accessors = (c.state_use_accessors & ~IRQD_TRIGGER_MASK) | (type & IRQD_TRIGGER_MASK)
    c.state_use_accessors |= IRQD_DEFAULT_TRIGGER_SET


def irqd_trigger_type_was_set(d: irq_data) -> bool:
    return bool(d.common.state_use_accessors & IRQD_DEFAULT_TRIGGER_SET)


def irqd_is_level_type(d: irq_data) -> bool:
    return bool(d.common.state_use_accessors & IRQD_LEVEL)


def irqd_is_per_cpu(d: irq_data) -> bool:
    return bool(d.common.state_use_accessors & IRQD_PER_CPU)


def irqd_can_balance(d: irq_data) -> bool:
    return not d.common.state_use_accessors & (IRQD_PER_CPU | IRQD_NO_BALANCING)


def irqd_affinity_was_set(d: irq_data) -> bool:
    return bool(d.common.state_use_accessors & IRQD_AFFINITY_SET)


def irqd_is_wakeup_set(d: irq_data) -> bool:
    return bool(d.common.state_use_accessors & IRQD_WAKEUP_STATE)


def irqd_irq_disabled(d: irq_data) -> bool:
    return bool(d.common.state_use_accessors & IRQD_IRQ_DISABLED)


def irqd_irq_masked(d: irq_data) -> bool:
    return bool(d.common.state_use_accessors & IRQD_IRQ_MASKED)


def irqd_irq_inprogress(d: irq_data) -> bool:
    return bool(d.common.state_use_accessors & IRQD_IRQ_INPROGRESS)


def irqd_is_wakeup_armed(d: irq_data) -> bool:
    return bool(d.common.state_use_accessors & IRQD_WAKEUP_ARMED)


def irqd_affinity_is_managed(d: irq_data) -> bool:
    return bool(d.common.state_use_accessors & IRQD_AFFINITY_MANAGED)


def irqd_is_activated(d: irq_data) -> bool:
    return bool(d.common.state_use_accessors & IRQD_ACTIVATED)


def irqd_is_started(d: irq_data) -> bool:
    return bool(d.common.state_use_accessors & IRQD_IRQ_STARTED)


def irqd_is_managed_and_shutdown(d: irq_data) -> bool:
    return bool(d.common.state_use_accessors & IRQD_MANAGED_SHUTDOWN)


def irqd_is_single_target(d: irq_data) -> bool:
    return bool(d.common.state_use_accessors & IRQD_SINGLE_TARGET)


def irqd_set_single_target(d: irq_data) -> None:
    d.common.state_use_accessors |= IRQD_SINGLE_TARGET


def irqd_is_handle_enforce_irqctx(d: irq_data) -> bool:
    return bool(d.common.state_use_accessors & IRQD_HANDLE_ENFORCE_IRQCTX)


def irqd_set_handle_enforce_irqctx(d: irq_data) -> None:
    d.common.state_use_accessors |= IRQD_HANDLE_ENFORCE_IRQCTX


def irqd_is_enabled_on_suspend(d: irq_data) -> bool:
    return bool(d.common.state_use_accessors & IRQD_IRQ_ENABLED_ON_SUSPEND)


def irqd_needs_resend_when_in_progress(d: irq_data) -> bool:
    return bool(d.common.state_use_accessors & IRQD_RESEND_WHEN_IN_PROGRESS)


def irqd_set_resend_when_in_progress(d: irq_data) -> None:
    d.common.state_use_accessors |= IRQD_RESEND_WHEN_IN_PROGRESS


def irqd_set(d: irq_data, mask: int) -> None:
    d.common.state_use_accessors |= mask


def irqd_clear(d: irq_data, mask: int) -> None:
    d.common.state_use_accessors &= ~mask


def irqd_to_hwirq(d: irq_data) -> int:
    return d.hwirq


def irq_data_get_irq_chip(d: irq_data) -> irq_chip:
    return d.chip


def irq_data_get_irq_chip_data(d: irq_data) -> Any:
    return d.chip_data


def irq_data_get_irq_handler_data(d: irq_data) -> Any:
    return d.common.handler_data


def irq_data_get_affinity_mask(d: irq_data) -> int:
    return d.common.affinity


def irq_data_get_effective_affinity_mask(d: irq_data) -> int:
    return d.common.effective_affinity


def irq_data_update_effective_affinity(d: irq_data, mask: int) -> None:
    """Record the CPUs the chip really delivers to (a CPU bitmask)."""
    d.common.effective_affinity = int(mask)


def irq_data_update_affinity(d: irq_data, mask: int) -> None:
    d.common.affinity = int(mask)


def irq_data_to_desc(d: irq_data) -> irq_desc:
    return d.desc


def irq_desc_get_irq(desc: irq_desc) -> int:
    return desc.irq_data.irq


def irq_desc_get_irq_data(desc: irq_desc) -> irq_data:
    return desc.irq_data


def irq_desc_get_chip(desc: irq_desc) -> irq_chip:
    return desc.irq_data.chip


def irq_desc_get_chip_data(desc: irq_desc) -> Any:
    return desc.irq_data.chip_data


def irq_desc_get_handler_data(desc: irq_desc) -> Any:
    return desc.irq_common_data.handler_data


# kernel/irq/chip.c's, here because irq_desc_is_chained() tests for it (chip.py re-exports it).
def _bad_chained_irq(irq: int, dev_id: Any) -> int:
    k = kernel()
    k.bugs.warn("kernel/irq/chip.c", 25, k.format("Chained irq %d should not call an action\n", (irq,)),
                once_key=("chip.c", 25))  # fmt: skip
    return IRQ_NONE


#: The action installed on a line with a chained handler (it must never be called).
chained_action = irqaction(_bad_chained_irq, None, 0, "", None)


def irq_desc_kstat_cpu(desc: irq_desc, cpu: int) -> int:
    return desc.kstat_irqs[cpu] if 0 <= cpu < len(desc.kstat_irqs) else 0


def irq_desc_is_chained(desc: irq_desc) -> bool:
    return desc.action is chained_action


# settings.h
def irq_settings_is_level(desc: irq_desc) -> bool:
    return bool(desc.status_use_accessors & IRQ_LEVEL)


def irq_settings_is_per_cpu(desc: irq_desc) -> bool:
    return bool(desc.status_use_accessors & IRQ_PER_CPU)


def irq_settings_is_per_cpu_devid(desc: irq_desc) -> bool:
    return bool(desc.status_use_accessors & IRQ_PER_CPU_DEVID)


def irq_settings_can_request(desc: irq_desc) -> bool:
    return not desc.status_use_accessors & IRQ_NOREQUEST


def irq_settings_can_autoenable(desc: irq_desc) -> bool:
    return not desc.status_use_accessors & IRQ_NOAUTOEN


def irq_settings_can_thread(desc: irq_desc) -> bool:
    return not desc.status_use_accessors & IRQ_NOTHREAD


def irq_settings_is_nested_thread(desc: irq_desc) -> bool:
    return bool(desc.status_use_accessors & IRQ_NESTED_THREAD)


def irq_settings_is_polled(desc: irq_desc) -> bool:
    return bool(desc.status_use_accessors & IRQ_IS_POLLED)


def irq_settings_disable_unlazy(desc: irq_desc) -> bool:
    return bool(desc.status_use_accessors & IRQ_DISABLE_UNLAZY)


def irq_settings_is_hidden(desc: irq_desc) -> bool:
    return bool(desc.status_use_accessors & IRQ_HIDDEN)


def irq_settings_no_debug(desc: irq_desc) -> bool:
    return bool(desc.status_use_accessors & IRQ_NO_DEBUG)


def irq_settings_has_no_balance_set(desc: irq_desc) -> bool:
    return bool(desc.status_use_accessors & IRQ_NO_BALANCING)


__all__ = [
    "IRQ_NONE", "IRQ_HANDLED", "IRQ_WAKE_THREAD", "IRQ_RETVAL", "IrqfFlags", "IRQF_TRIGGER_NONE",
    "IRQF_TRIGGER_RISING", "IRQF_TRIGGER_FALLING", "IRQF_TRIGGER_HIGH", "IRQF_TRIGGER_LOW", "IRQF_TRIGGER_MASK",
    "IRQF_TRIGGER_PROBE", "IRQF_SHARED", "IRQF_PROBE_SHARED", "IRQF_PERCPU", "IRQF_NOBALANCING", "IRQF_IRQPOLL",
    "IRQF_ONESHOT", "IRQF_NO_SUSPEND", "IRQF_FORCE_RESUME", "IRQF_NO_THREAD", "IRQF_EARLY_RESUME",
    "IRQF_COND_SUSPEND", "IRQF_NO_AUTOEN", "IRQF_NO_DEBUG", "IRQF_COND_ONESHOT", "IRQF_TIMER", "IRQF_TIMER_FLAG",
    "IRQ_NOTCONNECTED", "IRQC_IS_HARDIRQ", "IRQC_IS_NESTED", "IRQ_TYPE_NONE", "IRQ_TYPE_EDGE_RISING",
    "IRQ_TYPE_EDGE_FALLING", "IRQ_TYPE_EDGE_BOTH", "IRQ_TYPE_LEVEL_HIGH", "IRQ_TYPE_LEVEL_LOW",
    "IRQ_TYPE_LEVEL_MASK", "IRQ_TYPE_SENSE_MASK", "IRQ_TYPE_DEFAULT", "IRQ_TYPE_PROBE", "IrqSettings",
    "IRQ_LEVEL", "IRQ_PER_CPU", "IRQ_NOPROBE", "IRQ_NOREQUEST", "IRQ_NOAUTOEN", "IRQ_NO_BALANCING",
    "IRQ_MOVE_PCNTXT", "IRQ_NESTED_THREAD", "IRQ_NOTHREAD", "IRQ_PER_CPU_DEVID", "IRQ_IS_POLLED",
    "IRQ_DISABLE_UNLAZY", "IRQ_HIDDEN", "IRQ_NO_DEBUG", "IrqdState", "IRQD_TRIGGER_MASK",
    "IRQD_SETAFFINITY_PENDING", "IRQD_ACTIVATED", "IRQD_NO_BALANCING", "IRQD_PER_CPU", "IRQD_AFFINITY_SET",
    "IRQD_LEVEL", "IRQD_WAKEUP_STATE", "IRQD_MOVE_PCNTXT", "IRQD_IRQ_DISABLED", "IRQD_IRQ_MASKED",
    "IRQD_IRQ_INPROGRESS", "IRQD_WAKEUP_ARMED", "IRQD_FORWARDED_TO_VCPU", "IRQD_AFFINITY_MANAGED",
    "IRQD_IRQ_STARTED", "IRQD_MANAGED_SHUTDOWN", "IRQD_SINGLE_TARGET", "IRQD_DEFAULT_TRIGGER_SET",
    "IRQD_CAN_RESERVE", "IRQD_HANDLE_ENFORCE_IRQCTX", "IRQD_AFFINITY_ON_ACTIVATE", "IRQD_IRQ_ENABLED_ON_SUSPEND",
    "IRQD_RESEND_WHEN_IN_PROGRESS", "IrqsState", "IRQS_AUTODETECT", "IRQS_SPURIOUS_DISABLED",
    "IRQS_POLL_INPROGRESS", "IRQS_ONESHOT", "IRQS_REPLAY", "IRQS_WAITING", "IRQS_PENDING", "IRQS_SUSPENDED",
    "IRQS_NMI", "IrqchipFlags", "IRQCHIP_SET_TYPE_MASKED", "IRQCHIP_EOI_IF_HANDLED", "IRQCHIP_MASK_ON_SUSPEND",
    "IRQCHIP_ONOFFLINE_ENABLED", "IRQCHIP_SKIP_SET_WAKE", "IRQCHIP_ONESHOT_SAFE", "IRQCHIP_EOI_THREADED",
    "IRQCHIP_SUPPORTS_LEVEL_MSI", "IRQCHIP_SUPPORTS_NMI", "IRQCHIP_ENABLE_WAKEUP_ON_SUSPEND",
    "IRQCHIP_AFFINITY_PRE_STARTUP", "IRQCHIP_IMMUTABLE", "IRQCHIP_STATE_PENDING", "IRQCHIP_STATE_ACTIVE",
    "IRQCHIP_STATE_MASKED", "IRQCHIP_STATE_LINE_LEVEL", "IRQ_SET_MASK_OK", "IRQ_SET_MASK_OK_NOCOPY",
    "IRQ_SET_MASK_OK_DONE", "NUMA_NO_NODE", "NR_IRQS", "irq_chip", "irq_common_data", "irq_data", "irqaction",
    "irq_desc", "irqd_get_trigger_type", "irqd_set_trigger_type", "irqd_trigger_type_was_set",
    "irqd_is_level_type", "irqd_is_per_cpu", "irqd_can_balance", "irqd_affinity_was_set", "irqd_is_wakeup_set",
    "irqd_irq_disabled", "irqd_irq_masked", "irqd_irq_inprogress", "irqd_is_wakeup_armed",
    "irqd_affinity_is_managed", "irqd_is_activated", "irqd_is_started", "irqd_is_managed_and_shutdown",
    "irqd_is_single_target", "irqd_set_single_target", "irqd_is_handle_enforce_irqctx",
    "irqd_set_handle_enforce_irqctx", "irqd_set_resend_when_in_progress", "irqd_to_hwirq",
    "irq_data_get_irq_chip", "irq_data_get_irq_chip_data", "irq_data_get_irq_handler_data",
    "irq_data_get_affinity_mask", "irq_data_get_effective_affinity_mask", "irq_data_update_effective_affinity",
    "irq_data_update_affinity", "irq_desc_get_irq", "irq_desc_get_irq_data", "irq_desc_get_chip",
    "irq_desc_get_chip_data", "irq_desc_get_handler_data", "irq_desc_kstat_cpu",
]  # fmt: skip
