"""/proc and /sys views, rendered from kernel state in the kernel's exact formats."""

from irqlab.fs.procfs import ProcFS

__all__ = ["ProcFS"]
