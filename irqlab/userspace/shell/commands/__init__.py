"""The commands of the simulated board, by name: what ``$PATH`` finds."""

from irqlab.userspace.shell.commands import (
    bench,
    coreutils,
    gpio_tools,
    kernel_tools,
    load_tools,
    measure_tools,
    packages,
    timeout,
    trace_cmd,
)

COMMANDS = {**coreutils.COMMANDS, **kernel_tools.COMMANDS, **gpio_tools.COMMANDS,
            **load_tools.COMMANDS, **bench.COMMANDS,
            **packages.COMMANDS}
COMMANDS.update(trace_cmd.COMMANDS)
COMMANDS.update(measure_tools.COMMANDS)
COMMANDS.update(timeout.COMMANDS)

__all__ = ["COMMANDS"]
