"""The irqlab command: demo and run FILE."""

import subprocess
import sys
import textwrap

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


def test_run_file_with_main(tmp_path):
    """`irqlab run FILE` runs a script's main(seed) and prints its dmesg."""
    f = tmp_path / "scen.py"
    f.write_text(textwrap.dedent('''
        import irqlab
        from irqlab.kernel import pr_info
        def main(seed):
            m = irqlab.boot("generic", cpus=2, seed=seed)
            m.spawn(lambda: pr_info("hello from seed %d\\n", seed))
            m.run()
            return m
    '''))
    r = subprocess.run([sys.executable, "-m", "irqlab", "run", str(f), "--plain", "--seed", "9"],
                       capture_output=True, text=True, check=True)
    assert "hello from seed 9" in r.stdout


def test_run_file_with_a_driver_module(tmp_path, capsys):
    """A file with module_init() is loaded with insmod, run and unloaded."""
    f = tmp_path / "hello_mod.py"
    f.write_text(textwrap.dedent('''
        from irqlab.kernel import pr_info
        def module_init():
            pr_info("hello: init\\n")
            return 0
        def module_exit():
            pr_info("hello: exit\\n")
    '''))
    assert main(["run", str(f), "--plain"]) == 0
    out = capsys.readouterr().out
    assert "hello_mod: loading out-of-tree module taints kernel." in out
    assert "hello: init" in out and "hello: exit" in out


def test_run_missing_file_is_a_clear_error(capsys):
    """A missing file exits 2 with a message naming it."""
    assert main(["run", "/nonexistent/x.py"]) == 2
    assert "no scenario file" in capsys.readouterr().err
