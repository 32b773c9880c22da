"""The GICv3 hardware model: affinity routing by GICD_IROUTER, redistributors, ICC_SGI1R_EL1, ICC_IAR1_EL1."""

import pytest

from irqlab.hw.gic import GICC_INT_SPURIOUS
from irqlab.hw.gic_v3 import GICD_IROUTER_SPI_MODE_ANY, GICv3, mpidr_affinity


def make(ncpus=16, nirqs=96):
    g = GICv3(ncpus, nirqs)
    signals = []
    g.irq_signal = signals.append
    for c in range(ncpus):
        g.write_waker(c, False)
        g.write_icc_pmr(c, 0xF0)
        g.write_icc_igrpen1(c, True)
    return g, signals


def test_spi_goes_to_the_cpu_whose_affinity_its_irouter_names():
    """GICD_IROUTER = Aff1 12 routes SPI 40 to CPU 12 only; rewriting it moves the pending interrupt."""
    g, sig = make()
    g.write_irouter(40, mpidr_affinity(12))
    g.set_enable(40, 0, True)
    g.spi_line(40).assert_("dev")
    assert sig == [12]
    assert g.read_icc_iar1(0) == GICC_INT_SPURIOUS
    g.write_irouter(40, mpidr_affinity(3))
    assert sig == [12, 3]
    assert g.read_icc_iar1(3) == 40


def test_a_sleeping_redistributor_or_disabled_group_keeps_the_interrupt_pending():
    """An SPI routed to a CPU whose group 1 is off waits; it is signalled once ICC_IGRPEN1_EL1 is set again."""
    g, sig = make(4)
    g.write_icc_igrpen1(2, False)
    g.write_irouter(41, mpidr_affinity(2))
    g.set_enable(41, 0, True)
    g.spi_line(41).assert_("dev")
    assert sig == []
    g.write_waker(2, True)
    g.write_icc_igrpen1(2, True)
    assert sig == []
    g.write_waker(2, False)
    assert sig == [2]
    assert g.read_icc_iar1(2) == 41


def test_irouter_naming_no_cpu_delivers_nowhere_and_irm_picks_an_enabled_cpu():
    """An affinity no CPU has leaves the SPI undelivered; IRM (1-of-N) sends it to the lowest enabled CPU."""
    g, sig = make(4)
    g.set_enable(42, 0, True)
    g.write_irouter(42, mpidr_affinity(9))
    g.spi_line(42).assert_("dev")
    assert sig == []
    g.write_icc_igrpen1(0, False)
    g.write_irouter(42, GICD_IROUTER_SPI_MODE_ANY)
    assert sig == [1]


def test_sgi1r_targets_by_cluster_and_target_list_and_iar_has_no_source():
    """ICC_SGI1R_EL1 with Aff1 5 and TargetList bit 0 pends SGI 3 on CPU 5 alone; IAR reads 3 (no source bits)."""
    g, sig = make()
    for c in range(16):
        g.set_enable(3, c, True)
    g.write_icc_sgi1r(0, 5 << 16 | 3 << 24 | 1)
    assert sig == [5]
    assert g.read_icc_iar1(5) == 3
    g.write_icc_eoir1(5, 3)
    g.write_icc_dir(5, 3)
    assert g.read_icc_iar1(5) == GICC_INT_SPURIOUS
    g.write_icc_sgi1r(2, 1 << 40 | 3 << 24)  # IRM: every CPU but the sender
    assert sorted(sig[1:]) == [c for c in range(16) if c != 2]


def test_highest_priority_then_lowest_id_wins_among_many_pending_lines():
    """With 900 pending SPIs on one CPU, IAR takes them by priority, then ID, whatever order they arrived in."""
    g, _ = make(2, 1024)
    order = list(range(32, 932))
    for intid in reversed(order):
        g.write_irouter(intid, mpidr_affinity(1))
        g.set_priority(intid, 0, 0x80 if intid % 100 == 7 else 0xA0)
        g.set_config(intid, 0, True)
        g.set_enable(intid, 0, True)
        g.spi_line(intid).pulse()
    seen = []
    while (intid := g.read_icc_iar1(1)) != GICC_INT_SPURIOUS:
        seen.append(intid)
        g.write_icc_eoir1(1, intid)
        g.write_icc_dir(1, intid)
    urgent = [i for i in order if i % 100 == 7]
    assert seen == urgent + [i for i in order if i % 100 != 7]


def test_bad_sizes_name_the_limit():
    """More redistributors than the affinity scheme names, and an SPI past the lines, are refused."""
    with pytest.raises(ValueError, match="1 to 256 redistributors, not 300"):
        GICv3(300)
    g, _ = make(2)
    with pytest.raises(ValueError, match=r"SPIs are interrupt IDs 32..95 \(SPIs 0..63\)"):
        g.spi_line(96)
