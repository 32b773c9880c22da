"""The GIC-400 hardware model: pending/active states, priorities, IAR/EOIR/DIR, SGIs, routing."""

import pytest

from irqlab.hw.gic import GIC400, GICC_INT_SPURIOUS


def make(ncpus=2):
    g = GIC400(ncpus, 96)
    signals = []
    g.irq_signal = signals.append
    for c in range(ncpus):
        g.write_pmr(c, 0xF0)
    return g, signals


def test_level_spi_stays_pending_while_asserted_and_refires_after_deactivate():
    """A level SPI is pending while its input is high; after DIR it is pending (and signalled) again."""
    g, sig = make()
    line = g.spi_line(40)
    g.set_target(40, 0b01)
    g.set_enable(40, 0, True)
    line.assert_("dev")
    assert sig == [0]
    assert g.read_iar(0) == 40
    assert g.is_active(40, 0) and g.is_pending(40, 0)
    g.write_eoir(0, 40)
    assert g.read_iar(0) == GICC_INT_SPURIOUS  # active: not offered again before DIR
    g.write_dir(0, 40)
    assert sig == [0, 0]
    assert g.read_iar(0) == 40
    line.deassert("dev")
    g.write_eoir(0, 40)
    g.write_dir(0, 40)
    assert g.read_iar(0) == GICC_INT_SPURIOUS


def test_zero_length_pulse_on_a_level_input_is_missed_but_latched_on_an_edge_input():
    """Level inputs only pend while high; an edge input latches the rising edge."""
    g, sig = make()
    g.set_target(40, 1)
    g.set_target(41, 1)
    g.set_config(41, 0, True)
    for i in (40, 41):
        g.set_enable(i, 0, True)
    g.spi_line(40).pulse()
    g.spi_line(41).pulse()
    assert g.read_iar(0) == 41
    g.write_eoir(0, 41)
    g.write_dir(0, 41)
    assert g.read_iar(0) == GICC_INT_SPURIOUS


def test_edge_while_active_fires_once_more_after_deactivation():
    """Edges during the active state collapse into one pending edge."""
    g, _ = make()
    g.set_target(42, 1)
    g.set_config(42, 0, True)
    g.set_enable(42, 0, True)
    line = g.spi_line(42)
    line.pulse()
    assert g.read_iar(0) == 42
    line.pulse()
    line.pulse()
    g.write_eoir(0, 42)
    g.write_dir(0, 42)
    assert g.read_iar(0) == 42
    g.write_eoir(0, 42)
    g.write_dir(0, 42)
    assert g.read_iar(0) == GICC_INT_SPURIOUS


def test_priority_then_lowest_id_and_running_priority():
    """IAR gives the most urgent priority first, then the lowest ID; an active interrupt blocks equal or lower priority until its priority is dropped (EOIR)."""
    g, _ = make()
    for i, prio in ((50, 0xA0), (45, 0xA0), (60, 0x80)):
        g.set_target(i, 1)
        g.set_priority(i, 0, prio)
        g.set_config(i, 0, True)
        g.set_enable(i, 0, True)
        g.spi_line(i).pulse()
    assert g.read_iar(0) == 60
    assert g.read_iar(0) == GICC_INT_SPURIOUS  # running priority 0x80 masks the 0xA0 ones
    g.write_eoir(0, 60)
    assert g.read_iar(0) == 45
    g.write_eoir(0, 45)
    assert g.read_iar(0) == 50


def test_masked_interrupt_stays_pending_and_targets_route_spis():
    """A disabled SPI keeps its pending state; its target register picks the CPU interface."""
    g, sig = make()
    g.set_target(43, 0b10)
    g.set_config(43, 0, True)
    g.spi_line(43).pulse()
    assert sig == [] and g.is_pending(43, 0)
    g.set_enable(43, 1, True)
    assert sig == [1]
    assert g.read_iar(0) == GICC_INT_SPURIOUS
    assert g.read_iar(1) == 43


def test_sgi_carries_the_source_cpu_in_iar():
    """SGIs are banked per target CPU with the sender in IAR bits 12:10; DIR needs that value back."""
    g, sig = make(4)
    for c in range(4):
        g.set_enable(1, c, True)
    g.write_sgir(2, 0b1000, 1)
    assert sig == [3]
    v = g.read_iar(3)
    assert v == (2 << 10) | 1
    g.write_eoir(3, v)
    g.write_dir(3, v)
    assert not g.is_active(1, 3)


def test_ppi_is_per_cpu_and_disabled_interface_signals_nothing():
    """PPI 30 of CPU1 is independent of CPU0's; a disabled CPU interface returns spurious."""
    g, sig = make()
    g.set_enable(30, 1, True)
    g.set_ppi_input(1, 30, True)
    assert sig == [1]
    assert g.read_iar(0) == GICC_INT_SPURIOUS
    g.cpuif_enable(1, False)
    assert g.read_iar(1) == GICC_INT_SPURIOUS
    g.cpuif_enable(1, True)
    assert g.read_iar(1) == 30


def test_bad_configuration_is_rejected():
    """Out-of-range SPI numbers and CPU counts name the valid range."""
    with pytest.raises(ValueError, match="1 to 8"):
        GIC400(9)
    g, _ = make()
    with pytest.raises(ValueError, match="SPIs are interrupt IDs 32..95"):
        g.spi_line(20)


def test_one_of_n_spi_moves_to_the_next_enabled_interface_and_back():
    """An SPI targeting CPUs 0 and 1 goes to CPU0; with CPU0's interface disabled CPU1 takes it, and again CPU0 once re-enabled."""
    g, sig = make()
    line = g.spi_line(44)
    g.set_enable(44, 0, True)
    g.set_target(44, 0b11)
    g.cpuif_enable(0, False)
    line.assert_("dev")
    assert sig == [1]
    assert g.read_iar(0) == GICC_INT_SPURIOUS and g.read_iar(1) == 44
    g.write_eoir(1, 44)
    g.write_dir(1, 44)
    g.cpuif_enable(0, True)
    assert sig == [1, 0]  # CPU1 still signals (no spurious IAR read yet); CPU0 is signalled anew
    assert g.read_iar(0) == 44
