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


def test_star_import_exports_kernel_names_only():
    """`from irqlab.kernel import *` binds no Python module and no name of a standard-library module."""
    import sys
    import types

    ns: dict = {}
    exec("from irqlab.kernel import *", ns)
    ns.pop("__builtins__")
    assert sorted(ns) == sorted(irqlab.kernel.__all__)
    assert not [n for n, v in ns.items() if isinstance(v, types.ModuleType)]
    assert not set(ns) & set(sys.stdlib_module_names)
    for name in ("time", "io", "sched", "signal", "kernel", "resource"):
        assert name not in ns, name


def test_star_import_keeps_the_readmes_names():
    """After the README's imports, a star import does not rebind kernel() or any name the README imports."""
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    imports = "\n".join(re.findall(r"^(?:from irqlab\S* import \([^)]*\)|from irqlab\S* import .*)$", readme, re.M))
    before: dict = {}
    exec(imports, before)
    after = dict(before)
    exec("from irqlab.kernel import *", after)
    assert "kernel" in before and "pr_info" in before
    for name, value in before.items():
        if name != "__builtins__":
            assert after[name] is value, name


def test_jiffies_imported_by_value_says_what_to_write():
    """`from irqlab.kernel import jiffies` cannot stay current: the ImportError names the two ways that do."""
    import pytest

    with pytest.raises(ImportError, match=r"read `irqlab.kernel.jiffies`, or call get_jiffies\(\)"):
        exec("from irqlab.kernel import jiffies")


def test_star_imported_jiffies_says_what_to_write_when_used():
    """After `from irqlab.kernel import *`, using `jiffies` raises a TypeError naming irqlab.kernel.jiffies."""
    import pytest

    ns: dict = {}
    exec("from irqlab.kernel import *", ns)
    for use in ("jiffies + 1", "jiffies > 0", "time_after(jiffies, 0)", "int(jiffies)"):
        with pytest.raises(TypeError, match=r"read `irqlab.kernel.jiffies` \(after `import irqlab.kernel`\), or call get_jiffies\(\)"):
            eval(use, ns)


def test_jiffies_attribute_reads_the_running_kernels_jiffies():
    """irqlab.kernel.jiffies in a kthread is the kernel's jiffies at that moment, as kernel().jiffies is."""
    from irqlab.kernel.core import kernel

    m = irqlab.boot("generic", cpus=1, seed=0)
    seen = []

    def fn():
        seen.append((irqlab.kernel.jiffies, kernel().jiffies))
        irqlab.kernel.msleep(100)
        seen.append((irqlab.kernel.jiffies, kernel().jiffies))

    m.spawn(fn)
    m.run()
    assert seen[0][0] == seen[0][1] and seen[1][0] == seen[1][1] and seen[1][0] - seen[0][0] == 27  # msleep(100): 25 + 1 jiffies, fired at the next tick
