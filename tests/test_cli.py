"""The irqlab command: demo."""

from irqlab.cli import main


def test_demo_plain_shows_the_rpi5_button_driver(capsys):
    """`irqlab demo --plain`: the seed 001 threaded button driver on rpi5, /proc/interrupts, LED timeline, latency."""
    assert main(["demo", "--plain"]) == 0
    out = capsys.readouterr().out
    assert "Successfully requested BUTTON1 IRQ # " in out and "Top half: IRQ " in out
    assert "Bottom half task starts" in out and "Bottom half task ends" in out
    assert "pinctrl-rp1  17 Edge      gpiomod#button1" in out
    assert "LED on" in out and "latency: GPIO17: press -> top half" in out


def test_core_demo_plain_prints_the_kernel_log(capsys):
    """`irqlab demo --core --plain` prints the core demo's dmesg: threads, the timer softirq and the caught bugs."""
    assert main(["demo", "--core", "--plain"]) == 0
    out = capsys.readouterr().out
    assert "demo: consumer: got item 2" in out
    assert "demo: timer: tick 3 in softirq" in out
    assert "BUG: sleeping function called from invalid context at kernel/locking/mutex.c:283" in out
    assert "BUG: scheduling while atomic: buggy/" in out


def test_demo_rich_output_has_tables(capsys):
    """Without --plain the demo adds a summary and /proc/softirqs."""
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "simulated time" in out and "TIMER:" in out and "LED on GPIO4" in out


