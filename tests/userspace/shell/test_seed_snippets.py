"""Every shell snippet of the seed texts, typed as written on a Pi 5 with the seed's gpiomod loaded:
the output 6.12 on the board gives, or the error the snippet itself earns (placeholders, 6.12's
GPIO numbering, a sysctl that does not exist)."""

import pathlib
import re

import pytest

import irqlab
from irqlab.cli_shell import commands

ROOT = pathlib.Path(__file__).resolve().parents[3]
SEEDS = ROOT.parent / "shared" / "seeds"
EXAMPLES = ROOT / "examples"

#: Each snippet command -> a regular expression its whole output must match.
EXPECTED = {
    "cat /proc/irq/IRQ_NUMBER/smp_affinity_list": r"cat: /proc/irq/IRQ_NUMBER/smp_affinity_list: No such file or directory\n",
    "echo 0 | sudo tee /proc/irq/IRQ_NUMBER/smp_affinity_list":
        r"tee: /proc/irq/IRQ_NUMBER/smp_affinity_list: No such file or directory\n0\n",
    "cat /proc/interrupts | grep <IRQ_NUMBER>": r"-bash: syntax error near unexpected token `newline'\n",
    "ls -l /sys/kernel/irq/<IRQ_NUMBER>/  # Shows driver name": r"-bash: IRQ_NUMBER: No such file or directory\n",
    "cat /sys/kernel/debug/gpio | grep GPIO17": r" gpio-529 \(GPIO17              \|LED 1 ON BUTTON     \) in  hi IRQ \n",
    "cat /proc/interrupts | grep gpiomod":
        r" 17: +\d+ +\d+ +\d+ +\d+  pinctrl-rp1  17 Edge      gpiomod#button1\n"
        r" 18: +\d+ +\d+ +\d+ +\d+  pinctrl-rp1  18 Edge      gpiomod#button2\n",
    "cat /sys/kernel/debug/gpio | grep gpio-17  # Should show IRQ edge configuration": r"",
    "echo 17 > /sys/class/gpio/export": r"-bash: echo: write error: Invalid argument\n",
    "echo in > /sys/class/gpio/gpio17/direction": r"-bash: /sys/class/gpio/gpio17/direction: No such file or directory\n",
    "cat /sys/class/gpio/gpio17/value  # Manually read button": r"cat: /sys/class/gpio/gpio17/value: No such file or directory\n",
    "echo 1 > /proc/sys/kernel/irq_time_tracking": r"-bash: /proc/sys/kernel/irq_time_tracking: No such file or directory\n",
    "watch -n 1 'cat /proc/interrupts | grep gpiomod'":
        r"(Every 1\.0s: cat /proc/interrupts \| grep\.\.\. raspberrypi: .+\n\n( 1[78]: .+gpiomod#button[12]\n){2}){3}\^C\n",
    "sudo apt install stress-ng": r"(?s)Reading package lists.+stress-ng is already the newest version \(0\.15\.06-2\)\.\n.+",
    "stress-ng --io 4 --cpu 4 --timeout 60s &": r"\[1\] \d+\n",
    # The background stress-ng speaks when it first runs, while the next line is being started.
    "while true; do\n    # Simulate rapid button presses\n    gpioset gpiochip0 17=0; sleep 0.01; gpioset gpiochip0 17=1; sleep 0.01\ndone &":
        r"stress-ng: info:  \[\d+\] setting to a 60 second run per stressor\n"
        r"stress-ng: info:  \[\d+\] dispatching hogs: 4 io, 4 cpu\n\[2\] \d+\n",
    # gpiomod holds GPIO17 (its button): every gpioset of the hammering loop is refused.
    "watch -d 'cat /proc/interrupts | grep button'":
        r"(?s)(gpioset: error setting the GPIO line values: Device or resource busy\n)+"
        r".*Every 2\.0s: cat /proc/interrupts \| grep\.\.\. raspberrypi: .+gpiomod#button1\n.+\^C\n",
    # Recording until Ctrl-C (the end of the 2.5 s), then trace-cmd writes trace.dat, one section per CPU;
    # meanwhile the background loop's gpiosets are still refused.
    "sudo trace-cmd record -e irq_handler_entry -e irq_handler_exit":
        r"Hit Ctrl\^C to stop recording\n(gpioset: error setting the GPIO line values: Device or resource busy\n)*\^C\n(CPU[0-3] data recorded at offset=0x[0-9a-f]+\n    \d+ bytes in size\n){4}",
    "sudo apt install irqbalance": r"(?s).+irqbalance is already the newest version \(1\.9\.2-1\)\.\n.+",
    # irqbalance in the foreground: its topology, interrupt database and NUMA nodes, until interrupted
    # (its first scan would come 10 s after the start); the hammering loop still runs in the background.
    "sudo irqbalance --debug":
        r"(?s)Prevent irq assignment to these isolated CPUs: 00000000\n.+"
        r"Package 0:  numa_node 0 cpu mask is 0000000f \(load 0\)\n.+Adding IRQ 17 to database\n"
        r"Adding IRQ 18 to database\n.+Daemon couldn't be bound to the file-based socket\.\n"
        r"(gpioset: error setting the GPIO line values: Device or resource busy\n)*\^C\n",
    "sudo apt install kernelshark": r"(?s).+E: Unable to locate package kernelshark\n",
}
#: Programs this board does not run: the snippet reports the missing command, as sudo does (none are left).
NOT_ON_THE_BOARD: dict[str, str] = {}


def seed_snippets() -> list[str]:
    """The commands of every ```bash block of the seed texts, comments-only lines left out."""
    out = []
    for path in sorted(SEEDS.glob("*.txt")):
        for block in re.findall(r"```(?:bash|sh|shell)\n(.*?)```", path.read_text(), re.S):
            out.extend(c for c in commands(block.splitlines()) if not c.lstrip().startswith("#"))
    return out


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"the seed texts are not beside this checkout ({SEEDS})")
def test_every_seed_snippet_prints_what_the_pi_5_prints():
    """Run each snippet in order in one session; every one is known and prints what is expected."""
    snippets = seed_snippets()
    assert set(snippets) == set(EXPECTED) | set(NOT_ON_THE_BOARD), "a seed snippet without an expectation"
    m = irqlab.boot("rpi5", seed=1)
    m.shell.add_host_file("gpiomod.py", str(EXAMPLES / "seed001_gpio_buttons.py"))
    assert m.sh("irqlab-hw button GPIO17; irqlab-hw button GPIO18; irqlab-hw led GPIO4; insmod gpiomod.ko").status == 0
    for cmd in snippets:
        out = m.sh(cmd, for_="2.5s").output
        if cmd in NOT_ON_THE_BOARD:
            assert out == f"sudo: {NOT_ON_THE_BOARD[cmd]}: command not found\n", cmd
        else:
            assert re.fullmatch(EXPECTED[cmd], out), (cmd, out)
