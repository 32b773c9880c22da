"""Loadable modules: which code belongs to a module (what %ps tags with [modname])."""

import irqlab
from irqlab.kernel import msleep, pr_info
from irqlab.scenarios import seed001_threaded_buttons as driver


def test_imported_kernel_functions_are_not_attributed_to_the_module():
    """%ps of a module's own function ends in ' [gpiomod]'; of a kernel API it imported (msleep) it does not."""
    m = irqlab.boot("rpi5", seed=1)
    assert m.insmod(driver) == 0
    k = m.kernel
    assert k.symbol(driver.button_top_half, False) == "button_top_half [gpiomod]"
    assert k.symbol(msleep, False) == "msleep" and k.symbol(pr_info, False) == "pr_info"
