"""The driver-facing kernel API, the equivalent of <linux/interrupt.h>, <linux/sched.h>,
<linux/timer.h>, <linux/spinlock.h>, ... Kernel names verbatim; return conventions are
the kernel's (0 or a negative errno from :mod:`irqlab.errno`). Every function here must
be called from code running inside a simulation.
"""

# ruff: noqa: I001  (star-import order is deliberate: later modules may refine earlier names)
import sys as _sys
from importlib import import_module as _import_module
from types import ModuleType as _ModuleType
from typing import NoReturn as _NoReturn

from irqlab.errno import ERR_PTR, IS_ERR, IS_ERR_OR_NULL, PTR_ERR
from irqlab.kernel.atomic import *  # noqa: F403
from irqlab.kernel.bug import *  # noqa: F403
from irqlab.kernel.container import Struct, container_of
from irqlab.kernel.core import NotInSimulationError
from irqlab.kernel.core import current_kernel as _current_kernel
from irqlab.kernel.cpumask import *  # noqa: F403
from irqlab.kernel.io import *  # noqa: F403
from irqlab.kernel.irq import *  # noqa: F403
from irqlab.kernel.kthread import *  # noqa: F403
from irqlab.kernel.locking.mutex import *  # noqa: F403
from irqlab.kernel.locking.spinlock import *  # noqa: F403
from irqlab.kernel.mm.slab import *  # noqa: F403
from irqlab.kernel.module_param import *  # noqa: F403
from irqlab.kernel.preempt import *  # noqa: F403
from irqlab.kernel.rcupdate import *  # noqa: F403
from irqlab.kernel.printk import (
    KERN_ALERT,
    KERN_CONT,
    KERN_CRIT,
    KERN_DEBUG,
    KERN_DEFAULT,
    KERN_EMERG,
    KERN_ERR,
    KERN_INFO,
    KERN_NOTICE,
    KERN_WARNING,
    dev_crit,
    dev_dbg,
    dev_emerg,
    dev_name,
    dev_err,
    dev_info,
    dev_notice,
    dev_warn,
    pr_alert,
    pr_cont,
    pr_crit,
    pr_debug,
    pr_emerg,
    pr_err,
    pr_err_once,
    pr_err_ratelimited,
    pr_info,
    pr_info_once,
    pr_info_ratelimited,
    pr_notice,
    pr_notice_ratelimited,
    pr_warn,
    pr_warn_once,
    pr_warn_ratelimited,
    pr_warning,
    printk,
    printk_ratelimit,
    printk_ratelimited,
)
from irqlab.kernel.sched.completion import *  # noqa: F403
from irqlab.kernel.sched.current import *  # noqa: F403
from irqlab.kernel.sched.wait import *  # noqa: F403
from irqlab.kernel.softirq import *  # noqa: F403
from irqlab.kernel.tasklet import *  # noqa: F403
from irqlab.kernel.time.delay import *  # noqa: F403
from irqlab.kernel.time.hrtimer import *  # noqa: F403
from irqlab.kernel.time.jiffies import *  # noqa: F403
from irqlab.kernel.time.ktime import *  # noqa: F403
from irqlab.kernel.time.timer import *  # noqa: F403
from irqlab.kernel.uaccess import *  # noqa: F403
from irqlab.kernel.watchdog import touch_nmi_watchdog, touch_softlockup_watchdog
from irqlab.kernel.workqueue import *  # noqa: F403
from irqlab.kernel.seq_file import *  # noqa: F403

# The driver-subsystem headers this face offers too. Those subsystems (fs/debugfs, drivers/...) sit above the
# kernel and import it, so the face lists their names and loads each module on first use (PEP 562's module
# __getattr__, below) instead of importing it: loading any irqlab.kernel module never loads a driver or fs.
# tests/kernel/test_face.py checks each tuple against its module's __all__.
_SUBSYSTEM_HEADERS: dict[str, tuple[str, ...]] = {
    # <linux/debugfs.h>
    "irqlab.fs.debugfs": (
        "dentry", "debugfs_create_dir", "debugfs_create_file", "debugfs_create_u32", "debugfs_create_u64",
        "debugfs_create_ulong", "debugfs_create_bool", "debugfs_remove", "debugfs_remove_recursive",
    ),
    # <linux/input.h>
    "irqlab.drivers.input.input": (
        "BTN_0", "BTN_1", "BTN_2", "BTN_3", "BTN_LEFT", "BTN_MIDDLE", "BTN_MISC", "BTN_RIGHT", "BUS_HOST",
        "BUS_I8042", "BUS_USB", "BUS_VIRTUAL", "EV_ABS", "EV_KEY", "EV_LED", "EV_MAX", "EV_MSC", "EV_REL",
        "EV_REP", "EV_SND", "EV_SW", "EV_SYN", "KEY_0", "KEY_1", "KEY_2", "KEY_3", "KEY_4", "KEY_5", "KEY_6",
        "KEY_7", "KEY_8", "KEY_9", "KEY_A", "KEY_BACKSPACE", "KEY_DOWN", "KEY_ENTER", "KEY_ESC", "KEY_LEFT",
        "KEY_MAX", "KEY_MENU", "KEY_MUTE", "KEY_PAUSE", "KEY_PLAYPAUSE", "KEY_POWER", "KEY_PROG1", "KEY_Q",
        "KEY_RESERVED", "KEY_RIGHT", "KEY_SPACE", "KEY_STOP", "KEY_TAB", "KEY_UP", "KEY_VOLUMEDOWN",
        "KEY_VOLUMEUP", "KEY_WAKEUP", "SYN_CONFIG", "SYN_DROPPED", "SYN_REPORT", "InputEvent", "input_dev",
        "input_id", "input_allocate_device", "devm_input_allocate_device", "input_free_device",
        "input_set_capability", "input_register_device", "input_unregister_device", "input_event",
        "input_report_key", "input_report_rel", "input_report_abs", "input_report_switch", "input_sync",
        "input_set_drvdata", "input_get_drvdata",
    ),
    # <linux/serio.h>
    "irqlab.drivers.input.serio.serio": (
        "SERIO_8042", "SERIO_8042_XL", "serio", "serio_driver", "serio_device_id", "serio_register_port",
        "serio_unregister_port", "serio_register_driver", "serio_unregister_driver", "serio_interrupt",
        "serio_set_drvdata", "serio_get_drvdata",
    ),
    # <linux/platform_device.h>
    "irqlab.drivers.base.platform": (
        "PLATFORM_DEVID_NONE", "PLATFORM_DEVID_AUTO", "IORESOURCE_BITS", "IORESOURCE_TYPE_BITS",
        "IORESOURCE_IO", "IORESOURCE_MEM", "IORESOURCE_REG", "IORESOURCE_IRQ", "IORESOURCE_DMA",
        "IORESOURCE_BUS", "resource", "resource_type", "resource_size", "platform_get_resource", "device",
        "platform_device", "platform_driver", "platform_match", "platform_device_register",
        "platform_device_unregister", "platform_driver_register", "platform_driver_unregister",
        "platform_get_irq", "platform_get_irq_optional", "platform_irq_count", "devm_kmalloc", "devm_kzalloc",
        "platform_set_drvdata", "platform_get_drvdata", "dev_get_drvdata", "dev_set_drvdata",
    ),
    # <linux/netdevice.h>
    "irqlab.drivers.net.dev": (
        "NAPI_POLL_WEIGHT", "NAPI_STATE_SCHED", "NAPI_STATE_MISSED", "NAPI_STATE_DISABLE", "NET_RX_SUCCESS",
        "NET_RX_DROP", "net_device", "net_device_stats", "netdev_priv", "alloc_netdev", "alloc_etherdev",
        "register_netdev", "unregister_netdev", "free_netdev", "sk_buff", "netdev_alloc_skb", "napi_alloc_skb",
        "dev_kfree_skb", "dev_kfree_skb_any", "dev_kfree_skb_irq", "kfree_skb", "napi_struct", "netif_napi_add",
        "netif_napi_add_weight", "netif_napi_del", "napi_enable", "napi_disable", "napi_schedule_prep",
        "__napi_schedule", "napi_schedule", "napi_complete_done", "napi_complete", "napi_gro_receive",
        "netif_receive_skb", "netif_rx",
    ),
    # <linux/gpio/consumer.h>
    "irqlab.drivers.gpio.gpiolib": (
        "gpio_chip", "gpio_desc", "gpio_device", "gpio", "gpiochip_add_data", "gpiochip_add",
        "gpiochip_get_data", "gpiochip_remove", "gpio_to_desc", "desc_to_gpio", "gpiod_to_chip",
        "gpio_is_valid", "gpiod_request", "gpiod_free", "gpiod_direction_input", "gpiod_direction_output",
        "gpiod_direction_output_raw", "gpiod_get_value", "gpiod_get_raw_value", "gpiod_set_value",
        "gpiod_set_raw_value", "gpiod_get_value_cansleep", "gpiod_set_value_cansleep", "gpiod_to_irq",
        "gpiod_set_debounce", "gpiod_set_pull", "gpiod_is_active_low", "gpiod_toggle_active_low",
        "gpiod_add_lookup", "gpiod_get", "gpiod_get_index", "gpiod_get_optional", "gpiod_put", "devm_gpiod_get",
        "devm_gpiod_get_optional", "gpio_request", "gpio_request_one", "devm_gpio_request",
        "devm_gpio_request_one", "gpio_free", "gpio_direction_input", "gpio_direction_output", "gpio_get_value",
        "gpio_set_value", "gpio_get_value_cansleep", "gpio_set_value_cansleep", "gpio_to_irq",
        "GPIO_DYNAMIC_BASE", "GPIOF_DIR_IN", "GPIOF_DIR_OUT", "GPIOF_IN", "GPIOF_OUT_INIT_LOW",
        "GPIOF_OUT_INIT_HIGH", "GPIOF_INIT_LOW", "GPIOF_INIT_HIGH", "GPIOF_ACTIVE_LOW", "GPIOD_ASIS",
        "GPIOD_IN", "GPIOD_OUT_LOW", "GPIOD_OUT_HIGH", "GPIO_LINE_DIRECTION_IN", "GPIO_LINE_DIRECTION_OUT",
        "PIN_CONFIG_BIAS_PULL_UP", "PIN_CONFIG_BIAS_PULL_DOWN", "PIN_CONFIG_BIAS_DISABLE",
    ),
}


# What ``from irqlab.kernel import *`` exports: the kernel names of the modules above, never a Python
# module (``time``, ``io``, ``sched`` and the other submodules stay reachable as attributes) nor a name
# of the standard library's modules (``resource`` is struct resource: import it by name).
_NOT_EXPORTED = frozenset(_sys.stdlib_module_names) | {"annotations", "TYPE_CHECKING"}
_FROM_HEADER: dict[str, str] = {name: mod for mod, names in _SUBSYSTEM_HEADERS.items() for name in names}
__all__: list[str] = sorted(
    [n for n, v in dict(globals()).items()
     if not n.startswith("_") and not isinstance(v, _ModuleType) and n not in _NOT_EXPORTED]
    + [n for n in _FROM_HEADER if not n.startswith("_") and n not in _NOT_EXPORTED]  # through __getattr__, on first use
    + ["jiffies"]  # through __getattr__ below: a star import binds a stand-in that says how to read it
)

_JIFFIES_BY_VALUE = (
    "`from irqlab.kernel import jiffies` would copy one value at import time, but the kernel's jiffies "
    "keeps counting: write `import irqlab.kernel` and read `irqlab.kernel.jiffies`, or call get_jiffies() "
    "(or kernel().jiffies from irqlab.kernel.core)"
)


class _StarImportedJiffies:
    """What ``from irqlab.kernel import *`` binds to ``jiffies``: a name imported by value cannot follow the
    kernel's counter, so every use says what to write instead (repr() describes it, for debuggers)."""

    __slots__ = ()
    _MSG = ("`jiffies` came from `from irqlab.kernel import *`, which copies names by value, so it cannot "
            "follow the kernel's counter: read `irqlab.kernel.jiffies` (after `import irqlab.kernel`), or "
            "call get_jiffies()")  # fmt: skip

    def __repr__(self) -> str:
        return "<jiffies imported by value: read irqlab.kernel.jiffies or call get_jiffies()>"

    def _fail(self, *args: object) -> _NoReturn:
        raise TypeError(self._MSG)

    __int__ = __index__ = __float__ = __bool__ = __hash__ = _fail  # type: ignore[assignment]
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __floordiv__ = __mod__ = _fail
    __lt__ = __le__ = __gt__ = __ge__ = __eq__ = __ne__ = __and__ = __or__ = __format__ = _fail  # type: ignore[assignment]


_STAR_JIFFIES = _StarImportedJiffies()


class _JiffiesOutsideSimulation(NotInSimulationError, AttributeError):
    """Reading irqlab.kernel.jiffies outside a simulation: also an AttributeError, so that introspection
    (``getattr(module, name, None)``, ``hasattr``, help()) goes on."""


def _import_kind() -> str:
    """How the caller of the module __getattr__ asks: "star" (``from irqlab.kernel import *``), "from"
    (``from irqlab.kernel import jiffies``) or "attribute" (``irqlab.kernel.jiffies``)."""
    import dis

    f = _sys._getframe(2)
    if f.f_code.co_name == "_handle_fromlist":  # importlib's hasattr() for ``from package import ...``
        return "star" if f.f_locals.get("recursive") else "from"
    for ins in dis.get_instructions(f.f_code):
        if ins.offset == f.f_lasti:
            return {"IMPORT_FROM": "from", "IMPORT_STAR": "star"}.get(ins.opname, "attribute")
    return "attribute"


def __getattr__(name: str):  # type: ignore[no-untyped-def]
    header = _FROM_HEADER.get(name)
    if header is not None:
        value = getattr(_import_module(header), name)
        globals()[name] = value  # bound once: later reads do not come back here
        return value
    if name == "jiffies":
        # include/linux/jiffies.h: jiffies is a volatile global read afresh at each use; a module
        # attribute can be, a name bound by ``from ... import`` cannot.
        kind = _import_kind()
        if kind == "from":
            raise ImportError(_JIFFIES_BY_VALUE)
        if kind == "star":
            return _STAR_JIFFIES
        k = _current_kernel.k
        if k is None:
            raise _JiffiesOutsideSimulation(
                "irqlab.kernel.jiffies is the running kernel's: read it from code running inside a simulation "
                "(a module's module_init, a handler, a timer, a kthread), or read m.jiffies from a script")
        return k.jiffies
    removed = _import_module("irqlab.drivers.gpio.gpiolib").REMOVED_IN_6_10  # <linux/gpio.h>'s legacy names
    if name in removed:
        raise AttributeError(removed[name])
    raise AttributeError(f"module 'irqlab.kernel' has no attribute {name!r}")
