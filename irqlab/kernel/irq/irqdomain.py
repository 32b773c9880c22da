"""Mirrors kernel/irq/irqdomain.c: translation of hardware interrupt numbers (hwirq) to Linux irqs.

A domain maps hwirqs of one controller to virqs. Linear and tree domains differ in the kernel only
by their reverse-map storage; here both use one dict (hwirq -> descriptor). Hierarchical domains
(``ops.alloc``) give each virq one ``irq_data`` per level, chained through ``parent_data``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from irqlab.errno import EINVAL, ENOENT, ENOMEM, ENOSYS, EPERM
from irqlab.kernel.core import kernel
from irqlab.kernel.irq.chip import (
    __irq_set_handler,
    irq_clear_status_flags,
    irq_set_chip_and_handler,
    irq_set_handler,
    irq_set_handler_data,
    irq_set_irq_type,
    irq_set_status_flags,
    no_irq_chip,
)
from irqlab.kernel.irq.irqdesc import (
    handle_irq_desc,
    irq_subsys,
    irq_to_desc,
)
from irqlab.kernel.irq.irqdesc_alloc import __irq_alloc_descs, irq_alloc_descs, irq_free_desc, irq_free_descs
from irqlab.kernel.irq.irqdomain_activate import (  # re-exported: part of irqdomain.c
    irq_domain_activate_irq,
    irq_domain_deactivate_irq,
)
from irqlab.kernel.irq.types import (
    IRQ_NOREQUEST,
    IRQ_TYPE_NONE,
    IRQ_TYPE_SENSE_MASK,
    IRQD_TRIGGER_MASK,
    NUMA_NO_NODE,
    irq_chip,
    irq_data,
    irq_desc,
    irqd_set_trigger_type,
)
from irqlab.kernel.preempt import local_irq_restore, local_irq_save
from irqlab.kernel.printk import KERN_INFO, KERN_WARNING, vprintk
from irqlab.kernel.stacktrace import ENABLED as KSTACK
from irqlab.kernel.stacktrace import popped, push

if TYPE_CHECKING:
    from irqlab.kernel.irq.irqdesc import irq_affinity_desc
    from irqlab.kernel.kernel import Kernel

IRQ_DOMAIN_FLAG_HIERARCHY: Final = 1 << 0
IRQ_DOMAIN_NAME_ALLOCATED: Final = 1 << 1
IRQ_DOMAIN_FLAG_IPI_PER_CPU: Final = 1 << 2
IRQ_DOMAIN_FLAG_IPI_SINGLE: Final = 1 << 3
IRQ_DOMAIN_FLAG_MSI: Final = 1 << 4
IRQ_DOMAIN_FLAG_NO_MAP: Final = 1 << 6

DOMAIN_BUS_ANY: Final = 0
DOMAIN_BUS_WIRED: Final = 1


class fwnode_handle:
    """struct fwnode_handle: the firmware node (device-tree node) a domain belongs to."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<fwnode {self.name}>"


class irq_fwspec:
    """struct irq_fwspec: a firmware interrupt specifier (fwnode plus cells, e.g. GIC <SPI n flags>)."""

    def __init__(self, fwnode: fwnode_handle | None, param: list[int] | tuple[int, ...]) -> None:
        self.fwnode = fwnode
        self.param = list(param)

    @property
    def param_count(self) -> int:
        return len(self.param)


class irq_domain_ops:
    """struct irq_domain_ops: callbacks of a domain (None where absent)."""

    # A driver's callback may return None for 0 (a lambda around a void call): typed so, the compiled core takes
    # it as the interpreted one does.
    def __init__(self, *, map: Callable[..., int | None] | None = None, unmap: Callable[..., None] | None = None,
                 xlate: Callable[..., Any] | None = None, alloc: Callable[..., int | None] | None = None,
                 free: Callable[..., None] | None = None, activate: Callable[..., int | None] | None = None,
                 deactivate: Callable[..., None] | None = None,
                 translate: Callable[..., Any] | None = None) -> None:  # fmt: skip
        self.map = map
        self.unmap = unmap
        self.xlate = xlate
        self.alloc = alloc
        self.free = free
        self.activate = activate
        self.deactivate = deactivate
        self.translate = translate


class irq_domain:
    """struct irq_domain."""

    def __init__(self, fwnode: fwnode_handle | None, size: int, hwirq_max: int, ops: irq_domain_ops,
                 host_data: Any) -> None:  # fmt: skip
        self.fwnode = fwnode
        self.name = fwnode.name if fwnode is not None else "unknown"
        self.ops = ops
        self.host_data = host_data
        self.flags = IRQ_DOMAIN_FLAG_HIERARCHY if ops.alloc is not None else 0
        self.revmap_size = size
        self.hwirq_max = hwirq_max
        #: hwirq -> descriptor (the linear revmap and the radix tree in one).
        self.revmap: dict[int, irq_desc] = {}
        #: hwirq -> irq_data of this level (hierarchies).
        self.levels: dict[int, irq_data] = {}
        self.parent: irq_domain | None = None
        self.mapcount = 0
        self.bus_token = DOMAIN_BUS_ANY
        self.pm_dev: Any = None

    @property
    def root(self) -> irq_domain:
        d = self
        while d.parent is not None:
            d = d.parent
        return d

    def __repr__(self) -> str:
        return f"<irq_domain {self.name} mapped={self.mapcount}>"


def _subsys(k: Kernel) -> Any:
    return irq_subsys(k)


def irq_domain_is_hierarchy(domain: irq_domain) -> bool:
    return bool(domain.flags & IRQ_DOMAIN_FLAG_HIERARCHY)


def __irq_domain_create(fwnode: fwnode_handle | None, size: int, hwirq_max: int, ops: irq_domain_ops,
                        host_data: Any) -> irq_domain:  # fmt: skip
    k = kernel()
    domain = irq_domain(fwnode, size, hwirq_max, ops, host_data)
    _subsys(k).domains.append(domain)
    return domain


def irq_domain_create_linear(fwnode: fwnode_handle | None, size: int, ops: irq_domain_ops,
                             host_data: Any) -> irq_domain:  # fmt: skip
    """A domain for ``size`` hwirqs 0..size-1 (a linear reverse map)."""
    return __irq_domain_create(fwnode, size, size, ops, host_data)


def irq_domain_add_linear(of_node: fwnode_handle | None, size: int, ops: irq_domain_ops, host_data: Any) -> irq_domain:
    return irq_domain_create_linear(of_node, size, ops, host_data)


def irq_domain_create_tree(fwnode: fwnode_handle | None, ops: irq_domain_ops, host_data: Any) -> irq_domain:
    """A domain for sparse hwirqs (a radix-tree reverse map)."""
    return __irq_domain_create(fwnode, 0, (1 << 64) - 1, ops, host_data)


def irq_domain_add_tree(of_node: fwnode_handle | None, ops: irq_domain_ops, host_data: Any) -> irq_domain:
    return irq_domain_create_tree(of_node, ops, host_data)


def irq_domain_create_simple(fwnode: fwnode_handle | None, size: int, first_irq: int, ops: irq_domain_ops,
                             host_data: Any) -> irq_domain:  # fmt: skip
    """A linear domain; with ``first_irq`` > 0 the virqs first_irq.. are preallocated and mapped."""
    domain = irq_domain_create_linear(fwnode, size, ops, host_data)
    if first_irq > 0:
        rc = irq_alloc_descs(first_irq, first_irq, size, NUMA_NO_NODE)
        if rc < 0:
            vprintk(kernel(), KERN_INFO + "Cannot allocate irq_descs @ IRQ%d, assuming pre-allocated\n", (first_irq,))
        irq_domain_associate_many(domain, first_irq, 0, size)
    return domain


def irq_domain_add_simple(of_node: fwnode_handle | None, size: int, first_irq: int, ops: irq_domain_ops,
                          host_data: Any) -> irq_domain:  # fmt: skip
    return irq_domain_create_simple(of_node, size, first_irq, ops, host_data)


def irq_domain_create_hierarchy(parent: irq_domain | None, flags: int, size: int, fwnode: fwnode_handle | None,
                                ops: irq_domain_ops, host_data: Any) -> irq_domain:  # fmt: skip
    """A child domain stacked on ``parent`` (linear when ``size`` > 0, else tree)."""
    if size:
        domain = irq_domain_create_linear(fwnode, size, ops, host_data)
    else:
        domain = irq_domain_create_tree(fwnode, ops, host_data)
    domain.parent = parent
    domain.flags |= flags | IRQ_DOMAIN_FLAG_HIERARCHY
    return domain


def irq_domain_add_hierarchy(parent: irq_domain | None, flags: int, size: int, node: fwnode_handle | None,
                             ops: irq_domain_ops, host_data: Any) -> irq_domain:  # fmt: skip
    return irq_domain_create_hierarchy(parent, flags, size, node, ops, host_data)


def irq_domain_remove(domain: irq_domain) -> None:
    """Unregister ``domain`` (all its mappings must have been disposed of)."""
    k = kernel()
    st = _subsys(k)
    if domain in st.domains:
        st.domains.remove(domain)
    if st.default_domain is domain:
        st.default_domain = None


def irq_set_default_host(domain: irq_domain | None) -> None:
    _subsys(kernel()).default_domain = domain


def irq_get_default_host() -> irq_domain | None:
    return _subsys(kernel()).default_domain  # type: ignore[no-any-return]


def irq_find_matching_fwnode(fwnode: fwnode_handle | None, bus_token: int = DOMAIN_BUS_ANY) -> irq_domain | None:
    """The domain registered for ``fwnode`` (the most recent one), or None."""
    for d in reversed(_subsys(kernel()).domains):
        if d.fwnode is fwnode and (bus_token == DOMAIN_BUS_ANY or d.bus_token == bus_token):
            return d
    return None


def irq_find_host(node: fwnode_handle | None) -> irq_domain | None:
    return irq_find_matching_fwnode(node, DOMAIN_BUS_WIRED) or irq_find_matching_fwnode(node, DOMAIN_BUS_ANY)


def irq_domain_update_bus_token(domain: irq_domain, bus_token: int) -> None:
    domain.bus_token = bus_token


# -- association ------------------------------------------------------------------------------------


def irq_domain_set_mapping(domain: irq_domain, hwirq: int, data: irq_data) -> None:
    domain.revmap[hwirq] = data.desc
    domain.levels[hwirq] = data


def irq_domain_clear_mapping(domain: irq_domain, hwirq: int) -> None:
    domain.revmap.pop(hwirq, None)
    domain.levels.pop(hwirq, None)


def irq_domain_associate(domain: irq_domain, virq: int, hwirq: int) -> int:
    """Map ``hwirq`` to the already allocated ``virq`` (calling ops.map). 0 or a negative errno."""
    k = kernel()
    desc = irq_to_desc(virq)
    if hwirq >= domain.hwirq_max:
        k.bugs.warn("kernel/irq/irqdomain.c", 596, k.format("error: hwirq 0x%x is too large for %s\n",
                    (hwirq, domain.name)))  # fmt: skip
        return -EINVAL
    if desc is None:
        k.bugs.warn("kernel/irq/irqdomain.c", 599, k.format("error: virq%i is not allocated", (virq,)))
        return -EINVAL
    d = desc.irq_data
    if d.domain is not None:
        k.bugs.warn("kernel/irq/irqdomain.c", 601, k.format("error: virq%i is already associated", (virq,)))
        return -EINVAL
    d.hwirq = hwirq
    d.domain = domain
    if domain.ops.map is not None:
        ret = int(domain.ops.map(domain, virq, hwirq) or 0)
        if ret:
            if ret != -EPERM:
                vprintk(k, KERN_INFO + "%s didn't like hwirq-0x%lx to VIRQ%i mapping (rc=%d)\n",
                        (domain.name, hwirq, virq, ret))  # fmt: skip
            d.domain = None
            d.hwirq = 0
            return ret
    domain.mapcount += 1
    irq_domain_set_mapping(domain, hwirq, d)
    irq_clear_status_flags(virq, IRQ_NOREQUEST)
    return 0


def irq_domain_associate_many(domain: irq_domain, irq_base: int, hwirq_base: int, count: int) -> None:
    for i in range(count):
        irq_domain_associate(domain, irq_base + i, hwirq_base + i)


def irq_domain_disassociate(domain: irq_domain, irq: int) -> None:
    desc = irq_to_desc(irq)
    if desc is None or desc.irq_data.domain is not domain:
        return
    hwirq = desc.irq_data.hwirq
    irq_set_status_flags(irq, IRQ_NOREQUEST)
    irq_set_chip_and_handler(irq, None, None)
    if domain.ops.unmap is not None:
        domain.ops.unmap(domain, irq)
    desc.irq_data.domain = None
    desc.irq_data.hwirq = 0
    domain.mapcount -= 1
    irq_domain_clear_mapping(domain, hwirq)


def irq_domain_alloc_descs(virq: int, cnt: int, hwirq: int, node: int,
                           affinity: list[irq_affinity_desc] | None = None) -> int:  # fmt: skip
    """Allocate descriptors at ``virq``, or first-fit from hint ``hwirq % nr_irqs`` (never 0). May sleep."""
    if virq >= 0:
        return __irq_alloc_descs(virq, virq, cnt, node, None, affinity)
    hint = hwirq % _subsys(kernel()).nr_irqs
    if hint == 0:
        hint = 1
    v = __irq_alloc_descs(-1, hint, cnt, node, None, affinity)
    if v <= 0 and hint > 1:
        v = __irq_alloc_descs(-1, 1, cnt, node, None, affinity)
    return v


def irq_create_mapping_affinity(domain: irq_domain | None, hwirq: int,
                                affinity: irq_affinity_desc | None = None) -> int:  # fmt: skip
    """The virq of ``hwirq`` in ``domain``, creating the mapping if needed; 0 on failure. May sleep."""
    k = kernel()
    if domain is None:
        domain = _subsys(k).default_domain
    if domain is None:
        k.bugs.warn("kernel/irq/irqdomain.c", 804, k.format("%s(, %lx) called with NULL domain\n",
                    ("irq_create_mapping_affinity", hwirq)))  # fmt: skip
        return 0
    virq = irq_find_mapping(domain, hwirq)
    if virq:
        return virq
    virq = irq_domain_alloc_descs(-1, 1, hwirq, NUMA_NO_NODE, [affinity] if affinity is not None else None)
    if virq <= 0:
        return 0
    if irq_domain_associate(domain, virq, hwirq):
        irq_free_desc(virq)
        return 0
    return virq


def irq_create_mapping(domain: irq_domain | None, hwirq: int) -> int:
    """Map ``hwirq`` of ``domain`` (ops.map sets chip and flow handler); returns the virq, 0 on failure."""
    return irq_create_mapping_affinity(domain, hwirq, None)


def irq_find_mapping(domain: irq_domain | None, hwirq: int) -> int:
    """The virq mapped to ``hwirq`` in ``domain``, or 0."""
    desc = irq_resolve_mapping(domain, hwirq)
    return desc.irq_data.irq if desc is not None else 0


def irq_resolve_mapping(domain: irq_domain | None, hwirq: int) -> irq_desc | None:
    """The descriptor mapped to ``hwirq`` in ``domain``, or None. Any context."""
    if domain is None:
        domain = _subsys(kernel()).default_domain
        if domain is None:
            return None
    return domain.revmap.get(hwirq)


def irq_linear_revmap(domain: irq_domain, hwirq: int) -> int:
    """irq_find_mapping() for linear domains."""
    return irq_find_mapping(domain, hwirq)


def irq_dispose_mapping(virq: int) -> None:
    """Undo irq_create_mapping()/irq_create_fwspec_mapping() and free the descriptor. May sleep."""
    desc = irq_to_desc(virq)
    if desc is None or desc.irq_data.domain is None:
        return
    domain = desc.irq_data.domain
    if irq_domain_is_hierarchy(domain):
        irq_domain_free_irqs(virq, 1)
    else:
        irq_domain_disassociate(domain, virq)
        irq_free_desc(virq)


# -- translation ---------------------------------------------------------------------------------------


def irq_domain_translate(domain: irq_domain, fwspec: irq_fwspec) -> tuple[int, int, int]:
    """(0 or -errno, hwirq, type) via ops.translate, ops.xlate, or the first cell."""
    if domain.ops.translate is not None:
        return domain.ops.translate(domain, fwspec)  # type: ignore[no-any-return]
    if domain.ops.xlate is not None:
        return domain.ops.xlate(domain, fwspec.fwnode, fwspec.param, fwspec.param_count)  # type: ignore[no-any-return]
    return 0, fwspec.param[0], IRQ_TYPE_NONE


def irq_domain_xlate_onecell(d: irq_domain, node: Any, intspec: list[int], intsize: int) -> tuple[int, int, int]:
    if intsize < 1:
        return -EINVAL, 0, 0
    return 0, intspec[0], IRQ_TYPE_NONE


def irq_domain_xlate_twocell(d: irq_domain, node: Any, intspec: list[int], intsize: int) -> tuple[int, int, int]:
    if intsize < 2:
        return -EINVAL, 0, 0
    return 0, intspec[0], intspec[1] & IRQ_TYPE_SENSE_MASK


def irq_domain_xlate_onetwocell(d: irq_domain, node: Any, intspec: list[int], intsize: int) -> tuple[int, int, int]:
    if intsize < 1:
        return -EINVAL, 0, 0
    return 0, intspec[0], intspec[1] & IRQ_TYPE_SENSE_MASK if intsize > 1 else IRQ_TYPE_NONE


def irq_domain_translate_twocell(d: irq_domain, fwspec: irq_fwspec) -> tuple[int, int, int]:
    if fwspec.param_count < 2:
        return -EINVAL, 0, 0
    return 0, fwspec.param[0], fwspec.param[1] & IRQ_TYPE_SENSE_MASK


def irq_domain_translate_onecell(d: irq_domain, fwspec: irq_fwspec) -> tuple[int, int, int]:
    if fwspec.param_count < 1:
        return -EINVAL, 0, 0
    return 0, fwspec.param[0], IRQ_TYPE_NONE


#: irq_domain_simple_ops: two-cell translation, no map.
irq_domain_simple_ops = irq_domain_ops(xlate=irq_domain_xlate_onetwocell)


def irq_create_fwspec_mapping(fwspec: irq_fwspec) -> int:
    """Translate ``fwspec`` and map it (allocating through the hierarchy if the domain has one).

    Also programs the trigger type from the specifier. Returns the virq, 0 on failure. May sleep.
    """
    k = kernel()
    domain = irq_find_matching_fwnode(fwspec.fwnode, DOMAIN_BUS_WIRED) if fwspec.fwnode is not None else None
    if domain is None and fwspec.fwnode is not None:
        domain = irq_find_matching_fwnode(fwspec.fwnode, DOMAIN_BUS_ANY)
    if domain is None:
        domain = _subsys(k).default_domain
    if domain is None:
        return 0
    err, hwirq, type_ = irq_domain_translate(domain, fwspec)
    if err:
        return 0
    type_ &= IRQ_TYPE_SENSE_MASK
    virq = irq_find_mapping(domain, hwirq)
    if virq:
        desc = irq_to_desc(virq)
        assert desc is not None
        cur = desc.irq_common_data.state_use_accessors & IRQD_TRIGGER_MASK
        if type_ == IRQ_TYPE_NONE or type_ == cur:
            return virq
        if cur == IRQ_TYPE_NONE:
            irqd_set_trigger_type(desc.irq_data, type_)
            return virq

        vprintk(k, KERN_WARNING + "type mismatch, failed to map hwirq-%lu for %s!\n", (hwirq, domain.name))
        return 0
    if irq_domain_is_hierarchy(domain):
        virq = irq_domain_alloc_irqs_locked(domain, -1, 1, NUMA_NO_NODE, fwspec, False, None)
        if virq <= 0:
            return 0
    else:
        virq = irq_create_mapping(domain, hwirq)
        if not virq:
            return virq
    desc = irq_to_desc(virq)
    assert desc is not None
    if type_ != IRQ_TYPE_NONE and type_ != desc.irq_common_data.state_use_accessors & IRQD_TRIGGER_MASK:
        irq_set_irq_type(virq, type_)
        desc.irq_common_data.state_use_accessors |= 1 << 25  # IRQD_DEFAULT_TRIGGER_SET
    return virq


# -- hierarchy ------------------------------------------------------------------------------------------


def irq_domain_get_irq_data(domain: irq_domain, virq: int) -> irq_data | None:
    """The irq_data of ``virq`` at the level of ``domain``."""
    desc = irq_to_desc(virq)
    d: irq_data | None = desc.irq_data if desc is not None else None
    while d is not None:
        if d.domain is domain:
            return d
        d = d.parent_data
    return None


def irq_domain_set_hwirq_and_chip(domain: irq_domain, virq: int, hwirq: int, chip: irq_chip | None,
                                  chip_data: Any) -> int:  # fmt: skip

    d = irq_domain_get_irq_data(domain, virq)
    if d is None:
        return -ENOENT
    d.hwirq = hwirq
    d.chip = chip if chip is not None else no_irq_chip
    d.chip_data = chip_data
    return 0


def irq_domain_set_info(domain: irq_domain, virq: int, hwirq: int, chip: irq_chip | None, chip_data: Any,
                        handler: Any, handler_data: Any, handler_name: str | None) -> None:  # fmt: skip
    """Set hwirq, chip and chip data at this level, and the flow handler of the virq."""
    irq_domain_set_hwirq_and_chip(domain, virq, hwirq, chip, chip_data)
    __irq_set_handler(virq, handler, 0, handler_name)
    irq_set_handler_data(virq, handler_data)


def irq_domain_reset_irq_data(d: irq_data) -> None:
    d.hwirq = 0
    d.chip = no_irq_chip
    d.chip_data = None


def irq_domain_alloc_irqs_parent(domain: irq_domain, irq_base: int, nr_irqs: int, arg: Any) -> int:
    """Let the parent domain allocate its level of ``nr_irqs`` virqs from ``irq_base``. 0 or -errno."""
    parent = domain.parent
    if parent is None or parent.ops.alloc is None:
        return -ENOSYS
    return int(parent.ops.alloc(parent, irq_base, nr_irqs, arg) or 0)


def irq_domain_free_irqs_parent(domain: irq_domain, irq_base: int, nr_irqs: int) -> None:
    parent = domain.parent
    if parent is not None and parent.ops.free is not None:
        parent.ops.free(parent, irq_base, nr_irqs)


def irq_domain_free_irqs_common(domain: irq_domain, virq: int, nr_irqs: int) -> None:
    for i in range(nr_irqs):
        d = irq_domain_get_irq_data(domain, virq + i)
        if d is not None:
            irq_domain_reset_irq_data(d)
    irq_domain_free_irqs_parent(domain, virq, nr_irqs)


def irq_domain_free_irqs_top(domain: irq_domain, virq: int, nr_irqs: int) -> None:
    """ops.free of a root domain: reset chip and handler data, then the parent."""
    for i in range(nr_irqs):
        irq_set_handler_data(virq + i, None)
        irq_set_handler(virq + i, None)
    irq_domain_free_irqs_common(domain, virq, nr_irqs)


def _alloc_irq_data(domain: irq_domain, virq: int, nr_irqs: int) -> int:
    for i in range(nr_irqs):
        desc = irq_to_desc(virq + i)
        if desc is None:
            return -EINVAL
        child = desc.irq_data
        child.domain = domain
        parent = domain.parent
        while parent is not None:
            nd = irq_data(child.irq, child.common, desc)
            nd.domain = parent
            child.parent_data = nd
            child = nd
            parent = parent.parent
    return 0


def irq_domain_alloc_irqs_locked(domain: irq_domain, irq_base: int, nr_irqs: int, node: int, arg: Any,
                                 realloc: bool, affinity: list[irq_affinity_desc] | None) -> int:  # fmt: skip

    if realloc and irq_base >= 0:
        virq = irq_base
    else:
        virq = irq_domain_alloc_descs(irq_base, nr_irqs, 0, node, affinity)
        if virq < 0:
            return virq
    if _alloc_irq_data(domain, virq, nr_irqs):
        if virq != irq_base:
            irq_free_descs(virq, nr_irqs)
        return -ENOMEM
    if domain.ops.alloc is None:
        ret = -ENOSYS
    else:
        ret = int(domain.ops.alloc(domain, virq, nr_irqs, arg) or 0)
    if ret < 0:
        for i in range(nr_irqs):
            desc = irq_to_desc(virq + i)
            if desc is not None:
                desc.irq_data.parent_data = None
                desc.irq_data.domain = None
        if virq != irq_base:
            irq_free_descs(virq, nr_irqs)
        return ret
    for i in range(nr_irqs):
        desc = irq_to_desc(virq + i)
        assert desc is not None
        d: irq_data | None = desc.irq_data
        while d is not None:
            if d.domain is not None:
                d.domain.mapcount += 1
                irq_domain_set_mapping(d.domain, d.hwirq, d)
            d = d.parent_data
        irq_clear_status_flags(virq + i, IRQ_NOREQUEST)
    return virq


def __irq_domain_alloc_irqs(domain: irq_domain, irq_base: int, nr_irqs: int, node: int, arg: Any,
                            realloc: bool, affinity: list[irq_affinity_desc] | None) -> int:  # fmt: skip
    """Allocate ``nr_irqs`` virqs through the hierarchy (each level's ops.alloc). First virq or -errno."""
    if domain is None:
        return -EINVAL
    if domain.ops.alloc is None:
        return -ENOSYS
    return irq_domain_alloc_irqs_locked(domain, irq_base, nr_irqs, node, arg, realloc, affinity)


def irq_domain_alloc_irqs(domain: irq_domain, nr_irqs: int, node: int, arg: Any) -> int:
    """Allocate ``nr_irqs`` consecutive virqs in hierarchical ``domain``; first virq or a negative errno."""
    return __irq_domain_alloc_irqs(domain, -1, nr_irqs, node, arg, False, None)


def irq_domain_free_irqs(virq: int, nr_irqs: int) -> None:
    """Free virqs allocated with irq_domain_alloc_irqs() (every level, then the descriptors)."""
    desc = irq_to_desc(virq)
    if desc is None or desc.irq_data.domain is None:
        return
    domain = desc.irq_data.domain
    for i in range(nr_irqs):
        dsc = irq_to_desc(virq + i)
        if dsc is None:
            continue
        d: irq_data | None = dsc.irq_data
        while d is not None:
            if d.domain is not None:
                d.domain.mapcount -= 1
                irq_domain_clear_mapping(d.domain, d.hwirq)
            d = d.parent_data
    if domain.ops.free is not None:
        domain.ops.free(domain, virq, nr_irqs)
    irq_free_descs(virq, nr_irqs)


# -- activation -------------------------------------------------------------------------------------------


def generic_handle_domain_irq(domain: irq_domain, hwirq: int) -> int:
    """Invoke the flow handler of ``hwirq`` in ``domain``. 0 or a negative errno. Hardirq."""
    kdepth = push("generic_handle_domain_irq") if KSTACK else 0
    rev = domain.revmap
    desc = rev.get(hwirq) if rev is not None else None
    if desc is None:
        # Not in the linear revmap (a tree domain, or beyond its size): irq_resolve_mapping() finds it.
        desc = irq_resolve_mapping(domain, hwirq)
    if KSTACK:
        return popped(kdepth, handle_irq_desc(desc))  # type: ignore[no-any-return]
    return handle_irq_desc(desc)


def generic_handle_domain_irq_safe(domain: irq_domain, hwirq: int) -> int:
    flags = local_irq_save()
    try:
        return generic_handle_domain_irq(domain, hwirq)
    finally:
        local_irq_restore(flags)


def irq_domain_get_of_node(domain: irq_domain) -> fwnode_handle | None:
    return domain.fwnode


__all__ = [
    "generic_handle_domain_irq",
    "generic_handle_domain_irq_safe",
    "IRQ_DOMAIN_FLAG_HIERARCHY",
    "DOMAIN_BUS_ANY",
    "DOMAIN_BUS_WIRED",
    "fwnode_handle",
    "irq_fwspec",
    "irq_domain_ops",
    "irq_domain",
    "irq_domain_create_linear",
    "irq_domain_add_linear",
    "irq_domain_create_tree",
    "irq_domain_add_tree",
    "irq_domain_create_simple",
    "irq_domain_add_simple",
    "irq_domain_create_hierarchy",
    "irq_domain_add_hierarchy",
    "irq_domain_remove",
    "irq_set_default_host",
    "irq_get_default_host",
    "irq_find_matching_fwnode",
    "irq_find_host",
    "irq_domain_associate",
    "irq_domain_associate_many",
    "irq_domain_alloc_descs",
    "irq_create_mapping",
    "irq_create_mapping_affinity",
    "irq_find_mapping",
    "irq_resolve_mapping",
    "irq_linear_revmap",
    "irq_dispose_mapping",
    "irq_domain_xlate_onecell",
    "irq_domain_xlate_twocell",
    "irq_domain_xlate_onetwocell",
    "irq_domain_translate_twocell",
    "irq_domain_translate_onecell",
    "irq_domain_simple_ops",
    "irq_create_fwspec_mapping",
    "irq_domain_get_irq_data",
    "irq_domain_set_hwirq_and_chip",
    "irq_domain_set_info",
    "irq_domain_reset_irq_data",
    "irq_domain_alloc_irqs_parent",
    "irq_domain_free_irqs_parent",
    "irq_domain_free_irqs_common",
    "irq_domain_free_irqs_top",
    "irq_domain_alloc_irqs",
    "irq_domain_free_irqs",
    "irq_domain_activate_irq",
    "irq_domain_deactivate_irq",
]
