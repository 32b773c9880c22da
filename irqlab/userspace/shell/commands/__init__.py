"""The commands of the simulated board, by name: what ``$PATH`` finds."""

from irqlab.userspace.shell.commands import coreutils, gpio_tools, kernel_tools

COMMANDS = {**coreutils.COMMANDS, **kernel_tools.COMMANDS, **gpio_tools.COMMANDS}

__all__ = ["COMMANDS"]
