"""Hardware models: lines, registers and devices. They import only irqlab.sim, never the kernel."""

from irqlab.hw.line import Line

__all__ = ["Line"]
