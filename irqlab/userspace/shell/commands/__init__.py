"""The commands of the simulated board, by name: what ``$PATH`` finds."""

from irqlab.userspace.shell.commands import coreutils, kernel_tools

COMMANDS = {**coreutils.COMMANDS, **kernel_tools.COMMANDS}

__all__ = ["COMMANDS"]
