"""The public surface: each public name is exported from exactly one of irqlab, irqlab.kernel, irqlab.testing."""

import irqlab
import irqlab.kernel
import irqlab.testing


def _public(mod):
    names = getattr(mod, "__all__", None) or [n for n in dir(mod) if not n.startswith("_")]
    return {n for n in names if not n.startswith("_") and not isinstance(getattr(mod, n, None), type(irqlab))}


def test_each_public_name_is_exported_once():
    """No public name appears in two of the three public modules."""
    a, k, t = _public(irqlab), _public(irqlab.kernel), _public(irqlab.testing)
    assert not (a & k) and not (a & t) and not (k & t), (a & k) | (a & t) | (k & t)


def test_kernel_api_uses_kernel_names():
    """irqlab.kernel offers the kernel's names verbatim."""
    for name in ("msleep", "spin_lock_irqsave", "mod_timer", "hrtimer_start", "wait_event_interruptible",
                 "kthread_run", "raise_softirq", "local_bh_enable", "in_interrupt", "GFP_ATOMIC", "WARN_ON"):
        assert hasattr(irqlab.kernel, name), name
