"""A shell on the simulated board: the tutorials' command lines, typed as they are written."""

from irqlab.userspace.shell.interp import Shell, ShellResult
from irqlab.userspace.shell.parse import ShellSyntaxError

__all__ = ["Shell", "ShellResult", "ShellSyntaxError"]
