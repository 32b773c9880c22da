"""Seed 003, "Common Mistakes - Mistake 2: Not Clearing Interrupt": examples/seed003_not_clearing.py."""

import importlib.util
import pathlib
import re

MS = 1_000_000


def _example():
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed003_not_clearing.py"
    spec = importlib.util.spec_from_file_location("seed003_not_clearing", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_uncleared_level_source_is_an_interrupt_storm_that_starves_its_cpu():
    """bad_handler never clears RX_READY: CPU1 re-takes the level SPI after every EOI, ~3 per microsecond for 6 ms, and app1 makes no progress after 2 ms; IRQ_HANDLED means spurious.c never disables the line. good_handler clears it: two interrupts for two bytes, and app2 on CPU2 keeps computing."""
    ex = _example()
    m = ex.main(1)
    rows = {r.split()[-1]: r for r in ex.shown["/proc/interrupts"].splitlines() if r.startswith((" 14:", " 15:"))}
    bad_count = int(rows["bad"].split()[2])
    assert re.fullmatch(r" 14: +0 +\d+ +0     GICv2  77 Level     bad", rows["bad"]) and bad_count > 15_000
    assert rows["good"] == " 15:          0          0          2     GICv2  78 Level     good"
    assert not [t for t in ex.progress["app1"] if 2 * MS + 100_000 < t <= 8 * MS]
    assert len([t for t in ex.progress["app2"] if 2 * MS < t <= 8 * MS]) >= 55  # 6 ms of 100 us steps, minus IRQs
    assert "nobody cared" not in m.dmesg() and "Disabling IRQ" not in m.dmesg()
    bad, good = ex.devices
    assert bad.rx == b"hi" and good.rx == b"hi"  # the data itself got through: only the ack was missing
    assert m.dmesg_lines()[-1] == "uncleared: good: handler ran 2 time(s), received 'hi'"


def test_rmmod_ends_the_storm_because_exit_disables_the_device_first():
    """module_exit writes IRQ_ENABLE=0 before free_irq(): the line drops and the unload completes at once."""
    ex = _example()
    m = ex.main(1)
    rec = [r for r in m.kernel.log.records if r.text.startswith("uncleared: bad: handler ran ")][0]
    assert 8 * MS < rec.ts < 8 * MS + 100_000
    assert not ex.board["uarts"][0].line.active
