"""Interrupt-controller drivers: the kernel side of controllers (drivers/irqchip/)."""
