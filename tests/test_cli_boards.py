"""`irqlab boards`: each board's CPUs, HZ, preemption model, interrupt controllers and GPIOs."""

import pytest

import irqlab.cli_boards
from irqlab.cli import main


@pytest.fixture(autouse=True)
def shipped_boards_only(monkeypatch):
    """The three boards irqlab ships (a test elsewhere may have registered a variant of its own)."""
    boards = {n: b for n, b in irqlab.cli_boards.BOARDS.items() if n in ("rpi5", "pc", "generic")}
    monkeypatch.setattr(irqlab.cli_boards, "BOARDS", boards)


def test_boards_plain_lists_every_board_from_its_boot(capsys):
    """The listing is read from each booted board: the Pi 5's GIC and RP1 GPIO domains, the PC's IO-APIC."""
    assert main(["boards", "--plain"]) == 0
    assert capsys.readouterr().out == (
        "rpi5: Raspberry Pi 5 Model B Rev 1.0\n"
        "  arch: arm64, kernel 6.12.25+rpt-rpi-2712\n"
        "  CPUs: 4  HZ: 250  preempt: full\n"
        "  interrupt controllers: /soc/interrupt-controller@7d500000 (320 hwirqs), "
        "/axi/pcie@120000/rp1/gpio@d0000 (54 hwirqs)\n"
        "  GPIO: pinctrl-rp1 GPIO0-53 (base 512, header: GPIO0-27 (28 named lines))\n"
        "generic: irqlab generic SMP machine\n"
        "  arch: arm64, kernel 6.12.25-irqlab\n"
        "  CPUs: 4  HZ: 250  preempt: full\n"
        "  interrupt controllers: /soc/interrupt-controller@7d500000 (320 hwirqs), irq_sim (32 hwirqs)\n"
        "  GPIO: none\n"
        "pc: QEMU Standard PC (Q35 + ICH9, 2009)\n"
        "  arch: x86, kernel 6.12.25-amd64\n"
        "  CPUs: 2  HZ: 250  preempt: voluntary\n"
        "  interrupt controllers: IO-APIC0 (120 hwirqs)\n"
        "  GPIO: none\n"
    )


def test_boards_table(capsys):
    """Without --plain the same data comes as a table."""
    assert main(["boards"]) == 0
    out = capsys.readouterr().out
    assert "irqlab boards" in out and "IO-APIC0" in out and "voluntary" in out and "pinctrl-rp1" in out
